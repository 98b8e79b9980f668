"""Bad input ends `encore` with a non-zero exit code and one clear line, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from encore_process import Encore
from live import free_port, live_server
from loopback_http import LoopbackServer
from media import MediaFactory

IDEA = ["--idea", "a rooftop concert", "--character", "a guitarist in a green coat"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One running Encore (offline, no API key, no Replicate token) for this module."""
    with live_server(tmp_path_factory.mktemp("cli-errors")) as url:
        yield url


def test_a_text_file_as_the_song_is_one_line(encore: Encore, text_song: Path, server: str) -> None:
    ran = encore("make", str(text_song), *IDEA, "-o", "video.mp4", "--server", server)

    assert ran.code == 1
    assert "not audio" in ran.one_error_line()
    assert ran.out == ""
    assert not (text_song.parent / "video.mp4").exists()


def test_a_text_file_as_the_song_with_the_embedded_server_is_one_line_and_leaves_nothing(encore: Encore, text_song: Path, tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    ran = encore("make", str(text_song), *IDEA, "-o", "video.mp4", env={"TMPDIR": str(scratch)})

    assert ran.code == 1
    assert ran.one_error_line().startswith("encore: The file is not audio")
    assert list(scratch.iterdir()) == []


def test_an_unreachable_server_is_one_clear_line(encore: Encore, media: MediaFactory) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    ran = encore("make", str(media.tone(8.0)), *IDEA, "-o", "video.mp4", "--server", url)

    assert ran.code == 3
    line = ran.one_error_line()
    assert url in line and "cannot reach" in line


def test_with_json_an_error_is_one_json_object_on_stdout(encore: Encore, media: MediaFactory) -> None:
    ran = encore("make", str(media.tone(8.0)), *IDEA, "-o", "video.mp4", "--server", f"http://127.0.0.1:{free_port()}", "--json")

    assert ran.code == 3
    assert ran.json() == {"ok": False, "error": "Unreachable", "detail": ran.one_error_line().removeprefix("encore: "), "exit_code": 3}


def test_a_server_that_is_not_encore_is_one_clear_line(encore: Encore, media: MediaFactory) -> None:
    with LoopbackServer() as other:
        ran = encore("make", str(media.tone(8.0)), *IDEA, "-o", "video.mp4", "--server", other.url(""))

    assert ran.code == 1
    assert "did not answer like Encore" in ran.one_error_line()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["make", "song.mp3", "--character", "c", "-o", "v.mp4"], "Missing option '--idea'"),
        (["make", "song.mp3", "--idea", "i", "--character", "c"], "Missing option '--output'"),
        (["make", "--idea", "i", "--character", "c", "-o", "v.mp4"], "Missing argument"),
        (["make", "song.mp3", "--idea", "i", "--character", "c", "-o", "v.mp4", "--colour", "red"], "No such option: --colour"),
        (["make", "missing.mp3", "--idea", "i", "--character", "c", "-o", "v.mp4"], "No song file"),
        (["make", "song.mp3", "--idea", "i", "--character", "c", "-o", "v.mp4", "--lipsync", "0"], "scene numbers from 1"),
        (["make", "song.mp3", "--idea", "i", "--character", "c", "-o", "v.mp4", "--lipsync", "two"], "scene numbers from 1"),
        (["make", "song.mp3", "--idea", "i", "--character", "c", "-o", "v.mp4", "--lipsync", "25"], "Cannot lipsync scene 25"),
        (["make", "song.mp3", "--idea", "i", "--character", "c", "-o", "v.mp4", "--server", "localhost:8000"], "--server must be an http"),
        (["batch", "no-such-jobs.jsonl"], "Cannot read the jobs file"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_problems_exit_2_with_one_line_before_any_server_is_asked(encore: Encore, tmp_path: Path, args: list[str], says: str) -> None:
    (tmp_path / "song.mp3").write_bytes(b"\0" * 100)
    ran = encore(*args, "--json", env={"ENCORE_SERVER": "http://127.0.0.1:9"})

    assert ran.code == 2
    assert says in ran.one_error_line()
    assert json.loads(ran.out)["exit_code"] == 2


def test_lipsync_of_a_scene_the_song_does_not_have_is_refused_after_the_upload(encore: Encore, media: MediaFactory, server: str) -> None:
    ran = encore("make", str(media.tone(16.0)), *IDEA, "--lipsync", "1,3", "-o", "video.mp4", "--server", server)

    assert ran.code == 2
    assert ran.one_error_line() == "encore: Cannot lipsync scene 3: the video has 2 scenes."


def test_an_unknown_flavor_is_refused_naming_the_ones_offered(encore: Encore, media: MediaFactory, server: str) -> None:
    ran = encore("make", str(media.tone(8.0)), *IDEA, "--flavor", "mv9", "-o", "video.mp4", "--server", server)

    assert ran.code == 2
    line = ran.one_error_line()
    assert "'mv9'" in line and "mv1" in line


def test_full_without_a_replicate_token_is_refused(encore: Encore, media: MediaFactory, server: str) -> None:
    ran = encore("make", str(media.tone(8.0)), *IDEA, "--full", "-o", "video.mp4", "--server", server)

    assert ran.code == 2
    assert "REPLICATE_API_TOKEN" in ran.one_error_line()


def test_help_and_version_exit_0_and_a_bare_encore_shows_the_help(encore: Encore) -> None:
    bare = encore()
    assert bare.code == 2 and "Usage: encore" in bare.out + bare.err and "encore: " not in bare.err
    assert encore("--help").code == 0
    assert "--lipsync" in encore("make", "--help").out
    version = encore("--version")
    assert version.code == 0 and version.out.startswith("encore ")
