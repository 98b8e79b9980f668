"""100 concurrent requests over mixed flavors and endpoints: each uses its own flavor, none fails."""

from __future__ import annotations

import asyncio
import random

from mv.core.settings import PACKAGE_DIR
from mv.flavors.registry import FlavorRegistry
from mv.flavors.schemas import Parameters

REGISTRY = FlavorRegistry.load(PACKAGE_DIR / "configs")
SCENES = {name: REGISTRY.file(name, Parameters)[0].number_of_scenes for name in REGISTRY.names}


async def test_hundred_mixed_requests_keep_their_own_flavor(app_client) -> None:
    client = await app_client(mv_rate_limit_per_minute=10000, mv_default_wait=30)
    rng = random.Random(7)

    async def scenes(flavor: str | None) -> None:
        response = await client.post(
            "/api/mv/create_scenes?wait=30",
            json={"idea": f"idea for {flavor}", "character_description": "a drummer in a yellow coat", "config_flavor": flavor},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        expected = flavor if flavor in SCENES else "default"
        assert body["metadata"]["config_flavor"] == expected
        assert len(body["scenes"]) == SCENES[expected]
        if expected == "mv1":
            assert any("stadium" in s["description"] for s in body["scenes"])
            assert any("singer" in s["description"] for s in body["scenes"])

    async def flavors() -> None:
        response = await client.get("/api/mv/get_config_flavors")
        assert response.status_code == 200 and response.json()["flavors"][0] == "default"

    async def image(flavor: str) -> None:
        response = await client.post(
            "/api/mv/generate_character_reference?wait=30",
            json={"character_description": "a bassist with blue hair", "num_images": 1, "config_flavor": flavor},
        )
        assert response.status_code == 200, response.text
        assert response.json()["metadata"]["config_flavor"] == flavor

    async def health() -> None:
        assert (await client.get("/healthz")).status_code == 200

    calls = []
    for _ in range(60):
        calls.append(scenes(rng.choice(["default", "mv1", "example", None, "", "no-such-flavor"])))
    calls += [flavors() for _ in range(20)]
    calls += [image(rng.choice(["default", "mv1", "example"])) for _ in range(8)]
    calls += [health() for _ in range(12)]
    rng.shuffle(calls)
    await asyncio.gather(*calls)
