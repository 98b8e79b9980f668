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
can run a long prediction on a virtual clock. A create that names a `webhook` gets the finished prediction
posted there, signed (`fake_replicate_webhooks`). The routes themselves live in `fake_replicate_api`.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from fake_replicate_api import UNSIZED, FakeApi, Fault, ModelSpec, Recorded
from fake_replicate_webhooks import WebhookSender

__all__ = ["Fault", "FakeReplicate", "ModelSpec", "Recorded", "VirtualClock", "fake_replicate", "install_standard_models",
           "replicate_settings", "scene_plan_output"]

TOKEN = "r8_fake_test_token"


class FakeReplicate(WebhookSender, FakeApi):
    """The fake server; `base_url` goes into REPLICATE_BASE_URL."""

    def __init__(self, token: str = TOKEN, clock: Callable[[], float] = time.time) -> None:
        self.token = token
        self.clock = clock
        self.models: dict[str, ModelSpec] = {}
        self.requests: list[Recorded] = []
        self.predictions: dict[str, dict[str, Any]] = {}
        self.files: dict[str, tuple[bytes, str, str]] = {}
        self.outputs: dict[str, tuple[bytes, str]] = {}
        self.unsized: set[str] = set()
        self.delivered: dict[str, tuple[bytes, str]] = {}
        self.redirects: dict[str, str] = {}
        self.fetched: list[tuple[str, int, int]] = []
        self.webhooks_sent: list[tuple[str, int, dict[str, Any]]] = []
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

    def add_output(
        self, name: str, data: bytes, content_type: str = "application/octet-stream", *, on: str = "api", content_length: bool = True
    ) -> str:
        """Serve bytes as an output file on the API's origin (token required) or on the file host; returns its URL.

        Without `content_length` the file is sent with no length, ended by closing the connection.
        """
        if not content_length:
            self.unsized.add(name)
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

    def _send(self, h: BaseHTTPRequestHandler, status: int, payload: Any, headers: dict[str, str]) -> None:
        if isinstance(payload, tuple):
            data, ctype = payload
        else:
            data, ctype = json.dumps(payload).encode(), "application/json"
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        if headers.pop(UNSIZED, None) is None:
            h.send_header("Content-Length", str(len(data)))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        for key, value in headers.items():
            h.send_header(key, value)
        h.end_headers()
        h.wfile.write(data)

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
        choices=VEO_CHOICES, reference_images_with=("16:9", 8),
    ))
    fake.model("sync/lipsync-2-pro", ModelSpec(
        output=video_url, seconds=seconds, allowed_inputs=LIPSYNC_INPUTS, required_inputs=frozenset({"video", "audio"}),
        file_inputs=frozenset({"video", "audio"}), choices=LIPSYNC_CHOICES, ranges={"temperature": (0, 1)},
    ))
