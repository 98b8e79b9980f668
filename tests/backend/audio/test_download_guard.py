"""URL imports stay on one guarded HTTP path: no hop leaves http(s), no media tool fetches, every received byte is counted."""

from __future__ import annotations

import asyncio
import contextvars
import gzip
import io
import struct
from pathlib import Path
from typing import Any

import pytest

from loopback_http import Listener, LoopbackServer, Reply, endless, file_reply, redirect
from media import run
from mv.audio import ytdlp
from mv.audio.download import REFUSALS
from mv.audio.urls import Policy

SENT_LIMIT = 16 * 2**20  # far below the 64 MB the hostile servers offer, far above the 1 MB cap plus socket buffers


def stored_files(client: Any) -> list[str]:
    root = client.app.state.services.storage.root
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


async def import_link(app_client: Any, url: str, **settings: Any) -> tuple[Any, Any]:
    client = await app_client(mv_download_hosts="127.0.0.1", mv_download_allow_private=True, **settings)
    return client, await client.post("/api/audio/download?wait=30", json={"url": url})


# ---- every hop stays http(s) ------------------------------------------------------------------


@pytest.mark.parametrize(("scheme", "status", "hops"), [
    ("ftp", 302, 1), ("ftp", 301, 1), ("ftp", 307, 2), ("file", 302, 1), ("gopher", 302, 1),
])
async def test_a_redirect_out_of_http_is_refused_before_any_connection(app_client, scheme, status, hops):
    with Listener() as ftp, LoopbackServer() as hop:
        target = "file:///etc/passwd" if scheme == "file" else f"{scheme}://127.0.0.1:{ftp.port}/song.mp3"
        hop.routes["/go"] = redirect(hop.url("/next") if hops == 2 else target, status)
        hop.routes["/next"] = redirect(target, status)
        client, response = await import_link(app_client, hop.url("/go"))
        assert (response.status_code, response.json()) == (400, {"error": "BadRequest", "detail": REFUSALS["scheme"]})
        assert ftp.connections == 0, "the non-http hop must never be connected to"
        assert hop.paths == ["/go", "/next"][:hops]
        assert stored_files(client) == []


# ---- no media tool does its own networking ---------------------------------------------------


def hls_playlist(keys: LoopbackServer) -> bytes:
    return (
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f'#EXT-X-KEY:METHOD=AES-128,URI="{keys.url("/key.bin")}"\n'
        f"#EXTINF:10.0,\n{keys.url('/seg0.ts')}\n#EXTINF:10.0,\n{keys.url('/seg1.ts')}\n#EXT-X-ENDLIST\n"
    ).encode()


def dash_manifest(segments: LoopbackServer) -> bytes:
    return (
        '<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT20S" '
        'minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-live:2011"><Period><AdaptationSet mimeType="audio/mp4" '
        'codecs="mp4a.40.2"><Representation id="audio" bandwidth="128000" audioSamplingRate="44100"><SegmentList duration="10">'
        f'<Initialization sourceURL="{segments.url("/init.mp4")}"/><SegmentURL media="{segments.url("/seg1.m4s")}"/>'
        f'<SegmentURL media="{segments.url("/seg2.m4s")}"/></SegmentList></Representation></AdaptationSet></Period></MPD>\n'
    ).encode()


def rtmp_page(segments: LoopbackServer) -> bytes:
    source = f'{{"src": "rtmp://127.0.0.1:{segments.port}/live/song", "type": "rtmp/mp4"}}'
    return f"<html><head><title>song</title></head><body><script>var player = videojs('p'); player.src({source});</script></body></html>".encode()


STREAMS = {
    "encrypted-hls": (hls_playlist, "application/vnd.apple.mpegurl", "/list.m3u8"),
    "dash": (dash_manifest, "application/dash+xml", "/manifest.mpd"),
    "rtmp": (rtmp_page, "text/html", "/page.html"),
}


@pytest.mark.parametrize("kind", list(STREAMS))
async def test_streams_from_an_allowed_host_are_refused_and_their_media_host_never_called(app_client, kind):
    manifest, content_type, path = STREAMS[kind]
    with LoopbackServer({"/key.bin": Reply(body=b"k" * 16)}) as media_host, LoopbackServer() as origin:
        origin.routes[path] = Reply(headers={"Content-Type": content_type}, body=manifest(media_host))
        client, response = await import_link(app_client, origin.url(path))
        assert (response.status_code, response.json()) == (400, {"error": "BadRequest", "detail": REFUSALS["stream"]})
        assert media_host.connections == 0 and media_host.paths == []
        assert origin.paths and set(origin.paths) == {path}
        assert stored_files(client) == []


