"""Lyrics heard by a speech-to-text model on Replicate, for songs stored without any (when the flavor names one)."""

from __future__ import annotations

from typing import Any

from mv.analysis.service import LYRICS_KEY, set_timed_lyrics
from mv.audio.service import audio_path
from mv.deps import Services
from mv.flavors.schemas import Parameters, TranscriptionChoice
from mv.jobs.runner import JobContext

JOB_KIND = "transcribe_song"


def transcription_choice(services: Services) -> TranscriptionChoice | None:
    """The default flavor's speech-to-text model when Replicate is the default provider, else None."""
    providers = services.providers
    if providers is None or providers.default != "replicate" or not providers.replicate_available:
        return None
    return services.flavors.load(None, Parameters, into="transcription").transcription_model


async def on_audio_stored(services: Services, audio_id: str) -> None:
    """A new song without lyrics (none given, none carried over from a trim) gets a transcription job."""
    asset = await services.assets.get(audio_id)
    if asset is None or asset.info.get(LYRICS_KEY) or transcription_choice(services) is None:
        return
    await services.runner.submit(JOB_KIND, {"audio_id": audio_id})


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """The job: send the song to the model, keep its segments as lyrics timed by `speech` unless lyrics came meanwhile."""
    audio_id = str(ctx.request["audio_id"])
    choice = transcription_choice(services)
    if choice is None:
        return {"audio_id": audio_id, "lines": 0, "skipped": "no transcription model"}
    provider = services.providers.get("replicate")
    lines, provenance = await provider.transcribe(ctx, await audio_path(services, audio_id), choice)
    asset = await services.assets.get(audio_id)
    if asset is None or asset.info.get(LYRICS_KEY):
        return {"audio_id": audio_id, "lines": 0, "skipped": "lyrics were given"}
    if lines:
        await set_timed_lyrics(services, audio_id, lines, timing="speech")
    return {"audio_id": audio_id, "lines": len(lines), "model": provenance.model, "prediction_id": provenance.prediction_id}


def setup(services: Services) -> None:
    """Register the transcription job and listen for new songs."""

    async def handler(ctx: JobContext) -> dict[str, Any]:
        return await run(services, ctx)

    services.runner.register(JOB_KIND, handler)
    services.on_audio_stored.append(lambda audio_id: on_audio_stored(services, audio_id))
