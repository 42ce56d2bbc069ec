"""The stack's trace export: the daprd Configuration it renders and the variables it sets."""

from pathlib import Path

import pytest

from devstack.runtime import DAPR_DIR
from devstack.trace_export import TraceExport


@pytest.mark.parametrize("profile", ["local", "full"])
def test_rendered_config_exports_over_otlp_http(profile: str, tmp_path: Path) -> None:
    """Each profile's Configuration gains the otel block (host:port, plain HTTP) and the
    sampling rate, and keeps everything else it says."""
    source = DAPR_DIR / "config" / profile / "config.yaml"
    export = TraceExport("http://127.0.0.1:4318", sampling_ratio=0.25)
    rendered = export.render_config(source, tmp_path / "dapr-config.yaml").read_text()
    assert '    samplingRate: "0.25"\n' in rendered
    assert (
        '    otel:\n      endpointAddress: "127.0.0.1:4318"\n'
        "      isSecure: false\n      protocol: http\n"
    ) in rendered
    kept = [line for line in source.read_text().splitlines() if "samplingRate" not in line]
    assert all(line in rendered.splitlines() for line in kept)


def test_from_env_reads_endpoint_and_ratio() -> None:
    """No endpoint, no export; the ratio defaults to 1; the app gets both variables."""
    assert TraceExport.from_env({}) is None
    export = TraceExport.from_env({"ORDERFLOW_OTLP_ENDPOINT": "https://otel.example:4318"})
    assert export is not None
    assert export.sampling_ratio == 1.0
    assert export.address == "otel.example:4318"
    assert export.app_env()["ORDERFLOW_OTLP_ENDPOINT"] == "https://otel.example:4318"
    assert export.exporter_env() == {}
    assert TraceExport("http://h:1", batch_delay_ms=200).exporter_env() == {
        "OTEL_BSP_SCHEDULE_DELAY": "200"
    }


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ORDERFLOW_OTLP_ENDPOINT": "127.0.0.1:4318"}, "base URL with a port"),
        ({"ORDERFLOW_OTLP_ENDPOINT": "http://collector"}, "base URL with a port"),
        (
            {"ORDERFLOW_OTLP_ENDPOINT": "http://h:4318", "ORDERFLOW_TRACE_SAMPLING_RATIO": "x"},
            "must be a number",
        ),
        (
            {"ORDERFLOW_OTLP_ENDPOINT": "http://h:4318", "ORDERFLOW_TRACE_SAMPLING_RATIO": "2"},
            "between 0 and 1",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_variable_named(
    env: dict[str, str], message: str
) -> None:
    """A malformed endpoint or ratio stops `make run` with a message naming the fix."""
    with pytest.raises(ValueError, match=message):
        TraceExport.from_env(env)
