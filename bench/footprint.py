"""Resident memory of the stack's processes (VmRSS from /proc), sampled while load runs."""

import os
import threading
from pathlib import Path
from types import TracebackType


def rss_mb(pid: int | None) -> float:
    """VmRSS of `pid` in MB (10^6 bytes); 0.0 if it is gone or unknown."""
    if pid is None:
        return 0.0
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


class PeakRss:
    """Samples the processes' RSS every `interval_s` in a thread; keeps each one's peak."""

    def __init__(self, pids: dict[str, int | None], interval_s: float = 0.2) -> None:
        self._pids = pids
        self._interval_s = interval_s
        self.peak_mb = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)

    def _sample(self) -> None:
        while True:
            for name, pid in self._pids.items():
                self.peak_mb[name] = max(self.peak_mb[name], rss_mb(pid))
            if self._stop.wait(self._interval_s):
                return

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time the process has used so far (0.0 if it is gone)."""
    if pid is None:
        return 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    # Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
