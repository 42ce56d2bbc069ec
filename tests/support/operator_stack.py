"""The operators' stack: the one the dashboard's and the CLI's tests drive.

A local-profile stack like the session's, but orders wait 10 minutes for approval (6 s in
the session's), so a person's steps, slow on a loaded machine, never race the approval
timer. `python -m tests.support.operator_stack` starts one to look at by hand.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devstack.build import build
from devstack.stack import Stack
from devstack.stack_config import StackConfig

APPROVAL_TIMEOUT = "PT600S"


def operator_stack_config(root: Path, app_env: dict[str, str]) -> StackConfig:
    return StackConfig.throwaway(root, {**app_env, "ORDERFLOW_APPROVAL_TIMEOUT": APPROVAL_TIMEOUT})


@contextmanager
def operator_stack(root: Path, app_env: dict[str, str]) -> Iterator[Stack]:
    """Build the runtime if missing, start the stack, stop it at the end; a start that
    fails raises (every test that needs it fails)."""
    build()
    with Stack(operator_stack_config(root, app_env), progress=lambda _: None) as stack:
        yield stack


if __name__ == "__main__":
    import tempfile
    import time

    from tests.conftest import TEST_APP_ENV

    with operator_stack(Path(tempfile.mkdtemp(prefix="operator-")), TEST_APP_ENV) as running:
        os.write(1, f"{running.app_url}/ui\n".encode())
        while True:
            time.sleep(60)
