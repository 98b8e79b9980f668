"""Replicate polling benchmark: GETs per prediction with Encore's backoff vs a fixed interval; prints JSON.

Each case runs one prediction of a given length on the fake Replicate API from the tests, with the
provider and the fake sharing a virtual clock (a 10-minute prediction takes milliseconds, and the count
does not depend on the machine). Encore polls from REPLICATE_POLL_INTERVAL (0.5 s), doubling to 10 s and
starting again when the status changes; the baseline polls every 0.5 s, as the official client's
`wait()` does with its default interval. The fake reports `starting` for the first fifth of a
prediction, then `processing`.

Usage: .venv/bin/python bench/polling_bench.py
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "backend"))
sys.path.insert(0, str(ROOT / "backend"))

from fake_replicate import FakeReplicate, ModelSpec, VirtualClock  # noqa: E402
from mv.core.settings import Settings  # noqa: E402
from mv.core.storage import MediaStorage  # noqa: E402
from mv.providers.replicate import ReplicateProvider  # noqa: E402
from mv.providers.replicate.pacing import MAX_POLL_INTERVAL  # noqa: E402

MODEL = "acme/video"
INTERVAL = 0.5
LENGTHS = (30.0, 120.0, 600.0)
READS_PER_MINUTE = 3000.0


def _create(fake: FakeReplicate) -> str:
    answer = httpx.post(f"{fake.base_url}/models/{MODEL}/predictions", json={"input": {"prompt": "x"}},
                        headers={"Authorization": f"Bearer {fake.token}"}, timeout=10)
    answer.raise_for_status()
    return str(answer.json()["id"])


def _polls(fake: FakeReplicate, prediction_id: str) -> int:
    return len([r for r in fake.gets() if r.path == f"/v1/predictions/{prediction_id}"])


async def encore(fake: FakeReplicate, clock: VirtualClock, work: Path) -> int:
    """Encore's provider waits for one prediction; its GETs."""
    settings = Settings(_env_file=None, replicate_api_token=fake.token, replicate_base_url=fake.base_url,  # type: ignore[call-arg]
                        replicate_poll_interval=INTERVAL, mv_data_dir=work / "data", mv_media_root=work / "media")
    provider = ReplicateProvider(settings, MediaStorage(work / "media"), clock=clock)
    prediction_id = _create(fake)
    try:
        await provider.predictions.wait(prediction_id, MODEL)
    finally:
        await provider.close()
    return _polls(fake, prediction_id)


async def fixed_interval(fake: FakeReplicate, clock: VirtualClock) -> int:
    """The baseline: a GET every 0.5 s until a final status; its GETs."""
    prediction_id = _create(fake)
    async with httpx.AsyncClient(base_url=fake.root, headers={"Authorization": f"Bearer {fake.token}"}) as client:
        while (await client.get(f"/v1/predictions/{prediction_id}")).json()["status"] not in ("succeeded", "failed", "canceled"):
            await clock.sleep(INTERVAL)
    return _polls(fake, prediction_id)


async def measure(seconds: float, work: Path) -> dict[str, Any]:
    """One prediction length, both ways."""
    counts = {}
    for name in ("encore", "baseline"):
        clock = VirtualClock()
        fake = FakeReplicate(clock=clock).start()
        try:
            fake.model(MODEL, ModelSpec(output="done", seconds=seconds))
            counts[name] = await (encore(fake, clock, work) if name == "encore" else fixed_interval(fake, clock))
        finally:
            fake.stop()
    return {**counts, "baseline_over_encore": round(counts["baseline"] / counts["encore"], 1)}


async def main() -> None:
    """Run every case and print the report (poll jitter seeded, so runs repeat exactly)."""
    random.seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        cases = {f"{seconds:g}": await measure(seconds, Path(tmp)) for seconds in LENGTHS}
    steady_per_minute = 60.0 / MAX_POLL_INTERVAL
    report = {
        "interval": INTERVAL,
        "ceiling": MAX_POLL_INTERVAL,
        "cases": cases,
        "concurrent_in_read_budget": {
            "encore_steady": int(READS_PER_MINUTE / steady_per_minute),
            "baseline": int(READS_PER_MINUTE / (60.0 / INTERVAL)),
        },
        "target_120_at_most_30": cases["120"]["encore"] <= 30,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
