"""yt-dlp confined to one guarded HTTP path: http(s) only, every connection vetted, every byte counted, no media tools."""

from __future__ import annotations

import contextvars
import functools
import http.client
import socket
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mv.audio.urls import ForbiddenHost, Policy
from mv.core.logging import get_logger

log = get_logger(__name__)

# Pages, manifests and API answers one import may read on top of the media itself.
PAGE_ALLOWANCE_BYTES = 16 * 2**20
_PIECE = 64 * 1024
_HTTP_SCHEMES = ("http", "https")


class TooMuchData(OSError):
    """An import received more bytes than its budget."""


@dataclass
class Budget:
    """Bytes one import may receive: per response, and in all."""

    per_response: int
    total: int
    received: int = 0
    exceeded: bool = False

    def take(self, count: int, in_response: int) -> None:
        """Account `count` more bytes of a response that has now sent `in_response`; raises past either cap."""
        self.received += count
        if in_response > self.per_response or self.received > self.total:
            self.exceeded = True
        if self.exceeded:
            raise TooMuchData("the import received more data than it may")


@dataclass
class Scope:
    """The policy and budget of the import running in this thread."""

    policy: Policy
    budget: Budget


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("audio_import_scope", default=None)


def _current() -> Scope:
    scope = _scope.get()
    if scope is None:
        raise ForbiddenHost("network access is only allowed inside an audio import")
    return scope


def _connect(address: tuple[Any, ...], timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT, source_address: Any = None) -> socket.socket:  # type: ignore[attr-defined]
    """Open a connection to an address the policy vetted just now, never to a fresh lookup of the name."""
    scope = _current()
    if scope.budget.exceeded:
        raise TooMuchData("the import already received more data than it may")
    port = int(address[1])
    error: OSError | None = None
    for _, ip in scope.policy.vet(str(address[0]), port):
        try:
            return socket.create_connection((ip, port), timeout, source_address)
        except OSError as exc:
            error = exc
    raise error or OSError("no address to connect to")


class _MeteredReader:
    """A response's byte stream that counts what it hands out against the import's budget, in bounded pieces."""

    def __init__(self, raw: Any, budget: Budget) -> None:
        self.raw = raw
        self.budget = budget
        self.count = 0

    def _took(self, data: bytes) -> bytes:
        self._count(len(data))
        return data

    def _count(self, size: int) -> None:
        self.count += size
        self.budget.take(size, self.count)

    def read(self, amt: int | None = -1) -> bytes:
        """Read like a buffered file, but never more than one piece before counting it."""
        want = -1 if amt is None or amt < 0 else amt
        parts: list[bytes] = []
        while want != 0:
            asked = _PIECE if want < 0 else min(want, _PIECE)
            piece = self._took(self.raw.read(asked))
            parts.append(piece)
            want = want - len(piece) if want > 0 else want
            if len(piece) < asked:
                break
        return b"".join(parts)

    def read1(self, amt: int = -1) -> bytes:
        """One buffered read, at most a piece."""
        return self._took(self.raw.read1(_PIECE if amt is None or amt < 0 else min(amt, _PIECE)))

    def readinto(self, buffer: Any) -> int:
        """Fill `buffer` like a buffered file (short only at the end), counting each piece as it lands."""
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view):
            asked = min(_PIECE, len(view) - filled)
            count = self.raw.readinto(view[filled:filled + asked]) or 0
            self._count(count)
            filled += count
            if count < asked:
                break
        return filled

    def readline(self, limit: int = -1) -> bytes:
        """One line (http.client always passes a limit)."""
        return self._took(self.raw.readline(limit))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _MeteredResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp = _MeteredReader(self.fp, _current().budget)  # type: ignore[assignment]


class _HTTPConnection(http.client.HTTPConnection):
    response_class = _MeteredResponse


class _HTTPSConnection(http.client.HTTPSConnection):
    response_class = _MeteredResponse


def _connection(connection_class: type[http.client.HTTPConnection], *args: Any, **kwargs: Any) -> http.client.HTTPConnection:
    connection = connection_class(*args, **kwargs)
    connection._create_connection = _connect  # type: ignore[attr-defined]
    return connection


