"""What can stop a command, each with the exit code it leaves with."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    """The exit codes of every `encore` command."""

    OK = 0
    FAILED = 1
    USAGE = 2
    UNREACHABLE = 3
    INTERRUPTED = 130


class CliError(Exception):
    """A problem worth one line to the user; never a traceback."""

    exit_code: Exit = Exit.FAILED
    code: str = "Failed"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class UsageProblem(CliError):
    """The command line or a local input is wrong (a missing file, a bad scene number)."""

    exit_code = Exit.USAGE
    code = "UsageError"


class Unreachable(CliError):
    """The server does not answer (refused, timed out, not HTTP)."""

    exit_code = Exit.UNREACHABLE
    code = "Unreachable"


class ApiError(CliError):
    """The server answered with an error body `{error, detail}`."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code


class JobFailed(CliError):
    """A job on the server ended failed or canceled."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class EmbeddedServerError(CliError):
    """The embedded Encore could not be started: like an unreachable server, there is nothing to talk to."""

    exit_code = Exit.UNREACHABLE
    code = "EmbeddedServerError"
