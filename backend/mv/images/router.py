"""Character reference endpoints."""

from __future__ import annotations

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from mv.jobs.service import IDEMPOTENT
from mv.core.limits import PAID_LIMIT
from mv.core.errors import ErrorBody
from mv.core.ids import IdPath
from mv.deps import ServicesDep
from mv.images import service
from mv.images.schemas import CharacterImages, GenerateCharacterRequest
from mv.jobs.service import JOB_RESPONSES, WAIT_DESCRIPTION, answer

router = APIRouter(prefix="/api/mv", tags=["mv"])


@router.post(
    "/generate_character_reference",
    dependencies=[PAID_LIMIT, IDEMPOTENT],
    response_model=CharacterImages,
    responses={**JOB_RESPONSES, 400: {"model": ErrorBody}, 502: {"model": ErrorBody}},
    summary="Generate 1-4 character reference images",
)
async def generate_character_reference(
    body: GenerateCharacterRequest, services: ServicesDep, wait: float | None = Query(None, ge=0, le=30, description=WAIT_DESCRIPTION)
) -> JSONResponse:
    """Draw the character with the flavor's image model (or an offline card)."""
    job = await service.start(services, body)
    return await answer(services.runner, job, services.settings.mv_default_wait if wait is None else wait)


@router.post(
    "/upload_character_reference",
    response_model=CharacterImages,
    responses={413: {"model": ErrorBody}, 415: {"model": ErrorBody}},
    summary="Upload a character reference image (PNG, JPEG or WebP, up to 10 MB)",
)
async def upload_character_reference(services: ServicesDep, file: UploadFile = File(...)) -> CharacterImages:
    """Store the image as a PNG character reference."""
    return CharacterImages.model_validate(await service.upload(services, file))


@router.get(
    "/get_character_reference/{image_id}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, 307: {"description": "Redirect to a presigned copy"}, 404: {"model": ErrorBody}},
    summary="Get a character reference image",
)
async def get_character_reference(image_id: IdPath, services: ServicesDep) -> Response:
    """The PNG."""
    return await service.serve(services, str(image_id))
