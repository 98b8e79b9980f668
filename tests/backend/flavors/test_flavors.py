"""Config flavors: discovery, validation, per-request resolution, fallbacks, debug logs."""

from __future__ import annotations

import asyncio
import random
import shutil
from pathlib import Path

import pytest
import yaml
from structlog.testing import capture_logs

from mv.core.settings import PACKAGE_DIR
from mv.flavors.registry import FlavorConfigError, FlavorRegistry
from mv.flavors.schemas import FILE_TYPES, ImageParams, Parameters, ScenePrompts, VideoParams
from mv.flavors.service import FlavorService

CONFIGS = PACKAGE_DIR / "configs"


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    """A private copy of the shipped flavors to break."""
    target = tmp_path / "configs"
    shutil.copytree(CONFIGS, target)
    return target


def test_shipped_flavors_load_with_every_file() -> None:
    registry = FlavorRegistry.load(CONFIGS)
    assert registry.names == ["default", "beats", "example", "mv1"]
    for flavor in registry.names:
        for model in FILE_TYPES:
            assert (CONFIGS / flavor / f"{model.file_name}.yaml").is_file()
            _, source = registry.file(flavor, model)
            assert source == flavor


async def test_endpoint_lists_default_first(client) -> None:
    response = await client.get("/api/mv/get_config_flavors")
    assert response.status_code == 200
    assert response.json() == {"flavors": ["default", "beats", "example", "mv1"]}


async def test_endpoint_orders_new_flavors_alphabetically(app_client, configs: Path) -> None:
    shutil.copytree(configs / "example", configs / "aardvark")
    client = await app_client(mv_configs_dir=configs)
    assert (await client.get("/api/mv/get_config_flavors")).json()["flavors"] == ["default", "aardvark", "beats", "example", "mv1"]


def test_malformed_yaml_names_the_file(configs: Path) -> None:
    (configs / "mv1" / "parameters.yaml").write_text("number_of_scenes: [unclosed\n")
    with pytest.raises(FlavorConfigError) as info:
        FlavorRegistry.load(configs)
    assert "mv1/parameters.yaml" in str(info.value)


def test_wrong_type_names_the_file_and_key(configs: Path) -> None:
    path = configs / "example" / "video_params.yaml"
    data = yaml.safe_load(path.read_text())
    data["duration"] = "eight seconds"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(FlavorConfigError) as info:
        FlavorRegistry.load(configs)
    message = str(info.value)
    assert "example/video_params.yaml" in message and "duration" in message


def test_unknown_key_and_bad_placeholder_are_refused(configs: Path) -> None:
    path = configs / "mv1" / "image_params.yaml"
    path.write_text(path.read_text() + "colour: red\n")
    with pytest.raises(FlavorConfigError, match="colour"):
        FlavorRegistry.load(configs)
    shutil.copy(CONFIGS / "mv1" / "image_params.yaml", path)
    prompts = configs / "mv1" / "image_prompts.yaml"
    prompts.write_text("character_reference_prompt: 'A {character_description} and {__class__}'\n")
    with pytest.raises(FlavorConfigError, match="image_prompts.yaml"):
        FlavorRegistry.load(configs)


def test_unknown_flavor_falls_back_to_default_with_a_warning() -> None:
    service = FlavorService(FlavorRegistry.load(CONFIGS), debug=False)
    with capture_logs() as logs:
        params = service.load("nope", Parameters, into="test")
    assert params == FlavorRegistry.load(CONFIGS).file("default", Parameters)[0]
    assert any(log["event"] == "config_flavor_not_found" and log["log_level"] == "warning" for log in logs)


def test_absent_or_empty_flavor_is_default_without_warning() -> None:
    service = FlavorService(FlavorRegistry.load(CONFIGS), debug=False)
    with capture_logs() as logs:
        service.load(None, Parameters, into="test")
        service.load("", Parameters, into="test")
    assert logs == []


def test_missing_file_falls_back_to_default_file_with_a_warning(configs: Path) -> None:
    (configs / "mv1" / "video_params.yaml").unlink()
    service = FlavorService(FlavorRegistry.load(configs), debug=False)
    with capture_logs() as logs:
        video = service.load("mv1", VideoParams, into="test")
        params = service.load("mv1", Parameters, into="test")
    default_video, _ = FlavorRegistry.load(configs).file("default", VideoParams)
    assert video == default_video
    assert params.number_of_scenes == 6
    assert [log["event"] for log in logs] == ["config_file_missing"]


