"""Clip endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from mv.jobs.service import IDEMPOTENT
from mv.core.limits import PAID_LIMIT
from mv.core.errors import ErrorBody
from mv.core.ids import IdPath
from mv.deps import ServicesDep
from mv.spend.schemas import SPEND_CAP_RESPONSE
from mv.jobs.service import JOB_RESPONSES, WAIT_DESCRIPTION, answer
from mv.videos import service
from mv.videos.schemas import GenerateVideoRequest, VideoPending, VideoResult

router = APIRouter(prefix="/api/mv", tags=["mv"])


@router.post(
    "/generate_video",
    dependencies=[PAID_LIMIT, IDEMPOTENT],
    response_model=VideoResult,
    responses={**JOB_RESPONSES, 400: {"model": ErrorBody}, 402: SPEND_CAP_RESPONSE, 404: {"model": ErrorBody}, 502: {"model": ErrorBody}},
    summary="Generate one clip for a scene",
)
async def generate_video(
    body: GenerateVideoRequest, services: ServicesDep, wait: float | None = Query(None, ge=0, le=30, description=WAIT_DESCRIPTION)
) -> JSONResponse:
    """Render the clip; its `video_id` is the job id, so a 202 already names the clip."""
    job = await service.start(services, body)
    return await answer(services.runner, job, services.settings.mv_default_wait if wait is None else wait)


@router.get(
    "/get_video/{video_id}",
    response_class=Response,
    responses={
        200: {"content": {"video/mp4": {}}, "description": "The MP4; Range requests are honoured."},
        202: {"model": VideoPending, "description": "Not ready yet."},
        307: {"description": "Redirect to a presigned copy."},
        404: {"model": ErrorBody},
        409: {"model": ErrorBody, "description": "The video failed or was canceled; `detail` says why."},
    },
    summary="Get a clip (or any stored video)",
)
async def get_video(video_id: IdPath, services: ServicesDep, request: Request) -> Response:
    """The MP4 when ready; its status while not; its error once it failed."""
    return await service.serve(services, str(video_id), request.headers.get("range"))


@router.get(
    "/get_poster/{video_id}",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "The video's poster frame."},
        307: {"description": "Redirect to a presigned copy."},
        404: {"model": ErrorBody, "description": "No such video, or no frame of it can be read."},
        409: {"model": ErrorBody, "description": "The video is not finished, failed or was canceled."},
    },
    summary="Get a video's poster frame",
)
async def get_poster(video_id: IdPath, services: ServicesDep, request: Request) -> Response:
    """A JPEG of the frame one second in, made on the first request and kept."""
    return await service.serve_poster(services, str(video_id), request.headers.get("range"))
