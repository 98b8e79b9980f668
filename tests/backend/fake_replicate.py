"""A loopback fake of Replicate's HTTP API that checks what it is sent.

Configure per model what it returns (`ModelSpec`), how long predictions take, which inputs it accepts
with which values, and which must be fetchable URLs; official models are created through
`/v1/models/{owner}/{name}/predictions`, a pinned version through `POST /v1/predictions` with `version`
(a model without `official` has only that route). Inject faults (`Fault`: a status such as 429 with
Retry-After or 500, a delay that outlives the client's timeout after the request was processed, or a
stall that never reads the body); make the next prediction of a model end `failed`, `canceled` or
`aborted`. Every request is recorded (`fake.requests`, `fake.creates(model)`), every input URL it fetched
too (`fake.fetched`). It serves uploaded files (`POST /v1/files`) and output files (`fake.add_output`):
on the API's own origin under `/v1/files/` (the token is required, as on Replicate), or on a separate
file host standing in for `replicate.delivery` (`on="delivery"`, which refuses any request that carries
an `Authorization` header, like a signed-URL store). Time for predictions comes from `clock`, so tests
can run a long prediction on a virtual clock.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import hashlib
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

TOKEN = "r8_fake_test_token"


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


class FakeReplicate:
    """The fake server; `base_url` goes into REPLICATE_BASE_URL."""

    def __init__(self, token: str = TOKEN, clock: Callable[[], float] = time.time) -> None:
        self.token = token
        self.clock = clock
        self.models: dict[str, ModelSpec] = {}
        self.requests: list[Recorded] = []
        self.predictions: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[bytes, str, str]] = {}
        self.outputs: dict[str, tuple[bytes, str]] = {}
        self.delivered: dict[str, tuple[bytes, str]] = {}
        self.redirects: dict[str, str] = {}
        self.fetched: list[tuple[str, int, int]] = []
        self._faults: list[tuple[str, re.Pattern[str], Fault]] = []
        self._next_final: dict[str, list[tuple[str, str | None]]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._delivery: ThreadingHTTPServer | None = None

    # ---- configuration -------------------------------------------------------------------

    @property
    def root(self) -> str:
        """`http://127.0.0.1:<port>`."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        """The API base URL, with `/v1`."""
        return f"{self.root}/v1"

    @property
    def delivery_root(self) -> str:
        """`http://127.0.0.1:<port>`: the stand-in for Replicate's file host, on another origin than the API."""
        assert self._delivery is not None
        return f"http://127.0.0.1:{self._delivery.server_address[1]}"

    def model(self, name: str, spec: ModelSpec) -> None:
        """Register (or replace) a model."""
        if not spec.version:
            spec.version = hashlib.sha256(name.encode()).hexdigest()
        self.models[name] = spec

    def pinned(self, name: str) -> str:
        """`owner/name:version` for a registered model."""
        return f"{name}:{self.models[name].version}"

    def inject(self, method: str, path: str, *faults: Fault) -> None:
        """Answer the next requests matching `method` and the `path` regex with these faults, in order."""
        pattern = re.compile(path)
        with self._lock:
            self._faults.extend((method.upper(), pattern, f) for f in faults)

    def finish_next(self, model: str, status: str, error: str | None = None) -> None:
        """Make the next prediction of `model` end with `status` (failed, canceled or aborted)."""
        self._next_final.setdefault(model, []).append((status, error))

    def add_output(self, name: str, data: bytes, content_type: str = "application/octet-stream", *, on: str = "api") -> str:
        """Serve bytes as an output file on the API's origin (token required) or on the file host; returns its URL."""
        if on == "delivery":
            self.delivered[name] = (data, content_type)
            return f"{self.delivery_root}/{name}"
        self.outputs[name] = (data, content_type)
        return f"{self.base_url}/files/{name}"

    def redirect_output(self, name: str, location: str) -> None:
        """Answer the output `name` (on either origin) with a 302 to `location`."""
        self.redirects[name] = location

    # ---- inspection ----------------------------------------------------------------------

    def creates(self, model: str | None = None) -> list[Recorded]:
        """Create requests (successful ones: 201, through either endpoint), optionally for one model."""
        return [r for r in self.requests if r.status == 201 and r.model is not None and (model is None or r.model == model)]

    def gets(self) -> list[Recorded]:
        """Every GET on the API."""
        return [r for r in self.requests if r.method == "GET" and r.path.startswith("/v1/")]

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeReplicate:
        """Listen on two free loopback ports: the API and the stand-in file host."""
        fake = self

        def handler(host: str) -> type[BaseHTTPRequestHandler]:
            class Handler(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"

                def log_message(self, *_: Any) -> None:
                    return

                def do_GET(self) -> None:  # noqa: N802
                    fake._handle(self, "GET", host)

                def do_POST(self) -> None:  # noqa: N802
                    fake._handle(self, "POST", host)

            return Handler

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # like a real API, take bursts of concurrent connections
            daemon_threads = True

        self._server = Server(("127.0.0.1", 0), handler("api"))
        self._delivery = Server(("127.0.0.1", 0), handler("delivery"))
        for server in (self._server, self._delivery):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        for server in (self._server, self._delivery):
            if server is not None:
                server.shutdown()
                server.server_close()

    # ---- request handling ----------------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for index, (m, pattern, fault) in enumerate(self._faults):
                if m == method and pattern.fullmatch(path):
                    del self._faults[index]
                    return fault
        return None

    def _handle(self, h: BaseHTTPRequestHandler, method: str, host: str) -> None:
        path, _, query = h.path.partition("?")
        headers = {k.lower(): v for k, v in h.headers.items()}
        fault = self._take_fault(method, path) if host == "api" else None
        if fault is not None and fault.stall:
            with self._lock:
                self.requests.append(Recorded(method, path, headers, None, time.time(), host=host))
            time.sleep(fault.stall)
            h.close_connection = True
            return
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        content_type = h.headers.get("Content-Type", "")
        body: Any = raw
        if raw and content_type.startswith("application/json"):
            body = json.loads(raw)
        record = Recorded(method, path, headers, body, time.time(), host=host)
        with self._lock:
            self.requests.append(record)
        if host == "delivery":
            status, payload, extra = self._deliver(method, path, h.headers)
            record.status = status
            self._send(h, status, payload, extra)
            return
        if fault is not None and fault.status is not None:
            record.status = fault.status
            self._send(h, fault.status, fault.body or {"title": "Injected", "detail": f"injected {fault.status}", "status": fault.status}, fault.headers)
            return
        try:
            status, payload, extra = self._route(method, path, query, h.headers, raw, body, record)
        except Exception as exc:  # noqa: BLE001 - the fake reports its own bugs as 500s
            status, payload, extra = 500, {"detail": f"fake error: {exc!r}"}, {}
        record.status = status
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        try:
            self._send(h, status, payload, extra)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _deliver(self, method: str, path: str, headers: Any) -> tuple[int, Any, dict[str, str]]:
        """The stand-in file host: public signed URLs, so a request carrying credentials is refused."""
        if headers.get("Authorization"):
            return 400, {"detail": "Only one auth mechanism allowed; the URL is already signed."}, {}
        name = path.lstrip("/")
        if name in self.redirects:
            return 302, {"detail": "moved"}, {"Location": self.redirects[name]}
        item = self.delivered.get(name)
        return (200, item, {}) if method == "GET" and item else (404, {"detail": "no such file"}, {})

    def _send(self, h: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict[str, str]) -> None:
        if isinstance(payload, tuple):
            data, ctype = payload
        else:
            data, ctype = json.dumps(payload).encode(), "application/json"
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(data)

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
            return (200, item, {}) if item else (404, {"detail": "no such output"}, {})
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
            "metrics": {},
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


class VirtualClock:
    """A clock that only moves when someone sleeps on it: share it between the fake and the provider to run long predictions at once."""

    def __init__(self) -> None:
        self.time = time.time()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.time

    def now(self) -> float:
        """The virtual time (epoch seconds)."""
        return self.time

    async def sleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting; let other tasks run."""
        self.sleeps.append(seconds)
        self.time += max(0.0, seconds)
        await asyncio.sleep(0)


@pytest.fixture
def fake_replicate() -> Iterator[FakeReplicate]:
    """A running fake Replicate API, stopped afterwards."""
    fake = FakeReplicate().start()
    yield fake
    fake.stop()


def replicate_settings(fake: FakeReplicate, **extra: Any) -> dict[str, Any]:
    """Setting overrides that point the app at the fake."""
    return {
        "replicate_api_token": fake.token,
        "replicate_base_url": fake.base_url,
        "mv_provider": "replicate",
        "replicate_poll_interval": 0.05,
        **extra,
    }


OutputFn = Callable[[dict[str, Any], FakeReplicate], Any]

GEMINI_INPUTS = frozenset({"prompt", "system_instruction", "temperature", "top_p", "max_output_tokens", "thinking_budget", "dynamic_thinking", "images", "videos"})
IMAGEN_INPUTS = frozenset({"prompt", "aspect_ratio", "safety_filter_level", "output_format"})
VEO_INPUTS = frozenset({"prompt", "aspect_ratio", "duration", "image", "last_frame", "reference_images", "negative_prompt", "resolution", "generate_audio", "seed"})
LIPSYNC_INPUTS = frozenset({"video", "audio", "sync_mode", "temperature", "active_speaker"})
IMAGEN_CHOICES: dict[str, tuple[Any, ...]] = {
    "aspect_ratio": ("1:1", "9:16", "16:9", "3:4", "4:3"), "output_format": ("jpg", "png"),
    "safety_filter_level": ("block_low_and_above", "block_medium_and_above", "block_only_high"),
}
VEO_CHOICES: dict[str, tuple[Any, ...]] = {"aspect_ratio": ("16:9", "9:16"), "duration": (4, 6, 8), "resolution": ("720p", "1080p")}
LIPSYNC_CHOICES: dict[str, tuple[Any, ...]] = {"sync_mode": ("loop", "bounce", "remap", "cut_off", "silence")}


def scene_plan_output(input: dict[str, Any], fake: FakeReplicate) -> list[str]:
    """An LLM-style answer: a fenced JSON plan with the number of scenes the prompt asks for, in chunks."""
    match = re.search(r"exactly (\d+)", input.get("prompt", ""))
    count = int(match.group(1)) if match else 1
    plan = {"scenes": [{"description": f"Scene {i + 1}: the singer on stage, shot {i + 1}.", "negative_description": "text, watermark"} for i in range(count)]}
    text = "```json\n" + json.dumps(plan) + "\n```"
    return [text[i:i + 16] for i in range(0, len(text), 16)]


def install_standard_models(fake: FakeReplicate, *, image: bytes, video: bytes, seconds: float = 0.2) -> None:
    """The models the shipped flavors name, with their input schemas and file inputs."""
    image_url = fake.add_output("image.png", image, "image/png")
    video_url = fake.add_output("video.mp4", video, "video/mp4")
    fake.model("google/gemini-2.5-flash", ModelSpec(
        output=scene_plan_output, seconds=seconds, allowed_inputs=GEMINI_INPUTS,
        ranges={"temperature": (0, 2), "top_p": (0, 1), "max_output_tokens": (1, 65535), "thinking_budget": (0, 24576)},
    ))
    fake.model("google/imagen-4", ModelSpec(output=image_url, seconds=seconds, allowed_inputs=IMAGEN_INPUTS, choices=IMAGEN_CHOICES))
    fake.model("google/veo-3.1", ModelSpec(
        output=video_url, seconds=seconds, allowed_inputs=VEO_INPUTS, file_inputs=frozenset({"image", "last_frame", "reference_images"}),
        choices=VEO_CHOICES,
    ))
    fake.model("sync/lipsync-2-pro", ModelSpec(
        output=video_url, seconds=seconds, allowed_inputs=LIPSYNC_INPUTS, required_inputs=frozenset({"video", "audio"}),
        file_inputs=frozenset({"video", "audio"}), choices=LIPSYNC_CHOICES, ranges={"temperature": (0, 1)},
    ))
