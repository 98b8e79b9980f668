"""Showing a run's steps: Rich progress bars on a terminal, plain lines with --verbose, nothing otherwise."""

from __future__ import annotations

from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn


class Steps(Protocol):
    """What the pipeline reports: a step begins, moves (0..1), ends."""

    def begin(self, key: str, label: str) -> None: ...

    def advance(self, key: str, fraction: float, message: str | None = None) -> None: ...

    def end(self, key: str, label: str | None = None) -> None: ...

    def close(self) -> None: ...


class QuietSteps:
    """Shows nothing (output is piped and --verbose was not given)."""

    def begin(self, key: str, label: str) -> None:
        """Nothing to show."""

    def advance(self, key: str, fraction: float, message: str | None = None) -> None:
        """Nothing to show."""

    def end(self, key: str, label: str | None = None) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to close."""


class LineSteps:
    """One plain line per finished step, for logs."""

    def __init__(self, console: Console, prefix: str = "") -> None:
        self.console = console
        self.prefix = prefix
        self.labels: dict[str, str] = {}

    def begin(self, key: str, label: str) -> None:
        """Remember the step's label."""
        self.labels[key] = label

    def advance(self, key: str, fraction: float, message: str | None = None) -> None:
        """Lines are written only when a step ends."""

    def end(self, key: str, label: str | None = None) -> None:
        """Write the finished step."""
        self.console.print(f"{self.prefix}done: {label or self.labels.get(key, key)}", markup=False, highlight=False)

    def close(self) -> None:
        """Nothing to close."""


class BarSteps:
    """A Rich progress bar per step, on the terminal."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓[/green]"),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self.tasks: dict[str, tuple[TaskID, str]] = {}
        self.progress.start()

    def begin(self, key: str, label: str) -> None:
        """Add a bar."""
        self.tasks[key] = (self.progress.add_task(label, total=1.0), label)

    def advance(self, key: str, fraction: float, message: str | None = None) -> None:
        """Move a bar, with the server's message beside its label."""
        task, label = self.tasks[key]
        self.progress.update(task, completed=min(1.0, max(0.0, fraction)), description=f"{label} · {message}" if message else label)

    def end(self, key: str, label: str | None = None) -> None:
        """Fill a bar."""
        task, old = self.tasks[key]
        self.progress.update(task, completed=1.0, description=label or old)

    def close(self) -> None:
        """Stop drawing."""
        self.progress.stop()


def make_steps(console: Console, verbose: bool, prefix: str = "") -> Steps:
    """Bars on a terminal, lines with --verbose, else nothing."""
    if verbose:
        return LineSteps(console, prefix)
    if console.is_terminal:
        return BarSteps(console)
    return QuietSteps()
