"""Polling backs off: from REPLICATE_POLL_INTERVAL doubling to 10 s, back to the start when the status changes.

The fake and the provider share a virtual clock, so a 120 s prediction runs at once and nothing depends on
real time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fake_replicate import FakeReplicate, ModelSpec, VirtualClock, replicate_settings
from mv.jobs.runner import JobContext
from mv.providers.replicate import ReplicateProvider

MODEL = "acme/slow-video"


@pytest.fixture
def clocked() -> tuple[FakeReplicate, VirtualClock]:
    clock = VirtualClock()
    fake = FakeReplicate(clock=clock).start()
    yield fake, clock
    fake.stop()


async def _run(app_client: Callable[..., Any], fake: FakeReplicate, clock: VirtualClock, seconds: float, interval: float) -> list[float]:
    """Run one prediction of `seconds` through the provider; the virtual times of its polls."""
    fake.model(MODEL, ModelSpec(output="done", seconds=seconds))
    client = await app_client(**replicate_settings(fake, replicate_poll_interval=interval))
    services = client.app.state.services  # type: ignore[attr-defined]
    provider = ReplicateProvider(services.settings, services.storage, clock=clock)
    job = await services.jobs.insert("22222222-3333-4444-8555-666666666666", "probe", {})
    polls: list[float] = []
    get_json = provider.api.get_json

    async def timed(path: str) -> dict[str, Any]:
        if path.startswith("/v1/predictions/"):
            polls.append(clock.now())
        return await get_json(path)

    provider.api.get_json = timed  # type: ignore[method-assign]

    async def build() -> dict[str, Any]:
        return {"prompt": "a long take"}

    try:
        output, _, _ = await provider.predict(JobContext(services.runner, job), "clip", MODEL, build)
    finally:
        await provider.close()
    assert output == "done"
    assert len(polls) == len([r for r in fake.gets() if r.path.startswith("/v1/predictions/")])
    return polls


async def test_a_120_s_prediction_costs_at_most_30_polls(app_client: Callable[..., Any], clocked: tuple[FakeReplicate, VirtualClock]) -> None:
    fake, clock = clocked
    polls = await _run(app_client, fake, clock, 120.0, 0.5)
    assert polls[-1] - polls[0] >= 120.0 - 11.0, "the prediction really ran for two virtual minutes"
    assert len(polls) <= 30, f"{len(polls)} polls for a 120 s prediction"


async def test_pauses_double_to_ten_seconds_and_restart_when_the_status_changes(
    app_client: Callable[..., Any], clocked: tuple[FakeReplicate, VirtualClock]
) -> None:
    fake, clock = clocked
    polls = await _run(app_client, fake, clock, 120.0, 0.5)
    pauses = [b - a for a, b in zip(polls, polls[1:])]
    assert max(pauses) <= 10.0 + 1e-6
    assert 0.5 <= pauses[0] <= 0.55 + 1e-6
    assert pauses[1] == pytest.approx(2 * pauses[0], rel=0.1) and pauses[2] == pytest.approx(2 * pauses[1], rel=0.1), pauses[:3]
    assert max(pauses) >= 9.0, "the pause grew to the ceiling while nothing changed"
    # `starting` lasts the first 24 s of the fake's prediction, then `processing`: the first pause after the
    # change is short again.
    changed = next(i for i, t in enumerate(polls) if t - polls[0] >= 24.0)
    assert pauses[changed] <= 0.55 + 1e-6, pauses


async def test_a_long_first_interval_is_kept(app_client: Callable[..., Any], clocked: tuple[FakeReplicate, VirtualClock]) -> None:
    fake, clock = clocked
    polls = await _run(app_client, fake, clock, 60.0, 15.0)
    pauses = [b - a for a, b in zip(polls, polls[1:])]
    assert all(p == pytest.approx(15.0) for p in pauses), pauses
