"""Generating, uploading and serving character reference images."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

from fastapi.responses import RedirectResponse, Response

from mv.assets.service import require_one, served_from_s3
from mv.assets.schemas import Asset
from mv.core import ffmpeg
from mv.core.errors import EncoreError, UnsupportedMediaType
from mv.core.ids import new_id
from mv.core.serving import stored_media
from mv.core.logging import get_logger
from mv.deps import Services
from mv.flavors.formats import image_params_at
from mv.flavors.schemas import ImageParams, ImagePrompts
from mv.images.header import read_header
from mv.images.schemas import GenerateCharacterRequest
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job
from mv.media.upload import receive_file
from mv.providers.base import response_metadata
from mv.spend import service as spend

log = get_logger(__name__)

KIND = "generate_character_reference"
MAX_UPLOAD_BYTES = 10 * 2**20
MAX_SIDE = 2048
MAX_UPLOAD_SIDE = 4096
"""Uploads wider or taller than this are refused from their header, before any decoder runs."""


def image_key(image_id: str) -> str:
    """The media key of a character reference."""
    return f"character_reference/{image_id}.png"


async def image_url(services: Services, asset: Asset) -> str:
    """A presigned URL when serving from S3, else the same-origin route."""
    return await served_from_s3(services, asset) or f"/api/mv/get_character_reference/{asset.id}"


async def to_png(source: Path, dest: Path) -> Path:
    """Re-encode any accepted image as a PNG no larger than MAX_SIDE (also strips metadata)."""
    await ffmpeg.ffmpeg([
        *ffmpeg.local_input(source, ffmpeg.IMAGE_FORMATS),
        "-frames:v", "1", "-map_metadata", "-1",
        "-vf", f"scale='min({MAX_SIDE},iw)':'min({MAX_SIDE},ih)':force_original_aspect_ratio=decrease",
        "-c:v", "png", "-f", "image2", f"file:{dest}",
    ])
    return dest


async def store_image(services: Services, image_id: str, png: Path, *, job_id: str | None, info: dict[str, Any]) -> Asset:
    """Publish a PNG under its key, mirror it, record the asset."""
    key = image_key(image_id)
    services.storage.publish(png, key)
    s3_key = await services.storage.mirror(key)
    await services.assets.insert(asset_id=image_id, kind="image", status="succeeded", job_id=job_id, storage_key=key, info=info)
    asset = await services.assets.update(image_id, s3_key=s3_key)
    assert asset is not None
    return asset


async def start(services: Services, body: GenerateCharacterRequest) -> Job:
    """Check the provider and the aspect ratio, reserve the images' estimated cost against the daily cap, then queue them."""
    request = body.model_dump(mode="json")
    request["provider"] = services.providers.resolve(body.provider)
    params = image_params_at(services.flavors.load(body.config_flavor, ImageParams, into="mv.images.service:image_params"), body.aspect_ratio)
    count = body.num_images or params.num_images
    job_id = new_id()
    await spend.reserve(services, request["provider"], job_id, [(f"image_{i}", params.model, params.price_per_image) for i in range(count)])
    return await services.runner.submit(KIND, request, job_id=job_id)


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """Render the images, store each as a PNG asset, answer with ids and URLs."""
    body = GenerateCharacterRequest.model_validate({k: v for k, v in ctx.request.items() if k != "provider"})
    flavor, _ = services.flavors.registry.resolve(body.config_flavor)
    params = image_params_at(services.flavors.load(body.config_flavor, ImageParams, into="mv.images.service:image_params"), body.aspect_ratio)
    prompts = services.flavors.load(body.config_flavor, ImagePrompts, into="mv.images.service:image_prompts")
    count = body.num_images or params.num_images
    provider = services.providers.get(ctx.request["provider"])
    await ctx.progress(0.1, "Drawing the character")
    images = []
    with services.storage.workspace() as workdir:
        produced = await provider.character_images(ctx, body.character_description, count, params, prompts, workdir)
        for index, (path, provenance) in enumerate(produced):
            image_id = str(uuid.uuid5(uuid.UUID(ctx.id), f"image-{index}"))
            png = await to_png(path, workdir / f"{image_id}.png")
            info = {
                "source": "generated",
                "config_flavor": flavor,
                "character_description": body.character_description,
                "provenance": provenance.as_dict(),
            }
            asset = await store_image(services, image_id, png, job_id=ctx.id, info=info)
            images.append({"id": image_id, "url": await image_url(services, asset)})
    total = sum(p.cost_estimate for _, p in produced)
    first = produced[0][1]
    metadata = response_metadata(
        flavor,
        first,
        {"num_images": count, "aspect_ratio": params.aspect_ratio, "output_format": params.output_format, **(
            {"model_input": {k: v for k, v in first.inputs.items() if k != "prompt"}} if first.provider == "replicate" else {})},
    )
    metadata["cost_estimate"] = round(total, 4)
    metadata["prediction_ids"] = [p.prediction_id for _, p in produced if p.prediction_id]
    metadata["images_requested"] = count
    metadata["images_made"] = len(produced)
    return {"images": images, "metadata": metadata}


class ImageTooLarge(EncoreError):
    """The image's width or height is over the limit."""

    status_code = 422


NOT_AN_IMAGE = "The file must be a PNG, JPEG or WebP image."


async def upload(services: Services, content_type: str | None, content_length: str | None, chunks: AsyncIterator[bytes]) -> dict[str, Any]:
    """Stream a PNG, JPEG or WebP of up to 10 MB to disk (413 at once past that), check its size from its header, store it as a PNG."""
    with services.storage.workspace() as workdir:
        raw = workdir / "upload.bin"
        await receive_file(content_type, content_length, chunks, raw, MAX_UPLOAD_BYTES)
        header = await asyncio.to_thread(read_header, raw)
        if header is None:
            raise UnsupportedMediaType(NOT_AN_IMAGE)
        if header.width > MAX_UPLOAD_SIDE or header.height > MAX_UPLOAD_SIDE:
            raise ImageTooLarge(f"The image is {header.width} × {header.height} pixels; the largest accepted is {MAX_UPLOAD_SIDE} × {MAX_UPLOAD_SIDE}.")
        try:
            info = await ffmpeg.probe(raw, ffmpeg.IMAGE_FORMATS)
        except ffmpeg.MediaError:
            raise UnsupportedMediaType("The image could not be read.") from None
        streams = [s for s in info.get("streams", []) if s.get("codec_type") == "video"]
        if not streams:
            raise UnsupportedMediaType(NOT_AN_IMAGE)
        image_id = new_id()
        try:
            png = await to_png(raw, workdir / "image.png")
        except ffmpeg.MediaError:
            raise UnsupportedMediaType("The image could not be read.") from None
        size = raw.stat().st_size
        meta = {"source": "upload", "original_format": header.format, "width": header.width, "height": header.height, "file_size_bytes": size}
        asset = await store_image(services, image_id, png, job_id=None, info=meta)
    return {
        "images": [{"id": image_id, "url": await image_url(services, asset)}],
        "metadata": {"provider": "upload", "model": None, "config_flavor": None, "draft": False, **meta},
    }


async def serve(services: Services, image_id: str, http_range: str | None = None) -> Response:
    """The PNG, or a redirect to its presigned copy when serving from S3."""
    asset = await require_one(services, "image", image_id)
    url = await served_from_s3(services, asset)
    if url:
        return RedirectResponse(url, status_code=307)
    return await stored_media(services.storage, asset.storage_key or "", "image/png", http_range)


def setup(services: Services) -> None:
    """Register the character-image job."""
    services.runner.register(KIND, partial(run, services))
