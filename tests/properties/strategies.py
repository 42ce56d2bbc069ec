"""Hypothesis strategies for CloudEvents and their data."""

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from app.building_blocks.cloudevents import CloudEvent
from app.building_blocks.ids import CLIENT_ID_PATTERN

# Any JSON document: what a JSON-format CloudEvent can carry as `data`. Integers are not
# bounded (daprd decodes numbers with UseNumber, so they pass through exactly); floats
# are finite because NaN and infinities are not JSON.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)

# What PubSubManager publishes: JSON, or bytes (sent as data_base64).
event_data: st.SearchStrategy[Any] = json_values | st.binary(max_size=256)

non_blank_text = st.text(min_size=1, max_size=40).filter(lambda text: bool(text.strip()))

offsets = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
)
times = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=offsets
)

# CloudEvents extension attribute names are lower-case letters and digits.
extension_names = st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True).filter(
    lambda name: name not in CloudEvent.model_fields and name != "data_base64"
)
extensions = st.dictionaries(
    extension_names, st.text(max_size=20) | st.integers() | st.booleans(), max_size=3
)

traceparents = st.builds(
    lambda trace, span: f"00-{trace:032x}-{span:016x}-01",
    st.integers(1, 2**128 - 1),
    st.integers(1, 2**64 - 1),
)

cloud_events: st.SearchStrategy[CloudEvent] = st.builds(
    CloudEvent,
    type=non_blank_text,
    source=non_blank_text,
    id=non_blank_text,
    time=st.none() | times,
    datacontenttype=st.sampled_from(["application/json", "application/octet-stream"]),
    data=event_data,
    traceparent=st.none() | traceparents,
    tracestate=st.none() | st.just("orderflow=00f067aa0ba902b7"),
    extensions=extensions,
)

# Ids a client may choose (app/building_blocks/ids.py): the full allowed alphabet, any
# length the rule allows. fullmatch: with `$` alone, from_regex may add a trailing "\n".
client_ids = st.from_regex(CLIENT_ID_PATTERN, fullmatch=True)
