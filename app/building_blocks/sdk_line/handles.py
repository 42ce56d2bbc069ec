"""Private handles into the SDKs, each read or set here only, with why.

None of these is public SDK API; each was checked against both locked SDK lines (1.14:
dapr 1.14.1, dapr-ext-workflow 0.5.0, durabletask 0.1.1a1; 1.18: 1.18.3), and the unit
tests of this package fail when a line moves one.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from dapr.actor.runtime.runtime import ActorRuntime
from dapr.clients.health import DaprHealth
from dapr.conf import settings as _dapr_sdk_settings
from dapr.ext.workflow import DaprWorkflowClient, WorkflowRuntime
from dapr.ext.workflow.logger import LoggerOptions

from app.building_blocks.sdk_line import SDK_LINE

# The SDK's process-wide settings: a plain attribute bag the actor proxies, the HTTP
# clients and the workflow clients read on every construction (both lines).
sdk_settings: Any = _dapr_sdk_settings

# The blocking sidecar probe every SDK client constructor runs (urllib, up to 60 s, against
# the sidecar the settings name): 1.14 calls `wait_until_ready`, 1.18 `wait_for_sidecar`
# (`wait_until_ready` is only its deprecated alias there).
_SIDECAR_PROBE = "wait_until_ready" if SDK_LINE == "1.14" else "wait_for_sidecar"

# The period of a reminder that fires once. daprd 1.14 reads a zero period ("0h0m0s...")
# as one-shot; 1.18's scheduler repeats it without pause (one hold reminder fired 45,087
# times in one test session), and takes an absent period (JSON null) as one-shot.
ONE_SHOT_PERIOD: timedelta | None = timedelta(0) if SDK_LINE == "1.14" else None

# durabletask 0.1.1a1's worker runs every work item on a pool of this many threads, fixed in
# its source (worker.py); 1.18's pool defaults to cores + 4 and takes a size, so both lines
# run the same 16, within which daprd's Configuration keeps the engine's concurrency limits
# (dapr/config/*/config.yaml; tests/unit/app/building_blocks/test_engine_limits.py).
SDK_WORKER_THREADS = 16


@contextmanager
def sdk_client_for(api_token: str | None) -> Iterator[None]:
    """While an SDK client is built (on the loop thread), the process-wide settings serve
    it: its constructor's blocking probe is off (it would poll the sidecar the settings
    name, maybe another than ours, which the caller has checked asynchronously), and it
    takes its gRPC API token from them, so they hold `api_token`."""
    original_probe = getattr(DaprHealth, _SIDECAR_PROBE)
    original_token = sdk_settings.DAPR_API_TOKEN
    setattr(DaprHealth, _SIDECAR_PROBE, staticmethod(lambda: None))
    sdk_settings.DAPR_API_TOKEN = api_token
    try:
        yield
    finally:
        setattr(DaprHealth, _SIDECAR_PROBE, original_probe)
        sdk_settings.DAPR_API_TOKEN = original_token


def workflow_runtime(host: str, port: int, logger_options: LoggerOptions) -> WorkflowRuntime:
    """The SDK's workflow runtime on our sidecar, its worker pool SDK_WORKER_THREADS."""
    if SDK_LINE == "1.14":  # the 0.5.0 constructor takes no pool size (fixed at 16)
        return WorkflowRuntime(host=host, port=str(port), logger_options=logger_options)
    return WorkflowRuntime(  # type: ignore[call-arg, unused-ignore]
        host=host,
        port=str(port),
        logger_options=logger_options,
        maximum_thread_pool_workers=SDK_WORKER_THREADS,
    )


def worker_stream(runtime: WorkflowRuntime) -> Any | None:
    """The worker's open work-item stream (a grpc future), or None: the SDK exposes no
    connection state, so this reads the runtime's private worker and its stream handle
    (`_WorkflowRuntime__worker._response_stream` on both lines)."""
    worker = getattr(runtime, "_WorkflowRuntime__worker", None)
    return getattr(worker, "_response_stream", None)


def durabletask_client(client: DaprWorkflowClient) -> Any:
    """The durabletask client a DaprWorkflowClient wraps (`__obj`, private on both lines):
    its `_stub` is the TaskHubSidecarService stub every workflow call goes through."""
    return client._DaprWorkflowClient__obj  # type: ignore[attr-defined, unused-ignore]


def wrap_client_stub(client: DaprWorkflowClient, wrap: Callable[[Any], Any]) -> None:
    """Route the workflow client's calls through `wrap(stub)`: the SDK client fixes its
    metadata at construction and offers no hook (both lines)."""
    inner = durabletask_client(client)
    inner._stub = wrap(inner._stub)


def runtime_http_clients() -> list[Any]:
    """The SDK `DaprHttpClient` of every registered actor type's runtime context (private
    attributes on both lines: managers -> context -> actor client -> client);
    `ActorRuntime.register_actor` builds them with no way to pass a retry policy."""
    managers = ActorRuntime._actor_managers.values()
    actor_clients = [manager._runtime_ctx.dapr_client for manager in managers]
    return [client._client for client in actor_clients if hasattr(client, "_client")]
