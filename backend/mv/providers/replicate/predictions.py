"""Predictions: created once, found again when a create's answer was lost, waited on with a backoff."""

from __future__ import annotations

import asyncio
import contextvars
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import replicate
from replicate.exceptions import ReplicateError

from mv.core.errors import RateLimited, UpstreamError
from mv.core.logging import get_logger
from mv.flavors.models import split_ref
from mv.jobs.runner import JobContext
from mv.providers.replicate.api import UNREACHABLE, ReplicateApi, api_base, retry_after
from mv.providers.replicate.claims import STATE_PREFIX, Claims, fingerprint, owner_of
from mv.providers.replicate.pacing import CREATE_BUDGET_PER_SECOND, CREATE_BURST, Budget, Clock, PollSchedule, TokenBudget
from mv.providers.replicate.parsing import parse_time
from mv.webhooks.hub import WebhookHub

log = get_logger(__name__)

MAX_WAIT_SECONDS = 45 * 60.0
CREATE_ATTEMPTS = 6
CLOCK_SKEW = 60.0
"""How far Replicate's clock may be behind ours when matching a prediction's `created_at` to a create we sent."""
RECONCILE_PAGES = 20
FAILED = {"failed": "failed", "canceled": "was canceled", "aborted": "was aborted before it started"}

_throttled: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar("replicate_throttled", default=None)
"""Where the client's response hook leaves a 429's Retry-After for the create that got it (a list: the create runs in
a task of its own, which sees the caller's context by copy, so only a shared object carries the value back)."""


async def _remember_retry_after(response: httpx.Response) -> None:
    box = _throttled.get()
    if response.status_code == 429 and box is not None:
        box.append(retry_after(response) or 0.0)


def create_client(base_url: str, token: str, timeout: float) -> replicate.Client:
    """The official client, used for creates: `owner/name` through the model's endpoint, a pinned version through the versions endpoint."""
    return replicate.Client(
        api_token=token,
        base_url=api_base(base_url),
        timeout=httpx.Timeout(timeout),
        event_hooks={"response": [_remember_retry_after]},
    )


@dataclass(frozen=True)
class Attempt:
    """One step's create: who asked, what was sent, and when (for finding it again)."""

    ctx: JobContext
    key: str
    ref: str
    input: dict[str, Any]
    marker: float

    @property
    def fingerprint(self) -> str:
        """Model and input, as the prediction list shows them."""
        return fingerprint(self.ref, self.input)


