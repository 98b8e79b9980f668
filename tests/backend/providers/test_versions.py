"""A flavor may pin `owner/name:version`: creates go through the versions endpoint, and a lost one is still found."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from fake_replicate import Fault, FakeReplicate, ModelSpec, replicate_settings
from helpers_mv import finish, standard_fake
from media import MediaFactory
from mv.core.settings import PACKAGE_DIR

VEO = "google/veo-3.1"
COMMUNITY = "acme/stage-dancer"


@pytest.fixture
def fake(fake_replicate: FakeReplicate, media: MediaFactory) -> FakeReplicate:
    fake = standard_fake(fake_replicate, media)
    video = fake.add_output("dancer.mp4", media.video(2.0).read_bytes(), "video/mp4")
    fake.model(COMMUNITY, ModelSpec(output=video, seconds=0.2, official=False, allowed_inputs=frozenset(
        {"prompt", "aspect_ratio", "duration", "resolution", "generate_audio", "negative_prompt", "seed"}
    )))
    return fake


def _flavor(configs: Path, name: str, model: str) -> None:
    """A flavor `name` whose clip model is `model` (no character reference, so any video model fits)."""
    shutil.copytree(PACKAGE_DIR / "configs" / "default", configs / name)
    path = configs / name / "video_params.yaml"
    data = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**data, "model": model, "reference_input": "none"}))


@pytest.fixture
async def client(app_client: Callable[..., Any], fake: FakeReplicate, tmp_path: Path) -> httpx.AsyncClient:
    configs = tmp_path / "configs"
    shutil.copytree(PACKAGE_DIR / "configs", configs)
    _flavor(configs, "pinned", fake.pinned(VEO))
    _flavor(configs, "community", fake.pinned(COMMUNITY))
    _flavor(configs, "unpinned", COMMUNITY)
    return await app_client(**replicate_settings(fake, replicate_timeout=1.0), mv_configs_dir=configs)


async def _clip(client: httpx.AsyncClient, flavor: str) -> dict[str, Any]:
    answer = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "Wide shot of the stage", "config_flavor": flavor})
    assert answer.status_code == 202, answer.text
    return await asyncio.wait_for(finish(client, answer.json()["job_id"]), 60)


@pytest.mark.parametrize(("flavor", "model"), [("pinned", VEO), ("community", COMMUNITY)])
async def test_a_pinned_version_is_created_through_the_versions_endpoint(
    client: httpx.AsyncClient, fake: FakeReplicate, flavor: str, model: str
) -> None:
    job = await _clip(client, flavor)
    assert job["status"] == "succeeded", job
    [create] = fake.creates(model)
    assert create.path == "/v1/predictions"
    assert create.body["version"] == fake.models[model].version and "model" not in create.body
    assert create.body["input"]["prompt"].startswith("Wide shot of the stage")
    assert not [r for r in fake.requests if r.path.startswith("/v1/models/")]
    assert job["result"]["metadata"]["model"] == fake.pinned(model)


async def test_a_community_model_without_a_version_fails_with_replicates_reason(client: httpx.AsyncClient, fake: FakeReplicate) -> None:
    job = await _clip(client, "unpinned")
    assert job["status"] == "failed"
    assert job["error"]["error"] == "UpstreamError"
    assert job["error"]["detail"].startswith(f"Replicate refused the request to {COMMUNITY}: ")
    assert "create with a version" in job["error"]["detail"]


async def test_a_lost_create_of_a_pinned_version_is_found_by_model_and_version(client: httpx.AsyncClient, fake: FakeReplicate) -> None:
    fake.inject("POST", "/v1/predictions", Fault(delay=2.0))
    job = await _clip(client, "pinned")
    assert job["status"] == "succeeded", job
    assert len(fake.creates(VEO)) == 1
    assert [r for r in fake.requests if r.method == "GET" and r.path == "/v1/predictions"], "it looked in the list"
