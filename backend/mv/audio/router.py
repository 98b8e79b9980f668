"""Audio routes: upload, import, serve, describe, trim."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from mv.jobs.service import IDEMPOTENT
from mv.audio import download, service
from mv.audio.schemas import AudioAsset, AudioInfo, DownloadRequest, TrimRequest, TrimResponse
from mv.core.errors import ErrorBody
from mv.core.ids import IdPath
from mv.core.serving import stored_media
from mv.deps import ServicesDep
from mv.jobs.service import JOB_RESPONSES, WAIT_DESCRIPTION, answer

router = APIRouter(prefix="/api/audio", tags=["audio"])

ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorBody} for code in (400, 404, 413, 415, 422)}
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary", "description": "mp3, wav, m4a/aac, ogg/opus, flac or webm audio."}},
        }}},
    }
}


@router.post("/upload", response_model=AudioAsset, responses=ERRORS, openapi_extra=UPLOAD_BODY, summary="Upload a song")
async def upload_audio(request: Request, services: ServicesDep) -> AudioAsset:
    """Stream the multipart field `file` to disk under a size cap, check it is audio, store the canonical mp3."""
    return await service.upload(services, request.headers.get("content-type"), request.headers.get("content-length"), request.stream())


@router.post("/download", dependencies=[IDEMPOTENT], response_model=AudioAsset, responses={**ERRORS, **JOB_RESPONSES}, summary="Import a song from YouTube")
async def download_audio(body: DownloadRequest, services: ServicesDep, wait: float | None = Query(None, ge=0, le=30, description=WAIT_DESCRIPTION)) -> JSONResponse:
    """Import the audio of one YouTube video (or an allowlisted link) as a job."""
    job = await download.start(services, body.url, body.audio_quality)
    return await answer(services.runner, job, services.settings.mv_default_wait if wait is None else wait)


@router.get(
    "/get/{audio_id}",
    responses={200: {"content": {"audio/mpeg": {}}, "description": "The mp3"}, 206: {"description": "A byte range"}, 307: {"description": "Presigned S3 URL"}, 400: {"model": ErrorBody}, 404: {"model": ErrorBody}, 416: {"model": ErrorBody}},
    response_class=Response,
    summary="Stream a song",
)
async def get_audio(audio_id: IdPath, services: ServicesDep, request: Request) -> Response:
    """The mp3 with HTTP Range support, or a redirect to its presigned S3 copy."""
    key, redirect = await service.serving_target(services, str(audio_id))
    if redirect:
        return RedirectResponse(redirect, status_code=307)
    return await stored_media(services.storage, key, "audio/mpeg", request.headers.get("range"))


@router.get("/info/{audio_id}", response_model=AudioInfo, responses=ERRORS, summary="Describe a song")
async def get_audio_info(audio_id: IdPath, services: ServicesDep) -> AudioInfo:
    """Duration, format, sample rate, channels, size, provenance, trim offset and waveform peaks."""
    return await service.audio_info(services, str(audio_id))


@router.post("/trim", response_model=TrimResponse, responses=ERRORS, summary="Trim a song's start")
async def trim_audio(body: TrimRequest, services: ServicesDep) -> TrimResponse:
    """A new song holding this one from `start_at` seconds to its end."""
    return await service.trim(services, str(body.audio_id), body.start_at)
