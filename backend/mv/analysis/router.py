"""Song analysis and lyrics routes."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response, PlainTextResponse

from mv.analysis import service
from mv.analysis.schemas import Lyrics, LyricsRequest, SongAnalysis
from mv.core.errors import ErrorBody, NotFound
from mv.core.ids import IdPath
from mv.core.limits import PAID_LIMIT
from mv.deps import ServicesDep
from mv.jobs.schemas import Job
from mv.jobs.service import JOB_RESPONSES, accepted
from mv.stitch import subtitles

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


@router.post("/lyrics/{audio_id:uuid}", response_model=Lyrics, responses={**ERRORS, **JOB_RESPONSES}, summary="Give a song its lyrics")
async def post_lyrics(audio_id: IdPath, body: LyricsRequest, services: ServicesDep) -> Lyrics | JSONResponse:
    """Keep LRC or plain lyrics with the song; plain lines are timed over its vocal stretches (202 until analysed)."""
    return _answer(await service.store_lyrics(services, str(audio_id), body))  # type: ignore[return-value]


async def _subtitle_lines(services: ServicesDep, audio_id: str) -> list:  # type: ignore[type-arg]
    lines = subtitles.within(await service.timed_lyrics(services, audio_id), None)
    if not lines:
        raise NotFound(f"The song {audio_id} has no timed lyrics.")
    return lines


SUBTITLE_RESPONSES: dict[int | str, dict[str, object]] = {**ERRORS, 409: {"model": ErrorBody}}


@router.get(
    "/lyrics/{audio_id}.srt",
    response_class=Response,
    responses={200: {"content": {"application/x-subrip": {}}, "description": "The SubRip file."}, **SUBTITLE_RESPONSES},
    summary="A song's lyrics as SubRip subtitles",
)
async def lyrics_srt(audio_id: IdPath, services: ServicesDep) -> PlainTextResponse:
    """The timed lyrics as an `.srt` download (404 when the song has none, or plain lines not yet timed)."""
    text = subtitles.srt(await _subtitle_lines(services, str(audio_id)))
    return PlainTextResponse(text, media_type="application/x-subrip", headers=_download(audio_id, "srt"))


@router.get(
    "/lyrics/{audio_id}.vtt",
    response_class=Response,
    responses={200: {"content": {"text/vtt": {}}, "description": "The WebVTT file."}, **SUBTITLE_RESPONSES},
    summary="A song's lyrics as WebVTT subtitles",
)
async def lyrics_vtt(audio_id: IdPath, services: ServicesDep) -> PlainTextResponse:
    """The timed lyrics as a `.vtt` download, for a `<track>` element or a player."""
    text = subtitles.vtt(await _subtitle_lines(services, str(audio_id)))
    return PlainTextResponse(text, media_type="text/vtt", headers=_download(audio_id, "vtt"))


def _download(audio_id: object, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="lyrics-{audio_id}.{ext}"'}
