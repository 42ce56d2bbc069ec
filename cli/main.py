"""`orderflow`: the command line for operators; every command is one or a few /api/v1 calls."""

import os
import sys
from typing import Any

import click
import httpx

from cli import inventory, orders, workflows
from cli.client import DEFAULT_URL, TOKEN_ENV, URL_ENV, ApiClient, Unreachable
from cli.exit_codes import HELP, Exit, for_status
from cli.output import err, problem
from cli.session import Session
from cli.wire import ApiError


class OrderflowGroup(click.Group):
    """Turns the API's refusals into its problem on stderr and a meaningful exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ApiError as error:
            problem(error)
            ctx.exit(for_status(error.status))
        except Unreachable as error:
            err.print(f"[red]error:[/red] no answer: {error}", highlight=False)
            err.print(f"Is the service running? Set --url or ${URL_ENV}.", highlight=False)
            ctx.exit(Exit.UNREACHABLE)


@click.group(
    cls=OrderflowGroup, epilog=HELP, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--url",
    default=lambda: os.environ.get(URL_ENV, DEFAULT_URL),
    show_default=f"${URL_ENV} or {DEFAULT_URL}",
    help="Where the Orderflow API is.",
)
@click.option(
    "--token",
    default=lambda: os.environ.get(TOKEN_ENV),
    help=f"Bearer token sent as Authorization (or ${TOKEN_ENV}); `make token` mints one.",
)
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for each answer.")
@click.pass_context
def root(ctx: click.Context, url: str, token: str | None, timeout: float) -> None:
    """Start, query and steer Orderflow's workflows, orders and stock from a terminal."""
    transport = ctx.obj if isinstance(ctx.obj, httpx.BaseTransport) else None
    api = ApiClient(url, token, timeout, transport=transport)
    ctx.call_on_close(api.close)
    ctx.obj = Session(api)


root.add_command(workflows.group)
root.add_command(orders.group)
root.add_command(inventory.group)
root.add_command(inventory.dead_letters)


def main() -> None:
    """The console script."""
    sys.exit(root.main(prog_name="orderflow"))
