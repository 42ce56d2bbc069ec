"""A full-profile stack config of a test's own.

Its data dir is a fresh directory outside pytest's temp dir: PostgreSQL runs as the
`postgres` user, who must reach its cluster, and pytest keeps its base temp dir closed to
other users (0700). Logs stay with pytest's temp dirs; the data goes afterwards.
"""

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from devstack.stack_config import StackConfig


@contextmanager
def full_profile_config(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    app_env: Mapping[str, str],
    with_payment: bool = False,
) -> Iterator[StackConfig]:
    """Free ports, data under /tmp/orderflow-<name>-*, logs under pytest's `<name>` dir."""
    data_root = Path(tempfile.mkdtemp(prefix=f"orderflow-{name}-"))
    data_root.chmod(0o711)  # others may pass through, not list
    try:
        yield replace(
            StackConfig.throwaway(data_root, app_env, with_payment=with_payment),
            profile="full",
            log_dir=tmp_path_factory.mktemp(name) / "logs",
        )
    finally:
        shutil.rmtree(data_root, ignore_errors=True)
