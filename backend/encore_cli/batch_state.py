"""The record of a jobs file's finished lines, kept beside it so a rerun skips them."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from encore_cli.errors import UsageProblem

VERSION = 1


def state_path_for(jobs: Path) -> Path:
    """`jobs.jsonl` → `jobs.jsonl.state.json`."""
    return jobs.with_name(jobs.name + ".state.json")


def line_digest(text: str) -> str:
    """What a line said: an edited line runs again."""
    return hashlib.sha256(text.strip().encode()).hexdigest()


class BatchState:
    """Finished lines by line number: the line's digest, its output and its video."""

    def __init__(self, path: Path, finished: dict[str, dict[str, Any]] | None = None) -> None:
        self.path = path
        self.finished = finished or {}

    @classmethod
    def load(cls, path: Path) -> BatchState:
        """The saved state, or an empty one when there is none yet."""
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text())
            finished = data["finished"]
            if data.get("version") != VERSION or not isinstance(finished, dict):
                raise ValueError("unknown layout")
        except (OSError, ValueError, KeyError, TypeError):
            raise UsageProblem(f"The batch state file {path} cannot be read; delete it to start the batch over.") from None
        return cls(path, finished)

    def done(self, number: int, digest: str) -> dict[str, Any] | None:
        """The record of a line finished earlier, if it is unchanged and its output is still there."""
        entry = self.finished.get(str(number))
        if isinstance(entry, dict) and entry.get("digest") == digest and Path(str(entry.get("output"))).is_file():
            return entry
        return None

    def record(self, number: int, digest: str, output: str, video_id: str, duration: float | None) -> None:
        """Mark a line finished and save at once."""
        self.finished[str(number)] = {"digest": digest, "output": output, "video_id": video_id, "duration": duration, "finished_at": time.time()}
        self.save()

    def save(self) -> None:
        """Write the state atomically."""
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        partial.write_text(json.dumps({"version": VERSION, "finished": self.finished}, indent=1))
        os.replace(partial, self.path)

    @staticmethod
    @contextmanager
    def locked(jobs: Path) -> Iterator[None]:
        """Only one batch runs a jobs file at a time (a lock on the jobs file itself)."""
        with jobs.open("rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageProblem("Another encore batch is running this jobs file.") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
