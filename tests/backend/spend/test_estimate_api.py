"""`POST /api/mv/estimate`: arithmetic against the flavor's prices, drafts free, ratios checked, confirmation threshold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import yaml

from helpers_mv import add_audio
from media import MediaFactory
from mv.core.settings import PACKAGE_DIR

CONFIGS = PACKAGE_DIR / "configs"


def _prices(flavor: str) -> dict[str, Any]:
    def load(name: str) -> dict[str, Any]:
        return yaml.safe_load((CONFIGS / flavor / f"{name}.yaml").read_text())  # type: ignore[no-any-return]

    return {"parameters": load("parameters"), "image": load("image_params"), "video": load("video_params"), "lipsync": load("lipsync_params")}


async def test_full_run_is_priced_step_by_step_from_the_flavors_yaml(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/mv/estimate", json={
        "config_flavor": "mv1", "mode": "full", "number_of_scenes": 5, "character_images": 3, "lipsync_seconds": 16, "aspect_ratio": "9:16",
    })
    assert response.status_code == 200, response.text
    body = response.json()
    p = _prices("mv1")
    expected = {
        "scenes": (p["parameters"]["scene_model"]["model"], 1, "run", p["parameters"]["scene_price_per_run"]),
        "character_images": (p["image"]["model"], 3, "image", 3 * p["image"]["price_per_image"]),
        "clips": (p["video"]["model"], 5 * p["video"]["duration"], "second", 5 * p["video"]["duration"] * p["video"]["price_per_second"]),
        "lipsync": (p["lipsync"]["model"], 16, "second", 16 * p["lipsync"]["price_per_second"]),
    }
    got = {i["step"]: (i["model"], i["count"], i["unit"], i["usd"]) for i in body["items"]}
    assert got.keys() == expected.keys()
    for step, (model, count, unit, usd) in expected.items():
        assert got[step][:3] == (model, count, unit) and got[step][3] == pytest.approx(usd, abs=1e-4), step
    assert body["total_usd"] == pytest.approx(sum(e[3] for e in expected.values()), abs=1e-3)
    assert body["items"][2]["usd"] == pytest.approx(8.0)  # 5 Veo 3.1 clips of 8 s at $0.20/s
    assert body["aspect_ratio"] == "9:16" and body["aspect_ratios"] == ["16:9", "9:16"] and body["config_flavor"] == "mv1"
    assert body["confirm_above_usd"] == 5.0 and body["confirm_required"] is True
    assert body["cap_usd_per_day"] is None and body["left_today_usd"] is None


async def test_draft_mode_costs_nothing(client: httpx.AsyncClient) -> None:
    body = (await client.post("/api/mv/estimate", json={"mode": "draft", "number_of_scenes": 12, "lipsync_seconds": 60})).json()
    assert body["total_usd"] == 0 and body["items"] == [] and body["confirm_required"] is False and body["aspect_ratio"] == "16:9"


async def test_scene_count_follows_the_song_and_defaults_follow_the_flavor(client: httpx.AsyncClient, media: MediaFactory) -> None:
    audio_id = await add_audio(client, media.tone(30.0))
    body = (await client.post("/api/mv/estimate", json={"audio_id": audio_id, "character_images": 0})).json()
    clips = next(i for i in body["items"] if i["step"] == "clips")
    assert clips["count"] == 4 * 8  # 30 s of song at 8 s a scene: 4 clips
    assert "character_images" not in {i["step"] for i in body["items"]}
    default = (await client.post("/api/mv/estimate", json={})).json()
    p = _prices("default")
    assert next(i for i in default["items"] if i["step"] == "clips")["count"] == p["parameters"]["number_of_scenes"] * p["video"]["duration"]
    assert next(i for i in default["items"] if i["step"] == "character_images")["count"] == p["image"]["num_images"]


async def test_a_ratio_the_video_model_does_not_take_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/mv/estimate", json={"aspect_ratio": "1:1"})
    assert response.status_code == 400
    assert response.json() == {"error": "BadRequest", "detail": "aspect_ratio 1:1 is not available with google/veo-3.1; it takes 16:9, 9:16."}
    assert (await client.post("/api/mv/estimate", json={"aspect_ratio": "4:3"})).status_code == 422


async def test_threshold_and_cap_come_from_the_settings(app_client: Callable[..., Any]) -> None:
    client = await app_client(mv_confirm_above_usd=100.0, mv_max_spend_usd_per_day=30.0)
    body = (await client.post("/api/mv/estimate", json={"number_of_scenes": 4})).json()
    assert body["confirm_required"] is False and body["confirm_above_usd"] == 100.0
    assert body["cap_usd_per_day"] == 30.0 and body["left_today_usd"] == 30.0
    today = (await client.get("/api/mv/spend/today")).json()
    assert today == {"spent_usd": 0.0, "cap_usd_per_day": 30.0, "left_usd": 30.0}
