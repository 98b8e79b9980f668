"""What a run will cost, the daily cap on paid requests, and what each prediction cost.

`total_for_jobs(services, job_ids)` is the function other domains (projects) call to sum what their jobs spent.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from mv.assets.service import require_one
from mv.core.errors import EncoreError
from mv.core.logging import get_logger
from mv.deps import Services
from mv.flavors import formats
from mv.flavors.schemas import ImageParams, LipsyncParams, Parameters, VideoParams
from mv.spend.repository import DAY, CapExceeded, SpendRepository
from mv.spend.schemas import Estimate, EstimateItem, EstimateRequest, SpendReport, SpendToday

log = get_logger(__name__)

Item = tuple[str, str, float]
"""(step, model, usd) of one reservation."""


class SpendCapReached(EncoreError):
    """A paid request would pass MV_MAX_SPEND_USD_PER_DAY."""

    status_code = 402


def repository(services: Services) -> SpendRepository:
    """The ledger of this app's store."""
    repo = services.extras.get("spend")
    if repo is None:
        repo = services.extras["spend"] = SpendRepository(services.store)
    return repo  # type: ignore[no-any-return]


def _usd(value: float) -> float:
    return round(value, 4)


def _flavor(services: Services, flavor: str | None) -> tuple[Parameters, ImageParams, VideoParams, LipsyncParams]:
    load = services.flavors.load
    return (
        load(flavor, Parameters, into="mv.spend.service:parameters"),
        load(flavor, ImageParams, into="mv.spend.service:image_params"),
        load(flavor, VideoParams, into="mv.spend.service:video_params"),
        load(flavor, LipsyncParams, into="mv.spend.service:lipsync_params"),
    )


async def _scene_count(services: Services, body: EstimateRequest, parameters: Parameters) -> int:
    if body.number_of_scenes is not None:
        return body.number_of_scenes
    if body.audio_id is not None:
        song = await require_one(services, "audio", str(body.audio_id))
        seconds = float(song.info.get("duration") or 0.0)
        return max(1, math.ceil(seconds / parameters.scene_duration - 1e-6))
    return parameters.number_of_scenes


async def estimate(services: Services, body: EstimateRequest) -> Estimate:
    """Price a run from the flavor's prices; a draft run costs nothing; the ratio is checked against the models."""
    flavor = services.flavors.resolve(body.config_flavor)
    parameters, image, video, lipsync = _flavor(services, body.config_flavor)
    image = formats.image_params_at(image, body.aspect_ratio)
    video = formats.video_params_at(video, body.aspect_ratio)
    items: list[EstimateItem] = []
    if body.mode == "full":
        scenes = await _scene_count(services, body, parameters)
        images = image.num_images if body.character_images is None else body.character_images
        clip_seconds = scenes * video.duration
        priced = [
            ("scenes", parameters.scene_model.model, 1 if body.plan_scenes else 0, "run", parameters.scene_price_per_run),
            ("character_images", image.model, images, "image", image.price_per_image),
            ("clips", video.model, clip_seconds, "second", video.price_per_second),
            ("lipsync", lipsync.model, body.lipsync_seconds, "second", lipsync.price_per_second),
        ]
        items = [EstimateItem(step=s, model=m, count=c, unit=u, usd=_usd(c * p)) for s, m, c, u, p in priced if c > 0]  # type: ignore[arg-type]
    total = _usd(sum(i.usd for i in items))
    today = await today_spend(services)
    confirm_above = services.settings.mv_confirm_above_usd
    return Estimate(
        total_usd=total,
        items=items,
        config_flavor=flavor,
        mode=body.mode,
        aspect_ratio=video.aspect_ratio,
        aspect_ratios=formats.allowed(video, image),
        confirm_above_usd=confirm_above,
        confirm_required=total > confirm_above,
        cap_usd_per_day=today.cap_usd_per_day,
        left_today_usd=today.left_usd,
    )


async def today_spend(services: Services) -> SpendToday:
    """Estimated USD reserved over the last 24 hours, the cap, and what it leaves."""
    spent = await repository(services).reserved_since(time.time() - DAY)
    cap = services.settings.mv_max_spend_usd_per_day
    return SpendToday(spent_usd=_usd(spent), cap_usd_per_day=cap, left_usd=None if cap is None else _usd(max(0.0, cap - spent)))


async def reserve(services: Services, provider: str, job_id: str, items: Sequence[Item]) -> None:
    """Before a paid job is created: reserve its estimated cost, or refuse it (402) when the 24 h cap would be passed.

    Free work (the local provider, zero prices) reserves nothing and is never refused.
    """
    paid = [item for item in items if item[2] > 0]
    if provider != "replicate" or not paid:
        return
    cap = services.settings.mv_max_spend_usd_per_day
    try:
        total = await repository(services).reserve(job_id, paid, cap)
    except CapExceeded as exc:
        amount = sum(usd for _, _, usd in paid)
        left = max(0.0, (cap or 0.0) - exc.spent)
        log.warning("spend_cap_reached", cap=cap, spent=round(exc.spent, 4), requested=round(amount, 4))
        raise SpendCapReached(
            f"This request is estimated at ${amount:.2f}, which would pass the daily spend cap "
            f"(MV_MAX_SPEND_USD_PER_DAY = ${cap:.2f} over 24 hours): ${left:.2f} is left. "
            "Nothing was started; make drafts, or try again later."
        ) from None
    log.info("spend_reserved", job_id=job_id, usd=round(sum(u for _, _, u in paid), 4), last_24h=None if total is None else round(total, 4))


async def record_prediction(services: Services, job_id: str, step: str, model: str, prediction: dict[str, Any], usd: float) -> None:
    """One ledger line for a finished prediction, with Replicate's reported predict time."""
    metrics = prediction.get("metrics") or {}
    seconds = metrics.get("predict_time")
    seconds = float(seconds) if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else None
    await repository(services).record_prediction(job_id, step, model, str(prediction.get("id") or ""), seconds, _usd(usd))


async def report(services: Services, job_ids: Sequence[str]) -> SpendReport:
    """Every prediction line of these jobs and their sum."""
    lines = await repository(services).lines(list(dict.fromkeys(job_ids)))
    return SpendReport(total_usd=_usd(sum(line.usd for line in lines)), lines=lines)


async def total_for_jobs(services: Services, job_ids: Sequence[str]) -> float:
    """Estimated USD the finished predictions of these jobs cost (a project sums its jobs with this)."""
    return (await report(services, job_ids)).total_usd


def setup(services: Services) -> None:
    """Record a ledger line for every prediction the Replicate provider finishes."""

    async def on_prediction(job_id: str, step: str, model: str, prediction: dict[str, Any], usd: float) -> None:
        await record_prediction(services, job_id, step, model, prediction, usd)

    services.providers.prediction_listeners.append(on_prediction)
