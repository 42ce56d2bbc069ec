"""What activity groups receive and expose."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from app.building_blocks.actors import ActorGateway
from app.building_blocks.bindings import BindingsManager
from app.building_blocks.invoke import ServiceInvoker
from app.building_blocks.loop_bridge import LoopBridge
from app.building_blocks.pubsub import PubSubManager
from app.building_blocks.secrets import SecretsManager
from app.building_blocks.workflow_admission import WorkflowAdmission
from app.feature_flags import FeatureFlags
from app.order_views import OrderViews
from app.records.books_records import BooksRecords
from app.records.inventory_index import AuditRecords, SkuIndex
from app.records.workflow_index import WorkflowIndex, WorkflowProgress
from app.settings import Settings

ActivityFn = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class ActivityDeps:
    """The ports activities may use; built once by bootstrap.

    Activities run on the workflow worker's threads and every port is async: they call
    it through `loop.run`, which runs the coroutine on the app's loop.
    """

    loop: LoopBridge
    actors: ActorGateway
    progress: WorkflowProgress
    skus: SkuIndex
    audits: AuditRecords
    books: BooksRecords  # the last books audit
    instances: WorkflowIndex  # the instance index: which orders exist (the books audit)
    invoker: ServiceInvoker
    secrets: SecretsManager
    bindings: BindingsManager
    pubsub: PubSubManager
    flags: FeatureFlags
    settings: Settings
    admission: WorkflowAdmission  # an order waiting for a person leaves the count
    order_views: OrderViews  # each step leaves the actor's new view for status reads
    payment_key_header: str  # the payment provider's API-key header (its contract)


class ActivityGroup(Protocol):
    """A class of related activities built with its dependencies."""

    def __init__(self, deps: ActivityDeps) -> None: ...

    def activities(self) -> list[ActivityFn]:
        """The bound methods to register; each is registered under its method name."""
        ...
