"""The `runtime_difference` marker: a test that documents what one Dapr line does and the
other does not (docs/runtimes.md).

    @pytest.mark.runtime_difference("1.14", "resume of a running instance fails it")

runs on the lines named and, on any other, is reported as skipped with the difference in
its reason (`-ra` prints it in the summary): never a silent skip.
"""

import pytest

from app.building_blocks.sdk_line import SDK_LINE
from devstack.runtime import LINE

MARKER = "runtime_difference"


def check_lines_agree() -> None:
    """The venv's SDK line and the runtime devstack starts are the same line: a 1.18 venv
    against 1.14 binaries (or the other way) would test neither."""
    if LINE.line != SDK_LINE:
        raise pytest.UsageError(
            f"this venv has the Dapr {SDK_LINE} SDK but ORDERFLOW_DAPR selects {LINE.line}: "
            f"run through `make ... DAPR={SDK_LINE}`"
        )


def skip_on_other_lines(items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker(MARKER)
        if marker is None:
            continue
        *lines, difference = marker.args
        if LINE.line not in lines:
            reason = f"runtime difference, holds on {'/'.join(lines)} only: {difference}"
            item.add_marker(pytest.mark.skip(reason=reason))
