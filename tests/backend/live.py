"""A real Encore process on loopback, for tests and benchmarks that need one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(work: Path, env: dict[str, str]) -> dict[str, str]:
    full = {
        **os.environ,
        "MV_DATA_DIR": str(work / "data"),
        "MV_MEDIA_ROOT": str(work / "media"),
        "MV_PROVIDER": "local",
        "MV_LOG_LEVEL": "WARNING",
        "MV_RATE_LIMIT_PER_MINUTE": "100000",
        **env,
    }
    if "REPLICATE_API_TOKEN" not in env:
        full.pop("REPLICATE_API_TOKEN", None)
    return full


def start_worker(work: Path, log: Path | None = None, **env: str) -> subprocess.Popen[bytes]:
    """Start `python -m mv worker` (MV_DATABASE_URL must name PostgreSQL) with its data under `work`, output to `log`."""
    sink = log.open("ab") if log is not None else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "mv", "worker"], cwd=ROOT / "backend", env=_environment(work, env), stdout=sink, stderr=subprocess.STDOUT)


def start_server(work: Path, log: Path | None = None, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start `python -m mv` with its data under `work` (output to `log`); return the process and its URL once /healthz answers."""
    port = free_port()
    full = _environment(work, {"BACKEND_PORT": str(port), **env})
    sink = log.open("ab") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "mv"], cwd=ROOT / "backend", env=full, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("Encore did not start")


def stop(*procs: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """Terminate the processes still running, and kill any that outlive `timeout`."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def stopped_at_exit(*procs: subprocess.Popen[bytes]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The processes, stopped when the block ends (a test may add to or remove from the list)."""
    running = list(procs)
    try:
        yield running
    finally:
        stop(*running)


@contextmanager
def live_server(work: Path, log: Path | None = None, **env: str) -> Iterator[str]:
    """A running Encore for the duration of the block; yields its base URL."""
    proc, url = start_server(work, log, **env)
    with stopped_at_exit(proc):
        yield url
