"""CPU seconds spent by processes, read from /proc: who used the machine's cores during a measured stretch."""

from __future__ import annotations

import os
import resource
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """User + system seconds of a live process and of its children it has reaped (ffmpeg runs, for a worker)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / TICKS


def named_cpu(name: str) -> float:
    """Seconds of every live process whose command is `name` (PostgreSQL's backends, say)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == name:
                    total += process_cpu(int(entry))
            except OSError:
                continue
    return total


def own_cpu() -> float:
    """This process's user + system seconds (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> float:
    """Seconds the machine's cores were busy since boot (all but idle and I/O wait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


class CpuMeter:
    """CPU seconds by group between `start()` and `stop()`."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups
        self._before: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        now = {name: sum(process_cpu(pid) for pid in pids) for name, pids in self.groups.items()}
        now["postgresql"] = named_cpu("postgres")
        now["benchmark"] = own_cpu()
        now["machine"] = machine_busy()
        return now

    def start(self) -> None:
        """Take the first reading."""
        self._before = self._read()

    def stop(self) -> dict[str, float]:
        """Seconds per group since `start()`; `other` is what the machine spent outside the named groups."""
        after = self._read()
        spent = {name: round(after[name] - self._before[name], 2) for name in after}
        spent["other"] = round(spent["machine"] - sum(v for k, v in spent.items() if k != "machine"), 2)
        return spent
