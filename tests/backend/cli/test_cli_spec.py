"""What a video spec accepts, where scenes sit in the song, and what a batch remembers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from encore_cli.batch_state import BatchState, line_digest
from encore_cli.errors import UsageProblem
from encore_cli.spec import REQUEST_FIELDS, build_spec, parse_scene_numbers
from encore_cli.timing import scene_count, scene_window


@pytest.mark.parametrize(("seconds", "scenes"), [(16.0, 2), (16.5, 3), (7.9, 1), (0.0, 1), (900.0, 24)])
def test_one_scene_per_eight_seconds_of_song(seconds: float, scenes: int) -> None:
    assert scene_count(seconds) == scenes


def test_a_planned_window_wins_over_the_grid() -> None:
    assert scene_window(2, {"description": "x"}) == (16.0, 24.0)
    assert scene_window(2, {"start_time": 14.5, "end_time": 19.25}) == (14.5, 19.25)


@pytest.mark.parametrize(("given", "numbers"), [("2,4", (2, 4)), (" 4, 2,2 ", (2, 4)), ([3, 1], (1, 3)), ("", ()), (None, ())])
def test_scene_numbers_parse(given: object, numbers: tuple[int, ...]) -> None:
    assert parse_scene_numbers(given) == numbers  # type: ignore[arg-type]


@pytest.mark.parametrize("given", ["0", "two", "2,,4", [True], [-1], "25"])
def test_bad_scene_numbers_are_usage_problems(given: object) -> None:
    with pytest.raises(UsageProblem):
        parse_scene_numbers(given)  # type: ignore[arg-type]


def test_paths_are_read_from_the_base_and_links_pass_through(tmp_path: Path) -> None:
    (tmp_path / "song.mp3").write_bytes(b"x")
    spec = build_spec({"song": "song.mp3", "idea": " i ", "character": "c", "output": "out/v.mp4", "lipsync": "2"}, tmp_path)
    assert (spec.song, spec.output, spec.idea, spec.lipsync) == (str(tmp_path / "song.mp3"), tmp_path / "out" / "v.mp4", "i", (2,))
    link = build_spec({"song": "https://www.youtube.com/watch?v=abc", "idea": "i", "character": "c"}, tmp_path, tmp_path / "d.mp4")
    assert link.song_path is None and link.output == tmp_path / "d.mp4"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"idea": "i", "character": "c"}, "'song' is required"),
        ({"song": "s.mp3", "idea": "", "character": "c"}, "'idea' is required"),
        ({"song": "s.mp3", "idea": "i", "character": "c", "full": "yes"}, "'full' must be true or false"),
        ({"song": "s.mp3", "idea": "i", "character": "c", "size": 3}, "Unknown field 'size'"),
        ({"song": "nope.mp3", "idea": "i", "character": "c"}, "No song file"),
        ({"song": "s.mp3", "idea": "i" * 2001, "character": "c"}, "longer than 2000"),
        ({"song": "s.mp3", "idea": "i", "character": "c", "aspect": "4:3"}, "'aspect' must be one of 16:9, 9:16, 1:1"),
    ],
)
def test_a_bad_spec_says_what_is_wrong(tmp_path: Path, fields: dict[str, object], says: str) -> None:
    (tmp_path / "s.mp3").write_bytes(b"x")
    with pytest.raises(UsageProblem, match=says):
        build_spec(fields, tmp_path, tmp_path / "out.mp4")


def test_request_fields_go_only_where_the_api_takes_them(tmp_path: Path) -> None:
    (tmp_path / "s.mp3").write_bytes(b"x")
    spec = build_spec({"song": "s.mp3", "idea": "i", "character": "c", "flavor": "mv1", "full": True}, tmp_path, tmp_path / "o.mp4")
    assert spec.fields_for("generate_video") == {"config_flavor": "mv1", "provider": "replicate"}
    assert spec.fields_for("stitch_video") == {}
    draft = build_spec({"song": "s.mp3", "idea": "i", "character": "c"}, tmp_path, tmp_path / "o.mp4")
    assert draft.fields_for("create_scenes") == {"provider": "local"}
    assert set(REQUEST_FIELDS) == {"create_scenes", "generate_character_reference", "generate_video", "lipsync", "stitch_video", "estimate"}
    tall = build_spec({"song": "s.mp3", "idea": "i", "character": "c", "aspect": "9:16"}, tmp_path, tmp_path / "o.mp4")
    assert tall.fields_for("generate_video") == {"provider": "local", "aspect_ratio": "9:16"}
    assert tall.fields_for("generate_character_reference")["aspect_ratio"] == "9:16" and "aspect_ratio" not in tall.fields_for("lipsync")


def test_a_line_counts_as_done_only_unchanged_and_with_its_output_present(tmp_path: Path) -> None:
    output = tmp_path / "v.mp4"
    output.write_bytes(b"video")
    state = BatchState(tmp_path / "jobs.jsonl.state.json")
    state.record(3, line_digest('{"a": 1}'), str(output), "vid", 8.0)

    again = BatchState.load(tmp_path / "jobs.jsonl.state.json")
    assert again.done(3, line_digest(' {"a": 1} '))["video_id"] == "vid"  # type: ignore[index]
    assert again.done(3, line_digest('{"a": 2}')) is None
    assert again.done(4, line_digest('{"a": 1}')) is None
    output.unlink()
    assert again.done(3, line_digest('{"a": 1}')) is None


def test_an_unreadable_state_file_is_a_usage_problem(tmp_path: Path) -> None:
    path = tmp_path / "jobs.jsonl.state.json"
    path.write_text("{half")
    with pytest.raises(UsageProblem, match="delete it"):
        BatchState.load(path)
    path.write_text(json.dumps({"version": 99, "finished": {}}))
    with pytest.raises(UsageProblem):
        BatchState.load(path)


def test_one_batch_at_a_time_per_jobs_file(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.jsonl"
    jobs.write_text("{}\n")
    with BatchState.locked(jobs):
        with pytest.raises(UsageProblem, match="Another encore batch"):
            with BatchState.locked(jobs):
                pass
    with BatchState.locked(jobs):
        pass


def test_timing_is_music_or_fixed_and_reaches_only_create_scenes(tmp_path: Path) -> None:
    (tmp_path / "song.mp3").write_bytes(b"x")
    line = {"song": "song.mp3", "idea": "i", "character": "c", "output": "v.mp4"}
    spec = build_spec({**line, "timing": "music"}, tmp_path)
    assert spec.fields_for("create_scenes")["scene_timing"] == "music"
    assert all("scene_timing" not in spec.fields_for(op) for op in REQUEST_FIELDS if op != "create_scenes")
    assert "scene_timing" not in build_spec(line, tmp_path).fields_for("create_scenes")
    with pytest.raises(UsageProblem, match="music"):
        build_spec({**line, "timing": "beats"}, tmp_path)
