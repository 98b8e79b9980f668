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

from conftest import ENCORE, ROOT
from encore_cli.embedded import EmbeddedEncore
from media import MediaFactory


async def test_the_embedded_server_listens_on_loopback_with_its_own_key_and_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    embedded = EmbeddedEncore()
    try:
        url = await embedded.start()
        async with httpx.AsyncClient(base_url=url) as http:
            without = await http.get("/api/mv/get_config_flavors")
            wrong = await http.get("/api/mv/get_config_flavors", headers={"X-API-Key": "guess"})
            right = await http.get("/api/mv/get_config_flavors", headers={"X-API-Key": embedded.api_key})
        root = embedded.root
    finally:
        await embedded.stop()

    assert url.startswith("http://127.0.0.1:")
    assert (without.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
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


def test_the_embedded_server_dies_with_the_command_even_on_sigkill(media: MediaFactory, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("API_KEY", "ENCORE_SERVER")}
    env.update(PYTHONPATH=str(ROOT / "backend"), TMPDIR=str(tmp_path))
    command = subprocess.Popen(
        [str(ENCORE), "make", str(media.tone(16.0)), "--idea", "i", "--character", "c", "-o", str(tmp_path / "v.mp4")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    servers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not servers and time.monotonic() < deadline and command.poll() is None:
            servers = [pid for pid in _children(command.pid) if b"mv" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")]
            time.sleep(0.05)
        assert servers, "the embedded server never started"
        command.send_signal(signal.SIGKILL)
        command.wait()
        deadline = time.monotonic() + 60
        while _alive(servers[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(servers[0])
    finally:
        if command.poll() is None:
            command.kill()
        for pid in servers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
