"""The Replicate provider: scene plans, character images, clips and lipsync from the flavor's hosted models."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from mv.core import ffmpeg
from mv.core.errors import EncoreError, UpstreamError
from mv.core.logging import get_logger
from mv.core.settings import Settings
from mv.core.sniff import is_video_container
from mv.core.storage import MediaStorage
from mv.flavors.models import system_input
from mv.flavors.schemas import ImageParams, ImagePrompts, LipsyncParams, Parameters, ScenePrompts, TranscriptionChoice, VideoParams
from mv.jobs.runner import JobContext
from mv.jobs.schemas import Job
from mv.providers.base import ClipBrief, Provenance, ProviderName, Scene, SceneBrief
from mv.providers.replicate.api import UNREACHABLE, ReplicateApi
from mv.providers.replicate.claims import Claims
from mv.providers.replicate.files import Files
from mv.core.db.buckets import SharedBuckets
from mv.providers.replicate.pacing import Clock, budgets
from mv.providers.replicate.parsing import first_url, output_text, parse_scenes, public_inputs
from mv.providers.replicate.predictions import Predictions, create_client
from mv.providers.replicate.transcribe import speech_lines
from mv.webhooks.hub import WebhookHub

log = get_logger(__name__)

BuildInput = Callable[[], Awaitable[dict[str, Any]]]
PredictionListener = Callable[[str, str, str, dict[str, Any], float], Awaitable[None]]


class ReplicateProvider:
    """Hosted models on Replicate; every prediction id is checkpointed before it is waited on."""

    name: ProviderName = "replicate"

    def __init__(
        self,
        settings: Settings,
        storage: MediaStorage,
        unfinished_jobs: Callable[[], Awaitable[list[Job]]] | None = None,
        clock: Clock | None = None,
        webhooks: WebhookHub | None = None,
        listeners: list[PredictionListener] | None = None,
        buckets: SharedBuckets | None = None,
    ) -> None:
        token = settings.replicate_token
        if not token:
            raise ValueError("the replicate provider needs a token")
        self.clock = clock or Clock()
        reads, creates = budgets(token, self.clock, buckets)
        self.api = ReplicateApi(settings.replicate_base_url, token, settings.replicate_timeout, self.clock, reads)
        self.client = create_client(settings.replicate_base_url, token, settings.replicate_timeout)
        self.predictions = Predictions(
            self.api, self.client, Claims(unfinished_jobs), poll_interval=settings.replicate_poll_interval, clock=self.clock,
            creates=creates,
        )
        if webhooks is not None and settings.webhook_url:
            self.predictions.use_webhooks(webhooks, settings.webhook_url, settings.replicate_webhook_poll_interval)
        self.files = Files(self.api, storage, token)
        self._paid_slots = asyncio.Semaphore(settings.mv_max_paid_jobs)
        self.listeners = listeners if listeners is not None else []

    async def close(self) -> None:
        """Release HTTP clients."""
        await self.api.close()
        await self.client._async_client.aclose()
        await self.files.close()

    async def predict(
        self, ctx: JobContext, step: str, model: str, build_input: BuildInput, usd: float = 0.0
    ) -> tuple[Any, str, dict[str, Any]]:
        """Run one prediction durably, at most `MV_MAX_PAID_JOBS` at a time; returns (output, prediction id, input sent).

        Once it succeeded, every listener hears of it with its estimated cost `usd` (a failed listener is logged, not raised).
        """
        async with self._paid_slots:
            try:
                prediction, prediction_id, sent = await self.predictions.run_prediction(ctx, step, model, build_input)
            except UNREACHABLE:
                raise UpstreamError(f"Replicate stayed unreachable while running {model}; the job can be resumed.") from None
        for listener in self.listeners:
            try:
                await listener(ctx.id, step, model, {**prediction, "id": prediction_id}, usd)
            except Exception as exc:  # noqa: BLE001 - bookkeeping must not fail a paid result
                log.warning("prediction_listener_failed", step=step, error=type(exc).__name__)
        return prediction.get("output"), prediction_id, sent

    async def plan_scenes(
        self, ctx: JobContext, brief: SceneBrief, params: Parameters, prompts: ScenePrompts
    ) -> tuple[list[Scene], Provenance]:
        """Ask the flavor's LLM for the plan; one repair attempt when the answer is unusable."""
        started = time.monotonic()
        values = brief.fields()
        model = params.scene_model.model
        fallback_negative = prompts.draft_negative.format(**values)

        def llm_input(prompt: str) -> BuildInput:
            async def build() -> dict[str, Any]:
                data = {**params.scene_model.input, "prompt": prompt}
                system = prompts.system_prompt.format(**values)
                if system:
                    data[system_input(model)] = system
                return data

            return build

        output, prediction_id, sent = await self.predict(
            ctx, "scenes", model, llm_input(brief.prompt(prompts.scene_generation_prompt)), params.scene_price_per_run
        )
        text = output_text(output)
        runs = 1
        try:
            scenes = parse_scenes(text, brief.number_of_scenes, fallback_negative)
        except ValueError as problem:
            log.warning("scene_plan_unusable", problem=str(problem), model=model)
            repair = brief.prompt(prompts.repair_prompt, problem=str(problem), previous_output=text[:6000])
            output, prediction_id, sent = await self.predict(ctx, "scenes_repair", model, llm_input(repair), params.scene_price_per_run)
            runs = 2
            try:
                scenes = parse_scenes(output_text(output), brief.number_of_scenes, fallback_negative)
            except ValueError as again:
                raise UpstreamError(f"The scene model's answer could not be used, even after one repair: {again}.") from None
        return scenes, self._provenance(model, sent, prediction_id, started, params.scene_price_per_run * runs)

    async def character_images(
        self, ctx: JobContext, description: str, count: int, params: ImageParams, prompts: ImagePrompts, workdir: Path
    ) -> list[tuple[Path, Provenance]]:
        """One prediction per image, run concurrently; failures beyond the first success are dropped and logged."""
        prompt = prompts.character_reference_prompt.format(character_description=description)

        async def build() -> dict[str, Any]:
            return {**params.input, "prompt": prompt, "aspect_ratio": params.aspect_ratio, "output_format": params.output_format}

        async def one(index: int) -> tuple[Path, Provenance]:
            started = time.monotonic()
            output, prediction_id, sent = await self.predict(ctx, f"image_{index}", params.model, build, params.price_per_image)
            dest = await self.files.download(first_url(output), workdir / f"character_{index}.{params.output_format}")
            return dest, self._provenance(params.model, sent, prediction_id, started, params.price_per_image)

        results = await asyncio.gather(*(one(i) for i in range(count)), return_exceptions=True)
        images = [r for r in results if isinstance(r, tuple)]
        errors = [r for r in results if isinstance(r, BaseException)]
        for error in errors:
            log.warning("character_image_failed", error=getattr(error, "detail", type(error).__name__))
        if not images:
            first = errors[0]
            if isinstance(first, EncoreError):
                raise first
            raise UpstreamError("No character image could be generated.")
        return images

    async def clip(self, ctx: JobContext, brief: ClipBrief, params: VideoParams, workdir: Path) -> tuple[Path, Provenance]:
        """One clip from the flavor's video model, the character image as reference or first frame."""
        started = time.monotonic()
        seconds = brief.duration or params.duration
        rules = params.rules_template.format(aspect_ratio=params.aspect_ratio, duration=seconds).strip()
        prompt = f"{brief.prompt.strip()}\n\n{rules}" if rules else brief.prompt.strip()

        async def build() -> dict[str, Any]:
            data: dict[str, Any] = {
                **params.input,
                "prompt": prompt,
                "aspect_ratio": params.aspect_ratio,
                "duration": seconds,
                "resolution": params.resolution,
                "generate_audio": params.generate_audio,
            }
            if brief.negative_prompt.strip():
                data["negative_prompt"] = brief.negative_prompt.strip()
            if brief.seed is not None:
                data["seed"] = brief.seed
            if brief.reference_image is not None and params.reference_input != "none":
                url = await self.files.input_url(ctx, brief.reference_image, "reference")
                data[params.reference_input] = [url] if params.reference_input == "reference_images" else url
            return data

        cost = params.price_per_second * seconds
        return await self._video(ctx, "clip", params.model, build, workdir / "clip.mp4", started, cost)

    async def lipsync(
        self, ctx: JobContext, video: Path, audio: Path, params: LipsyncParams, workdir: Path
    ) -> tuple[Path, Provenance]:
        """Lipsync through the flavor's model; video and audio are sent as fetchable URLs."""
        started = time.monotonic()
        info = await ffmpeg.probe(audio, ffmpeg.AUDIO_FORMATS)
        seconds = float(info.get("format", {}).get("duration") or 0.0)

        async def build() -> dict[str, Any]:
            video_url, audio_url = await asyncio.gather(
                self.files.input_url(ctx, video, "lipsync_video"), self.files.input_url(ctx, audio, "lipsync_audio")
            )
            return {**params.input, "video": video_url, "audio": audio_url}

        cost = params.price_per_second * seconds
        return await self._video(ctx, "lipsync", params.model, build, workdir / "lipsync.mp4", started, cost)

    async def transcribe(self, ctx: JobContext, audio: Path, choice: TranscriptionChoice) -> tuple[list[Any], Provenance]:
        """The song's words as timed lines from the flavor's speech-to-text model (the song sent as a fetchable URL)."""
        started = time.monotonic()
        info = await ffmpeg.probe(audio, ffmpeg.AUDIO_FORMATS)
        seconds = float(info.get("format", {}).get("duration") or 0.0)

        async def build() -> dict[str, Any]:
            return {**choice.input, "audio": await self.files.input_url(ctx, audio, "transcription_audio")}

        output, prediction_id, sent = await self.predict(ctx, "transcription", choice.model, build, choice.price_per_run)
        return speech_lines(output, seconds), self._provenance(choice.model, sent, prediction_id, started, choice.price_per_run)

    async def _video(
        self, ctx: JobContext, step: str, model: str, build: BuildInput, dest: Path, started: float, cost: float
    ) -> tuple[Path, Provenance]:
        """Run a prediction whose output is a video, download it at once and check its container (full probes come at use)."""
        output, prediction_id, sent = await self.predict(ctx, step, model, build, cost)
        await self.files.download(first_url(output), dest)
        if not is_video_container(dest):
            raise UpstreamError(f"The {model} prediction returned a file that is not a video.")
        return dest, self._provenance(model, sent, prediction_id, started, cost)

    @staticmethod
    def _provenance(model: str, sent: dict[str, Any], prediction_id: str, started: float, cost: float) -> Provenance:
        return Provenance(
            provider="replicate",
            model=model,
            inputs=public_inputs(sent),
            prediction_id=prediction_id,
            seconds=time.monotonic() - started,
            cost_estimate=cost,
        )
