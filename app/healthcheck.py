"""The image's HEALTHCHECK (`python -m app.healthcheck`): exit 0 when the liveness route
answers 200. Standard library only: the image has no curl, and this must not start the app.

The port is the one the process was told to serve on: UVICORN_PORT (payment-service) or
ORDERFLOW_APP_PORT (the order service); the path is ORDERFLOW_HEALTH_PATH.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("UVICORN_PORT") or os.environ.get("ORDERFLOW_APP_PORT", "8000")
    path = os.environ.get("ORDERFLOW_HEALTH_PATH", "/health/live")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as answer:
            return 0 if answer.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        sys.stderr.write(f"health check on port {port}{path} failed: {error}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
