"""The CloudEvents 1.0 envelope daprd delivers to subscription routes."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TopicStatus = Literal["SUCCESS", "RETRY", "DROP"]


class CloudEventIn(BaseModel):
    """The fields a handler relies on; anything else in the envelope is kept, not checked."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=200)
    source: str = ""
    type: str = ""
    specversion: str = "1.0"
    topic: str = ""
    data: Any = None


class TopicResponse(BaseModel):
    """What daprd expects back: SUCCESS acks, RETRY redelivers, DROP discards."""

    status: TopicStatus