def _http_only(url: str) -> None:
    """Refuse, before any connection, a hop whose scheme is not http or https."""
    if urllib.parse.urlsplit(url).scheme.lower() not in _HTTP_SCHEMES:
        raise _current().policy.refuse("scheme", "a redirect left http(s)")


@functools.cache
def _request_handler() -> type:
    """yt-dlp's urllib handler reduced to http(s) through `_connect` and metered responses; no FTP, data, file or proxies."""
    from yt_dlp.networking import _urllib

    class HTTPHandler(_urllib.HTTPHandler):  # type: ignore[misc]
        def http_open(self, req: Any) -> Any:
            return self.do_open(functools.partial(_connection, _HTTPConnection), req)

        def https_open(self, req: Any) -> Any:
            return self.do_open(functools.partial(_connection, _HTTPSConnection), req, context=self._context)

        def http_response(self, req: Any, resp: Any) -> Any:
            encoding = resp.headers.get("Content-Encoding", "").strip().lower()
            if encoding not in ("", "identity"):
                raise _current().policy.refuse("encoding", "the server compressed a response that was asked for uncompressed")
            return resp

        https_response = http_response

    class RedirectHandler(_urllib.RedirectHandler):  # type: ignore[misc]
        def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
            _http_only(urllib.parse.urljoin(req.full_url, headers.get("location") or headers.get("uri") or ""))
            return super().http_error_302(req, fp, code, msg, headers)

        http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

        def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
            _http_only(newurl)
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    class GuardedUrllibRH(_urllib.UrllibRH):  # type: ignore[misc]
        _SUPPORTED_URL_SCHEMES = _HTTP_SCHEMES

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**{**kwargs, "enable_file_urls": False})

        def _prepare_headers(self, _: Any, headers: Any) -> None:
            headers["Accept-Encoding"] = "identity"

        def _create_instance(self, proxies: Any, cookiejar: Any, legacy_ssl_support: Any = None) -> Any:
            opener = urllib.request.OpenerDirector()
            for handler in (
                HTTPHandler(context=self._make_sslcontext(legacy_ssl_support=legacy_ssl_support)),
                urllib.request.HTTPCookieProcessor(cookiejar),
                urllib.request.UnknownHandler(),
                urllib.request.HTTPDefaultErrorHandler(),
                urllib.request.HTTPErrorProcessor(),
                RedirectHandler(),
            ):
                opener.add_handler(handler)
            opener.addheaders = []
            return opener

    return GuardedUrllibRH


def _refuse_media_tool(self: Any, filename: str, info: dict[str, Any]) -> bool:
    scope = _scope.get()
    if scope is not None:
        scope.policy.refuse("stream", "the format needs an external download tool")
    raise ForbiddenHost(f"{type(self).__name__} would fetch on its own; imports never run download tools")


def install_guard() -> None:
    """Make yt-dlp's external downloaders (ffmpeg, curl, aria2c …) refuse to run: they would do their own networking."""
    from yt_dlp.downloader.external import ExternalFD

    if ExternalFD.real_download is not _refuse_media_tool:
        ExternalFD.real_download = _refuse_media_tool


@functools.cache
def _downloader() -> type:
    import yt_dlp
    from yt_dlp.downloader import get_suitable_downloader
    from yt_dlp.downloader.dash import DashSegmentsFD
    from yt_dlp.downloader.hls import HlsFD
    from yt_dlp.downloader.http import HttpFD

    native = (HttpFD, HlsFD, DashSegmentsFD)

    class GuardedYoutubeDL(yt_dlp.YoutubeDL):  # type: ignore[misc]
        """yt-dlp whose every request goes through the guarded handler, and whose downloads stay in-process."""

        def build_request_director(self, handlers: Any, preferences: Any = None) -> Any:
            return super().build_request_director([_request_handler()], preferences)

        def dl(self, name: str, info: dict[str, Any], subtitle: bool = False, test: bool = False) -> Any:
            chosen = get_suitable_downloader(dict(info), self.params, to_stdout=(name == "-"))
            if chosen not in native:
                raise _current().policy.refuse("stream", f"the format needs the {getattr(chosen, 'FD_NAME', chosen)} downloader")
            return super().dl(name, info, subtitle, test)

    return GuardedYoutubeDL