def test_debug_mode_logs_flavors_and_loaded_values() -> None:
    service = FlavorService(FlavorRegistry.load(CONFIGS), debug=True)
    with capture_logs() as logs:
        service.log_startup()
        service.load("mv1", ScenePrompts, into="mv.scenes.service:prompts")
        service.load("missing", ImageParams, into="mv.images.service:params")
    events = {log["event"]: log for log in logs}
    startup = events["config_flavors_loaded"]
    assert startup["flavors"] == ["default", "beats", "example", "mv1"]
    assert "scene_generation_prompt" not in str(startup)
    selected = [log for log in logs if log["event"] == "config_flavor_selected"]
    assert selected[0]["flavor"] == "mv1" and selected[0]["found"] is True
    assert selected[1]["requested"] == "missing" and selected[1]["found"] is False and selected[1]["flavor"] == "default"
    loaded = [log for log in logs if log["event"] == "config_flavor_loaded"]
    assert loaded[0]["into"] == "mv.scenes.service:prompts"
    assert "stadium" in loaded[0]["values"]["scene_generation_prompt"]


def test_debug_mode_off_logs_nothing_at_prompt_time() -> None:
    service = FlavorService(FlavorRegistry.load(CONFIGS), debug=False)
    with capture_logs() as logs:
        service.log_startup()
        service.load("mv1", ScenePrompts, into="x")
    assert logs == []


async def test_startup_debug_line_in_app(app_client, capfd: pytest.CaptureFixture[str]) -> None:
    capfd.readouterr()
    await app_client(mv_debug_mode=True, mv_log_json=True)
    assert '"config_flavors_loaded"' in capfd.readouterr().err
    await app_client(mv_debug_mode=False, mv_log_json=True)
    assert "config_flavors_loaded" not in capfd.readouterr().err


async def test_concurrent_requests_never_share_state() -> None:
    service = FlavorService(FlavorRegistry.load(CONFIGS), debug=False)
    expected = {name: service.registry.file(name, Parameters)[0].number_of_scenes for name in service.names}

    async def one(flavor: str) -> tuple[str, int]:
        params = service.load(flavor, Parameters, into="test")
        video = service.load(flavor, VideoParams, into="test")
        video.input["tampered"] = flavor
        await asyncio.sleep(random.random() / 100)
        return flavor, params.number_of_scenes

    flavors = [random.choice(service.names) for _ in range(100)]
    results = await asyncio.gather(*(one(f) for f in flavors))
    assert all(count == expected[flavor] for flavor, count in results)
    assert "tampered" not in service.load("default", VideoParams, into="test").input


def test_mv1_is_a_stadium_concert_flavor() -> None:
    registry = FlavorRegistry.load(CONFIGS)
    mv1, _ = registry.file("mv1", ScenePrompts)
    default, _ = registry.file("default", ScenePrompts)
    prompt = mv1.scene_generation_prompt.lower()
    for phrase in ("outdoor stadium", "band", "lead singer", "close-up", "audience", "wide shot", "lighting"):
        assert phrase in prompt, phrase
    assert "stadium" not in default.scene_generation_prompt.lower()
    crowd = [shot for shot in mv1.draft_shots if "crowd" in shot.lower() or "audience" in shot.lower()]
    assert 0 < len(crowd) < len(mv1.draft_shots)


def test_mv1_parameter_changes_carry_comments() -> None:
    default = yaml.safe_load((CONFIGS / "default" / "parameters.yaml").read_text())
    lines = (CONFIGS / "mv1" / "parameters.yaml").read_text().splitlines()
    mv1 = yaml.safe_load("\n".join(lines))
    changed = [key for key in mv1 if mv1[key] != default.get(key) and not isinstance(mv1[key], dict)]
    assert changed
    for key in changed:
        line = next(line for line in lines if line.startswith(f"{key}:"))
        assert "#" in line, f"{key} changed without a comment"


def test_example_flavor_explains_itself() -> None:
    for model in FILE_TYPES:
        text = (CONFIGS / "example" / f"{model.file_name}.yaml").read_text()
        assert "#" in text or model.file_name == "image_prompts" and "#" in text


