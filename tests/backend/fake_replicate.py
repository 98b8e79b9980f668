"""A loopback fake of Replicate's HTTP API that checks what it is sent.

Configure per model what it returns (`ModelSpec`), how long predictions take, which inputs it accepts
and which must be fetchable URLs; inject faults (`Fault`: a status such as 429 with Retry-After or 500,
or a delay that outlives the client's timeout after the request was processed); make the next
prediction of a model end `failed`, `canceled` or `aborted`. Every request is recorded
(`fake.requests`, `fake.creates(model)`), every input URL it fetched too (`fake.fetched`), and it serves
uploaded files (`POST /v1/files`) and output files (`fake.add_output`).
"""

from __future__ import annotations

import email.parser
import email.policy
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


@dataclass
class Fault:
    """An injected answer: a status with headers, or a delay before the normal answer."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    delay: float = 0.0


@dataclass
class Recorded:
    """One request the fake saw."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float
    status: int = 0


def _now_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat().replace("+00:00", "Z")


class FakeReplicate:
    """The fake server; `base_url` goes into REPLICATE_BASE_URL."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.models: dict[str, ModelSpec] = {}
        self.requests: list[Recorded] = []
        self.predictions: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[bytes, str, str]] = {}
        self.outputs: dict[str, tuple[bytes, str]] = {}
        self.redirects: dict[str, str] = {}
        self.fetched: list[tuple[str, int, int]] = []
        self._faults: list[tuple[str, re.Pattern[str], Fault]] = []
        self._next_final: dict[str, list[tuple[str, str | None]]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

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

    def model(self, name: str, spec: ModelSpec) -> None:
        """Register (or replace) a model."""
        self.models[name] = spec

    def inject(self, method: str, path: str, *faults: Fault) -> None:
        """Answer the next requests matching `method` and the `path` regex with these faults, in order."""
        pattern = re.compile(path)
        with self._lock:
            self._faults.extend((method.upper(), pattern, f) for f in faults)

    def finish_next(self, model: str, status: str, error: str | None = None) -> None:
        """Make the next prediction of `model` end with `status` (failed, canceled or aborted)."""
        self._next_final.setdefault(model, []).append((status, error))

    def add_output(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        """Serve bytes as an output file; returns its URL."""
        self.outputs[name] = (data, content_type)
        return f"{self.root}/outputs/{name}"

    def redirect_output(self, name: str, location: str) -> None:
        """Answer the output `name` with a 302 to `location`."""
        self.redirects[name] = location

    # ---- inspection ----------------------------------------------------------------------

    def creates(self, model: str | None = None) -> list[Recorded]:
        """Create requests (successful ones: 201), optionally for one model."""
        return [
            r for r in self.requests
            if r.method == "POST" and r.status == 201 and r.path.startswith("/v1/models/")
            and (model is None or r.path == f"/v1/models/{model}/predictions")
        ]

    def gets(self) -> list[Recorded]:
        """Every GET on the API."""
        return [r for r in self.requests if r.method == "GET" and r.path.startswith("/v1/")]

    # ---- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeReplicate:
        """Listen on a free loopback port."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802
                fake._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                fake._handle(self, "POST")

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # like a real API, take bursts of concurrent connections

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ---- request handling ----------------------------------------------------------------

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for index, (m, pattern, fault) in enumerate(self._faults):
                if m == method and pattern.fullmatch(path):
                    del self._faults[index]
                    return fault
        return None

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        path, _, query = h.path.partition("?")
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        content_type = h.headers.get("Content-Type", "")
        body: Any = raw
        if raw and content_type.startswith("application/json"):
            body = json.loads(raw)
        record = Recorded(method, path, {k.lower(): v for k, v in h.headers.items()}, body, time.time())
        with self._lock:
            self.requests.append(record)
        fault = self._take_fault(method, path)
        if fault is not None and fault.status is not None:
            record.status = fault.status
            self._send(h, fault.status, fault.body or {"title": "Injected", "detail": f"injected {fault.status}", "status": fault.status}, fault.headers)
            return
        try:
            status, payload, headers = self._route(method, path, query, h.headers, raw, body)
        except Exception as exc:  # noqa: BLE001 - the fake reports its own bugs as 500s
            status, payload, headers = 500, {"detail": f"fake error: {exc!r}"}, {}
        record.status = status
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        try:
            self._send(h, status, payload, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass

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

    def _route(self, method: str, path: str, query: str, headers: Any, raw: bytes, body: Any) -> tuple[int, Any, dict[str, str]]:
        if method == "GET" and path.startswith("/outputs/"):
            name = path.removeprefix("/outputs/")
            if name in self.redirects:
                return 302, {"detail": "moved"}, {"Location": self.redirects[name]}
            item = self.outputs.get(name)
            return (200, item, {}) if item else (404, {"detail": "no such output"}, {})
        if method == "GET" and path.startswith("/files/"):
            stored = self.files.get(path.removeprefix("/files/"))
            return (200, (stored[0], stored[1]), {}) if stored else (404, {"detail": "no such file"}, {})
        if not self._authorised(headers):
            return 401, {"title": "Unauthenticated", "detail": "You did not pass a valid authentication token", "status": 401}, {}
        match = re.fullmatch(r"/v1/models/([^/]+)/([^/]+)/predictions", path)
        if method == "POST" and match:
            return self._create(f"{match.group(1)}/{match.group(2)}", body)
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
        for key in spec.file_inputs & set(input):
            values = input[key] if isinstance(input[key], list) else [input[key]]
            for value in values:
                if not isinstance(value, str) or not value.startswith(("http://", "https://")):
                    return f"input {key} must be a URL, got {str(value)[:60]!r}"
                try:
                    response = httpx.get(value, timeout=10)
                except httpx.HTTPError as exc:
                    self.fetched.append((value, 0, 0))
                    return f"input {key} could not be fetched: {type(exc).__name__}"
                self.fetched.append((value, response.status_code, len(response.content)))
                if response.status_code != 200 or not response.content:
                    return f"input {key} could not be fetched: HTTP {response.status_code}"
        return None

    def _create(self, model: str, body: Any) -> tuple[int, Any, dict[str, str]]:
        spec = self.models.get(model)
        if spec is None:
            return 404, {"title": "Not found", "detail": f"The model {model} does not exist", "status": 404}, {}
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
        created = time.time()
        with self._lock:
            self.predictions[prediction_id] = {
                "id": prediction_id, "model": model, "version": "fakeversion", "input": body["input"],
                "created": created, "final": final, "error": error, "seconds": spec.seconds, "output": None,
            }
        return 201, self._view(prediction_id), {}

    def _view(self, prediction_id: str) -> dict[str, Any] | None:
        stored = self.predictions.get(prediction_id)
        if stored is None:
            return None
        elapsed = time.time() - stored["created"]
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
        return {"results": [self._view(i) for i in page], "next": f"/v1/predictions?cursor={cursor + 50}" if more else None, "previous": None}

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
IMAGEN_INPUTS = frozenset({"prompt", "aspect_ratio", "safety_filter_level", "output_format", "image_size", "negative_prompt", "seed"})
VEO_INPUTS = frozenset({"prompt", "aspect_ratio", "duration", "image", "last_frame", "reference_images", "negative_prompt", "resolution", "generate_audio", "seed"})
LIPSYNC_INPUTS = frozenset({"video", "audio", "sync_mode", "temperature", "active_speaker"})


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
    fake.model("google/gemini-2.5-flash", ModelSpec(output=scene_plan_output, seconds=seconds, allowed_inputs=GEMINI_INPUTS))
    fake.model("google/imagen-4", ModelSpec(output=image_url, seconds=seconds, allowed_inputs=IMAGEN_INPUTS))
    fake.model("google/veo-3.1", ModelSpec(
        output=video_url, seconds=seconds, allowed_inputs=VEO_INPUTS, file_inputs=frozenset({"image", "last_frame", "reference_images"}),
    ))
    fake.model("sync/lipsync-2-pro", ModelSpec(
        output=video_url, seconds=seconds, allowed_inputs=LIPSYNC_INPUTS, required_inputs=frozenset({"video", "audio"}),
        file_inputs=frozenset({"video", "audio"}),
    ))
