"""The one id rule for order ids, workflow instance ids and the child ids derived from them.

Client ids (orders, workflow instances started through the API) are letters, digits and
`._-`, first a letter or digit, at most 128 characters. No ':': daprd 1.14 names an
instance's activities "<id>::<task>::<generation>", and an id ending in ':' or containing
'::' left the activity unable to report back (the instance retried forever, measured
against daprd 1.14.4). A child workflow's id is its parent's id, ':' and a role
(`order-1:shipping`): clients cannot use ':', so no client id ever equals a derived id,
and a derived id has neither a trailing ':' nor '::'.
"""

import re

_FIRST = "A-Za-z0-9"
_REST = "A-Za-z0-9._-"
CLIENT_ID_MAX_LENGTH = 128
CHILD_SEPARATOR = ":"
# `^...$` for pydantic and OpenAPI (ECMA `$` is the end of input); Python callers use
# `fullmatch`, since Python's `$` also matches before a trailing newline.
CLIENT_ID_PATTERN = rf"^[{_FIRST}][{_REST}]{{0,{CLIENT_ID_MAX_LENGTH - 1}}}$"
_ROLE_MAX_LENGTH = 32
_ROLE = f"[a-z][a-z_]{{0,{_ROLE_MAX_LENGTH - 1}}}"
INSTANCE_ID_MAX_LENGTH = CLIENT_ID_MAX_LENGTH + len(CHILD_SEPARATOR) + _ROLE_MAX_LENGTH
# Names the API takes beside ids: workflow names, event names, actor types and methods.
NAME_MAX_LENGTH = 100
# What can be read: a client id, or a child id derived from one.
INSTANCE_ID_PATTERN = (
    rf"^[{_FIRST}][{_REST}]{{0,{CLIENT_ID_MAX_LENGTH - 1}}}(?:{CHILD_SEPARATOR}{_ROLE})?$"
)
_CLIENT_ID = re.compile(CLIENT_ID_PATTERN)
_INSTANCE_ID = re.compile(INSTANCE_ID_PATTERN)
_ROLE_ONLY = re.compile(_ROLE)


def is_client_id(value: str) -> bool:
    """True if a client may choose `value` as an order or instance id."""
    return _CLIENT_ID.fullmatch(value) is not None


def is_instance_id(value: str) -> bool:
    """True if `value` is a client id or a child id derived from one."""
    return _INSTANCE_ID.fullmatch(value) is not None


def child_instance_id(parent_id: str, role: str) -> str:
    """The id of `parent_id`'s child workflow that plays `role` (e.g. `shipping`)."""
    if not is_client_id(parent_id) or _ROLE_ONLY.fullmatch(role) is None:
        raise ValueError(f"no child id can be derived from {parent_id!r} and {role!r}")
    return f"{parent_id}{CHILD_SEPARATOR}{role}"
