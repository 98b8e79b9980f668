"""`encore batch`: many videos from a JSON-lines file, resumable, with a summary table."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from encore_cli.batch import BatchReport, BatchRun
from encore_cli.batch_state import state_path_for
from encore_cli.estimate import approver
from encore_cli.options import ApiKey, DataDir, Json, Server, Verbose, Yes
from encore_cli.output import Output
from encore_cli.pipeline import Approve
from encore_cli.progress import Steps, make_steps
from encore_cli.session import Session

STATUS_STYLE = {"succeeded": "green", "skipped": "cyan", "failed": "red", "not_run": "yellow"}


def table_of(report: BatchReport) -> Table:
    """The summary table."""
    table = Table(title=f"encore batch {report.jobs_file.name}", title_justify="left")
    table.add_column("Line", justify="right")
    table.add_column("Status")
    table.add_column("Video or problem", overflow="fold")
    table.add_column("Length", justify="right")
    for outcome in report.outcomes:
        length = f"{outcome.duration:.1f} s" if outcome.duration is not None else ""
        what = outcome.error if outcome.status == "failed" else (outcome.output or "")
        status = outcome.status.replace("_", " ")
        table.add_row(str(outcome.line), f"[{STATUS_STYLE[outcome.status]}]{status}[/]", what, length)
    table.caption = (
        f"{report.count('succeeded')} made, {report.count('skipped')} skipped (finished earlier), "
        f"{report.count('failed')} failed, {report.count('not_run')} not run · state: {state_path_for(report.jobs_file).name}"
    )
    return table


def as_json(report: BatchReport) -> dict[str, object]:
    """The JSON document `--json` prints."""
    stopped = report.stopped_by
    return {
        "ok": report.exit_code == 0,
        "jobs_file": str(report.jobs_file),
        "state_file": str(state_path_for(report.jobs_file)),
        "counts": {status: report.count(status) for status in STATUS_STYLE},  # type: ignore[arg-type]
        "lines": [o.as_dict() for o in report.outcomes],
        "stopped_by": {"error": stopped.code, "detail": stopped.detail} if stopped else None,
        "exit_code": report.exit_code,
    }


def batch(
    jobs_file: Annotated[
        Path,
        typer.Argument(
            help='A JSON-lines file: one video per line, with the fields of `make` ({"song", "idea", "character", "flavor", "full", "lipsync", "aspect", "output"}).',
            show_default=False,
        ),
    ],
    out_dir: Annotated[
        Optional[Path], typer.Option("--out-dir", file_okay=False, help="Where lines without an output go (default: beside the jobs file, as <jobs>-<line>.mp4).")
    ] = None,
    yes: Yes = False,
    server: Server = None,
    api_key: ApiKey = None,
    data_dir: DataDir = None,
    json_output: Json = False,
    verbose: Verbose = False,
) -> int:
    """Make many videos, one per line; a rerun skips the lines that finished (recorded in <jobs>.state.json)."""
    output = Output(json_output)
    jobs = jobs_file.expanduser().resolve()
    session = Session(server, api_key, data_dir)

    def steps_for(number: int) -> Steps:
        return make_steps(output.err, verbose, prefix=f"line {number}: ")

    def approve_for(steps: Steps) -> Approve:
        return approver(output, steps, True)

    run = BatchRun(jobs, (out_dir or jobs.parent).expanduser().resolve(), session, steps_for, approve_for if yes else None)
    report = asyncio.run(run.run())
    output.result(as_json(report), table_of(report))
    if report.stopped_by is not None:
        print(f"encore: {report.stopped_by.detail}", file=sys.stderr, flush=True)
    return report.exit_code
