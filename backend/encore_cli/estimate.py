"""Showing a full run's estimated cost and getting it accepted: `--yes`, a prompt on a terminal, else a refusal."""

from __future__ import annotations

import sys
from typing import Any

from encore_cli.errors import CliError, UsageProblem
from encore_cli.output import Output
from encore_cli.pipeline import Approve
from encore_cli.progress import BarSteps, Steps

UNITS = {"run": "run", "image": "image", "second": "s"}


class Declined(CliError):
    """The estimate was not accepted at the prompt."""

    code = "Declined"


def describe(estimate: dict[str, Any]) -> str:
    """The estimate as a few lines: the total, then each step."""
    lines = [f"Estimated cost of this full run: ${float(estimate['total_usd']):.2f} ({estimate.get('config_flavor')}, {estimate.get('aspect_ratio')})"]
    for item in estimate.get("items") or []:
        count = float(item["count"])
        lines.append(f"  {item['step']}: {count:g} {UNITS.get(item['unit'], item['unit'])} of {item['model']} = ${float(item['usd']):.2f}")
    left = estimate.get("left_today_usd")
    if left is not None:
        lines.append(f"  The server's daily cap leaves ${float(left):.2f}.")
    return "\n".join(lines)


def approver(output: Output, steps: Steps, yes: bool) -> Approve:
    """Show the estimate on stderr; accept it with --yes, ask on a terminal, refuse (exit 2) without one."""

    def approve(estimate: dict[str, Any]) -> None:
        bars = steps.progress if isinstance(steps, BarSteps) else None
        if bars is not None:
            bars.stop()
        try:
            total = float(estimate["total_usd"])
            if not yes and not sys.stdin.isatty():
                steps_text = ", ".join(f"{i['step']} ${float(i['usd']):.2f}" for i in estimate.get("items") or [])
                raise UsageProblem(
                    f"This full run is estimated at ${total:.2f} ({steps_text}); pass --yes to accept it (there is no terminal to ask on)."
                )
            output.err.print(describe(estimate), markup=False)
            if yes:
                return
            output.err.print(f"Start it for about ${total:.2f}? [y/N] ", end="", markup=False)
            answer = sys.stdin.readline().strip().lower()
            if answer not in ("y", "yes"):
                raise Declined("Stopped: the estimate was not accepted; nothing paid was started.")
        finally:
            if bars is not None:
                bars.start()

    return approve
