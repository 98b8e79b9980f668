"""The installed `encore` command run as a real process, and what it printed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ENCORE = Path(sys.executable).parent / "encore"
CLEARED = ("API_KEY", "REPLICATE_API_TOKEN", "ENCORE_SERVER", "ENCORE_DATA_DIR", "ENCORE_DEBUG")


@dataclass
class Ran:
    """A finished `encore` process."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout as the one JSON document it must be."""
        return json.loads(self.out)

    def one_error_line(self) -> str:
        """stderr, which must be exactly one line and no traceback."""
        assert "Traceback" not in self.err + self.out
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err
        return lines[0]


Encore = Callable[..., Ran]
