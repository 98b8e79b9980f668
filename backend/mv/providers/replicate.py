"""The Replicate provider: hosted models through the official client, durable across restarts."""

from __future__ import annotations

import asyncio
import contextvars
import json
import random
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import replicate
import stamina
from replicate.exceptions import ReplicateError

from mv.core import ffmpeg
from mv.core.errors import EncoreError, RateLimited, UpstreamError
from mv.core.logging import get_logger
from mv.core.settings import Settings
from mv.core.sniff import is_video_container
from mv.core.storage import MediaStorage, content_type_for, s3_key_for
from mv.flavors.schemas import ImageParams, ImagePrompts, LipsyncParams, Parameters, ScenePrompts, VideoParams
from mv.jobs.runner import JobContext
from mv.providers.base import ClipBrief, Provenance, ProviderName, Scene, SceneBrief

log = get_logger(__name__)

FINAL_STATUSES = frozenset({"succeeded", "failed", "canceled", "aborted"})
GET_BUDGET_PER_SECOND = 40.0  # Replicate allows 3000 non-create requests a minute (50/s); keep headroom.
MAX_WAIT_SECONDS = 45 * 60.0
OUTPUT_HOST = "replicate.delivery"  # where Replicate serves prediction output files
CREATE_ATTEMPTS = 6
RECONCILE_WINDOW = 600.0

_retry_after: contextvars.ContextVar[float | None] = contextvars.ContextVar("replicate_retry_after", default=None)


class _Transient(Exception):
    """A read that may succeed when tried again (5xx, 429 that outlived the client's own retries)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


def _is_transient(exc: Exception) -> bool:
    return isinstance(exc, (_Transient, httpx.TransportError))


class Pacer:
    """Spaces requests so that all jobs together stay inside a per-second budget."""

    def __init__(self, per_second: float) -> None:
        self.spacing = 1.0 / per_second
        self._next = 0.0

    async def wait(self) -> None:
        """Sleep until this caller's slot."""
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self.spacing
        if slot > now:
            await asyncio.sleep(slot - now)


def api_base(url: str) -> str:
    """The client's base URL: the configured one without a trailing `/v1` (the client adds it)."""
    base = url.rstrip("/")
    return base[:-3] if base.endswith("/v1") else base


def _parse_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def public_inputs(value: Any) -> Any:
    """Inputs as recorded in provenance: file URLs (presigned, expiring) are replaced by a marker."""
    if isinstance(value, dict):
        return {k: public_inputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [public_inputs(v) for v in value]
    if isinstance(value, str) and value.startswith(("http://", "https://", "data:")):
        return "<file>"
    return value


def is_output_host(host: str) -> bool:
    """Whether `host` is Replicate's file host or one of its subdomains."""
    return host == OUTPUT_HOST or host.endswith("." + OUTPUT_HOST)


def _first_url(output: Any) -> str:
    if isinstance(output, list) and output:
        output = output[0]
    if isinstance(output, dict):
        output = output.get("url") or output.get("video") or output.get("image")
    if not isinstance(output, str) or not output.startswith(("https://", "http://")):
        raise UpstreamError("The model answered without a file to download.")
    return output


def output_text(output: Any) -> str:
    """An LLM's output: iterator models return a list of string chunks."""
    if isinstance(output, list):
        return "".join(str(chunk) for chunk in output)
    if isinstance(output, str):
        return output
    if isinstance(output, dict):
        return json.dumps(output)
    raise UpstreamError("The language model returned no text.")


_FENCE = re.compile(r"^\s*```[a-zA-Z0-9]*\s*\n?(.*?)\n?```\s*$", re.S)


def parse_scenes(text: str, expected: int, fallback_negative: str) -> list[Scene]:
    """Strictly parse `{"scenes": [...]}` (or a bare list); raises ValueError naming the problem."""
    body = text.strip()
    match = _FENCE.match(body)
    if match:
        body = match.group(1).strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer is not valid JSON ({exc.msg} at position {exc.pos})") from None
    items = data.get("scenes") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError('the answer has no "scenes" list')
    if len(items) != expected:
        raise ValueError(f"it has {len(items)} scenes, exactly {expected} are needed")
    scenes = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"scene {index} is not an object")
        description = item.get("description")
        negative = item.get("negative_description", "")
        if not isinstance(description, str) or not description.strip():
            raise ValueError(f"scene {index} has an empty description")
        if not isinstance(negative, str):
            raise ValueError(f"scene {index} has a negative_description that is not text")
        scenes.append(Scene(description=description.strip(), negative_description=negative.strip() or fallback_negative))
    return scenes


