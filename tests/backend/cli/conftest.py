"""Running the installed `encore` command as a real process, against this checkout's code."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from encore_process import CLEARED, ENCORE, ROOT, Encore, Ran


@pytest.fixture
def encore(tmp_path: Path) -> Encore:
    """Run `encore ARGS…` in `tmp_path` (or `cwd`) with a clean environment plus `env`."""
    assert ENCORE.is_file(), "the `encore` command is not installed in the venv: run `make python-deps`"

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300) -> Ran:
        full = {k: v for k, v in os.environ.items() if k not in CLEARED}
        full["PYTHONPATH"] = os.pathsep.join([str(ROOT / "backend"), *filter(None, [os.environ.get("PYTHONPATH")])])
        full["COLUMNS"] = "200"
        full.update(env or {})
        done = subprocess.run([str(ENCORE), *args], cwd=cwd or tmp_path, env=full, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        return Ran(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def text_song(tmp_path: Path) -> Path:
    """A text file posing as a song."""
    path = tmp_path / "song.mp3"
    path.write_text("These are lyrics, not audio.\n" * 50)
    return path
