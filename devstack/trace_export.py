"""Where the stack's processes send their spans: the app (OTLP/HTTP, from its settings)
and every daprd (a Configuration with `spec.tracing.otel`).

daprd reads tracing only from its static Configuration file, so with an endpoint set the
stack renders the profile's config.yaml, with the otel block and the sampling rate, into
its data directory and points every daprd at that copy.
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ENDPOINT_VARIABLE = "ORDERFLOW_OTLP_ENDPOINT"
SAMPLING_VARIABLE = "ORDERFLOW_TRACE_SAMPLING_RATIO"
# The profiles' config.yaml say `samplingRate: "1"` under `tracing:`; that line is replaced.
_SAMPLING_LINE = re.compile(r'^(?P<indent>\s+)samplingRate: "[^"]*"\s*$', re.MULTILINE)


@dataclass(frozen=True)
class TraceExport:
    """An OTLP/HTTP collector (`http://host:port`, spans go to /v1/traces) and the share
    of new traces to sample. `batch_delay_ms` shortens the exporters' batching (5 s by
    default, in Python and Go alike), for tests that wait for spans."""

    endpoint: str
    sampling_ratio: float = 1.0
    batch_delay_ms: int | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname or not parts.port:
            raise ValueError(
                f"{ENDPOINT_VARIABLE} must be an OTLP/HTTP base URL with a port, such as "
                f"http://127.0.0.1:4318; got {self.endpoint!r}"
            )
        if not 0 <= self.sampling_ratio <= 1:
            raise ValueError(f"{SAMPLING_VARIABLE} must be between 0 and 1")

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "TraceExport | None":
        endpoint = env.get(ENDPOINT_VARIABLE, "").strip()
        if not endpoint:
            return None
        ratio = env.get(SAMPLING_VARIABLE, "").strip() or "1"
        try:
            return cls(endpoint, float(ratio))
        except ValueError as error:
            if "could not convert" in str(error):
                raise ValueError(f"{SAMPLING_VARIABLE} must be a number; got {ratio!r}") from None
            raise

    @property
    def address(self) -> str:
        """host:port, as daprd's otel exporter wants it."""
        parts = urlsplit(self.endpoint)
        return f"{parts.hostname}:{parts.port}"

    def app_env(self) -> dict[str, str]:
        return {
            ENDPOINT_VARIABLE: self.endpoint,
            SAMPLING_VARIABLE: str(self.sampling_ratio),
            **self.exporter_env(),
        }

    def exporter_env(self) -> dict[str, str]:
        """Read by the OpenTelemetry SDKs of both the app and daprd."""
        if self.batch_delay_ms is None:
            return {}
        return {"OTEL_BSP_SCHEDULE_DELAY": str(self.batch_delay_ms)}

    def render_config(self, profile_config: Path, into: Path) -> Path:
        """The profile's Configuration with this export; written to `into`, returned."""
        text = profile_config.read_text()
        if not _SAMPLING_LINE.search(text):
            raise ValueError(f"{profile_config} has no `samplingRate` line under tracing")

        def with_otel(match: re.Match[str]) -> str:
            indent = match.group("indent")
            secure = "true" if self.endpoint.startswith("https") else "false"
            return (
                f'{indent}samplingRate: "{self.sampling_ratio:g}"\n'
                f"{indent}otel:\n"
                f'{indent}  endpointAddress: "{self.address}"\n'
                f"{indent}  isSecure: {secure}\n"
                f"{indent}  protocol: http"
            )

        into.write_text(
            f"# Rendered by devstack from {profile_config}, exporting spans to "
            f"{self.endpoint}.\n" + _SAMPLING_LINE.sub(with_otel, text, count=1)
        )
        return into
