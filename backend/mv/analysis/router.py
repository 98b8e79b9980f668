"""Song analysis and lyrics routes."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from mv.analysis import service
from mv.analysis.schemas import Lyrics, LyricsRequest, SongAnalysis
from mv.core.errors import ErrorBody
from mv.core.ids import IdPath
from mv.core.limits import PAID_LIMIT
from mv.deps import ServicesDep
from mv.jobs.schemas import Job
from mv.jobs.service import JOB_RESPONSES, accepted

router = APIRouter(prefix="/api/audio", tags=["analysis"])

ERRORS: dict[int | str, dict[str, object]] = {code: {"model": ErrorBody} for code in (404, 422)}
WAIT = "Seconds to wait for a running analysis before answering 202 (0-30)."


def _answer(result: SongAnalysis | Lyrics | Job) -> SongAnalysis | Lyrics | JSONResponse:
    if isinstance(result, Job):
        return JSONResponse(accepted(result).model_dump(), status_code=202)
    return result


@router.get("/analysis/{audio_id}", response_model=SongAnalysis, responses={**ERRORS, **JOB_RESPONSES}, summary="A song's analysis")
async def get_analysis(audio_id: IdPath, services: ServicesDep, wait: float = Query(0, ge=0, le=30, description=WAIT)) -> SongAnalysis | JSONResponse:
    """Tempo, beats, bars, sections, energy, vocal stretches and lyrics; 202 while the analysis runs."""
    result = await service.analysis(services, str(audio_id))
    if isinstance(result, Job) and wait > 0:
        result = await service.analysis_after(services, result, wait)
    return _answer(result)  # type: ignore[return-value]


@router.post(
    "/analyse/{audio_id}",
    dependencies=[PAID_LIMIT],
    response_model=SongAnalysis,
    responses={**ERRORS, **JOB_RESPONSES, 429: {"model": ErrorBody}},
    summary="Analyse a song again",
)
async def reanalyse(audio_id: IdPath, services: ServicesDep, wait: float = Query(0, ge=0, le=30, description=WAIT)) -> SongAnalysis | JSONResponse:
    """Start a fresh analysis of the song; its result when it finishes within `wait`, else 202."""
    job = await service.request_analysis(services, str(audio_id), force=True)
    return _answer(await service.analysis_after(services, job, wait))  # type: ignore[return-value]


@router.post("/lyrics/{audio_id}", response_model=Lyrics, responses={**ERRORS, **JOB_RESPONSES}, summary="Give a song its lyrics")
async def post_lyrics(audio_id: IdPath, body: LyricsRequest, services: ServicesDep) -> Lyrics | JSONResponse:
    """Keep LRC or plain lyrics with the song; plain lines are timed over its vocal stretches (202 until analysed)."""
    return _answer(await service.store_lyrics(services, str(audio_id), body))  # type: ignore[return-value]