class Predictions:
    """Runs predictions durably: the id is checkpointed before any wait, a lost create is found by listing, never sent twice."""

    reconcile_attempts: int = 3

    def __init__(
        self, api: ReplicateApi, client: replicate.Client, claims: Claims, *, poll_interval: float, clock: Clock, creates: Budget | None = None
    ) -> None:
        self.creates: Budget = creates or TokenBudget(CREATE_BUDGET_PER_SECOND, CREATE_BURST, clock)
        self.api = api
        self.client = client
        self.claims = claims
        self.poll_interval = poll_interval
        self.clock = clock
        self.webhooks: WebhookHub | None = None
        self.webhook_url: str | None = None
        self.safety_interval = poll_interval

    def use_webhooks(self, hub: WebhookHub, url: str, safety_interval: float) -> None:
        """Create predictions with a webhook to `url` and wait for it; poll only every `safety_interval` seconds."""
        self.webhooks = hub
        self.webhook_url = url
        self.safety_interval = safety_interval

    @property
    def timeout(self) -> float:
        """How long one request may take."""
        return self.api.timeout

    async def run(
        self, ctx: JobContext, step: str, ref: str, build_input: Callable[[], Awaitable[dict[str, Any]]]
    ) -> tuple[Any, str, dict[str, Any]]:
        """(output, prediction id, input sent); the input is only built (files uploaded) when no prediction exists yet."""
        prediction, prediction_id, sent = await self.run_prediction(ctx, step, ref, build_input)
        return prediction.get("output"), prediction_id, sent

    async def run_prediction(
        self, ctx: JobContext, step: str, ref: str, build_input: Callable[[], Awaitable[dict[str, Any]]]
    ) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """(finished prediction, its id, input sent), as `run`."""
        key = f"{STATE_PREFIX}{step}"
        saved: dict[str, Any] = dict(ctx.state.get(key) or {})
        prediction_id = saved.get("id")
        sent = saved.get("input")
        if prediction_id:
            self.claims.claim(prediction_id, owner_of(ctx, key))
            log.info("prediction_reattached", step=step, prediction_id=prediction_id, model=ref)
        elif saved.get("marker") and sent is not None:
            prediction_id = await self._reconcile(Attempt(ctx, key, ref, sent, saved["marker"]))
            if prediction_id:
                log.info("prediction_reconciled", step=step, prediction_id=prediction_id, model=ref)
                await ctx.checkpoint(**{key: {**saved, "id": prediction_id}, "prediction_id": prediction_id})
        if not prediction_id:
            sent = await build_input()
            saved = {"model": ref, "input": sent, "marker": time.time()}
            await ctx.checkpoint(**{key: saved})
            prediction_id = await self._create(Attempt(ctx, key, ref, sent, saved["marker"]))
            await ctx.checkpoint(**{key: {**saved, "id": prediction_id}, "prediction_id": prediction_id})
            log.info("prediction_created", step=step, prediction_id=prediction_id, model=ref)
        prediction = await self.wait(prediction_id, ref)
        return prediction, prediction_id, sent or {}

    async def _send(self, attempt: Attempt) -> str:
        """POST one create, bounded by the timeout; while it is in flight, identical reconciles wait for it."""
        name, version = split_ref(attempt.ref)
        created: str | None = None
        await self.creates.wait()
        self.claims.begin_create(attempt.fingerprint)
        try:
            # The client sends creates with no timeout at all, so bound it here.
            hook: dict[str, Any] = {}
            if self.webhook_url:
                hook = {"webhook": self.webhook_url, "webhook_events_filter": ["completed"]}
            if version:
                call = self.client.predictions.async_create(version=version, input=attempt.input, **hook)
            else:
                call = self.client.predictions.async_create(model=name, input=attempt.input, **hook)
            prediction = await asyncio.wait_for(call, self.timeout)
            created = str(prediction.id)
            return created
        finally:
            self.claims.end_create(attempt.fingerprint, created, owner_of(attempt.ctx, attempt.key))

    async def _create(self, attempt: Attempt) -> str:
        """Create once; only a 429 or a connection that never opened is retried, anything ambiguous is reconciled first."""
        delay = 1.0
        ref = attempt.ref
        for number in range(1, CREATE_ATTEMPTS + 1):
            throttled: list[float] = []
            _throttled.set(throttled)
            try:
                return await self._send(attempt)
            except ReplicateError as exc:
                status = exc.status or 0
                if status == 429:
                    wait = throttled[-1] if throttled and throttled[-1] > 0 else delay
                    log.warning("prediction_create_throttled", model=ref, retry_after=wait, attempt=number)
                    await self.clock.sleep(min(wait, 120.0))
                elif status >= 500:
                    found = await self._reconcile(attempt)
                    if found:
                        return found
                    log.warning("prediction_create_server_error", model=ref, status=status, attempt=number)
                    await self.clock.sleep(delay * (1 + random.random() * 0.2))
                else:
                    raise UpstreamError(f"Replicate refused the request to {ref}: {exc.detail or exc.title or status}.") from None
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout):
                log.warning("prediction_create_unreachable", model=ref, attempt=number)
                await self.clock.sleep(delay)
            except (httpx.TransportError, TimeoutError) as exc:
                # The request may have been received: look for it before anything else.
                log.warning("prediction_create_uncertain", model=ref, error=type(exc).__name__, attempt=number)
                found = await self._reconcile(attempt)
                if found:
                    return found
                await self.clock.sleep(delay)
            delay = min(delay * 2, 30.0)
        raise RateLimited(f"Replicate did not accept the request to {ref} after {CREATE_ATTEMPTS} tries; try again later.")

    async def _reconcile(self, attempt: Attempt) -> str | None:
        """Find a prediction made by this create (model, input, created after the marker) that no other step owns; claim it."""
        for number in range(self.reconcile_attempts):
            await self.claims.settled(attempt.fingerprint, self.timeout * 2)
            async with self.claims.lock:
                taken = await self.claims.taken(attempt.ctx, attempt.key)
                found = await self._find_created(attempt, taken)
                if found:
                    self.claims.claim(found, owner_of(attempt.ctx, attempt.key))
                    return found
            if number + 1 < self.reconcile_attempts:
                await self.clock.sleep(0.5 * (number + 1))
        return None

    async def _find_created(self, attempt: Attempt, taken: set[str]) -> str | None:
        name, version = split_ref(attempt.ref)
        path: str | None = "/v1/predictions"
        for _ in range(RECONCILE_PAGES):
            if not path:
                return None
            page = await self.api.get_json(path)
            for item in page.get("results", []):
                created = parse_time(item.get("created_at"))
                if created is not None and created < attempt.marker - CLOCK_SKEW:
                    return None
                if (
                    item.get("id") not in taken
                    and item.get("model") == name
                    and (version is None or item.get("version") == version)
                    and item.get("input") == attempt.input
                ):
                    return str(item["id"])
            path = self.api.local_path(page.get("next"))
        return None

    async def wait(self, prediction_id: str, ref: str) -> dict[str, Any]:
        """Until a final status: by webhook with a slow safety poll when webhooks are on, else by polling with a backoff."""
        if self.webhooks is not None:
            return await self._wait_for_webhook(self.webhooks, prediction_id, ref)
        schedule = PollSchedule(self.poll_interval)
        deadline = self.clock.now() + MAX_WAIT_SECONDS
        while True:
            prediction = await self._poll(prediction_id, ref)
            if self._finished(prediction, ref):
                return prediction
            if self.clock.now() > deadline:
                raise self._too_long(ref)
            status = prediction.get("status")
            # Jitter spreads the polls of predictions created together; upwards, so no poll comes early.
            await self.clock.sleep(min(schedule.after(status) * random.uniform(1.0, 1.1), schedule.ceiling))

    async def _wait_for_webhook(self, hub: WebhookHub, prediction_id: str, ref: str) -> dict[str, Any]:
        """Wake on the prediction's webhook; without one for `safety_interval` seconds, poll once and wait again."""
        deadline = self.clock.now() + MAX_WAIT_SECONDS
        while True:
            prediction = await hub.wait(prediction_id, self.safety_interval * random.uniform(1.0, 1.1))
            if prediction is None:
                prediction = await self._poll(prediction_id, ref)
            else:
                log.info("prediction_webhook_woke", prediction_id=prediction_id)
            if self._finished(prediction, ref):
                return prediction
            if self.clock.now() > deadline:
                raise self._too_long(ref)

    async def _poll(self, prediction_id: str, ref: str) -> dict[str, Any]:
        try:
            return await self.api.get_json(f"/v1/predictions/{prediction_id}")
        except UNREACHABLE:
            raise UpstreamError(f"Replicate stayed unreachable while {ref} was running; the job can be resumed.") from None

    @staticmethod
    def _finished(prediction: dict[str, Any], ref: str) -> bool:
        """True when it succeeded; raises when it failed, was canceled or aborted; False while it runs."""
        status = prediction.get("status")
        if status == "succeeded":
            return True
        if status in FAILED:
            reason = str(prediction.get("error") or "").strip().splitlines()[0:1]
            detail = f": {reason[0][:300]}" if reason else ""
            raise UpstreamError(f"The {ref} prediction {FAILED[status]}{detail}.")
        return False

    @staticmethod
    def _too_long(ref: str) -> UpstreamError:
        return UpstreamError(f"The {ref} prediction did not finish in {int(MAX_WAIT_SECONDS // 60)} minutes.")
