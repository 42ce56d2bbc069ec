"""What `orderflow` exits with: scripts branch on these (also in `orderflow --help`)."""

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    REFUSED = 1  # any other 4xx the API answered
    USAGE = 2  # bad arguments (Click's own code)
    NOT_FOUND = 3  # 404: no such instance, order, SKU or workflow name
    CONFLICT = 4  # 409: the instance or order cannot do that now (e.g. approve a shipped order)
    INVALID = 5  # 422: the API refused the input (its fields at fault are printed)
    BUSY = 6  # 429: the service runs as many orders as it can; try after Retry-After
    SERVER = 7  # 5xx: the service or its sidecar failed
    UNREACHABLE = 8  # no answer from the URL
    TIMED_OUT = 9  # `wait`: the instance had not ended when the timeout passed
    ENDED_BADLY = 10  # `wait`: the instance ended FAILED or TERMINATED
    UNAUTHENTICATED = 11  # 401: no token, or an expired or foreign one (--token)
    FORBIDDEN = 12  # 403: the token lacks the scope the command needs


def for_status(status: int) -> Exit:
    """The exit code for an HTTP error status."""
    known = {
        401: Exit.UNAUTHENTICATED,
        403: Exit.FORBIDDEN,
        404: Exit.NOT_FOUND,
        409: Exit.CONFLICT,
        422: Exit.INVALID,
        429: Exit.BUSY,
    }
    if status in known:
        return known[status]
    return Exit.SERVER if status >= 500 else Exit.REFUSED


HELP = """Exit codes: 0 ok; 1 refused (other 4xx); 2 usage; 3 not found (404); 4 conflict
(409); 5 invalid input (422); 6 busy (429); 7 server error (5xx); 8 unreachable; 9 wait
timed out; 10 wait ended FAILED or TERMINATED; 11 not authenticated (401); 12 token lacks
the scope (403)."""
