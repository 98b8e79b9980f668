"""Fuzzing the two parsers that see hostile input first: the URL check and the ffprobe-JSON readers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mv.audio import media as audio_media
from mv.audio.urls import YOUTUBE_HOSTS, check_url
from mv.core import ffmpeg
from mv.core.errors import EncoreError
from mv.stitch import engine

ALLOWED = frozenset({"127.0.0.1:8080", "songs.example"})
URLS = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda scheme, host, rest: f"{scheme}://{host}{rest}",
        st.sampled_from(["http", "https", "file", "ftp", "HTTP", "javascript", ""]),
        st.sampled_from([*YOUTUBE_HOSTS, "127.0.0.1:8080", "127.0.0.1", "[::1]", "169.254.169.254", "songs.example", "evil.com", "youtube.com.evil.com", "a@youtube.com"]),
        st.text(max_size=60),
    ),
)


@settings(max_examples=400, deadline=None)
@given(URLS)
def test_check_url_only_accepts_safe_targets(url: str) -> None:
    try:
        target = check_url(url, ALLOWED)
    except EncoreError as exc:
        assert exc.status_code == 400
        return
    assert target.url.lower().startswith(("http://", "https://"))
    assert target.youtube == (target.host in YOUTUBE_HOSTS and not target.host.startswith("127."))
    assert target.youtube or f"{target.host}:{target.port}" in ALLOWED or target.host in ALLOWED


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
STREAM = st.fixed_dictionaries(
    {},
    optional={
        "codec_type": st.sampled_from(["video", "audio", "data", 3]),
        "codec_name": JSON, "profile": JSON, "width": JSON, "height": JSON, "pix_fmt": JSON,
        "r_frame_rate": JSON, "time_base": JSON, "sample_aspect_ratio": JSON, "duration": JSON,
        "start_time": JSON, "sample_rate": JSON, "channels": JSON,
    },
)
PROBES = st.fixed_dictionaries({}, optional={"streams": st.lists(STREAM, max_size=3) | JSON, "format": st.dictionaries(st.sampled_from(["duration", "format_name", "tags"]), JSON) | JSON})


@settings(max_examples=300, deadline=None)
@given(data=PROBES)
def test_probe_readers_never_crash(data: dict[str, Any]) -> None:
    async def fake_probe(path: Path, formats: str, *, timeout: float = 30.0) -> Any:
        return data

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ffmpeg, "probe", fake_probe)
        for reader in (engine.probe_clip, audio_media.probe_audio):
            try:
                asyncio.run(reader(Path("/nonexistent.mp4")))
            except EncoreError:
                pass
