"""`encore batch`: many videos from a JSON-lines file; a bad line is reported, the rest finish, a rerun skips them."""

from __future__ import annotations

import json
from pathlib import Path

from encore_process import Encore
from media import MediaFactory, probe_duration


def write_jobs(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def test_a_bad_line_is_reported_the_others_finish_and_a_rerun_skips_them(encore: Encore, media: MediaFactory, tmp_path: Path) -> None:
    song = media.tone(8.0, freq=550)
    (tmp_path / "lyrics.txt").write_text("la la la\n" * 40)
    jobs = write_jobs(
        tmp_path / "jobs.jsonl",
        [
            {"song": str(song), "idea": "a night drive", "character": "a drummer in a red cap"},
            {"song": "lyrics.txt", "idea": "a song that is text", "character": "nobody"},
            "",
            {"song": str(song), "idea": "a beach party", "character": "a bassist", "lipsync": [1], "output": "videos/beach.mp4"},
        ],
    )
    scratch = tmp_path / "tmp"
    scratch.mkdir()

    first = encore("batch", str(jobs), "--json", env={"TMPDIR": str(scratch)})

    assert first.code == 1, first.err
    doc = first.json()
    by_line = {o["line"]: o for o in doc["lines"]}
    assert [o["line"] for o in doc["lines"]] == [1, 2, 4]
    assert by_line[1]["status"] == "succeeded" and by_line[4]["status"] == "succeeded"
    assert by_line[2]["status"] == "failed" and "not audio" in by_line[2]["error"]
    assert doc["counts"] == {"succeeded": 2, "skipped": 0, "failed": 1, "not_run": 0}
    outputs = [tmp_path / "jobs-1.mp4", tmp_path / "videos" / "beach.mp4"]
    assert [by_line[1]["output"], by_line[4]["output"]] == [str(p) for p in outputs]
    for output in outputs:
        assert abs(probe_duration(output) - 8.0) < 0.1
    state = json.loads((tmp_path / "jobs.jsonl.state.json").read_text())
    assert sorted(state["finished"]) == ["1", "4"]
    assert list(scratch.iterdir()) == []  # the embedded Encore's temporary data is gone
    written = [p.stat().st_mtime_ns for p in outputs]

    rerun = encore("batch", str(jobs))

    assert rerun.code == 1
    rows = {line.split("│")[1].strip(): line for line in rerun.out.splitlines() if line.count("│") >= 4 and line.split("│")[1].strip().isdigit()}
    assert "skipped" in rows["1"] and "skipped" in rows["4"] and "failed" in rows["2"]
    assert "0 made, 2 skipped" in rerun.out
    assert [p.stat().st_mtime_ns for p in outputs] == written


def test_lines_that_cannot_be_read_fail_one_by_one_without_a_server(encore: Encore, tmp_path: Path) -> None:
    song = tmp_path / "song.mp3"
    song.write_bytes(b"\0" * 10)
    jobs = write_jobs(
        tmp_path / "jobs.jsonl",
        [
            "{not json",
            {"song": "song.mp3", "idea": "x", "character": "y", "mood": "dark"},
            {"song": "song.mp3", "character": "y"},
            {"song": "missing.mp3", "idea": "x", "character": "y"},
            {"song": "song.mp3", "idea": "x", "character": "y", "lipsync": "two"},
        ],
    )
    ran = encore("batch", str(jobs), "--json", "--server", "http://127.0.0.1:9")

    assert ran.code == 1
    errors = [o["error"] for o in ran.json()["lines"]]
    assert [o["status"] for o in ran.json()["lines"]] == ["failed"] * 5
    assert "Not valid JSON" in errors[0]
    assert "Unknown field 'mood'" in errors[1]
    assert "'idea' is required" in errors[2]
    assert "No song file" in errors[3]
    assert "scene numbers" in errors[4]
    assert not (tmp_path / "jobs.jsonl.state.json").exists()
