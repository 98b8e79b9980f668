"""Scene planning as a durable job."""

from __future__ import annotations

from functools import partial
from typing import Any

from mv.analysis import service as analysis_service
from mv.analysis.schemas import SongAnalysis
from mv.assets.service import require_one
from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.deps import Services
from mv.flavors.models import durations
from mv.flavors.schemas import Parameters, ScenePrompts, VideoParams
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job
from mv.providers.base import SceneBrief, response_metadata
from mv.scenes import music, timing
from mv.scenes.schemas import CreateScenesRequest
from mv.spend import service as spend

log = get_logger(__name__)

KIND = "create_scenes"


async def start(services: Services, body: CreateScenesRequest) -> Job:
    """Check the provider, reserve the plan's estimated cost against the daily cap, then queue the plan."""
    request = body.model_dump(mode="json")
    request["provider"] = services.providers.resolve(body.provider)
    if body.audio_id is not None:
        await analysis_service.analysis(services, str(body.audio_id))
    params = services.flavors.load(body.config_flavor, Parameters, into="mv.scenes.service:parameters")
    job_id = new_id()
    await spend.reserve(services, request["provider"], job_id, [("scenes", params.scene_model.model, params.scene_price_per_run)])
    return await services.runner.submit(KIND, request, job_id=job_id)


async def song_analysis(services: Services, audio_id: str) -> SongAnalysis:
    """The song's analysis, waiting for (or starting) the job that makes it; its duration is the stored song's (as stitching uses)."""
    asset = await require_one(services, "audio", audio_id)
    found = await analysis_service.analysis(services, audio_id)
    waited = 0.0
    limit = services.settings.mv_analysis_timeout * 2 + 60
    while not isinstance(found, SongAnalysis):
        found = await analysis_service.analysis_after(services, found, 5.0)
        waited += 5.0
        if waited > limit and not isinstance(found, SongAnalysis):
            found = await analysis_service.analysis(services, audio_id)
            waited = 0.0
    stored_seconds = float(asset.info.get("duration") or 0)
    return found.model_copy(update={"duration": stored_seconds}) if stored_seconds > 0 else found


def longest_clip(video: VideoParams) -> float:
    """The longest clip the flavor's video model makes (its configured duration when the model is not in the table)."""
    allowed = durations(video.model)
    return float(max(allowed) if allowed else video.duration)


def plan_windows(services: Services, body: CreateScenesRequest, params: Parameters, song: SongAnalysis | None) -> tuple[str, list[timing.Window]]:
    """The timing mode used and each scene's window (music windows last at most the flavor's longest clip)."""
    mode = body.scene_timing or params.scene_timing
    if mode == "music" and song is not None:
        video = services.flavors.load(body.config_flavor, VideoParams, into="mv.scenes.service:video_params")
        return "music", timing.music_windows(
            song.duration, song.beats, song.downbeats, [s.start for s in song.sections], song.energy, longest=longest_clip(video),
        )
    count = body.number_of_scenes or params.number_of_scenes
    return "fixed", timing.fixed_windows(count, params.scene_duration, song.duration if song else None)


def brief_for(body: CreateScenesRequest, params: Parameters, scenes: list[music.SceneMusic] | None = None, tempo: float | None = None) -> SceneBrief:
    """The request with the flavor's defaults filled in."""
    return SceneBrief(
        idea=body.idea,
        character_description=body.character_description,
        character_characteristics=body.character_characteristics or params.character_characteristics,
        number_of_scenes=len(scenes) if scenes else body.number_of_scenes or params.number_of_scenes,
        video_type=body.video_type or params.video_type,
        video_characteristics=body.video_characteristics or params.video_characteristics,
        camera_angle=body.camera_angle or params.camera_angle,
        scene_duration=params.scene_duration,
        music=tuple(scenes or ()),
        tempo=tempo,
    )


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """Load the flavor at prompt time, plan, answer with the scenes and how they were made."""
    body = CreateScenesRequest.model_validate({k: v for k, v in ctx.request.items() if k != "provider"})
    flavor, _ = services.flavors.registry.resolve(body.config_flavor)
    parameters = services.flavors.load(body.config_flavor, Parameters, into="mv.scenes.service:parameters")
    scene_prompts = services.flavors.load(body.config_flavor, ScenePrompts, into="mv.scenes.service:scene_prompts")
    song = None
    if body.audio_id is not None:
        await ctx.progress(0.02, "Listening to the song")
        song = await song_analysis(services, str(body.audio_id))
    mode, windows = plan_windows(services, body, parameters, song)
    context = music.describe(song, windows) if song is not None else music.plain_windows(windows)
    brief = brief_for(body, parameters, context if song is not None else None, song.tempo if song else None)
    provider = services.providers.get(ctx.request["provider"])
    await ctx.progress(0.1, "Planning scenes")
    scenes, provenance = await provider.plan_scenes(ctx, brief, parameters, scene_prompts)
    parameters_used = {k: v for k, v in brief.fields().items() if k not in ("idea", "character_description", "music_plan")}
    parameters_used.update(scene_timing=mode, audio_id=str(body.audio_id) if body.audio_id else None, tempo=song.tempo if song else None)
    if provenance.provider == "replicate":
        parameters_used["model_input"] = {k: v for k, v in provenance.inputs.items() if k not in ("prompt",)}
    return {
        "scenes": [
            {"description": s.description, "negative_description": s.negative_description, **m.as_dict()}
            for s, m in zip(scenes, context, strict=True)
        ],
        "metadata": response_metadata(flavor, provenance, parameters_used),
    }


def setup(services: Services) -> None:
    """Register the scene-planning job."""
    services.runner.register(KIND, partial(run, services))
