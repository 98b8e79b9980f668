"""`python -m mv` logs one line per request and stops quietly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import httpx

from tests.backend.live import start_server


def test_one_log_line_per_request_and_a_quiet_ctrl_c(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    proc, url = start_server(tmp_path, log, MV_LOG_LEVEL="INFO")
    try:
        for _ in range(3):
            assert httpx.get(f"{url}/api/no-such-route-for-logs", timeout=10).status_code == 404
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    text = log.read_text(errors="replace")
    lines = [line for line in text.splitlines() if "no-such-route-for-logs" in line]
    assert len(lines) == 3, "\n".join(lines)
    assert all("request" in line and "404" in line for line in lines), lines
    assert "Traceback" not in text and "KeyboardInterrupt" not in text and "CancelledError" not in text
    assert code == 0
