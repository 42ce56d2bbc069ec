"""`orderflow workflows ...`: list, show, start, raise, pause, resume, terminate, purge, wait."""

import json
import time
from typing import Any

import click

from cli.exit_codes import Exit
from cli.output import err, facts, out, styled, table, took, when
from cli.session import Session, json_option, pass_session

STATUSES = ["PENDING", "RUNNING", "SUSPENDED", "COMPLETED", "FAILED", "TERMINATED"]
ENDED = {"COMPLETED", "FAILED", "TERMINATED", "CANCELED"}
# Each /wait call holds this long, so `wait` can show the progress in between.
_WAIT_SLICE_S = 2.0


@click.group("workflows")
def group() -> None:
    """Workflow instances: list, inspect, start and steer them."""


def _json_arg(text: str | None, what: str) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError as error:
        raise click.BadParameter(f"{what} is not JSON: {error}") from error


def _listing(body: dict[str, Any]) -> None:
    grid = table(None, "Instance", "Workflow", "Status", "Started (UTC)", "Updated (UTC)", "Took")
    for item in body["items"]:
        ended = item["runtime_status"] in ENDED
        grid.add_row(
            item["instance_id"],
            item["name"],
            styled(item["runtime_status"]),
            when(item["created_at"]),
            when(item["last_updated_at"]),
            took(item["created_at"], item["last_updated_at"] if ended else None),
        )
    out.print(grid)
    counts = ", ".join(f"{status} {n}" for status, n in sorted(body.get("counts", {}).items()))
    shown = len(body["items"])
    out.print(
        f"{shown} of {body['total']} shown (offset {body['offset']}); by status: {counts or '-'}"
    )


@group.command("list")
@click.option("--name", help="Only this workflow (e.g. order_fulfillment, restock).")
@click.option(
    "--status", type=click.Choice(STATUSES, case_sensitive=False), help="Only this status."
)
@click.option("--id-prefix", default="", help="Only ids that start with this.")
@click.option("--since", help="Started at or after this time (ISO 8601; UTC without offset).")
@click.option("--until", help="Started before this time.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0))
@json_option
@pass_session
def list_instances(
    session: Session,
    name: str | None,
    status: str | None,
    id_prefix: str,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
) -> None:
    """Instances newest first, with the count of each status."""
    body = session.api.get(
        "/workflows/instances",
        name=name,
        status=status.upper() if status else None,
        id_prefix=id_prefix,
        created_after=since,
        created_before=until,
        limit=limit,
        offset=offset,
    ).body
    session.show(body, _listing)


def _detail(body: dict[str, Any]) -> None:
    ended = body["runtime_status"] in ENDED
    rows: list[tuple[str, Any]] = [
        ("instance", body["instance_id"]),
        ("workflow", body["name"]),
        ("status", styled(body["runtime_status"])),
        ("started", when(body["created_at"]) + " UTC"),
        ("updated", when(body["last_updated_at"]) + " UTC"),
        ("took", took(body["created_at"], body["last_updated_at"] if ended else None)),
        ("progress", body.get("progress")),
        ("input", body.get("input")),
    ]
    if body.get("output") is not None:
        rows.append(("output", body["output"]))
    if body.get("failure"):
        rows.append(("failure", f"[red]{body['failure']['message']}[/red]"))
    out.print(facts(rows))


@group.command("show")
@click.argument("instance_id")
@json_option
@pass_session
def show(session: Session, instance_id: str) -> None:
    """Status, input, output or failure, times and progress of one instance."""
    body = session.api.get(f"/workflows/instances/{session.api.segment(instance_id)}").body
    session.show(body, _detail)


@group.command("start")
@click.argument("name")
@click.option("--input", "payload", help='The workflow\'s input as JSON, e.g. \'{"sku": "A"}\'.')
@click.option("--id", "instance_id", help="The instance id (default: one is generated).")
@json_option
@pass_session
def start(session: Session, name: str, payload: str | None, instance_id: str | None) -> None:
    """Start workflow NAME; prints the new instance's id."""
    body = {"input": _json_arg(payload, "--input") or {}, "instance_id": instance_id}
    answer = session.api.post(f"/workflows/{session.api.segment(name)}", body).body
    session.show(answer, lambda b: out.print(f"started {b['name']} {b['instance_id']}"))


@group.command("raise")
@click.argument("instance_id")
@click.argument("event")
@click.option("--data", help="The event's body as JSON, e.g. '{\"approved\": true}'.")
@json_option
@pass_session
def raise_event(session: Session, instance_id: str, event: str, data: str | None) -> None:
    """Raise EVENT on a running or suspended instance."""
    segment = session.api.segment
    path = f"/workflows/instances/{segment(instance_id)}/events/{segment(event)}"
    session.api.post(path, _json_arg(data, "--data"))
    _done(session, instance_id, f"raised {event}")


def _done(session: Session, instance_id: str, what: str) -> None:
    session.show(
        {"instance_id": instance_id, "done": what}, lambda _: out.print(f"{what}: {instance_id}")
    )


def _control(verb: str, summary: str) -> click.Command:
    @json_option
    @pass_session
    def command(session: Session, instance_id: str) -> None:
        session.api.post(f"/workflows/instances/{session.api.segment(instance_id)}/{verb}")
        _done(session, instance_id, verb)

    command.__doc__ = summary
    return click.command(verb)(click.argument("instance_id")(command))


group.add_command(_control("pause", "Suspend a running instance."))
group.add_command(_control("resume", "Resume a suspended instance."))
group.add_command(_control("terminate", "Terminate a running instance (no compensation)."))


@group.command("purge")
@click.argument("instance_id")
@json_option
@pass_session
def purge(session: Session, instance_id: str) -> None:
    """Delete a finished instance's history and record."""
    session.api.delete(f"/workflows/instances/{session.api.segment(instance_id)}")
    _done(session, instance_id, "purged")


@group.command("wait")
@click.argument("instance_id")
@click.option("--timeout", "timeout_s", default=60.0, show_default=True, help="Seconds to wait.")
@json_option
@pass_session
@click.pass_context
def wait(ctx: click.Context, session: Session, instance_id: str, timeout_s: float) -> None:
    """Wait until the instance ends, showing its status and progress meanwhile.
    Exits 0 when it COMPLETED, 10 when it FAILED or was TERMINATED, 9 on timeout."""
    path = f"/workflows/instances/{session.api.segment(instance_id)}/wait"
    deadline = time.monotonic() + timeout_s
    last_line = ""
    # Progress goes to stderr: a spinner on a terminal, a line per change elsewhere, so
    # stdout keeps only the answer (--json stays one document).
    with err.status(f"waiting for {instance_id}", spinner="dots") as spinner:
        while True:
            left = max(0.1, min(_WAIT_SLICE_S, deadline - time.monotonic()))
            answer = session.api.get(path, timeout_s=round(left, 1))
            body = answer.body
            status = body["runtime_status"]
            progress = body.get("progress")
            line = f"{instance_id}: {status}" + (f" {json.dumps(progress)}" if progress else "")
            spinner.update(f"{line} ({took(body['created_at'], None)})")
            if line != last_line and not err.is_terminal:
                err.print(line, highlight=False, markup=False)
            last_line = line
            if answer.status == 200 or status in ENDED or time.monotonic() >= deadline:
                break
    session.show(body, _detail)
    if status == "COMPLETED":
        return
    ctx.exit(Exit.ENDED_BADLY if status in ENDED else Exit.TIMED_OUT)
