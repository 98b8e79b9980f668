"""An Encore server started for one run: `python -m mv` on a free loopback port, its own data, its own key."""

from __future__ import annotations

import asyncio
import ctypes
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from encore_cli.errors import EmbeddedServerError

START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def backend_dir() -> Path:
    """The directory holding the `mv` package the server runs from."""
    spec = importlib.util.find_spec("mv")
    if spec is None or spec.origin is None:
        raise EmbeddedServerError("The Encore server is not installed here; pass --server URL to use a running one.")
    return Path(spec.origin).resolve().parent.parent


def _die_with_parent() -> None:
    """In the child: be sent SIGTERM if the command that started it dies."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _last_line(log: Path) -> str:
    try:
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""


class EmbeddedEncore:
    """Starts and stops a private Encore; media and database live in `data_dir` (a temporary one when None)."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.keep = data_dir is not None
        self.root = data_dir
        self.api_key = secrets.token_urlsafe(24)
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None

    def _environment(self, port: int, root: Path) -> dict[str, str]:
        """The caller's environment (and so `.env`, e.g. a Replicate token), but a private, loopback, SQLite Encore."""
        env = {
            **os.environ,
            "BACKEND_PORT": str(port),
            "MV_HOST": "127.0.0.1",
            "MV_DATA_DIR": str(root / "data"),
            "MV_DATABASE_URL": f"sqlite:///{root / 'data' / 'encore.db'}",
            "MV_MEDIA_ROOT": str(root / "media"),
            "MV_SERVE_FROM_S3": "false",
            "MV_PROVIDER": "local",
            "API_KEY": self.api_key,
            "MV_RATE_LIMIT_PER_MINUTE": "100000",
            "MV_LOG_LEVEL": "WARNING",
        }
        env.pop("MV_PROXY_TOKEN", None)
        return env

    async def start(self) -> str:
        """Start the server and wait until `/healthz` answers; returns its URL."""
        cwd = backend_dir()
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="encore-"))
        self.root.mkdir(parents=True, exist_ok=True)
        log_path = self.root / "server.log"
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mv"],
                cwd=cwd,
                env=self._environment(port, self.root),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        await self._wait_healthy(log_path)
        return self.url

    async def _wait_healthy(self, log_path: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        async with httpx.AsyncClient(timeout=2.0) as http:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    reason = _last_line(log_path) or f"exit code {self.process.returncode}"
                    raise EmbeddedServerError(f"The embedded Encore stopped while starting: {reason}")
                try:
                    if (await http.get(f"{self.url}/healthz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise EmbeddedServerError(f"The embedded Encore did not answer within {START_TIMEOUT:.0f} s.")

    async def stop(self) -> None:
        """Stop the server (politely, then firmly) and remove a temporary data directory."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                await asyncio.to_thread(process.wait, STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                await asyncio.to_thread(process.wait)
        if not self.keep and self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
