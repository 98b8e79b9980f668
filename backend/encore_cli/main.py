"""The `encore` command: its sub-commands, and one line (never a traceback) for anything that stops it."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from encore_cli.batch_command import batch
from encore_cli.errors import CliError, Exit, UsageProblem
from encore_cli.make_command import make
from encore_cli.projects_command import projects
from encore_cli.output import Output

app = typer.Typer(
    name="encore",
    help="Encore turns a song and an idea into a music video. Without --server, each command runs its own embedded Encore.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("make")(make)
app.command("batch")(batch)
app.command("projects")(projects)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("encore")
    except PackageNotFoundError:
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        print(f"encore {_version()}")
        raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and stop.")] = False,
) -> None:
    """Encore turns a song and an idea into a music video."""


def _parser_errors() -> tuple[type[Exception], type[Exception]]:
    """Typer's usage-error and command-error classes, found through its public `BadParameter`."""
    classes = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
    return classes["UsageError"], classes["ClickException"]


ParserUsageError, ParserError = _parser_errors()


class Interrupted(CliError):
    """Ctrl-C."""

    exit_code = Exit.INTERRUPTED
    code = "Interrupted"


def run(argv: Sequence[str]) -> int:
    """Run one command line and return its exit code; problems are printed as one line."""
    output = Output("--json" in argv)
    command = typer.main.get_command(app)
    try:
        code = command.main(args=list(argv), prog_name="encore", standalone_mode=False)
    except CliError as exc:
        output.error(exc)
        return int(exc.exit_code)
    except ParserUsageError as exc:
        problem = UsageProblem(exc.format_message())  # type: ignore[attr-defined]
        if problem.detail.strip():  # empty when the help was shown for a bare `encore`
            output.error(problem)
        return int(problem.exit_code)
    except ParserError as exc:
        output.error(UsageProblem(exc.format_message()))  # type: ignore[attr-defined]
        return int(getattr(exc, "exit_code", Exit.FAILED))
    except (KeyboardInterrupt, typer.Abort):
        output.error(Interrupted("Interrupted."))
        return int(Exit.INTERRUPTED)
    except Exception as exc:
        if os.environ.get("ENCORE_DEBUG"):
            raise
        output.error(CliError(f"Unexpected {type(exc).__name__}: {exc} (set ENCORE_DEBUG=1 to see where)."))
        return int(Exit.FAILED)
    if code == Exit.INTERRUPTED:
        output.error(Interrupted("Interrupted."))
    return code if isinstance(code, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))
