"""The embedded Encore: private to its run (loopback, its own key), gone with the command that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from encore_process import ENCORE, ROOT
from encore_cli.embedded import EmbeddedEncore
from media import MediaFactory


async def test_the_embedded_server_listens_on_loopback_with_its_own_key_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for name, value in {"MV_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/encore", "MV_HOST": "0.0.0.0", "API_KEY": "the-users-key"}.items():
        monkeypatch.setenv(name, value)  # the caller's own server settings do not leak into the private one
    embedded = EmbeddedEncore()
    try:
        url = await embedded.start()
        async with httpx.AsyncClient(base_url=url) as http:
            without = await http.get("/api/mv/get_config_flavors")
            wrong = await http.get("/api/mv/get_config_flavors", headers={"X-API-Key": "guess"})
            right = await http.get("/api/mv/get_config_flavors", headers={"X-API-Key": embedded.api_key})
            users = await http.get("/api/mv/get_config_flavors", headers={"X-API-Key": "the-users-key"})
        root = embedded.root
        assert root is not None and (root / "data" / "encore.db").is_file()
    finally:
        await embedded.stop()

    assert url.startswith("http://127.0.0.1:")
    assert (without.status_code, wrong.status_code, users.status_code, right.status_code) == (401, 401, 401, 200)
    assert len(embedded.api_key) >= 32
    assert root is not None and root.parent == tmp_path and not root.exists()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_make(media: MediaFactory, tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    """`encore make` with an embedded server, once that server's process exists; returns both."""
    env = {k: v for k, v in os.environ.items() if k not in ("API_KEY", "ENCORE_SERVER")}
    env.update(PYTHONPATH=str(ROOT / "backend"), TMPDIR=str(tmp_path))
    command = subprocess.Popen(
        [str(ENCORE), "make", str(media.tone(16.0)), "--idea", "i", "--character", "c", "-o", str(tmp_path / "v.mp4")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and command.poll() is None:
        servers = [pid for pid in _children(command.pid) if b"mv" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")]
        if servers:
            return command, servers[0]
        time.sleep(0.05)
    command.kill()
    raise AssertionError("the embedded server never started")


def _wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + 60
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _alive(pid)


def test_the_embedded_server_dies_with_the_command_even_on_sigkill(media: MediaFactory, tmp_path: Path) -> None:
    command, server = _start_make(media, tmp_path)
    try:
        command.send_signal(signal.SIGKILL)
        command.wait()
        assert _wait_gone(server)
    finally:
        for pid in (command.pid, server):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_ctrl_c_stops_the_run_and_its_server_with_one_line(media: MediaFactory, tmp_path: Path) -> None:
    command, server = _start_make(media, tmp_path)
    try:
        command.send_signal(signal.SIGINT)
        out, err = command.communicate(timeout=60)
        assert command.returncode == 130
        assert err.strip() == "encore: Interrupted." and out == ""
        assert _wait_gone(server)
        assert list(tmp_path.iterdir()) == []
    finally:
        for pid in (command.pid, server):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