class ReplicateProvider:
    """Hosted models on Replicate; every prediction id is checkpointed before it is waited on."""

    name: ProviderName = "replicate"
    request_timeout: float = 30.0
    reconcile_attempts: int = 3

    def __init__(self, settings: Settings, storage: MediaStorage) -> None:
        token = settings.replicate_token
        if not token:
            raise ValueError("the replicate provider needs a token")
        self.storage = storage
        self.poll_interval = settings.replicate_poll_interval
        self.client = replicate.Client(
            api_token=token,
            base_url=api_base(settings.replicate_base_url),
            timeout=httpx.Timeout(self.request_timeout, connect=10.0, pool=30.0),
            event_hooks={"response": [self._remember_retry_after]},
        )
        self.pacer = Pacer(GET_BUDGET_PER_SECOND)
        self._downloads: httpx.AsyncClient | None = None
        api = httpx.URL(settings.replicate_base_url)
        self._api_origin = (api.scheme, api.host, api.port)
        self._paid_slots = asyncio.Semaphore(settings.mv_max_paid_jobs)

    @staticmethod
    async def _remember_retry_after(response: httpx.Response) -> None:
        if response.status_code == 429:
            try:
                _retry_after.set(float(response.headers.get("Retry-After", "")))
            except ValueError:
                _retry_after.set(None)

    @property
    def http(self) -> httpx.AsyncClient:
        """The client's authenticated httpx client (reads go through it raw)."""
        return self.client._async_client

    def downloads(self) -> httpx.AsyncClient:
        """An unauthenticated client for output files (never send the token to a file host); every hop is vetted."""
        if self._downloads is None:
            self._downloads = httpx.AsyncClient(
                timeout=httpx.Timeout(120.0, connect=10.0), follow_redirects=True, trust_env=False,
                event_hooks={"request": [self._vet_output_request]},
            )
        return self._downloads

    async def _vet_output_request(self, request: httpx.Request) -> None:
        """Output files come from Replicate's file host (or the API's own origin); a model cannot point us elsewhere."""
        url = request.url
        if url.scheme == "https" and is_output_host(url.host):
            return
        if (url.scheme, url.host, url.port) == self._api_origin:
            return
        log.warning("output_host_refused", host=url.host)
        raise UpstreamError("The model pointed at an output file outside Replicate's file host.")

    async def close(self) -> None:
        """Release HTTP clients."""
        await self.http.aclose()
        if self._downloads is not None:
            await self._downloads.aclose()

    # ---- predictions ---------------------------------------------------------------------

    async def predict(
        self,
        ctx: JobContext,
        step: str,
        model: str,
        build_input: Callable[[], Awaitable[dict[str, Any]]],
    ) -> tuple[Any, str, dict[str, Any]]:
        """Run one prediction durably, at most `MV_MAX_PAID_JOBS` at a time; returns (output, prediction id, input sent).

        The input is only built (files uploaded) when no prediction exists yet for this step.
        """
        async with self._paid_slots:
            return await self._predict(ctx, step, model, build_input)

    async def _predict(
        self,
        ctx: JobContext,
        step: str,
        model: str,
        build_input: Callable[[], Awaitable[dict[str, Any]]],
    ) -> tuple[Any, str, dict[str, Any]]:
        key = f"replicate_{step}"
        saved: dict[str, Any] = dict(ctx.state.get(key) or {})
        prediction_id = saved.get("id")
        sent = saved.get("input")
        if prediction_id:
            log.info("prediction_reattached", step=step, prediction_id=prediction_id, model=model)
        elif saved.get("marker") and sent is not None:
            prediction_id = await self._reconcile(model, sent, saved["marker"])
            if prediction_id:
                log.info("prediction_reconciled", step=step, prediction_id=prediction_id, model=model)
                await ctx.checkpoint(**{key: {**saved, "id": prediction_id}, "prediction_id": prediction_id})
        if not prediction_id:
            sent = await build_input()
            marker = time.time()
            saved = {"model": model, "input": sent, "marker": marker}
            await ctx.checkpoint(**{key: saved})
            prediction_id = await self._create(model, sent, marker)
            await ctx.checkpoint(**{key: {**saved, "id": prediction_id}, "prediction_id": prediction_id})
            log.info("prediction_created", step=step, prediction_id=prediction_id, model=model)
        prediction = await self._wait(prediction_id, model)
        return prediction.get("output"), prediction_id, sent or {}

    async def _create(self, model: str, input: dict[str, Any], marker: float) -> str:
        """POST once; only a 429 or a connection that never opened is retried, anything ambiguous is reconciled."""
        delay = 1.0
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            _retry_after.set(None)
            try:
                # The client sends create POSTs with no timeout at all (timeout=None), so bound it here.
                prediction = await asyncio.wait_for(
                    self.client.predictions.async_create(model=model, input=input), self.request_timeout
                )
                return str(prediction.id)
            except ReplicateError as exc:
                status = exc.status or 0
                if status == 429:
                    wait = _retry_after.get() or delay
                    log.warning("prediction_create_throttled", model=model, retry_after=wait, attempt=attempt)
                    await asyncio.sleep(min(wait, 120.0))
                    delay = min(delay * 2, 30.0)
                    continue
                if status >= 500:
                    found = await self._reconcile(model, input, marker)
                    if found:
                        return found
                    log.warning("prediction_create_server_error", model=model, status=status, attempt=attempt)
                    await asyncio.sleep(delay * (1 + random.random() * 0.2))
                    delay = min(delay * 2, 30.0)
                    continue
                raise UpstreamError(f"Replicate refused the request to {model}: {exc.detail or exc.title or status}.") from None
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
                log.warning("prediction_create_unreachable", model=model, attempt=attempt)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
            except (httpx.TransportError, asyncio.TimeoutError) as exc:
                # The request may have been received: look for it before anything else.
                log.warning("prediction_create_uncertain", model=model, error=type(exc).__name__, attempt=attempt)
                found = await self._reconcile(model, input, marker)
                if found:
                    return found
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
        raise RateLimited(f"Replicate did not accept the request to {model} after {CREATE_ATTEMPTS} tries; try again later.")

    async def _reconcile(self, model: str, input: dict[str, Any], marker: float) -> str | None:
        """Find a prediction we created after `marker` with this model and input (a crash or timeout hid its id)."""
        for attempt in range(self.reconcile_attempts):
            found = await self._find_created(model, input, marker)
            if found:
                return found
            if attempt + 1 < self.reconcile_attempts:
                await asyncio.sleep(0.5 * (attempt + 1))
        return None

    async def _find_created(self, model: str, input: dict[str, Any], marker: float) -> str | None:
        path: str | None = "/v1/predictions"
        for _ in range(20):
            if not path:
                return None
            page = await self._get_json(path)
            for item in page.get("results", []):
                created = _parse_time(item.get("created_at"))
                if created is not None and created < marker - RECONCILE_WINDOW:
                    return None
                if item.get("model") == model and item.get("input") == input:
                    return str(item["id"])
            path = page.get("next")
        return None

    @stamina.retry(on=_is_transient, attempts=6, wait_initial=0.2, wait_max=8.0, timeout=120.0)
    async def _get_json(self, path: str) -> dict[str, Any]:
        """A paced, retried GET on the API; 5xx and transport errors retry with bounded backoff."""
        await self.pacer.wait()
        response = await self.http.get(path)
        if response.status_code >= 500 or response.status_code == 429:
            raise _Transient(response.status_code)
        if response.status_code == 404:
            raise UpstreamError("Replicate no longer knows this prediction.")
        if response.status_code >= 400:
            raise UpstreamError(f"Replicate refused to report on the prediction (HTTP {response.status_code}).")
        return response.json()  # type: ignore[no-any-return]

    async def _wait(self, prediction_id: str, model: str) -> dict[str, Any]:
        """Poll with an adaptive interval (fast at first, then backing off) until a final status."""
        interval = min(1.0, self.poll_interval)
        ceiling = max(self.poll_interval, interval)
        deadline = time.monotonic() + MAX_WAIT_SECONDS
        while True:
            try:
                prediction = await self._get_json(f"/v1/predictions/{prediction_id}")
            except (_Transient, httpx.TransportError):
                raise UpstreamError(f"Replicate stayed unreachable while {model} was running; the job can be resumed.") from None
            status = prediction.get("status")
            if status == "succeeded":
                return prediction
            if status in ("failed", "canceled", "aborted"):
                reason = str(prediction.get("error") or "").strip().splitlines()[0:1]
                detail = f": {reason[0][:300]}" if reason else ""
                verb = {"failed": "failed", "canceled": "was canceled", "aborted": "was aborted before it started"}[status]
                raise UpstreamError(f"The {model} prediction {verb}{detail}.")
            if time.monotonic() > deadline:
                raise UpstreamError(f"The {model} prediction did not finish in {int(MAX_WAIT_SECONDS // 60)} minutes.")
            await asyncio.sleep(interval * random.uniform(0.9, 1.1))
            interval = min(interval * 1.5, ceiling)

    # ---- files ---------------------------------------------------------------------------

    async def file_input(self, ctx: JobContext, path: Path, name: str) -> str:
        """A URL Replicate can fetch for a local file: presigned S3 when configured, else Replicate's files API."""
        if self.storage.s3 is not None:
            key = f"jobs/{ctx.id}/{name}{path.suffix.lower()}"
            try:
                s3_key = s3_key_for(key)
                await self.storage.s3.upload(path, s3_key, content_type_for(key))
                url = await self.storage.s3.presign(s3_key)
                if url:
                    return str(url)
            except Exception as exc:  # noqa: BLE001 - fall back to Replicate's own file storage
                log.warning("s3_input_failed", error=type(exc).__name__)
        return await self._upload(path)

    @stamina.retry(on=_is_transient, attempts=4, wait_initial=0.5, wait_max=8.0, timeout=300.0)
    async def _upload(self, path: Path) -> str:
        try:
            uploaded = await self.client.files.async_create(path)
        except ReplicateError as exc:
            if (exc.status or 0) >= 500 or exc.status == 429:
                raise _Transient(exc.status or 500) from None
            raise UpstreamError(f"Replicate refused an input file: {exc.detail or exc.status}.") from None
        url = uploaded.urls.get("get")
        if not url:
            raise UpstreamError("Replicate did not return a URL for an uploaded file.")
        return url

    @stamina.retry(on=_is_transient, attempts=4, wait_initial=0.5, wait_max=8.0, timeout=600.0)
    async def download(self, url: str, dest: Path) -> Path:
        """Stream an output file to disk at once (Replicate deletes outputs after an hour)."""
        if not url.startswith(("https://", "http://")):
            raise UpstreamError("The model returned an output that is not a downloadable file.")
        part = dest.with_suffix(dest.suffix + ".part")
        async with self.downloads().stream("GET", url) as response:
            if response.status_code >= 500:
                raise _Transient(response.status_code)
            if response.status_code >= 400:
                raise UpstreamError("An output file could not be downloaded from Replicate.")
            with part.open("wb") as fh:
                async for chunk in response.aiter_bytes(1 << 20):
                    fh.write(chunk)
        part.replace(dest)
        return dest

    # ---- capabilities --------------------------------------------------------------------

    async def plan_scenes(
        self, ctx: JobContext, brief: SceneBrief, params: Parameters, prompts: ScenePrompts
    ) -> tuple[list[Scene], Provenance]:
        """Ask the flavor's LLM for the plan; one repair attempt when the answer is unusable."""
        started = time.monotonic()
        values = brief.fields()
        model = params.scene_model.model
        system_key = "system_instruction" if "gemini" in model else "system_prompt"
        fallback_negative = prompts.draft_negative.format(**values)

        def llm_input(prompt: str) -> dict[str, Any]:
            data = {**params.scene_model.input, "prompt": prompt}
            system = prompts.system_prompt.format(**values)
            if system:
                data[system_key] = system
            return data

        first_prompt = prompts.scene_generation_prompt.format(**values)

        async def first() -> dict[str, Any]:
            return llm_input(first_prompt)

        output, prediction_id, sent = await self.predict(ctx, "scenes", model, first)
        text = output_text(output)
        runs = 1
        try:
            scenes = parse_scenes(text, brief.number_of_scenes, fallback_negative)
        except ValueError as problem:
            log.warning("scene_plan_unusable", problem=str(problem), model=model)
            repair_prompt = prompts.repair_prompt.format(**values, problem=str(problem), previous_output=text[:6000])

            async def repair() -> dict[str, Any]:
                return llm_input(repair_prompt)

            output, prediction_id, sent = await self.predict(ctx, "scenes_repair", model, repair)
            runs = 2
            try:
                scenes = parse_scenes(output_text(output), brief.number_of_scenes, fallback_negative)
            except ValueError as again:
                raise UpstreamError(f"The scene model's answer could not be used, even after one repair: {again}.") from None
        provenance = Provenance(
            provider="replicate",
            model=model,
            inputs=public_inputs(sent),
            prediction_id=prediction_id,
            seconds=time.monotonic() - started,
            cost_estimate=params.scene_price_per_run * runs,
        )
        return scenes, provenance

    async def character_images(
        self, ctx: JobContext, description: str, count: int, params: ImageParams, prompts: ImagePrompts, workdir: Path
    ) -> list[tuple[Path, Provenance]]:
        """One prediction per image, run concurrently; failures beyond the first success are dropped and logged."""
        prompt = prompts.character_reference_prompt.format(character_description=description)

        async def one(index: int) -> tuple[Path, Provenance]:
            started = time.monotonic()

            async def build() -> dict[str, Any]:
                return {**params.input, "prompt": prompt, "aspect_ratio": params.aspect_ratio, "output_format": params.output_format}

            output, prediction_id, sent = await self.predict(ctx, f"image_{index}", params.model, build)
            dest = await self.download(_first_url(output), workdir / f"character_{index}.{params.output_format}")
            return dest, Provenance(
                provider="replicate",
                model=params.model,
                inputs=public_inputs(sent),
                prediction_id=prediction_id,
                seconds=time.monotonic() - started,
                cost_estimate=params.price_per_image,
            )

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
        rules = params.rules_template.format(aspect_ratio=params.aspect_ratio, duration=params.duration).strip()
        prompt = f"{brief.prompt.strip()}\n\n{rules}" if rules else brief.prompt.strip()

        async def build() -> dict[str, Any]:
            data: dict[str, Any] = {
                **params.input,
                "prompt": prompt,
                "aspect_ratio": params.aspect_ratio,
                "duration": params.duration,
                "resolution": params.resolution,
                "generate_audio": params.generate_audio,
            }
            if brief.negative_prompt.strip():
                data["negative_prompt"] = brief.negative_prompt.strip()
            if brief.seed is not None:
                data["seed"] = brief.seed
            if brief.reference_image is not None and params.reference_input != "none":
                url = await self.file_input(ctx, brief.reference_image, "reference")
                data[params.reference_input] = [url] if params.reference_input == "reference_images" else url
            return data

        return await self._video_prediction(
            ctx, "clip", params.model, build, workdir / "clip.mp4", started, params.price_per_second * params.duration
        )

    async def lipsync(
        self, ctx: JobContext, video: Path, audio: Path, params: LipsyncParams, workdir: Path
    ) -> tuple[Path, Provenance]:
        """Lipsync through the flavor's model; video and audio are sent as fetchable URLs."""
        started = time.monotonic()
        info = await ffmpeg.probe(audio, ffmpeg.AUDIO_FORMATS)
        seconds = float(info.get("format", {}).get("duration") or 0.0)

        async def build() -> dict[str, Any]:
            video_url, audio_url = await asyncio.gather(
                self.file_input(ctx, video, "lipsync_video"), self.file_input(ctx, audio, "lipsync_audio")
            )
            return {**params.input, "video": video_url, "audio": audio_url}

        return await self._video_prediction(
            ctx, "lipsync", params.model, build, workdir / "lipsync.mp4", started, params.price_per_second * seconds
        )

    async def _video_prediction(
        self,
        ctx: JobContext,
        step: str,
        model: str,
        build: Callable[[], Awaitable[dict[str, Any]]],
        dest: Path,
        started: float,
        cost: float,
    ) -> tuple[Path, Provenance]:
        """Run a prediction whose output is a video, download it at once and check its container (full probes come at use)."""
        output, prediction_id, sent = await self.predict(ctx, step, model, build)
        await self.download(_first_url(output), dest)
        if not is_video_container(dest):
            raise UpstreamError(f"The {model} prediction returned a file that is not a video.")
        provenance = Provenance(
            provider="replicate",
            model=model,
            inputs=public_inputs(sent),
            prediction_id=prediction_id,
            seconds=time.monotonic() - started,
            cost_estimate=cost,
        )
        return dest, provenance
