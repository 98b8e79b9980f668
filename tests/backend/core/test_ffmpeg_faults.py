"""The ffmpeg runner under faults: failures, hangs, full disks, hostile inputs."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest

from mv.core import ffmpeg
from mv.core.errors import InsufficientStorage

ROOT = Path(__file__).resolve().parents[3]


async def test_a_failing_run_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ffmpeg.MediaError) as info:
        await ffmpeg.ffmpeg([*ffmpeg.local_input(tmp_path / "missing.mp3", ffmpeg.AUDIO_FORMATS), str(tmp_path / "out.mp3")])
    assert str(tmp_path) not in info.value.detail


async def test_a_hanging_run_is_killed_at_its_timeout(tmp_path: Path) -> None:
    out = tmp_path / "endless.wav"
    with pytest.raises(ffmpeg.MediaTimeout):
        await ffmpeg.ffmpeg(["-re", "-f", "lavfi", "-i", "sine=frequency=440", str(out)], timeout=1.0)
    await asyncio.sleep(0.2)
    running = subprocess.run(["pgrep", "-f", str(out)], capture_output=True, text=True).stdout.strip()
    assert running == ""


async def test_hls_playlist_is_refused_by_the_format_whitelist(tmp_path: Path) -> None:
    playlist = tmp_path / "song.mp3"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n")
    with pytest.raises(ffmpeg.MediaError):
        await ffmpeg.probe(playlist, ffmpeg.AUDIO_FORMATS)
    out = tmp_path / "leak.wav"
    with pytest.raises(ffmpeg.MediaError):
        await ffmpeg.ffmpeg([*ffmpeg.local_input(playlist, ffmpeg.AUDIO_FORMATS), str(out)])
    assert not out.exists() or b"root:" not in out.read_bytes()


async def test_remote_protocols_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ffmpeg.MediaError):
        await ffmpeg.ffmpeg(["-protocol_whitelist", "file", "-i", "http://127.0.0.1:9/x.mp3", str(tmp_path / "o.wav")])


async def test_a_full_disk_is_reported_as_such(tmp_path: Path) -> None:
    mount = tmp_path / "full"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("this machine cannot mount a small tmpfs")
    try:
        with pytest.raises(InsufficientStorage):
            await ffmpeg.ffmpeg(["-f", "lavfi", "-i", "sine=duration=30", str(mount / "big.wav")])
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_no_code_ever_disables_the_concat_safety() -> None:
    offenders = []
    for path in (ROOT / "backend").rglob("*.py"):
        text = path.read_text()
        if '"-safe", "0"' in text or "'-safe', '0'" in text or "-safe 0" in text:
            offenders.append(path.name)
    assert offenders == []


async def test_media_tools_run_niced_inside_the_servers_session(tmp_path: Path) -> None:
    out = tmp_path / "niced.wav"
    run = asyncio.create_task(ffmpeg.ffmpeg(["-re", "-f", "lavfi", "-i", "sine=frequency=440", str(out)], timeout=3.0))
    seen: list[tuple[int, int, int]] = []
    for _ in range(100):
        await asyncio.sleep(0.05)
        pids = subprocess.run(["pgrep", "-f", f"^ffmpeg .*{out}"], capture_output=True, text=True).stdout.split()
        if pids:
            pid = int(pids[0])
            seen.append((os.getsid(pid), os.getpgid(pid), os.getpriority(os.PRIO_PROCESS, pid)))
            break
    with pytest.raises(ffmpeg.MediaTimeout):
        await run
    assert seen, "ffmpeg never started"
    session, group, priority = seen[0]
    assert session == os.getsid(0), "a new session puts ffmpeg in its own scheduler group, where nice does nothing"
    assert group != os.getpgid(0), "ffmpeg needs its own process group so a timeout can kill all of it"
    assert priority >= min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)


async def test_a_run_cancelled_while_its_tool_starts_leaves_no_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_start = ffmpeg._start

    def slow_start(argv: list[str], niceness: int = 10) -> subprocess.Popen[bytes]:
        proc = real_start(argv, niceness)
        started.append(proc)
        __import__("time").sleep(0.5)
        return proc

    monkeypatch.setattr(ffmpeg, "_start", slow_start)
    run = asyncio.create_task(ffmpeg.ffmpeg(["-re", "-f", "lavfi", "-i", "sine=frequency=440", str(tmp_path / "endless.wav")]))
    while not started:
        await asyncio.sleep(0.01)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    for _ in range(100):
        if started[0].poll() is not None:
            break
        await asyncio.sleep(0.05)
    assert started[0].poll() is not None, "the tool kept running after its run was cancelled"
