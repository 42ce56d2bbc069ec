"""One supervised child process: started with its own log, stopped with its whole group."""

import contextlib
import ctypes
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child before exec: if the supervisor dies, even by SIGKILL, the kernel
    sends the child SIGTERM, so no daprd or placement is left behind."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class ManagedProcess:
    name: str
    argv: Sequence[str]
    log_path: Path
    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)
    # The signal that asks for a clean exit. PostgreSQL wants SIGINT (fast shutdown): its
    # SIGTERM waits for every client, and `runuser` answers SIGTERM by killing its child
    # with SIGKILL two seconds later.
    stop_signal: signal.Signals = signal.SIGTERM
    _popen: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    def start(self) -> None:
        if self.is_running():
            raise RuntimeError(f"{self.name} is already running")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n--- starting {self.name}: {' '.join(self.argv)}\n".encode())
            log.flush()
            self._popen = subprocess.Popen(
                list(self.argv),
                cwd=self.cwd,
                env={**os.environ, **self.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops us in order
                preexec_fn=_die_with_parent,
            )

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    def is_running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def exit_code(self) -> int | None:
        return self._popen.poll() if self._popen else None

    def stop(self, grace_s: float = 10.0) -> None:
        """Send `stop_signal` to the process group, then SIGKILL what is left after `grace_s`."""
        if self._popen is None:
            return
        if self._popen.poll() is None:
            self._signal_group(self.stop_signal)
            try:
                self._popen.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self._popen.wait(timeout=5)
        self._popen = None

    def send(self, signum: signal.Signals) -> None:
        """Send one signal to the process group, and leave it running (e.g. SIGTERM to
        start a drain that the caller then waits for)."""
        if self._popen is not None and self._popen.poll() is None:
            self._signal_group(signum)

    def wait(self, timeout_s: float) -> None:
        """Wait for the process to exit by itself; SIGKILL it after `timeout_s`."""
        if self._popen is None:
            return
        try:
            self._popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            self._popen.wait(timeout=5)
        self._popen = None

    def kill(self) -> None:
        """SIGKILL at once, as a crash would."""
        if self._popen is not None and self._popen.poll() is None:
            self._signal_group(signal.SIGKILL)
            self._popen.wait(timeout=5)
        self._popen = None

    def _signal_group(self, signum: int) -> None:
        assert self._popen is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._popen.pid, signum)

    def log_tail(self, lines: int = 30) -> str:
        try:
            with self.log_path.open(errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except FileNotFoundError:
            return "(no log written)"
