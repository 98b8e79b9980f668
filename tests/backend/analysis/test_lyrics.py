"""LRC and plain lyrics: parsing, clear errors naming the line, placement over vocal stretches."""

from __future__ import annotations

import pytest

from mv.analysis.lrc import InvalidLyrics, is_lrc, parse_lrc, parse_plain
from mv.analysis.placement import place

LRC = """[ti:Night Run]
[ar:Encore Band]
[offset:+250]

[00:12.50]Hold on to the night
[00:16.00][01:02.25]We are running <00:17.10>through the lights
[00:20.750]
[00:24.1]Nobody can stop us
"""


def test_lrc_lines_get_windows_from_their_stamps_and_the_offset() -> None:
    lines = parse_lrc(LRC, duration=90.0)
    assert [(l.start, l.end, l.text) for l in lines] == [
        (12.25, 15.75, "Hold on to the night"),
        (15.75, 20.5, "We are running through the lights"),
        (23.85, 35.85, "Nobody can stop us"),
        (62.0, 68.0, "We are running through the lights"),
    ]


def test_the_last_line_ends_with_the_song() -> None:
    lines = parse_lrc("[00:58.00]Last words", duration=60.0)
    assert (lines[0].start, lines[0].end) == (58.0, 60.0)


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("[00:01.00]ok\nno stamp here\n", 2, "does not start with a [mm:ss.xx] timestamp"),
        ("[00:01.00]ok\n\n[00:75.00]bad seconds", 3, "seconds past 59"),
        ("[00:01.00]ok\n[0x:12]broken", 2, "does not start with a [mm:ss.xx] timestamp"),
        ("[00:01.00][00:02.x]half", 1, "malformed timestamp"),
        ("[offset:soon]\n[00:01.00]ok", 1, "offset"),
        ("[00:01.00]ok\n[05:00.00]too late", 2, "after the song ends"),
        ("[00:01.00]" + "x" * 400, 1, "longer than"),
    ],
)
def test_bad_lrc_lines_are_named(text: str, line: int, fragment: str) -> None:
    with pytest.raises(InvalidLyrics) as caught:
        parse_lrc(text, duration=120.0)
    assert f"Line {line} " in caught.value.detail and fragment in caught.value.detail
    assert caught.value.status_code == 422


def test_plain_text_is_recognised_and_cleaned() -> None:
    assert is_lrc(LRC) and not is_lrc("Hold on\n[Chorus]\nsing")
    assert parse_plain("  Hold   on \n\n\tsing\x07 it\n") == ["Hold on", "sing it"]


def test_plain_lines_fill_the_vocal_stretches_in_order() -> None:
    lines = ["one two three four", "five six", "seven eight nine ten eleven", "twelve"]
    placed = place(lines, [(10.0, 20.0), (40.0, 45.0)], duration=60.0)
    assert [p.text for p in placed] == lines
    assert all(p.start < p.end for p in placed)
    assert all(10.0 <= p.start and p.end <= 20.0 or 40.0 <= p.start and p.end <= 45.0 for p in placed)
    assert all(a.end <= b.start for a, b in zip(placed, placed[1:]))
    assert placed[0].end - placed[0].start > placed[1].end - placed[1].start


def test_plain_lines_spread_over_the_song_when_no_voice_was_found() -> None:
    placed = place(["a line", "another line"], [], duration=30.0)
    assert placed[0].start == 0.0 and placed[-1].end == 30.0
