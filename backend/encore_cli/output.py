"""What a command prints: results on stdout (text or JSON), errors as one line on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console, RenderableType

from encore_cli.errors import CliError


def one_line(text: str) -> str:
    """Text folded onto a single line."""
    return " ".join(text.split())


class Output:
    """The two streams of a command."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.out = Console(highlight=False, soft_wrap=True)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def result(self, data: dict[str, Any], human: RenderableType) -> None:
        """The command's answer: `data` as JSON, or `human` as text."""
        if self.as_json:
            print(json.dumps(data), flush=True)
        else:
            self.out.print(human)

    def error(self, exc: CliError) -> None:
        """One line on stderr (and, with --json, one JSON object on stdout)."""
        detail = one_line(exc.detail)
        if self.as_json:
            print(json.dumps({"ok": False, "error": exc.code, "detail": detail, "exit_code": int(exc.exit_code)}), flush=True)
        print(f"encore: {detail}", file=sys.stderr, flush=True)