def _process(scope: ytdlp.Scope, options: dict[str, Any], info: dict[str, Any]) -> None:
    ytdlp.install_guard()
    ytdlp._scope.set(scope)
    with ytdlp._downloader()(options) as ydl:
        ydl.process_ie_result(info, download=True)


@pytest.mark.parametrize("kind", ["encrypted-hls", "websocket", "rtmp"])
async def test_download_tools_never_run_even_where_streams_are_allowed(tmp_path, kind):
    with LoopbackServer({"/key.bin": Reply(body=b"k" * 16)}) as media_host, LoopbackServer() as origin:
        origin.routes["/list.m3u8"] = Reply(headers={"Content-Type": "application/vnd.apple.mpegurl"}, body=hls_playlist(media_host))
        fmt = {
            "encrypted-hls": {"url": origin.url("/list.m3u8"), "protocol": "m3u8_native", "ext": "mp4"},
            "websocket": {"url": f"ws://127.0.0.1:{media_host.port}/song", "protocol": "websocket_frag", "ext": "mp4"},
            "rtmp": {"url": f"rtmp://127.0.0.1:{media_host.port}/live/song", "protocol": "rtmp", "ext": "flv"},
        }[kind]
        info = {"id": "song", "title": "song", "extractor": "youtube", "extractor_key": "Youtube", "webpage_url": origin.url("/"),
                "formats": [{"format_id": "audio", "acodec": "aac", "vcodec": "none", **fmt}]}
        scope = ytdlp.Scope(Policy(youtube=True, allowed=frozenset({f"127.0.0.1:{origin.port}"}), allow_private=True), ytdlp.budget_for(2**20))
        options = ytdlp.ytdlp_options(tmp_path, youtube=True, max_bytes=2**20, max_seconds=900, hook=lambda _: None,
                                      logger=ytdlp.YtdlpLog(), rejected={})
        with pytest.raises(Exception):  # noqa: B017 - yt-dlp wraps the refusal in its own errors
            await asyncio.to_thread(contextvars.copy_context().run, _process, scope, options, info)
        assert scope.policy.refused is not None
        assert media_host.connections == 0, "no tool (ffmpeg, rtmpdump, a websocket client) may reach the media host"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith("source.") and p.suffix not in (".part", ".ytdl")]


# ---- every byte received is counted -----------------------------------------------------------


def wav_header(seconds: float = 1.0, rate: int = 8000) -> bytes:
    size = int(seconds * rate) * 2
    return b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16) + b"data" + struct.pack("<I", size)


HUGE = {
    "media-without-length": Reply(headers={"Content-Type": "audio/wav"}, body=endless(head=wav_header()), length=False),
    "chunked-media-with-a-lying-length": Reply(headers={"Content-Type": "audio/wav", "Content-Length": "1000"}, body=endless(head=wav_header()), chunked=True),
    "page-without-length": Reply(headers={"Content-Type": "text/html"}, body=endless(piece=b"<p>" + b"la " * 20000 + b"</p>\n", head=b"<html><body>"), length=False),
    "redirect-with-an-endless-body": Reply(status=302, headers={"Location": "/elsewhere.wav"}, body=endless(), length=False),
}


@pytest.mark.parametrize("reply", list(HUGE.values()), ids=list(HUGE))
async def test_bodies_are_cut_at_the_cap_whatever_their_headers_say(app_client, reply):
    with LoopbackServer({"/song": reply}) as server:
        client, response = await import_link(app_client, server.url("/song"), mv_max_upload_mb=1)
        assert response.status_code == 413, response.text
        assert response.json()["error"] == "PayloadTooLarge"
        assert server.sent < SENT_LIMIT, f"the import kept reading ({server.sent} bytes) past the cap"
        assert len(server.paths) <= 2, "a look by the extractor and one download; no retry once over the cap"
        assert stored_files(client) == []


