"""The one seam between the Dapr SDK lines the service runs on (docs/runtimes.md).

Two SDK lines are locked: 1.14 (dapr 1.14.1, dapr-ext-workflow 0.5.0 over durabletask
0.1.1a1; requirements.lock) and 1.18 (dapr and dapr-ext-workflow 1.18.3, which bundles its
own durabletask as `dapr.ext.workflow._durabletask`; requirements-1.18.lock). Everything
that differs between them, and every reach into a private SDK attribute or global, lives
in this package, each with its reason:

- `durabletask`: where the workflow engine's Python half lives (Task, TaskFailedError,
  the worker, the protobufs).
- `suspension`, `channels`: patches of SDK behaviour (a paused instance's replay, the
  channels' reconnect backoff).
- `handles`: private handles (the clients' blocking sidecar probe, the worker's stream,
  the clients' stubs, the actor runtime's HTTP clients, the SDK's process-wide settings).
- `features`: what only the 1.18 runtime and SDK offer (custom status, the runtime's
  instance list and history, recursive purge), each with the 1.14 answer beside it.

Domain code asks this package, never the installed version.
"""

from datetime import timedelta
from importlib.metadata import version

# The dapr-ext-workflow release decides the line: 0.x is 1.14's, 1.x follows Dapr's numbers.
WORKFLOW_SDK_VERSION = version("dapr-ext-workflow")
SDK_LINE = (
    "1.14"
    if WORKFLOW_SDK_VERSION.startswith("0.")
    else ".".join(WORKFLOW_SDK_VERSION.split(".")[:2])
)
# 1.18's SDK carries durabletask inside itself; 1.14's depends on the durabletask package.
BUNDLES_DURABLETASK = SDK_LINE != "1.14"

# How long daprd lets an actor's calls in flight finish before the actor moves to another
# replica. 1.14 waits with no deadline of placement's, so 60 s, longer than any turn here
# (a workflow step is bounded at 30 s), never cuts one short. From 1.17.7 daprd holds
# placement's dissemination round open while it drains, and placement drops a daprd that
# has not answered within its --disseminate-timeout (8 s): the round starts again, and on
# 1.18 a restarted replica never rejoined (rolling-restart test, `dissemination timeout
# after 8s` over and over). Dapr's actor docs advise 5 s or less; a turn cut short is
# retried by the workflow engine.
ACTOR_DRAIN_ONGOING_CALL_TIMEOUT = timedelta(seconds=60 if SDK_LINE == "1.14" else 5)
