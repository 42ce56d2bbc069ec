"""What every `orderflow` command is handed: the API client and how to print."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from cli.client import ApiClient
from cli.output import emit_json

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Session:
    api: ApiClient
    as_json: bool = False

    def show(self, body: Any, human: Callable[[Any], None]) -> None:
        """The API's JSON with --json, else the human rendering of it."""
        if self.as_json:
            emit_json(body)
        else:
            human(body)


pass_session = click.make_pass_decorator(Session)


def json_option(command: F) -> F:
    """`--json` on a command: print the API's JSON instead of tables."""

    def remember(ctx: click.Context, _: click.Parameter, value: bool) -> bool:
        if value:
            ctx.find_object(Session).as_json = True  # type: ignore[union-attr]
        return value

    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=False,
        callback=remember,
        help="Print the API's JSON (for scripts) instead of tables.",
    )(command)