def _set(configs: Path, flavor: str, file: str, **changes: object) -> Path:
    """Change top-level keys of one flavor file; `input` changes are merged into its `input` mapping."""
    path = configs / flavor / f"{file}.yaml"
    data = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if key == "scene_input":
            data["scene_model"]["input"] = {**data["scene_model"]["input"], **value}  # type: ignore[dict-item]
        elif key == "input":
            data["input"] = {**data.get("input", {}), **value}  # type: ignore[dict-item]
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("file", "changes", "key", "words"),
    [
        ("video_params", {"duration": 5}, "duration", "one of 4, 6, 8"),
        ("video_params", {"duration": 4, "reference_input": "image", "aspect_ratio": "1:1"}, "aspect_ratio", "one of 16:9, 9:16"),
        ("video_params", {"resolution": "4k"}, "resolution", "one of 720p, 1080p"),
        ("video_params", {"aspect_ratio": "9:16"}, "reference_input", "reference_images only at 16:9 and 8 s"),
        ("video_params", {"duration": 6}, "reference_input", "reference_images only at 16:9 and 8 s"),
        ("video_params", {"input": {"duration": 4}}, "input", "input.duration is set by Encore"),
        ("video_params", {"model": "google/imagen-4"}, "model", "is an image model; this file needs a video model"),
        ("image_params", {"output_format": "webp"}, "output_format", "one of jpg, png"),
        ("image_params", {"aspect_ratio": "2:3"}, "aspect_ratio", "one of 1:1, 9:16, 16:9, 3:4, 4:3"),
        ("image_params", {"input": {"safety_filter_level": "none"}}, "input", "input.safety_filter_level"),
        ("lipsync_params", {"input": {"sync_mode": "wobble"}}, "input", "input.sync_mode"),
        ("lipsync_params", {"input": {"temperature": 1.5}}, "input", "temperature must be at most 1"),
        ("lipsync_params", {"input": {"fps": 25}}, "input", "has no input 'fps'"),
        ("parameters", {"scene_input": {"temperature": 3}}, "scene_model.input", "temperature must be at most 2"),
        ("parameters", {"scene_input": {"response_format": "json"}}, "scene_model.input", "has no input 'response_format'"),
    ],
)
def test_values_a_shipped_model_does_not_allow_stop_startup_naming_file_and_key(
    configs: Path, file: str, changes: dict[str, object], key: str, words: str
) -> None:
    _set(configs, "example", file, **changes)
    with pytest.raises(FlavorConfigError) as info:
        FlavorRegistry.load(configs)
    message = str(info.value)
    assert f"example/{file}.yaml" in message and f"key '{key}'" in message, message
    assert words in message, message


def test_legal_alternatives_and_unknown_models_load(configs: Path) -> None:
    version = "0" * 64
    _set(configs, "example", "video_params", aspect_ratio="9:16", duration=4, resolution="1080p", reference_input="image",
         model=f"google/veo-3.1:{version}")
    _set(configs, "example", "image_params", aspect_ratio="16:9", output_format="jpg", model=f"google/imagen-4:{version}")
    _set(configs, "example", "lipsync_params", model=f"sync/lipsync-2-pro:{version}", input={"sync_mode": "loop", "active_speaker": True})
    _set(configs, "mv1", "video_params", model="acme/new-video-model", duration=5, aspect_ratio="1:1", resolution="4k")
    registry = FlavorRegistry.load(configs)
    video, _ = registry.file("example", VideoParams)
    assert (video.model, video.aspect_ratio, video.duration) == (f"google/veo-3.1:{version}", "9:16", 4)
    assert registry.file("example", ImageParams)[0].output_format == "jpg"
    assert registry.file("mv1", VideoParams)[0].duration == 5


def test_the_model_table_answers_for_later_features() -> None:
    from mv.flavors import models

    assert models.durations("google/veo-3.1") == (4, 6, 8)
    assert models.durations("google/veo-3.1:" + "a" * 64) == (4, 6, 8)
    assert models.shortest_duration_covering("google/veo-3.1", 4.0) == 4
    assert models.shortest_duration_covering("google/veo-3.1", 5.2) == 6
    assert models.shortest_duration_covering("google/veo-3.1", 9.0) is None
    assert models.aspect_ratios("google/veo-3.1") == ("16:9", "9:16")
    assert "1:1" in (models.aspect_ratios("google/imagen-4") or ())
    assert models.durations("acme/unknown") is None and models.aspect_ratios("acme/unknown") is None
    assert models.system_input("google/gemini-2.5-flash") == "system_instruction"
    assert models.system_input("openai/gpt-4.1-mini") == models.system_input("acme/unknown") == "system_prompt"
