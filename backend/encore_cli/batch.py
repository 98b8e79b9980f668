"""Running a jobs file: one video per JSON line, finished lines skipped, one bad line never stopping the rest."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from encore_cli.batch_state import BatchState, line_digest, state_path_for
from encore_cli.errors import CliError, EmbeddedServerError, Exit, Unreachable, UsageProblem
from encore_cli.output import one_line
from encore_cli.pipeline import make_video
from encore_cli.progress import Steps
from encore_cli.session import Session
from encore_cli.spec import VideoSpec, build_spec

Status = Literal["succeeded", "skipped", "failed", "not_run"]


@dataclass
class LineOutcome:
    """What became of one line."""

    line: int
    status: Status
    output: str | None = None
    video_id: str | None = None
    duration: float | None = None
    error: str | None = None
    seconds: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        return asdict(self)


@dataclass
class BatchReport:
    """Every line's outcome, and the problem that stopped the batch early, if any."""

    jobs_file: Path
    outcomes: list[LineOutcome]
    stopped_by: CliError | None = None

    def count(self, status: Status) -> int:
        """How many lines ended with `status`."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def exit_code(self) -> int:
        """0 when every line is made, 3 when the server was lost, else 1."""
        if self.stopped_by is not None:
            return int(self.stopped_by.exit_code)
        return int(Exit.FAILED) if self.count("failed") else int(Exit.OK)


def read_lines(jobs: Path) -> list[tuple[int, str]]:
    """The non-blank lines of a jobs file with their 1-based numbers."""
    try:
        text = jobs.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise UsageProblem(f"Cannot read the jobs file {jobs}.") from None
    return [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


def parse_line(text: str, base: Path, default_output: Path) -> VideoSpec:
    """A line's spec, or `UsageProblem` saying what is wrong with it."""
    try:
        fields = json.loads(text)
    except ValueError as exc:
        raise UsageProblem(f"Not valid JSON ({exc.msg} at column {exc.colno}).") from None
    if not isinstance(fields, dict):
        raise UsageProblem("A line must be one JSON object.")
    return build_spec(fields, base, default_output)


class BatchRun:
    """Runs the lines of one jobs file in order against one session."""

    def __init__(self, jobs: Path, out_dir: Path, session: Session, steps_for: Any, approve_for: Any = None) -> None:
        self.jobs = jobs
        self.approve_for = approve_for
        """`steps -> Approve` when full lines are accepted (--yes), else None: a full line then fails with its estimate."""
        self.base = jobs.parent
        self.out_dir = out_dir
        self.session = session
        self.steps_for = steps_for
        self.state = BatchState.load(state_path_for(jobs))

    async def line(self, number: int, text: str) -> LineOutcome:
        """Make one line's video (or skip it when a previous run finished it)."""
        digest = line_digest(text)
        earlier = self.state.done(number, digest)
        if earlier is not None:
            return LineOutcome(number, "skipped", output=earlier["output"], video_id=earlier.get("video_id"), duration=earlier.get("duration"))
        started = time.monotonic()
        spec = parse_line(text, self.base, self.out_dir / f"{self.jobs.stem}-{number}.mp4")
        steps: Steps = self.steps_for(number)
        try:
            client = await self.session.open(steps)
            self.session.check(spec)
            made = await make_video(client, spec, steps, self.approve_for(steps) if self.approve_for else None)
        finally:
            steps.close()
        self.state.record(number, digest, made.output, made.video_id, made.duration)
        return LineOutcome(number, "succeeded", output=made.output, video_id=made.video_id, duration=made.duration, seconds=round(time.monotonic() - started, 1))

    def _stops_batch(self, exc: CliError) -> bool:
        """A lost server, or one that could not be opened, fails every later line too."""
        if isinstance(exc, (Unreachable, EmbeddedServerError)):
            return True
        return self.session.client is None and not isinstance(exc, UsageProblem)

    async def run(self) -> BatchReport:
        """Every line; a bad line is reported and the next one runs; a lost server stops the batch."""
        outcomes: list[LineOutcome] = []
        stopped_by: CliError | None = None
        lines = read_lines(self.jobs)
        with BatchState.locked(self.jobs):
            try:
                for number, text in lines:
                    if stopped_by is not None:
                        outcomes.append(LineOutcome(number, "not_run"))
                        continue
                    try:
                        outcomes.append(await self.line(number, text))
                    except CliError as exc:
                        if self._stops_batch(exc):
                            stopped_by = exc
                        outcomes.append(LineOutcome(number, "failed", error=one_line(exc.detail)))
            finally:
                await self.session.close()
        return BatchReport(self.jobs, outcomes, stopped_by)