class YtdlpLog:
    """yt-dlp's logger, into ours; remembers why a download was skipped."""

    def __init__(self) -> None:
        self.skipped: str | None = None

    def debug(self, msg: str) -> None:
        """Notice size skips; drop the rest."""
        if "max-filesize" in msg or "max_filesize" in msg:
            self.skipped = "size"

    info = debug

    def warning(self, msg: str) -> None:
        """Log a warning, shortened."""
        self.debug(msg)
        log.info("ytdlp_warning", message=msg[:300])

    def error(self, msg: str) -> None:
        """Log an error, shortened."""
        log.info("ytdlp_error", message=msg[:300])


def _protocol(fmt: dict[str, Any]) -> str:
    from yt_dlp.utils import determine_protocol

    return str(determine_protocol(fmt) if fmt.get("url") else fmt.get("protocol") or "")


def ytdlp_options(workdir: Path, *, youtube: bool, max_bytes: int, max_seconds: int, hook: Callable[[dict[str, Any]], None],
                  logger: YtdlpLog, rejected: dict[str, str]) -> dict[str, Any]:
    """The only yt-dlp options Encore uses: one item, fixed names, caps, no config, no tools, plain files for generic links."""

    def match_filter(info: dict[str, Any], *, incomplete: bool = False) -> str | None:
        if info.get("_type") in ("playlist", "multi_video"):
            rejected["reason"] = "playlist"
            return "playlists are not imported"
        if info.get("is_live") or info.get("live_status") in ("is_live", "is_upcoming"):
            rejected["reason"] = "live"
            return "live streams are not imported"
        duration = info.get("duration")
        if isinstance(duration, (int, float)) and duration > max_seconds:
            rejected["reason"] = "duration"
            return "too long"
        formats = info.get("formats") or ([info] if info.get("url") else [])
        if not youtube and formats and not any(_protocol(f) in _HTTP_SCHEMES for f in formats):
            rejected["reason"] = "stream"
            return "only plain media files are imported from generic links"
        return None

    plain = "[protocol~='^https?$']"
    return {
        "format": "bestaudio/best" if youtube else f"bestaudio{plain}/best{plain}",
        "paths": {"home": str(workdir), "temp": str(workdir)},
        "outtmpl": {"default": "source.%(ext)s"},
        "restrictfilenames": True,
        "windowsfilenames": True,
        "noplaylist": True,
        "playlist_items": "1",
        "ignoreconfig": True,
        "enable_file_urls": False,
        "proxy": "",
        "allowed_extractors": ["Youtube"] if youtube else ["Generic"],
        "max_filesize": max_bytes,
        "match_filter": match_filter,
        "external_downloader": {"default": "native"},
        "hls_prefer_native": True,
        "fixup": "never",
        "socket_timeout": 20,
        "retries": 2,
        "fragment_retries": 2,
        "extractor_retries": 1,
        "concurrent_fragment_downloads": 1,
        "cachedir": False,
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "logger": logger,
        "progress_hooks": [hook],
        "writethumbnail": False,
        "writeinfojson": False,
        "writesubtitles": False,
        "updatetime": False,
        "overwrites": True,
        "color": {"stdout": "never", "stderr": "never"},
    }


def budget_for(max_bytes: int) -> Budget:
    """The byte budget of one import whose media may be `max_bytes` long."""
    return Budget(per_response=max_bytes, total=max_bytes + PAGE_ALLOWANCE_BYTES)


def run(url: str, scope: Scope, options: dict[str, Any]) -> dict[str, Any]:
    """Run yt-dlp in this thread inside `scope`; returns the sanitised info dict."""
    install_guard()
    _scope.set(scope)
    with _downloader()(options) as ydl:
        info = ydl.extract_info(url, download=True)
        return ydl.sanitize_info(info) if info else {}