@pytest.mark.parametrize("framing", ["length", "no-length", "chunked"])
async def test_a_song_under_the_cap_imports_however_it_is_framed(app_client, media, framing):
    song = media.clicks(20.0, at=(5.0,)).read_bytes()
    reply = Reply(headers={"Content-Type": "audio/mpeg"}, body=song, length=framing == "length", chunked=framing == "chunked")
    with LoopbackServer({"/song.mp3": reply}) as server:
        client, response = await import_link(app_client, server.url("/song.mp3"))
        assert response.status_code == 200, response.text
        assert response.json()["duration"] == pytest.approx(20.0, abs=0.05)
        assert stored_files(client) == [f"audio/{response.json()['audio_id']}.mp3"]


async def test_a_compressed_answer_that_was_not_asked_for_is_refused_unread(app_client):
    bomb = gzip.compress(b"\0" * (64 * 2**20), compresslevel=9)
    reply = Reply(headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}, body=bomb)
    with LoopbackServer({"/page": reply}) as server:
        client, response = await import_link(app_client, server.url("/page"))
        assert (response.status_code, response.json()) == (400, {"error": "BadRequest", "detail": REFUSALS["encoding"]})
        assert stored_files(client) == []


def test_the_budget_counts_every_response_of_an_import():
    budget = ytdlp.Budget(per_response=10, total=25)
    budget.take(10, 10)
    budget.take(10, 10)
    with pytest.raises(ytdlp.TooMuchData):
        budget.take(6, 6)
    assert budget.exceeded
    with pytest.raises(ytdlp.TooMuchData):
        budget.take(0, 0)
    with pytest.raises(ytdlp.TooMuchData):
        ytdlp.Budget(per_response=10, total=100).take(11, 11)


def test_a_metered_stream_reads_like_a_file_and_stops_at_the_cap():
    reader = ytdlp._MeteredReader(io.BufferedReader(io.BytesIO(b"x" * 200_000)), ytdlp.Budget(per_response=10**6, total=10**6))
    assert reader.readinto(bytearray(150_000)) == 150_000, "http.client treats a short readinto as a truncated body"
    assert reader.read(100_000) == b"x" * 50_000 and reader.read() == b"" and reader.count == 200_000
    capped = ytdlp._MeteredReader(io.BufferedReader(io.BytesIO(b"y" * 10**6)), ytdlp.Budget(per_response=300_000, total=10**7))
    with pytest.raises(ytdlp.TooMuchData):
        capped.read()
    assert 300_000 < capped.count <= 300_000 + 64 * 1024, "cut within one piece of the cap, not after reading everything"


# ---- a song that lies about its length -------------------------------------------------------


def lying_m4a(root: Path) -> Path:
    """An AAC song whose headers claim 7 s but whose samples play for 40 minutes."""
    path = root / "lying_7s_of_40min.m4a"
    if path.exists():
        return path
    honest = root / "honest_40min.m4a"
    run("-f", "lavfi", "-i", "sine=frequency=440:duration=2400:sample_rate=8000", "-ac", "1", "-c:a", "aac", "-b:a", "16k",
        "-use_editlist", "0", "-movflags", "+faststart", str(honest))
    data = bytearray(honest.read_bytes())

    def patch(start: int, end: int) -> None:
        while start < end:
            size, kind = struct.unpack(">I4s", data[start:start + 8])
            if kind in (b"moov", b"trak", b"mdia"):
                patch(start + 8, start + size)
            elif kind in (b"mvhd", b"mdhd"):
                assert data[start + 8] == 0, "version 0 headers"
                timescale = struct.unpack(">I", data[start + 20:start + 24])[0]
                struct.pack_into(">I", data, start + 24, 7 * timescale)
            start += size

    patch(0, len(data))
    path.write_bytes(bytes(data))
    return path


@pytest.mark.xfail(strict=True, reason="store_audio still trusts the header's duration; the decoded-length cap is not in yet")
async def test_a_song_that_lies_about_its_length_is_refused_before_it_is_stored(app_client, media_dir):
    with LoopbackServer({"/song.m4a": file_reply(lying_m4a(media_dir), "audio/mp4")}) as server:
        client, response = await import_link(app_client, server.url("/song.m4a"))
        body = response.json()
        if response.status_code == 202:
            job = await client.app.state.services.runner.wait(body["job_id"], 600)
            body = job.error or {"error": f"the import {job.status}"}
        else:
            assert response.status_code == 413, response.text
        assert body["error"] == "PayloadTooLarge", body
        assert stored_files(client) == []
