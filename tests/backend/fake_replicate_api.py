"""What the fake Replicate answers: its request and model types, and its routes.

`FakeApi` is the request side of `fake_replicate.FakeReplicate`: authorisation, the create endpoints
(model and version), input checks against each model's schema, prediction views and listing, uploads,
and the stand-in file host.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx

UNSIZED = "X-Fake-Unsized"
"""A marker among the response headers: send the body with no Content-Length (the fake removes it before sending)."""


@dataclass
class ModelSpec:
    """How the fake answers one model."""

    output: Any = None
    """The output, or `fn(input, fake) -> output`."""
    seconds: float = 0.2
    """Time from create to the final status."""
    status: str = "succeeded"
    error: str | None = None
    allowed_inputs: frozenset[str] | None = None
    """Input names the model accepts (None: anything)."""
    required_inputs: frozenset[str] = frozenset({"prompt"})
    file_inputs: frozenset[str] = frozenset()
    """Inputs that must be URLs the fake can fetch (lists of URLs are checked item by item)."""
    choices: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Inputs with a fixed set of legal values."""
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Numeric inputs with their legal (minimum, maximum)."""
    reference_images_with: tuple[str, int] | None = None
    """(aspect ratio, duration) that `reference_images` needs, as Veo 3.1 documents."""
    version: str = ""
    """The model's current version id (64 hex digits); set from the name when empty."""
    official: bool = True
    """Official models also take creates on `/v1/models/{owner}/{name}/predictions`."""


@dataclass
class Fault:
    """An injected answer: a status with headers, or a delay before the normal answer."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    delay: float = 0.0
    stall: float = 0.0
    """Read nothing of the body and answer nothing for this long, then drop the connection."""


@dataclass
class Recorded:
    """One request the fake saw."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float
    status: int = 0
    host: str = "api"
    """`api` or `delivery` (the stand-in file host)."""
    model: str | None = None
    """For a create: the model it was for."""


def _now_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat().replace("+00:00", "Z")


