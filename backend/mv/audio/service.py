"""The audio work: canonical assets, segments for other domains, info, trim and serving."""

from __future__ import annotations

import asyncio
import math
import re
import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from mv.assets.service import require_one, served_from_s3
from mv.assets.schemas import Asset
from mv.audio import fasttrim
from mv.audio.media import SEGMENT_CODECS, AudioProbe, make_canonical, probe_audio, render_segment, waveform_peaks
from mv.audio.schemas import AudioAsset, AudioInfo, TrimResponse
from mv.media.upload import receive_file
from mv.core.errors import BadRequest, PayloadTooLarge
from mv.core.ffmpeg import AUDIO_FORMATS
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.deps import Services

log = get_logger(__name__)

MAX_TITLE = 200
CUT_MARGIN = 1.0


def audio_key(audio_id: str) -> str:
    """The media key of an audio asset's canonical mp3."""
    return f"audio/{audio_id}.mp3"


def audio_url(audio_id: str) -> str:
    """The same-origin URL that serves an audio asset."""
    return f"/api/audio/get/{audio_id}"


def clean_title(raw: str | None, fallback: str = "Untitled") -> str:
    """A display title: printable characters only, collapsed whitespace, bounded length."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()[:MAX_TITLE].strip()
    return text or fallback


def title_from_filename(filename: str | None) -> str | None:
    """The stem of a client-supplied file name, without any directory part."""
    if not filename:
        return None
    base = re.split(r"[\\/]", filename)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    return stem or None


async def audio_path(services: Services, audio_id: str) -> Path:
    """The local file of a ready audio asset: 404 unknown, 409 unfinished or failed."""
    asset = await require_one(services, "audio", audio_id)
    return await services.storage.fetch(asset.storage_key)  # type: ignore[arg-type]


def _check_start(start: float, duration: float) -> None:
    if not math.isfinite(start) or start < 0:
        raise BadRequest("The start must be a number of seconds of zero or more.")
    if start >= duration:
        raise BadRequest(f"The start ({start:g} s) is at or beyond the end of the track, which is {duration:.2f} s long.")


async def cut_segment(services: Services, audio_id: str, start: float, end: float | None, workdir: Path, *, fmt: str = "wav") -> Path:
    """Write the song's `[start, end)` into `workdir` (sample-accurate; past the track's end is silence)."""
    if fmt not in SEGMENT_CODECS:
        raise ValueError(f"unsupported segment format {fmt!r}")
    asset = await require_one(services, "audio", audio_id)
    duration = float(asset.info.get("duration") or 0)
    _check_start(start, duration)
    if end is not None and (not math.isfinite(end) or end <= start):
        raise BadRequest("The segment must end after it starts.")
    target = Path(workdir) / f"segment-{new_id()}.{fmt}"
    source = await services.storage.fetch(asset.storage_key)  # type: ignore[arg-type]
    pad_to = (end - start) if end is not None and end > duration else None
    length = None if end is None else min(end, duration) - start
    await render_segment(source, target, start=start, length=length, fmt=fmt, pad_to=pad_to)
    return target


def _too_long(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The audio is longer than the limit of {limit // 60} min {limit % 60:02d} s.")


def _info_for(probe: AudioProbe, path: Path) -> dict[str, Any]:
    exact = fasttrim.exact_duration(path)
    duration = round(exact, 3) if exact else probe.describe()["duration"]
    return {**probe.describe(), "duration": duration, "file_size_bytes": path.stat().st_size}


def to_audio_asset(asset: Asset, cloud_url: str | None = None) -> AudioAsset:
    """The public shape of an audio asset."""
    info = asset.info
    metadata: dict[str, Any] = {
        "source": info.get("source"),
        "source_format": info.get("source_format"),
        "sample_rate": info.get("sample_rate"),
        "channels": info.get("channels"),
    }
    for key in ("uploader", "thumbnail", "upload_date", "webpage_url", "parent_id", "start_offset"):
        if info.get(key) is not None:
            metadata[key] = info[key]
    if cloud_url:
        metadata["cloud_url"] = cloud_url
    return AudioAsset(
        audio_id=asset.id,
        audio_url=audio_url(asset.id),
        title=info.get("title") or "Untitled",
        duration=float(info.get("duration") or 0),
        format="mp3",
        file_size_bytes=int(info.get("file_size_bytes") or 0),
        metadata=metadata,
    )


async def store_audio(
    services: Services,
    source: Path,
    probe: AudioProbe,
    *,
    audio_id: str,
    title: str,
    info: dict[str, Any],
    workdir: Path,
    job_id: str | None = None,
    bitrate_k: int = 192,
) -> tuple[Asset, str | None]:
    """Make the canonical mp3 of a probed source, publish it, record the asset and mirror it.

    The length limit holds for the decoded audio, not the header: the canonical file is cut just past the limit,
    and a source that filled it is refused before anything is stored.
    """
    limit = services.settings.mv_max_audio_seconds
    if probe.duration > limit:
        raise _too_long(limit)
    produced = workdir / "canonical.mp3"
    await make_canonical(source, produced, probe, bitrate_k=bitrate_k, max_seconds=limit + CUT_MARGIN)
    canonical = await probe_audio(produced, "mp3")
    measured = await asyncio.to_thread(_info_for, canonical, produced)
    if measured["duration"] > limit:
        log.warning("audio_header_understated_length", audio_id=audio_id, header_seconds=round(probe.duration, 3), limit=limit)
        raise _too_long(limit)
    key = audio_key(audio_id)
    services.storage.publish(produced, key)
    document = {
        **info,
        **measured,
        "title": title,
        "source_format": probe.format,
        "source_codec": probe.codec,
        "start_offset": 0,
        "root_id": audio_id,
    }
    s3_key = await services.storage.mirror(key)
    asset = await services.assets.insert(
        asset_id=audio_id, kind="audio", status="succeeded", job_id=job_id, storage_key=key, s3_key=s3_key, info=document
    )
    await services.audio_stored(asset.id)
    cloud_url = await services.storage.presigned_url(s3_key)
    log.info("audio_stored", audio_id=audio_id, source=info.get("source"), duration=document["duration"], s3=bool(s3_key))
    return asset, cloud_url


async def ingest_file(services: Services, upload: Path, *, filename: str | None, workdir: Path) -> AudioAsset:
    """Turn an uploaded scratch file into an audio asset."""
    probe = await probe_audio(upload, AUDIO_FORMATS)
    audio_id = new_id()
    title = clean_title(probe.tags.get("title") or title_from_filename(filename))
    info = {"source": "upload", "original_filename": clean_title(filename, "")[:MAX_TITLE] or None}
    asset, cloud_url = await store_audio(services, upload, probe, audio_id=audio_id, title=title, info=info, workdir=workdir)
    return to_audio_asset(asset, cloud_url)


async def upload(services: Services, content_type: str | None, content_length: str | None, chunks: AsyncIterator[bytes]) -> AudioAsset:
    """Receive a multipart upload into scratch space under the size cap, then ingest it."""
    with services.storage.workspace() as workdir:
        scratch = workdir / "upload"
        limit = services.settings.mv_max_upload_mb * 2**20
        filename = await receive_file(content_type, content_length, chunks, scratch, limit)
        return await ingest_file(services, scratch, filename=filename, workdir=workdir)


async def audio_info(services: Services, audio_id: str) -> AudioInfo:
    """Describe an audio asset, computing its waveform peaks once."""
    asset = await require_one(services, "audio", audio_id)
    info = asset.info
    peaks = info.get("peaks")
    if not isinstance(peaks, list):
        peaks = await waveform_peaks(await services.storage.fetch(asset.storage_key), float(info.get("duration") or 0))  # type: ignore[arg-type]
        await services.assets.update(asset.id, info_patch={"peaks": peaks})
    return AudioInfo(
        audio_id=asset.id,
        title=info.get("title") or "Untitled",
        source=info.get("source") or "upload",
        duration=float(info.get("duration") or 0),
        format="mp3",
        sample_rate=int(info.get("sample_rate") or 0),
        channels=int(info.get("channels") or 0),
        file_size_bytes=int(info.get("file_size_bytes") or 0),
        parent_id=asset.parent_id,
        start_offset=float(info.get("start_offset") or 0),
        peaks=peaks,
    )


async def trim(services: Services, audio_id: str, start_at: int) -> TrimResponse:
    """A new audio asset holding the track from `start_at` seconds to its end; the original is untouched."""
    original = await require_one(services, "audio", audio_id)
    duration = float(original.info.get("duration") or 0)
    if start_at >= duration:
        raise BadRequest(f"start_at ({start_at} s) must be less than the track's length, which is {duration:.2f} s.")
    new = new_id()
    source = await services.storage.fetch(original.storage_key)  # type: ignore[arg-type]
    with services.storage.workspace() as workdir:
        produced = workdir / "trimmed.mp3"
        method = await fasttrim.trim_mp3(source, produced, float(start_at))
        probe = await probe_audio(produced, "mp3")
        key = audio_key(new)
        path = services.storage.publish(produced, key)
    info = {
        **_info_for(probe, path),
        "title": original.info.get("title") or "Untitled",
        "source": "trim",
        "source_format": "mp3",
        "start_at": start_at,
        "start_offset": float(original.info.get("start_offset") or 0) + start_at,
        "root_id": original.info.get("root_id") or original.id,
        "trim_method": method,
    }
    s3_key = await services.storage.mirror(key)
    asset = await services.assets.insert(
        asset_id=new, kind="audio", status="succeeded", parent_id=original.id, storage_key=key, s3_key=s3_key, info=info
    )
    await services.audio_stored(asset.id)
    metadata: dict[str, Any] = {"start_offset": info["start_offset"], "root_id": info["root_id"], "title": info["title"]}
    if s3_key:
        cloud_url = await services.storage.presigned_url(s3_key)
        if cloud_url:
            metadata["cloud_url"] = cloud_url
    log.info("audio_trimmed", audio_id=new, original_audio_id=original.id, start_at=start_at, method=method)
    return TrimResponse(
        audio_id=asset.id,
        audio_url=audio_url(asset.id),
        original_audio_id=original.id,
        start_at=start_at,
        duration=float(info["duration"]),
        file_size_bytes=int(info["file_size_bytes"]),
        metadata=metadata,
    )


async def serving_target(services: Services, audio_id: str) -> tuple[str, str | None]:
    """The media key to stream, and a presigned URL when S3 serving is on and a copy exists."""
    asset = await require_one(services, "audio", audio_id)
    return asset.storage_key or "", await served_from_s3(services, asset)
