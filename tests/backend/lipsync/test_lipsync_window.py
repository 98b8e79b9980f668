"""The song window a lipsync covers."""

from __future__ import annotations

import pytest

from mv.core.errors import BadRequest
from mv.lipsync.service import lipsync_window


@pytest.mark.parametrize(
    ("start", "end", "track", "clip", "expected"),
    [
        (None, None, 60.0, 8.0, (0.0, 8.0)),
        (16.0, 24.0, 60.0, 8.0, (16.0, 24.0)),
        (16.0, None, 60.0, 8.0, (16.0, 24.0)),
        (56.0, None, 60.0, 8.0, (56.0, 60.0)),
        (0.0, 60.0, 60.0, 8.0, (0.0, 60.0)),
        (10.03, 14.03, 30.0, 4.0, (10.03, 14.03)),
        (None, 5.0, 30.0, 8.0, (0.0, 5.0)),
    ],
)
def test_window(start: float | None, end: float | None, track: float, clip: float, expected: tuple[float, float]) -> None:
    assert lipsync_window(start, end, track, clip) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("start", "end", "track", "words"),
    [
        (60.0, None, 60.0, "past the end of the song"),
        (61.0, 65.0, 60.0, "past the end of the song"),
        (56.0, 64.0, 60.0, "end_time (64 s) is past the end of the song, which is 60.00 s long"),
        (8.0, 8.0, 60.0, "after start_time"),
        (-1.0, 4.0, 60.0, "negative"),
    ],
)
def test_window_refusals_say_why(start: float, end: float | None, track: float, words: str) -> None:
    with pytest.raises(BadRequest) as caught:
        lipsync_window(start, end, track, 8.0)
    assert words in caught.value.detail
    assert caught.value.detail.endswith(".")
