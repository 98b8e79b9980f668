"""Where an asset is served from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mv.assets.schemas import Asset

if TYPE_CHECKING:
    from mv.deps import Services


async def served_from_s3(services: Services, asset: Asset) -> str | None:
    """A presigned URL of the asset's S3 copy when media is served from S3, else None."""
    if services.settings.mv_serve_from_s3 and asset.s3_key:
        return await services.storage.presigned_url(asset.s3_key)
    return None
