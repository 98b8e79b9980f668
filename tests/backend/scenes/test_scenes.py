"""Scene planning with the offline provider: flavor-driven, deterministic, isolated per request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from structlog.testing import capture_logs

BRIEF = {"idea": "the last show before the band splits", "character_description": "a singer with a silver buzz cut"}


async def test_mv1_plan_reads_as_a_stadium_concert(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/mv/create_scenes?wait=10", json={**BRIEF, "config_flavor": "mv1"})
    assert response.status_code == 200, response.text
    body = response.json()
    scenes = body["scenes"]
    assert len(scenes) == 6  # mv1's number_of_scenes
    text = " ".join(s["description"] for s in scenes).lower()
    for word in ("stadium", "band", "crowd", "drummer", "lead singer", "a singer with a silver buzz cut", "the last show"):
        assert word in text, word
    assert all("indoor venue" in s["negative_description"] for s in scenes)
    meta = body["metadata"]
    assert meta["config_flavor"] == "mv1" and meta["provider"] == "local" and meta["draft"] is True
    assert meta["parameters"]["video_type"] == "live concert music video"
    again = await client.post("/api/mv/create_scenes?wait=10", json={**BRIEF, "config_flavor": "mv1"})
    assert again.json()["scenes"] == scenes  # deterministic


async def test_request_fields_override_flavor_defaults_and_shots_cycle(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/mv/create_scenes?wait=10", json={**BRIEF, "number_of_scenes": 8, "camera_angle": "drone shots"})
    body = response.json()
    assert len(body["scenes"]) == 8
    assert body["scenes"][0]["description"] == body["scenes"][6]["description"]  # default has six shots
    assert "drone shots" in body["scenes"][3]["description"]
    assert body["metadata"]["parameters"]["number_of_scenes"] == 8
    assert body["metadata"]["config_flavor"] == "default"


async def test_unknown_flavor_falls_back_to_default(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/mv/create_scenes?wait=10", json={**BRIEF, "config_flavor": "nope"})
    assert response.status_code == 200
    assert response.json()["metadata"]["config_flavor"] == "default"


async def test_create_scenes_validation(client: httpx.AsyncClient) -> None:
    for body in ({"idea": "x"}, {**BRIEF, "idea": "   "}, {**BRIEF, "number_of_scenes": 0}, {**BRIEF, "number_of_scenes": 25},
                 {**BRIEF, "idea": "x" * 2001}, {**BRIEF, "surprise": 1}):
        response = await client.post("/api/mv/create_scenes", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"] == "ValidationError"
    response = await client.post("/api/mv/create_scenes", json={**BRIEF, "provider": "replicate"})
    assert response.status_code == 400 and "REPLICATE_API_TOKEN" in response.json()["detail"]


async def test_wait_zero_answers_202_and_the_job_holds_the_same_result(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/mv/create_scenes?wait=0", json=BRIEF)
    assert response.status_code in (200, 202)
    if response.status_code == 202:
        accepted = response.json()
        assert accepted["status_url"] == f"/api/jobs/{accepted['job_id']}"
        for _ in range(100):
            job = (await client.get(accepted["status_url"])).json()
            if job["status"] == "succeeded":
                break
            await asyncio.sleep(0.05)
        assert len(job["result"]["scenes"]) == 4


async def test_100_concurrent_requests_with_mixed_flavors_each_get_their_own(client: httpx.AsyncClient) -> None:
    flavors = ["default", "mv1", "example", None]

    async def one(index: int) -> tuple[str | None, dict[str, Any]]:
        flavor = flavors[index % len(flavors)]
        body: dict[str, Any] = {**BRIEF, "idea": f"idea number {index}"}
        if flavor:
            body["config_flavor"] = flavor
        response = await client.post("/api/mv/create_scenes?wait=30", json=body)
        assert response.status_code == 200, response.text
        return flavor, response.json()

    results = await asyncio.gather(*(one(i) for i in range(100)))
    expected = {"default": (4, "music video"), "mv1": (6, "live concert music video"), "example": (6, "short film"), None: (4, "music video")}
    for index, (flavor, body) in enumerate(results):
        count, video_type = expected[flavor]
        assert len(body["scenes"]) == count
        assert body["metadata"]["parameters"]["video_type"] == video_type
        assert body["metadata"]["config_flavor"] == (flavor or "default")
        assert all(f"idea number {index}" in s["description"].lower() for s in body["scenes"])
    mv1 = [b for f, b in results if f == "mv1"]
    assert all("stadium" in b["scenes"][0]["description"] for b in mv1)
    example = [b for f, b in results if f == "example"]
    assert all("noir" in b["scenes"][0]["description"].lower() for b in example)


async def test_debug_mode_logs_the_flavor_loaded_at_prompt_time(app_client: Callable[..., Any]) -> None:
    client = await app_client(mv_debug_mode=True)
    with capture_logs() as logs:
        response = await client.post("/api/mv/create_scenes?wait=10", json={**BRIEF, "config_flavor": "mv1"})
        assert response.status_code == 200
        missing = await client.post("/api/mv/create_scenes?wait=10", json={**BRIEF, "config_flavor": "ghost"})
        assert missing.status_code == 200
    loaded = [e for e in logs if e["event"] == "config_flavor_loaded" and e["flavor"] == "mv1"]
    targets = {e["into"] for e in loaded}
    assert targets == {"mv.scenes.service:parameters", "mv.scenes.service:scene_prompts"}
    prompts = next(e for e in loaded if e["into"] == "mv.scenes.service:scene_prompts")
    assert "stadium" in prompts["values"]["scene_generation_prompt"]
    assert any(e["event"] == "config_flavor_not_found" and e["requested"] == "ghost" for e in logs)


async def test_no_debug_logs_without_debug_mode(client: httpx.AsyncClient) -> None:
    with capture_logs() as logs:
        await client.post("/api/mv/create_scenes?wait=10", json=BRIEF)
    assert not [e for e in logs if e["event"] == "config_flavor_loaded"]