class FakeApi:
    """The fake's routes; `FakeReplicate` holds the state they read and write."""

    token: str
    clock: Callable[[], float]
    models: dict[str, ModelSpec]
    predictions: dict[str, dict[str, Any]]
    files: dict[str, tuple[bytes, str, str]]
    outputs: dict[str, tuple[bytes, str]]
    unsized: set[str]
    delivered: dict[str, tuple[bytes, str]]
    redirects: dict[str, str]
    fetched: list[tuple[str, int, int]]
    _next_final: dict[str, list[tuple[str, str | None]]]
    _lock: threading.Lock
    _ids: itertools.count[int]

    root: str
    base_url: str

    def schedule_webhook(self, prediction_id: str, body: dict[str, Any], seconds: float) -> None:
        """Post the finished prediction to the create's webhook (see `fake_replicate_webhooks`)."""

    def _deliver(self, method: str, path: str, headers: Any) -> tuple[int, Any, dict[str, str]]:
        """The stand-in file host: public signed URLs, so a request carrying credentials is refused."""
        if headers.get("Authorization"):
            return 400, {"detail": "Only one auth mechanism allowed; the URL is already signed."}, {}
        name = path.lstrip("/")
        if name in self.redirects:
            return 302, {"detail": "moved"}, {"Location": self.redirects[name]}
        item = self.delivered.get(name)
        return (200, item, {}) if method == "GET" and item else (404, {"detail": "no such file"}, {})

    def _authorised(self, headers: Any) -> bool:
        return headers.get("Authorization") == f"Bearer {self.token}"

    def _route(
        self, method: str, path: str, query: str, headers: Any, raw: bytes, body: Any, record: Recorded
    ) -> tuple[int, Any, dict[str, str]]:
        if method == "GET" and path.startswith("/files/"):
            stored = self.files.get(path.removeprefix("/files/"))
            return (200, (stored[0], stored[1]), {}) if stored else (404, {"detail": "no such file"}, {})
        if not self._authorised(headers):
            return 401, {"title": "Unauthenticated", "detail": "You did not pass a valid authentication token", "status": 401}, {}
        if method == "GET" and path.startswith("/v1/files/"):
            name = path.removeprefix("/v1/files/")
            if name in self.redirects:
                return 302, {"detail": "moved"}, {"Location": self.redirects[name]}
            item = self.outputs.get(name)
            return (200, item, {UNSIZED: "1"} if name in self.unsized else {}) if item else (404, {"detail": "no such output"}, {})
        match = re.fullmatch(r"/v1/models/([^/]+)/([^/]+)/predictions", path)
        if method == "POST" and match:
            name = f"{match.group(1)}/{match.group(2)}"
            spec = self.models.get(name)
            if spec is None or not spec.official:
                return 404, {"title": "Not found", "detail": f"The model {name} does not exist or has no official version; create with a version", "status": 404}, {}
            return self._create(name, body, record)
        if method == "POST" and path == "/v1/predictions":
            version = body.get("version") if isinstance(body, dict) else None
            if not isinstance(version, str) or not re.fullmatch(r"[0-9a-f]{64}", version):
                return 422, {"title": "Invalid version", "detail": f"version must be a 64-character version id, got {str(version)[:80]!r}", "status": 422}, {}
            name = next((n for n, spec in self.models.items() if spec.version == version), None)
            if name is None:
                return 404, {"title": "Not found", "detail": "The specified version does not exist", "status": 404}, {}
            return self._create(name, body, record)
        match = re.fullmatch(r"/v1/predictions/([^/]+)", path)
        if method == "GET" and match:
            prediction = self._view(match.group(1))
            return (200, prediction, {}) if prediction else (404, {"detail": "Not found.", "status": 404}, {})
        if method == "GET" and path == "/v1/predictions":
            return 200, self._list(query), {}
        if method == "POST" and path == "/v1/files":
            return self._upload(headers, raw)
        return 404, {"detail": f"the fake has no route {method} {path}"}, {}

    def _check_inputs(self, model: str, spec: ModelSpec, input: dict[str, Any]) -> str | None:
        if spec.allowed_inputs is not None:
            unknown = sorted(set(input) - spec.allowed_inputs)
            if unknown:
                return f"{model} does not accept inputs {unknown}"
        missing = sorted(spec.required_inputs - set(input))
        if missing:
            return f"{model} needs inputs {missing}"
        for key, legal in spec.choices.items():
            if key in input and (isinstance(input[key], bool) or input[key] not in legal):
                return f"{key} must be one of {list(legal)}, got {input[key]!r}"
        if spec.reference_images_with and "reference_images" in input:
            ratio, seconds = spec.reference_images_with
            if (input.get("aspect_ratio", "16:9"), input.get("duration", 8)) != (ratio, seconds):
                return f"reference_images only work with aspect_ratio {ratio} and duration {seconds}"
        for key, (low, high) in spec.ranges.items():
            value = input.get(key)
            if key in input and (isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high):
                return f"{key} must be a number from {low} to {high}, got {value!r}"
        for key in spec.file_inputs & set(input):
            values = input[key] if isinstance(input[key], list) else [input[key]]
            for value in values:
                if not isinstance(value, str) or not value.startswith(("http://", "https://")):
                    return f"input {key} must be a URL, got {str(value)[:60]!r}"
                own = value.startswith(self.base_url + "/")  # Replicate reads its own files with its own credentials
                try:
                    response = httpx.get(value, timeout=10, headers={"Authorization": f"Bearer {self.token}"} if own else {})
                except httpx.HTTPError as exc:
                    self.fetched.append((value, 0, 0))
                    return f"input {key} could not be fetched: {type(exc).__name__}"
                self.fetched.append((value, response.status_code, len(response.content)))
                if response.status_code != 200 or not response.content:
                    return f"input {key} could not be fetched: HTTP {response.status_code}"
        return None

    def _create(self, model: str, body: Any, record: Recorded) -> tuple[int, Any, dict[str, str]]:
        spec = self.models[model]
        if not isinstance(body, dict) or not isinstance(body.get("input"), dict):
            return 422, {"title": "Invalid", "detail": "input is required", "status": 422}, {}
        problem = self._check_inputs(model, spec, body["input"])
        if problem:
            return 422, {"title": "Input validation failed", "detail": problem, "status": 422}, {}
        final, error = spec.status, spec.error
        queue = self._next_final.get(model)
        if queue:
            final, error = queue.pop(0)
        prediction_id = f"fake{next(self._ids):06d}{uuid.uuid4().hex[:8]}"
        created = self.clock()
        with self._lock:
            self.predictions[prediction_id] = {
                "id": prediction_id, "model": model, "version": spec.version, "input": body["input"],
                "created": created, "final": final, "error": error, "seconds": spec.seconds, "output": None,
            }
        record.model = model
        self.schedule_webhook(prediction_id, body, spec.seconds)
        return 201, self._view(prediction_id), {}

    def _view(self, prediction_id: str) -> dict[str, Any] | None:
        stored = self.predictions.get(prediction_id)
        if stored is None:
            return None
        elapsed = self.clock() - stored["created"]
        if elapsed >= stored["seconds"]:
            status = stored["final"]
        elif elapsed >= stored["seconds"] * 0.2:
            status = "processing"
        else:
            status = "starting"
        output = None
        if status == "succeeded":
            if stored["output"] is None:
                spec = self.models[stored["model"]]
                stored["output"] = spec.output(stored["input"], self) if callable(spec.output) else spec.output
            output = stored["output"]
        return {
            "id": prediction_id,
            "model": stored["model"],
            "version": stored["version"],
            "status": status,
            "input": stored["input"],
            "output": output,
            "logs": "",
            "error": stored["error"] if status in ("failed", "aborted", "canceled") else None,
            "metrics": {"predict_time": round(stored["seconds"], 3)} if status == "succeeded" else {},
            "created_at": _now_iso(stored["created"]),
            "urls": {"get": f"{self.base_url}/predictions/{prediction_id}", "cancel": f"{self.base_url}/predictions/{prediction_id}/cancel"},
        }

    def _list(self, query: str) -> dict[str, Any]:
        cursor = int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("cursor", "0"))
        ordered = sorted(self.predictions, key=lambda i: self.predictions[i]["created"], reverse=True)
        page = ordered[cursor:cursor + 50]
        more = cursor + 50 < len(ordered)
        return {"results": [self._view(i) for i in page], "next": f"{self.base_url}/predictions?cursor={cursor + 50}" if more else None, "previous": None}

    def _upload(self, headers: Any, raw: bytes) -> tuple[int, Any, dict[str, str]]:
        message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
            f"Content-Type: {headers.get('Content-Type')}\r\n\r\n".encode() + raw
        )
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "content":
                data = part.get_payload(decode=True) or b""
                file_id = uuid.uuid4().hex
                self.files[file_id] = (data, part.get_content_type(), part.get_filename() or "file")
                now = _now_iso(time.time())
                return 201, {
                    "id": file_id, "name": part.get_filename() or "file", "content_type": part.get_content_type(),
                    "size": len(data), "etag": file_id, "checksums": {}, "metadata": {}, "created_at": now,
                    "expires_at": None, "urls": {"get": f"{self.root}/files/{file_id}"},
                }, {}
        return 422, {"detail": "multipart field 'content' is required"}, {}
