"""`mv.config_manager`, the seeds' API over the flavor registry, with a `test_flavor` that differs in every file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from structlog.testing import capture_logs

from fake_replicate import FakeReplicate, ModelSpec, replicate_settings, scene_plan_output
from helpers_mv import add_audio, ffprobe, finish, standard_fake
from media import MediaFactory
from mv.config_manager import (
    CONFIG_TYPES,
    discover_flavors,
    get_config,
    get_discovered_flavors,
    initialize_config_flavors,
    load_all_flavors,
)
from mv.core.settings import PACKAGE_DIR
from mv.flavors.schemas import VideoParams

SHIPPED = PACKAGE_DIR / "configs"
BRIEF = {"idea": "a night drive through the city", "character_description": "a bassist in a red coat"}
PLANNER, IMAGER, CLIPPER, SYNCER = "encore-test/flavor-planner", "encore-test/flavor-image", "encore-test/flavor-clip", "encore-test/flavor-lipsync"

TEST_FLAVOR: dict[str, dict[str, Any]] = {
    "parameters": {
        "character_characteristics": "test-flavor traits",
        "video_type": "test-flavor video",
        "video_characteristics": "test-flavor look",
        "camera_angle": "test-flavor camera",
        "number_of_scenes": 3,
        "scene_duration": 6.0,
        "scene_timing": "fixed",
        "scene_model": {"model": PLANNER, "input": {"temperature": 0.123}},
        "scene_price_per_run": 0.07,
        "transcription_model": None,
    },
    "scene_prompts": {
        "system_prompt": "test-flavor system prompt",
        "scene_generation_prompt": "test-flavor plan: exactly {number_of_scenes} scenes for a {video_type} about {idea}, starring {character_description}.",
        "repair_prompt": "test-flavor repair ({problem}): exactly {number_of_scenes} scenes, not {previous_output}",
        "draft_shots": ["test-flavor shot A of {character_description}: {idea}", "test-flavor shot B, {camera_angle}"],
        "draft_negative": "test-flavor negative",
    },
    "image_params": {
        "model": IMAGER,
        "aspect_ratio": "1:1",
        "output_format": "png",
        "num_images": 2,
        "price_per_image": 0.5,
        "input": {"test_flavor_marker": "image"},
    },
    "image_prompts": {"character_reference_prompt": "test-flavor portrait of {character_description}"},
    "video_params": {
        "model": CLIPPER,
        "duration": 6,
        "aspect_ratio": "16:9",
        "resolution": "1080p",
        "generate_audio": False,
        "reference_input": "image",
        "rules_template": "test-flavor rules: {aspect_ratio}, {duration} s",
        "price_per_second": 0.3,
        "input": {"test_flavor_marker": "clip"},
    },
    "lipsync_params": {"model": SYNCER, "price_per_second": 0.02, "input": {"test_flavor_marker": "lipsync"}},
}


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    """The shipped flavors plus `test_flavor`, in a private configs directory."""
    target = tmp_path / "configs"
    shutil.copytree(SHIPPED, target)
    (target / "test_flavor").mkdir()
    for config_type, values in TEST_FLAVOR.items():
        (target / "test_flavor" / f"{config_type}.yaml").write_text(yaml.safe_dump(values))
    return target


def test_discovery_finds_flavor_folders_default_first(configs: Path) -> None:
    (configs / ".git").mkdir()
    (configs / "_drafts").mkdir()
    (configs / "README.yaml").write_text("not: a flavor\n")
    shutil.copytree(configs / "example", configs / "aardvark")
    expected = ["default", "aardvark", "beats", "example", "mv1", "test_flavor"]
    assert discover_flavors(configs) == expected
    initialize_config_flavors(configs, debug=False)
    assert discover_flavors() == expected
    assert get_discovered_flavors() == expected


def test_loading_reads_every_file_of_every_flavor(configs: Path) -> None:
    flavors = load_all_flavors(configs)
    assert list(flavors) == ["default", "beats", "example", "mv1", "test_flavor"]
    assert all(set(files) == set(CONFIG_TYPES) for files in flavors.values())
    assert flavors["test_flavor"] == TEST_FLAVOR
    for config_type, values in TEST_FLAVOR.items():
        assert [key for key in values if values[key] != flavors["default"][config_type].get(key)], config_type
    assert flavors["default"]["video_params"]["model"] == "google/veo-3.1"
    assert flavors["mv1"]["parameters"]["number_of_scenes"] == 6


def test_initialising_again_reuses_what_was_loaded(configs: Path, tmp_path: Path) -> None:
    first = initialize_config_flavors(configs, debug=False)
    (configs / "test_flavor" / "parameters.yaml").write_text("number_of_scenes: [broken\n")
    assert initialize_config_flavors(configs, debug=False) is first
    assert initialize_config_flavors() is first
    assert load_all_flavors()["test_flavor"]["parameters"]["number_of_scenes"] == 3
    other = tmp_path / "other"
    shutil.copytree(SHIPPED, other)
    second = initialize_config_flavors(other, debug=False)
    assert second is not first
    assert get_discovered_flavors() == ["default", "beats", "example", "mv1"]
    assert get_discovered_flavors(first) == ["default", "beats", "example", "mv1", "test_flavor"]


def test_missing_flavor_falls_back_to_default_with_a_warning(configs: Path) -> None:
    initialize_config_flavors(configs, debug=False)
    default = load_all_flavors()["default"]
    with capture_logs() as logs:
        assert get_config("ghost", "video_params") == default["video_params"]
        assert get_config("ghost", "scene_prompts") == default["scene_prompts"]
    warnings = [log for log in logs if log["event"] == "config_flavor_not_found"]
    assert len(warnings) == 2 and all(log["log_level"] == "warning" and log["using"] == "default" for log in warnings)
    with capture_logs() as logs:
        assert get_config(None, "parameters") == default["parameters"]
        assert get_config("test_flavor", "parameters") == TEST_FLAVOR["parameters"]
    assert logs == []


def test_missing_file_falls_back_to_the_default_file_with_a_warning(configs: Path) -> None:
    (configs / "test_flavor" / "lipsync_params.yaml").unlink()
    initialize_config_flavors(configs, debug=False)
    with capture_logs() as logs:
        lipsync = get_config("test_flavor", "lipsync_params")
        video = get_config("test_flavor", "video_params")
    assert lipsync == load_all_flavors()["default"]["lipsync_params"]
    assert video == TEST_FLAVOR["video_params"]
    assert [(log["event"], log["log_level"], log["config_type"]) for log in logs] == [("config_file_missing", "warning", "lipsync_params")]
    assert "lipsync_params" not in load_all_flavors()["test_flavor"]


def test_unknown_config_type_is_a_clear_value_error(configs: Path) -> None:
    initialize_config_flavors(configs, debug=False)
    with pytest.raises(ValueError, match=r"'video_parms'.*video_params"):
        get_config("test_flavor", "video_parms")


def test_a_caller_changing_its_dict_changes_nothing_for_the_next(configs: Path) -> None:
    service = initialize_config_flavors(configs, debug=False)
    mine = get_config("test_flavor", "video_params")
    mine["input"]["test_flavor_marker"] = "changed"
    mine["model"] = "someone/else"
    scenes = get_config("test_flavor", "scene_prompts")
    scenes["draft_shots"].append("an extra shot")
    everything = load_all_flavors()
    everything["test_flavor"]["parameters"]["scene_model"]["input"]["temperature"] = 2.0
    assert get_config("test_flavor", "video_params") == TEST_FLAVOR["video_params"]
    assert get_config("test_flavor", "scene_prompts")["draft_shots"] == TEST_FLAVOR["scene_prompts"]["draft_shots"]
    assert get_config("test_flavor", "parameters")["scene_model"]["input"]["temperature"] == 0.123
    assert service.load("test_flavor", VideoParams, into="test").input == {"test_flavor_marker": "clip"}


def test_debug_mode_logs_the_selection_and_the_values_at_debug(configs: Path) -> None:
    initialize_config_flavors(configs, debug=True)
    with capture_logs() as logs:
        get_config("test_flavor", "scene_prompts", into="a_script:scene_prompts")
    selected, loaded = logs
    assert (selected["event"], selected["log_level"]) == ("config_flavor_selected", "info")
    assert (selected["flavor"], selected["config_type"], selected["found"]) == ("test_flavor", "scene_prompts", True)
    assert (loaded["event"], loaded["log_level"], loaded["into"]) == ("config_flavor_loaded", "debug", "a_script:scene_prompts")
    assert loaded["values"] == TEST_FLAVOR["scene_prompts"]
    initialize_config_flavors(configs, debug=False)
    with capture_logs() as logs:
        get_config("test_flavor", "scene_prompts")
    assert logs == []


async def test_debug_values_reach_the_log_at_the_default_level(
    app_client: Callable[..., Any], configs: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    client = await app_client(mv_configs_dir=configs, mv_debug_mode=True, mv_log_json=True)
    capfd.readouterr()
    response = await client.post("/api/mv/create_scenes?wait=20", json={**BRIEF, "config_flavor": "test_flavor"})
    assert response.status_code == 200, response.text
    err = capfd.readouterr().err
    assert '"config_flavor_selected"' in err and '"config_flavor_loaded"' in err and "test-flavor shot A" in err


async def test_each_app_lists_its_own_flavors(app_client: Callable[..., Any], configs: Path) -> None:
    custom = await app_client(mv_configs_dir=configs)
    shipped = await app_client()
    assert (await custom.get("/api/mv/get_config_flavors")).json() == {"flavors": ["default", "beats", "example", "mv1", "test_flavor"]}
    assert (await shipped.get("/api/mv/get_config_flavors")).json() == {"flavors": ["default", "beats", "example", "mv1"]}
    assert get_discovered_flavors() == ["default", "beats", "example", "mv1"]


async def test_local_scenes_and_clip_carry_the_test_flavors_values(
    app_client: Callable[..., Any], configs: Path, media: MediaFactory, tmp_path: Path
) -> None:
    client = await app_client(mv_configs_dir=configs)
    planned = await client.post("/api/mv/create_scenes?wait=20", json={**BRIEF, "config_flavor": "test_flavor"})
    assert planned.status_code == 200, planned.text
    body = planned.json()
    assert [s["description"] for s in body["scenes"]] == [
        f"test-flavor shot A of {BRIEF['character_description']}: {BRIEF['idea']}",
        "test-flavor shot B, test-flavor camera",
        f"test-flavor shot A of {BRIEF['character_description']}: {BRIEF['idea']}",
    ]
    assert {s["negative_description"] for s in body["scenes"]} == {"test-flavor negative"}
    assert body["metadata"]["config_flavor"] == "test_flavor"
    assert body["metadata"]["parameters"]["video_type"] == "test-flavor video"

    audio_id = await add_audio(client, media.tone(20.0))
    made = await client.post(
        "/api/mv/generate_video?wait=30",
        json={"prompt": body["scenes"][0]["description"], "audio_id": audio_id, "start_time": 2.0, "config_flavor": "test_flavor"},
    )
    assert made.status_code == 200, made.text
    clip = made.json()
    params = clip["metadata"]["parameters"]
    assert clip["metadata"]["config_flavor"] == "test_flavor"
    assert (params["duration"], params["resolution"], params["end_time"]) == (6, "1080p", 8.0)
    out = tmp_path / "clip.mp4"
    out.write_bytes((await client.get(clip["video_url"])).content)
    assert abs(float(ffprobe(out)["format"]["duration"]) - 6.0) < 0.25


async def test_replicate_is_sent_the_test_flavors_models_and_inputs(
    app_client: Callable[..., Any], configs: Path, fake_replicate: FakeReplicate, media: MediaFactory
) -> None:
    fake = standard_fake(fake_replicate, media)
    clip_url = fake.add_output("flavor_clip.mp4", media.video(6.0, audio=False).read_bytes(), "video/mp4")
    fake.model(PLANNER, ModelSpec(output=scene_plan_output, seconds=0.1))
    fake.model(CLIPPER, ModelSpec(output=clip_url, seconds=0.1))
    client = await app_client(**replicate_settings(fake), mv_configs_dir=configs)

    planned = await client.post("/api/mv/create_scenes?wait=20", json={**BRIEF, "config_flavor": "test_flavor"})
    assert planned.status_code == 200, planned.text
    assert len(planned.json()["scenes"]) == 3
    [plan] = fake.creates(PLANNER)
    sent = plan.body["input"]
    assert sent["temperature"] == 0.123 and sent["system_prompt"] == "test-flavor system prompt"
    assert sent["prompt"] == (
        f"test-flavor plan: exactly 3 scenes for a test-flavor video about {BRIEF['idea']}, starring {BRIEF['character_description']}."
    )

    response = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "Wide shot of the bridge", "config_flavor": "test_flavor"})
    assert response.status_code == 202, response.text
    job = await finish(client, response.json()["job_id"])
    assert job["status"] == "succeeded", job
    [create] = fake.creates(CLIPPER)
    assert create.body["input"] == {
        "test_flavor_marker": "clip",
        "prompt": "Wide shot of the bridge\n\ntest-flavor rules: 16:9, 6 s",
        "aspect_ratio": "16:9",
        "duration": 6,
        "resolution": "1080p",
        "generate_audio": False,
    }
    assert fake.creates("google/gemini-2.5-flash") == [] and fake.creates("google/veo-3.1") == []
    meta = job["result"]["metadata"]
    assert meta["model"] == CLIPPER and meta["config_flavor"] == "test_flavor"
    assert meta["cost_estimate"] == pytest.approx(1.8)

