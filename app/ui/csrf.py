"""The dashboard's session cookie and the form value that goes with it (app/ui/session.py)."""

import hashlib

SESSION_COOKIE = "orderflow_session"


def csrf_for(token: str) -> str:
    """The form value of a session: only someone who holds its token can make it, so a
    page of another site cannot forge a form post that carries the operator's cookie."""
    return hashlib.sha256(b"orderflow-dashboard-form:" + token.encode()).hexdigest()[:40]
