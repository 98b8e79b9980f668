"""Finding assets that can be used or served, and where they are served from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mv.assets.schemas import Asset, AssetKind
from mv.core.errors import Conflict, NotFound

if TYPE_CHECKING:
    from mv.deps import Services

NOUNS: dict[str, tuple[str, str]] = {
    "audio": ("audio", "audio"),
    "image": ("character reference", "character references"),
    "video": ("video", "videos"),
}
ENDED = frozenset({"failed", "canceled"})


class AssetFailed(Conflict):
    """The asset's job failed or was canceled; it will never be ready."""


def _names(ids: list[str]) -> str:
    return ", ".join(ids)


def _unknown(kind: AssetKind, ids: list[str]) -> NotFound:
    one, many = NOUNS[kind]
    if len(ids) == 1:
        return NotFound(f"No {one} has the id {ids[0]}.")
    return NotFound(f"No {many} have the ids {_names(ids)}.")


def _failed(kind: AssetKind, assets: list[Asset], unfinished: list[str]) -> AssetFailed:
    one, many = NOUNS[kind]
    if len(assets) == 1 and not unfinished:
        asset = assets[0]
        reason = str((asset.info.get("error") or {}).get("detail") or "").strip()
        verb = "was canceled" if asset.status == "canceled" else "failed"
        return AssetFailed(f"The {one} {asset.id} {verb}" + (f": {reason}" if reason else "."))
    detail = f"These {many} failed or were canceled: {_names([a.id for a in assets])}."
    if unfinished:
        detail += f" These are not finished yet: {_names(unfinished)}."
    return AssetFailed(detail)


def _unfinished(kind: AssetKind, ids: list[str]) -> Conflict:
    one, many = NOUNS[kind]
    if len(ids) == 1:
        return Conflict(f"The {one} {ids[0]} is not finished yet.")
    return Conflict(f"These {many} are not finished yet: {_names(ids)}.")


async def _settled(services: Services, asset: Asset) -> Asset:
    """The asset, marked with its job's failure when the job ended before the asset row could say so."""
    if asset.status in ENDED or asset.ready or asset.job_id is None:
        return asset
    job = await services.jobs.get(asset.job_id)
    if job is None or job.status not in ENDED:
        return asset
    return asset.model_copy(update={"status": job.status, "info": {**asset.info, "error": job.error or {}}})


async def lookup(services: Services, kind: AssetKind, asset_ids: list[str]) -> list[Asset]:
    """The assets of this kind, in order; 404 naming every unknown id, 409 naming every failed one."""
    found = [await services.assets.get(str(i)) for i in asset_ids]
    unknown = [str(i) for i, a in zip(asset_ids, found, strict=True) if a is None or a.kind != kind]
    if unknown:
        raise _unknown(kind, unknown)
    assets = [await _settled(services, a) for a in found if a is not None]
    missing = [a.id for a in assets if a.ready and not await services.storage.has(a.storage_key or "")]
    if missing:
        raise _unknown(kind, missing)
    failed = [a for a in assets if a.status in ENDED]
    if failed:
        raise _failed(kind, failed, [a.id for a in assets if a.status not in ENDED and not a.ready])
    return assets


async def require(services: Services, kind: AssetKind, asset_ids: list[str]) -> list[Asset]:
    """Ready assets of this kind, in order: 404 unknown, 409 failed or unfinished, each naming every offender."""
    assets = await lookup(services, kind, asset_ids)
    unfinished = [a.id for a in assets if not a.ready]
    if unfinished:
        raise _unfinished(kind, unfinished)
    return assets


async def require_one(services: Services, kind: AssetKind, asset_id: str) -> Asset:
    """The ready asset of this kind with this id (see `require`)."""
    (asset,) = await require(services, kind, [str(asset_id)])
    return asset


async def served_from_s3(services: Services, asset: Asset) -> str | None:
    """A presigned URL of the asset's S3 copy when media is served from S3, else None."""
    if services.settings.mv_serve_from_s3 and asset.s3_key:
        return await services.storage.presigned_url(asset.s3_key)
    return None
