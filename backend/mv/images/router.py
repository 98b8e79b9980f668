"""Character reference endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from mv.jobs.service import IDEMPOTENT
from mv.core.limits import PAID_LIMIT
from mv.core.errors import ErrorBody
from mv.core.ids import IdPath
from mv.deps import ServicesDep
from mv.images import service
from mv.images.schemas import CharacterImages, GenerateCharacterRequest
from mv.spend.schemas import SPEND_CAP_RESPONSE
from mv.jobs.service import JOB_RESPONSES, WAIT_DESCRIPTION, answer

router = APIRouter(prefix="/api/mv", tags=["mv"])


@router.post(
    "/generate_character_reference",
    dependencies=[PAID_LIMIT, IDEMPOTENT],
    response_model=CharacterImages,
    responses={**JOB_RESPONSES, 400: {"model": ErrorBody}, 402: SPEND_CAP_RESPONSE, 502: {"model": ErrorBody}},
    summary="Generate 1-4 character reference images",
)
async def generate_character_reference(
    body: GenerateCharacterRequest, services: ServicesDep, wait: float | None = Query(None, ge=0, le=30, description=WAIT_DESCRIPTION)
) -> JSONResponse:
    """Draw the character with the flavor's image model (or an offline card)."""
    job = await service.start(services, body)
    return await answer(services.runner, job, services.settings.mv_default_wait if wait is None else wait)


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary", "description": "A PNG, JPEG or WebP image, at most 4096 × 4096."}},
        }}},
    }
}


@router.post(
    "/upload_character_reference",
    response_model=CharacterImages,
    responses={code: {"model": ErrorBody} for code in (400, 413, 415, 422)},
    openapi_extra=UPLOAD_BODY,
    summary="Upload a character reference image (PNG, JPEG or WebP, up to 10 MB and 4096 × 4096)",
)
async def upload_character_reference(request: Request, services: ServicesDep) -> CharacterImages:
    """Stream the multipart field `file` to disk under the size cap, check its size from its header, store it as a PNG."""
    result = await service.upload(services, request.headers.get("content-type"), request.headers.get("content-length"), request.stream())
    return CharacterImages.model_validate(result)


@router.get(
    "/get_character_reference/{image_id}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, 307: {"description": "Redirect to a presigned copy"}, 404: {"model": ErrorBody}, 409: {"model": ErrorBody}},
    summary="Get a character reference image",
)
async def get_character_reference(image_id: IdPath, services: ServicesDep, request: Request) -> Response:
    """The PNG."""
    return await service.serve(services, str(image_id), request.headers.get("range"))
