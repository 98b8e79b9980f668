"""Scene planning as a durable job."""

from __future__ import annotations

from functools import partial
from typing import Any

from mv.core.ids import new_id
from mv.core.logging import get_logger
from mv.deps import Services
from mv.flavors.schemas import Parameters, ScenePrompts
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job
from mv.providers.base import SceneBrief, response_metadata
from mv.scenes.schemas import CreateScenesRequest
from mv.spend import service as spend

log = get_logger(__name__)

KIND = "create_scenes"


async def start(services: Services, body: CreateScenesRequest) -> Job:
    """Check the provider, reserve the plan's estimated cost against the daily cap, then queue the plan."""
    request = body.model_dump(mode="json")
    request["provider"] = services.providers.resolve(body.provider)
    params = services.flavors.load(body.config_flavor, Parameters, into="mv.scenes.service:parameters")
    job_id = new_id()
    await spend.reserve(services, request["provider"], job_id, [("scenes", params.scene_model.model, params.scene_price_per_run)])
    return await services.runner.submit(KIND, request, job_id=job_id)


def brief_for(body: CreateScenesRequest, params: Parameters) -> SceneBrief:
    """The request with the flavor's defaults filled in."""
    return SceneBrief(
        idea=body.idea,
        character_description=body.character_description,
        character_characteristics=body.character_characteristics or params.character_characteristics,
        number_of_scenes=body.number_of_scenes or params.number_of_scenes,
        video_type=body.video_type or params.video_type,
        video_characteristics=body.video_characteristics or params.video_characteristics,
        camera_angle=body.camera_angle or params.camera_angle,
        scene_duration=params.scene_duration,
    )


async def run(services: Services, ctx: JobContext) -> dict[str, Any]:
    """Load the flavor at prompt time, plan, answer with the scenes and how they were made."""
    body = CreateScenesRequest.model_validate({k: v for k, v in ctx.request.items() if k != "provider"})
    flavor, _ = services.flavors.registry.resolve(body.config_flavor)
    parameters = services.flavors.load(body.config_flavor, Parameters, into="mv.scenes.service:parameters")
    scene_prompts = services.flavors.load(body.config_flavor, ScenePrompts, into="mv.scenes.service:scene_prompts")
    brief = brief_for(body, parameters)
    provider = services.providers.get(ctx.request["provider"])
    await ctx.progress(0.1, "Planning scenes")
    scenes, provenance = await provider.plan_scenes(ctx, brief, parameters, scene_prompts)
    parameters_used = {k: v for k, v in brief.fields().items() if k not in ("idea", "character_description")}
    if provenance.provider == "replicate":
        parameters_used["model_input"] = {k: v for k, v in provenance.inputs.items() if k not in ("prompt",)}
    return {
        "scenes": [{"description": s.description, "negative_description": s.negative_description} for s in scenes],
        "metadata": response_metadata(flavor, provenance, parameters_used),
    }


def setup(services: Services) -> None:
    """Register the scene-planning job."""
    services.runner.register(KIND, partial(run, services))
