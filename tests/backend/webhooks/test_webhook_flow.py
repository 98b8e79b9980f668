"""With MV_PUBLIC_URL set, predictions finish on their webhook: at most create + one safety poll per prediction.

The app is served on a real loopback port so the fake Replicate can post its signed webhooks to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from asgi_server import serving
from fake_replicate import FakeReplicate, ModelSpec, replicate_settings
from fake_replicate_webhooks import WEBHOOK_SECRET
from mv.app import create_app
from mv.core.settings import Settings
from mv.jobs.runner import JobContext
from mv.providers.replicate import ReplicateProvider

MODEL = "acme/quick-video"


def requests_for(fake: FakeReplicate, prediction_id: str) -> list[str]:
    """Every request to Replicate's API about one prediction: its create and its polls."""
    created = [r for r in fake.creates(MODEL)]
    polls = [r for r in fake.gets() if r.path == f"/v1/predictions/{prediction_id}"]
    return [f"{r.method} {r.path}" for r in created + polls]


async def predict(settings: Settings, services: Any, provider: ReplicateProvider) -> tuple[Any, str, float]:
    job = await services.jobs.insert("22222222-3333-4444-8555-666666666666", "probe", {})

    async def build() -> dict[str, Any]:
        return {"prompt": "a quick take"}

    started = time.monotonic()
    output, prediction_id, _ = await provider.predict(JobContext(services.runner, job), "clip", MODEL, build)
    return output, prediction_id, time.monotonic() - started


def webhook_settings(make_settings: Callable[..., Settings], fake: FakeReplicate, **extra: Any) -> Settings:
    values = {"replicate_webhook_secret": WEBHOOK_SECRET, "replicate_webhook_poll_interval": 30.0, **extra}
    return make_settings(**replicate_settings(fake, **values))


async def test_a_webhook_finishes_the_prediction_with_one_request(make_settings: Callable[..., Settings], fake_replicate: FakeReplicate) -> None:
    fake_replicate.model(MODEL, ModelSpec(output="https://replicate.delivery/clip.mp4", seconds=0.5))
    settings = webhook_settings(make_settings, fake_replicate)
    app = create_app(settings)
    async with serving(app) as url:
        settings.mv_public_url = url
        provider = app.state.services.providers.get("replicate")
        output, prediction_id, seconds = await predict(settings, app.state.services, provider)
    assert output == "https://replicate.delivery/clip.mp4"
    create = fake_replicate.creates(MODEL)[0].body
    assert create["webhook"] == f"{url}/api/webhooks/replicate"
    assert create["webhook_events_filter"] == ["completed"]
    assert [status for _, status, _ in fake_replicate.webhooks_sent] == [200]
    assert seconds < 10, "woken by the webhook, not by the 30 s safety poll"
    assert len(requests_for(fake_replicate, prediction_id)) <= 2, requests_for(fake_replicate, prediction_id)


async def test_a_lost_webhook_is_covered_by_the_safety_poll(make_settings: Callable[..., Settings], fake_replicate: FakeReplicate) -> None:
    fake_replicate.model(MODEL, ModelSpec(output="done", seconds=0.3))
    fake_replicate.drop_webhooks = True
    settings = webhook_settings(make_settings, fake_replicate, replicate_webhook_poll_interval=1.0)
    app = create_app(settings)
    async with serving(app) as url:
        settings.mv_public_url = url
        provider = app.state.services.providers.get("replicate")
        output, prediction_id, seconds = await predict(settings, app.state.services, provider)
    assert output == "done"
    assert len(fake_replicate.webhooks_sent) == 1
    poll = settings.replicate_webhook_poll_interval
    assert poll <= seconds < 5 * poll, f"{seconds:.2f} s: the safety poll every {poll} s should have found the result"
    assert len(requests_for(fake_replicate, prediction_id)) == 2


async def test_a_webhook_taken_by_another_api_process_wakes_the_waiting_one(
    make_settings: Callable[..., Settings], fake_replicate: FakeReplicate
) -> None:
    """Two apps on one database: the webhook reaches the first, the prediction waits in the second."""
    fake_replicate.model(MODEL, ModelSpec(output="elsewhere", seconds=0.3))
    receiver = create_app(webhook_settings(make_settings, fake_replicate))
    async with serving(receiver) as url:
        waiting_settings = webhook_settings(make_settings, fake_replicate, mv_public_url=url)
        waiting = create_app(waiting_settings)
        async with serving(waiting):
            provider = waiting.state.services.providers.get("replicate")
            output, prediction_id, seconds = await predict(waiting_settings, waiting.state.services, provider)
    assert output == "elsewhere"
    assert fake_replicate.webhooks_sent[0][0].startswith(url)
    assert seconds < 10
    assert len(requests_for(fake_replicate, prediction_id)) <= 2


@pytest.mark.parametrize("output", ["notified", "a long output " * 700], ids=["whole-prediction", "id-only"])
async def test_on_postgresql_the_webhook_wakes_the_other_process_by_notify_not_by_its_sweep(
    make_settings: Callable[..., Settings], fake_replicate: FakeReplicate, new_database: Callable[[str], str], output: str
) -> None:
    """Two apps on one PostgreSQL database, the waiting one sweeping only once a minute: the NOTIFY wakes it first.

    A prediction too large for a NOTIFY payload travels as its id and is read back from the deliveries table.
    """
    database = new_database("postgresql")
    fake_replicate.model(MODEL, ModelSpec(output=output, seconds=0.3))
    receiver = create_app(webhook_settings(make_settings, fake_replicate, mv_database_url=database))
    async with serving(receiver) as url:
        waiting_settings = webhook_settings(make_settings, fake_replicate, mv_public_url=url, mv_database_url=database)
        waiting = create_app(waiting_settings)
        async with serving(waiting):
            hub = waiting.state.services.extras["webhook_hub"]
            hub.sweep_seconds = 60.0
            provider = waiting.state.services.providers.get("replicate")
            received, prediction_id, seconds = await predict(waiting_settings, waiting.state.services, provider)
    assert received == output
    assert seconds < min(hub.sweep_seconds, waiting_settings.replicate_webhook_poll_interval) / 2
    assert len(requests_for(fake_replicate, prediction_id)) == 1, "the create only: no safety poll was needed"
