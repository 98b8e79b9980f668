"""The Replicate provider against the fake API: flavor inputs, fetchable files, faults and durability."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_replicate import Fault, FakeReplicate, ModelSpec, scene_plan_output, replicate_settings
from helpers_mv import ffprobe, finish, standard_fake
from media import MediaFactory
from asgi_lifespan import LifespanManager
from mv.app import create_app
from mv.jobs.runner import JobContext
from mv.providers.replicate import parse_scenes

BRIEF = {"idea": "the last show before the band splits", "character_description": "a singer with a silver buzz cut"}
GEMINI, IMAGEN, VEO = "google/gemini-2.5-flash", "google/imagen-4", "google/veo-3.1"


@pytest.fixture
def fake(fake_replicate: FakeReplicate, media: MediaFactory) -> FakeReplicate:
    return standard_fake(fake_replicate, media)


@pytest.fixture
async def rclient(app_client: Callable[..., Any], fake: FakeReplicate) -> httpx.AsyncClient:
    return await app_client(**replicate_settings(fake))


async def _clip(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/mv/generate_video?wait=0", json={"prompt": "Wide shot of the stage", **body})
    assert response.status_code == 202, response.text
    return await finish(client, response.json()["job_id"])


async def test_scenes_send_each_flavors_model_prompt_and_parameters(rclient: httpx.AsyncClient, fake: FakeReplicate) -> None:
    default = await rclient.post("/api/mv/create_scenes?wait=20", json=BRIEF)
    mv1 = await rclient.post("/api/mv/create_scenes?wait=20", json={**BRIEF, "config_flavor": "mv1"})
    assert default.status_code == 200 and mv1.status_code == 200, (default.text, mv1.text)
    assert len(default.json()["scenes"]) == 4 and len(mv1.json()["scenes"]) == 6
    creates = fake.creates(GEMINI)
    assert len(creates) == 2
    first, second = (c.body["input"] for c in creates)
    assert first["temperature"] == 0.8 and second["temperature"] == 0.9
    assert first["max_output_tokens"] == 4096 and first["dynamic_thinking"] is False
    assert first["system_instruction"].startswith("You write precise, visual prompts")
    assert second["system_instruction"].startswith("You direct concert films")
    assert "exactly 4 scenes for a music video" in first["prompt"] and BRIEF["idea"] in first["prompt"]
    assert "exactly 6 scenes for a live concert music video" in second["prompt"] and "outdoor stadium" in second["prompt"]
    assert "{" not in first["prompt"].split("Answer with JSON only")[0]
    meta = mv1.json()["metadata"]
    assert meta["provider"] == "replicate" and meta["model"] == GEMINI and meta["draft"] is False
    assert meta["config_flavor"] == "mv1" and meta["cost_estimate"] == 0.01 and meta["prediction_id"]
    assert meta["parameters"]["model_input"]["temperature"] == 0.9
    assert mv1.json()["scenes"][0]["description"].startswith("Scene 1")


async def test_images_one_prediction_each_downloaded_as_png(rclient: httpx.AsyncClient, fake: FakeReplicate) -> None:
    response = await rclient.post("/api/mv/generate_character_reference?wait=20", json={"character_description": "a drummer in a kilt", "num_images": 3})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["images"]) == 3
    creates = fake.creates(IMAGEN)
    assert len(creates) == 3
    sent = creates[0].body["input"]
    assert sent == {"safety_filter_level": "block_medium_and_above", "prompt": sent["prompt"], "aspect_ratio": "1:1", "output_format": "png"}
    assert "a drummer in a kilt" in sent["prompt"] and sent["prompt"].startswith("Full-body character reference")
    assert body["metadata"]["cost_estimate"] == pytest.approx(0.12) and len(body["metadata"]["prediction_ids"]) == 3
    image = await rclient.get(body["images"][0]["url"])
    assert image.content.startswith(b"\x89PNG")


async def test_clip_sends_veo_inputs_with_the_character_uploaded_through_files_api(
    rclient: httpx.AsyncClient, fake: FakeReplicate, media: MediaFactory, tmp_path: Any
) -> None:
    with media.image(name="char_for_veo.png").open("rb") as fh:
        uploaded = await rclient.post("/api/mv/upload_character_reference", files={"file": ("c.png", fh, "image/png")})
    image_id = uploaded.json()["images"][0]["id"]
    job = await _clip(rclient, negative_prompt="blurry", character_reference_id=image_id, config_flavor="mv1", seed=7)
    assert job["status"] == "succeeded", job
    [create] = fake.creates(VEO)
    sent = create.body["input"]
    assert sent["prompt"].startswith("Wide shot of the stage\n\nRules: 16:9 frame, one continuous shot of 8 seconds")
    assert (sent["aspect_ratio"], sent["duration"], sent["resolution"], sent["generate_audio"]) == ("16:9", 8, "720p", False)
    assert sent["negative_prompt"] == "blurry" and sent["seed"] == 7
    [url] = sent["reference_images"]
    assert url.startswith(fake.root + "/files/")  # uploaded through POST /v1/files, never a local path
    assert [r for r in fake.requests if r.path == "/v1/files" and r.status == 201]
    assert (url, 200) in [(u, s) for u, s, _ in fake.fetched]
    local = rclient.app.state.services.storage.path(f"character_reference/{image_id}.png")  # type: ignore[attr-defined]
    assert fake.files[url.rsplit("/", 1)[1]][0] == local.read_bytes()
    result = job["result"]
    assert result["metadata"]["model"] == VEO and result["metadata"]["cost_estimate"] == pytest.approx(1.6)
    assert result["metadata"]["parameters"]["reference_input"] == "reference_images"
    video = await rclient.get(result["video_url"])
    out = tmp_path / "veo.mp4"
    out.write_bytes(video.content)
    assert ffprobe(out)["streams"][0]["width"] == 1280
    asset = await rclient.app.state.services.assets.get(result["video_id"])  # type: ignore[attr-defined]
    prov = asset.info["provenance"]
    assert prov["prediction_id"] == create_id(fake, create) and prov["inputs"]["reference_images"] == ["<file>"]


def create_id(fake: FakeReplicate, create: Any) -> str:
    return next(pid for pid, p in fake.predictions.items() if p["input"] == create.body["input"])


async def test_with_s3_the_character_goes_as_a_presigned_url(
    app_client: Callable[..., Any], fake: FakeReplicate, s3_settings: dict[str, Any], s3_server: str, media: MediaFactory
) -> None:
    client = await app_client(**replicate_settings(fake), **s3_settings)
    with media.image(name="char_s3.png").open("rb") as fh:
        uploaded = await client.post("/api/mv/upload_character_reference", files={"file": ("c.png", fh, "image/png")})
    job = await _clip(client, character_reference_id=uploaded.json()["images"][0]["id"])
    assert job["status"] == "succeeded", job
    [url] = fake.creates(VEO)[0].body["input"]["reference_images"]
    assert url.startswith(s3_server) and "Signature" in url
    assert (url, 200) in [(u, s) for u, s, _ in fake.fetched]
    assert not [r for r in fake.requests if r.path == "/v1/files"]
    from s3_bucket import s3_object

    assert s3_object(s3_server, f"mv/jobs/{job['id']}/video.mp4") is not None


async def test_429_on_create_honours_retry_after_and_creates_once(rclient: httpx.AsyncClient, fake: FakeReplicate) -> None:
    fake.inject("POST", r"/v1/models/google/veo-3\.1/predictions", Fault(429, {"Retry-After": "3"}, {"detail": "Request was throttled."}))
    job = await _clip(rclient)
    assert job["status"] == "succeeded", job
    attempts = [r for r in fake.requests if r.path == "/v1/models/google/veo-3.1/predictions"]
    assert [r.status for r in attempts] == [429, 201]
    assert attempts[1].at - attempts[0].at >= 2.9, "the retry waited as long as Retry-After said (not the 1 s default)"


async def test_500s_and_429s_on_polling_are_retried(rclient: httpx.AsyncClient, fake: FakeReplicate) -> None:
    fake.inject("GET", r"/v1/predictions/.+", Fault(500), Fault(502), Fault(429, {"Retry-After": "0"}), Fault(500))
    job = await _clip(rclient)
    assert job["status"] == "succeeded", job
    assert len(fake.creates(VEO)) == 1
    assert [r.status for r in fake.gets()][:4] == [500, 502, 429, 500]


@pytest.fixture
async def short_client(app_client: Callable[..., Any], fake: FakeReplicate) -> httpx.AsyncClient:
    """An app whose Replicate requests give up after one second (REPLICATE_TIMEOUT=1)."""
    return await app_client(**replicate_settings(fake, replicate_timeout=1.0))


async def test_create_timeout_after_sending_reconciles_instead_of_creating_again(short_client: httpx.AsyncClient, fake: FakeReplicate) -> None:
    rclient = short_client
    fake.inject("POST", r"/v1/models/google/veo-3\.1/predictions", Fault(delay=2.0))
    job = await _clip(rclient)
    assert job["status"] == "succeeded", job
    assert len(fake.creates(VEO)) == 1
    assert [r for r in fake.requests if r.method == "GET" and r.path == "/v1/predictions"]


async def test_a_silent_poll_times_out_is_retried_and_the_api_stays_responsive(short_client: httpx.AsyncClient, fake: FakeReplicate) -> None:
    rclient = short_client
    fake.inject("GET", r"/v1/predictions/.+", Fault(delay=30.0))
    response = await rclient.post("/api/mv/generate_video?wait=0", json={"prompt": "Wide shot of the stage"})
    assert response.status_code == 202, response.text
    for _ in range(200):
        if fake.gets():
            break
        await asyncio.sleep(0.02)
    assert (await rclient.get("/healthz")).status_code == 200
    job = await asyncio.wait_for(finish(rclient, response.json()["job_id"]), 20)
    assert job["status"] == "succeeded", job
    assert len(fake.creates(VEO)) == 1
    assert len(fake.gets()) >= 2, "the silent poll was given up at the timeout and asked again"


async def test_an_output_that_is_not_a_video_fails_the_job_clearly(rclient: httpx.AsyncClient, fake: FakeReplicate) -> None:
    fake.model(VEO, ModelSpec(output=fake.add_output("page.mp4", b"<!doctype html><p>expired</p>", "text/html"), seconds=0.1))
    job = await _clip(rclient)
    assert job["status"] == "failed"
    assert job["error"] == {"error": "UpstreamError", "detail": "The google/veo-3.1 prediction returned a file that is not a video."}
    asset = await rclient.app.state.services.assets.get(job["id"])  # type: ignore[attr-defined]
    assert asset.status == "failed" and asset.storage_key is None


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
async def test_an_output_larger_than_the_cap_is_not_kept(
    rclient: httpx.AsyncClient, fake: FakeReplicate, media: MediaFactory, monkeypatch: pytest.MonkeyPatch, declared: bool
) -> None:
    from mv.providers.replicate import files

    video = media.video(2.0).read_bytes()
    monkeypatch.setattr(files, "MAX_OUTPUT_BYTES", len(video) - 1)
    fake.model(VEO, ModelSpec(output=fake.add_output("big.mp4", video, "video/mp4", content_length=declared), seconds=0.1))
    job = await _clip(rclient)
    assert job["status"] == "failed" and job["error"]["error"] == "UpstreamError"
    assert "larger than" in job["error"]["detail"]
    media_root = rclient.app.state.services.storage.root  # type: ignore[attr-defined]
    assert not [p for p in media_root.rglob("*.mp4*") if p.stat().st_size >= len(video) - 1], "nothing of it is left on disk"


async def test_outputs_outside_replicates_file_host_are_never_fetched(rclient: httpx.AsyncClient, fake: FakeReplicate, media: MediaFactory) -> None:
    elsewhere = FakeReplicate().start()  # another loopback origin standing in for an internal address
    try:
        planted = elsewhere.add_output("meta.mp4", media.video(1.0).read_bytes(), "video/mp4")
        fake.model(VEO, ModelSpec(output=planted, seconds=0.1))
        direct = await _clip(rclient)
        fake.model(VEO, ModelSpec(output=fake.add_output("hop.mp4", b"", "video/mp4"), seconds=0.1))
        fake.redirect_output("hop.mp4", planted)
        redirected = await _clip(rclient)
    finally:
        elsewhere.stop()
    for job in (direct, redirected):
        assert job["status"] == "failed"
        assert job["error"]["detail"] == "The model pointed at an output file outside Replicate's file host."
    assert elsewhere.requests == [], "no request may reach a host the model named"


async def test_500_on_create_is_reconciled_then_retried_once_it_is_known_absent(rclient: httpx.AsyncClient, fake: FakeReplicate) -> None:
    fake.inject("POST", r"/v1/models/google/veo-3\.1/predictions", Fault(500))
    job = await _clip(rclient)
    assert job["status"] == "succeeded", job
    assert len(fake.creates(VEO)) == 1


@pytest.mark.parametrize(("status", "words"), [("failed", "failed: NSFW content detected"), ("aborted", "was aborted"), ("canceled", "was canceled")])
async def test_final_failure_statuses_end_the_job_with_a_clear_error(
    rclient: httpx.AsyncClient, fake: FakeReplicate, status: str, words: str
) -> None:
    fake.finish_next(VEO, status, "NSFW content detected\nTraceback: secret internals" if status == "failed" else None)
    job = await _clip(rclient)
    assert job["status"] == "failed"
    assert job["error"]["error"] == "UpstreamError"
    assert words in job["error"]["detail"] and "Traceback" not in job["error"]["detail"]
    asset = await rclient.app.state.services.assets.get(job["id"])  # type: ignore[attr-defined]
    assert asset.status == "failed"
    failed = await rclient.get(f"/api/mv/get_video/{job['id']}")
    assert failed.status_code == 409 and failed.json()["error"] == "AssetFailed"
    assert words in failed.json()["detail"] and "Traceback" not in failed.json()["detail"]
    sync = await rclient.post("/api/mv/generate_video?wait=0", json={"prompt": "x"})
    assert sync.status_code == 202


async def test_unusable_scene_plan_gets_one_repair_then_a_clear_error(rclient: httpx.AsyncClient, fake: FakeReplicate) -> None:
    answers = iter([["Sure! Here are", " your scenes: none"], None])

    def flaky(input: dict[str, Any], f: FakeReplicate) -> Any:
        answer = next(answers)
        return answer if answer is not None else scene_plan_output(input, f)

    fake.model(GEMINI, ModelSpec(output=flaky, seconds=0.1))
    repaired = await rclient.post("/api/mv/create_scenes?wait=20", json=BRIEF)
    assert repaired.status_code == 200, repaired.text
    creates = fake.creates(GEMINI)
    assert len(creates) == 2
    repair_prompt = creates[1].body["input"]["prompt"]
    assert repair_prompt.startswith("Your previous answer could not be used: the answer is not valid JSON")
    assert "Sure! Here are your scenes: none" in repair_prompt and "exactly 4 scenes" in repair_prompt
    assert repaired.json()["metadata"]["cost_estimate"] == 0.02

    fake.model(GEMINI, ModelSpec(output=['{"scenes": [{"description": "only one", "negative_description": ""}]}'], seconds=0.1))
    broken = await rclient.post("/api/mv/create_scenes?wait=20", json=BRIEF)
    assert broken.status_code == 502
    assert broken.json()["detail"] == (
        "The scene model's answer could not be used, even after one repair: it has 1 scenes, exactly 4 are needed."
    )


def test_parse_scenes_is_strict() -> None:
    good = '```json\n{"scenes": [{"description": " a ", "negative_description": ""}]}\n```'
    [scene] = parse_scenes(good, 1, "fallback")
    assert scene.description == "a" and scene.negative_description == "fallback"
    assert parse_scenes('[{"description": "b", "negative_description": "n"}]', 1, "")[0].negative_description == "n"
    for bad, problem in [
        ("nope", "not valid JSON"),
        ('{"shots": []}', 'no "scenes" list'),
        ('{"scenes": [{"description": ""}]}', "empty description"),
        ('{"scenes": ["x"]}', "not an object"),
        ('{"scenes": [{"description": "a", "negative_description": 3}]}', "not text"),
    ]:
        with pytest.raises(ValueError, match=problem):
            parse_scenes(bad, 1, "")


async def test_crash_between_create_and_checkpoint_reattaches_by_listing(
    rclient: httpx.AsyncClient, fake: FakeReplicate
) -> None:
    services = rclient.app.state.services  # type: ignore[attr-defined]
    sent = {"prompt": "made before the crash", "aspect_ratio": "16:9", "duration": 8, "resolution": "720p", "generate_audio": False}
    marker = time.time()
    # Someone else's prediction with other input, and ours, created after the marker.
    headers = {"Authorization": f"Bearer {fake.token}"}
    httpx.post(f"{fake.base_url}/models/google/veo-3.1/predictions", json={"input": {**sent, "prompt": "other"}}, headers=headers)
    ours = httpx.post(f"{fake.base_url}/models/google/veo-3.1/predictions", json={"input": sent}, headers=headers).json()["id"]
    job = await services.jobs.insert("11111111-2222-4333-8444-555555555555", "probe", {})
    job = await services.jobs.update(job.id, state_patch={"replicate_clip": {"model": VEO, "input": sent, "marker": marker}})
    ctx = JobContext(services.runner, job)

    async def must_not_build() -> dict[str, Any]:
        raise AssertionError("a second prediction would be created")

    provider = services.providers.get("replicate")
    output, prediction_id, used = await provider.predict(ctx, "clip", VEO, must_not_build)
    assert prediction_id == ours and used == sent and output == f"{fake.base_url}/files/video.mp4"
    assert len(fake.creates(VEO)) == 2  # only the two made above
    saved = (await services.jobs.get(job.id)).state
    assert saved["replicate_clip"]["id"] == ours and saved["prediction_id"] == ours


class CheckpointLost(Exception):
    """The database went away between a create and the checkpoint of its id."""


async def test_a_step_run_again_after_its_checkpoint_was_lost_finds_its_own_prediction(
    rclient: httpx.AsyncClient, fake: FakeReplicate
) -> None:
    services = rclient.app.state.services  # type: ignore[attr-defined]
    provider = services.providers.get("replicate")
    job = await services.jobs.insert("22222222-3333-4444-8555-666666666666", "probe", {})
    ctx = JobContext(services.runner, job)
    keep = ctx.checkpoint

    async def lose_the_id(**state: Any) -> None:
        if any(isinstance(value, dict) and value.get("id") for value in state.values()):
            raise CheckpointLost
        await keep(**state)

    ctx.checkpoint = lose_the_id  # type: ignore[method-assign]

    async def build() -> dict[str, Any]:
        return {"prompt": "made once", "aspect_ratio": "16:9", "duration": 8, "resolution": "720p", "generate_audio": False}

    with pytest.raises(CheckpointLost):
        await provider.predict(ctx, "clip", VEO, build)
    assert len(fake.creates(VEO)) == 1

    async def must_not_build() -> dict[str, Any]:
        raise AssertionError("a second prediction would be created")

    again = JobContext(services.runner, await services.jobs.get(job.id))
    _, prediction_id, _ = await provider.predict(again, "clip", VEO, must_not_build)
    assert len(fake.creates(VEO)) == 1, "the same process ran the step again and paid twice"
    assert (await services.jobs.get(job.id)).state["replicate_clip"]["id"] == prediction_id


async def test_fifty_concurrent_predictions_stay_inside_the_read_budget(
    app_client: Callable[..., Any], fake: FakeReplicate
) -> None:
    client = await app_client(**replicate_settings(fake, replicate_poll_interval=2.0))
    fake.model(VEO, ModelSpec(output=fake.add_output("v.mp4", b"x"), seconds=4.0))
    services = client.app.state.services  # type: ignore[attr-defined]
    provider = services.providers.get("replicate")

    async def one(index: int) -> str:
        job = await services.jobs.insert(f"00000000-0000-4000-8000-{index:012d}", "probe", {})

        async def build() -> dict[str, Any]:
            return {"prompt": f"clip {index}"}

        _, prediction_id, _ = await provider.predict(JobContext(services.runner, job), "clip", VEO, build)
        return prediction_id

    ids = await asyncio.gather(*(one(i) for i in range(50)))
    assert len(set(ids)) == 50
    times = sorted(r.at for r in fake.gets())
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 50  # Replicate allows 3000 reads a minute
    assert len(times) < 50 * 8  # adaptive: nowhere near one read per job per 0.5 s


async def test_shutdown_closes_the_replicate_connections(make_settings: Any, fake: FakeReplicate) -> None:
    app = create_app(make_settings(**replicate_settings(fake)))
    async with LifespanManager(app) as manager:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as client:
            job = await _clip(client)
            assert job["status"] == "succeeded", job
            provider = app.state.services.providers.get("replicate")
            api, creates, downloads = provider.api.http, provider.client._async_client, provider.files.client()
            assert not api.is_closed and not creates.is_closed and not downloads.is_closed
    assert api.is_closed and creates.is_closed and downloads.is_closed
