"""Trimming the canonical mp3 from a start time to its end, sample-accurately and fast.

The fast path copies MP3 frames instead of re-encoding them: it starts a few frames before the
requested sample (so the bit reservoir and the decoder's overlap are primed) and writes a fresh
Info/LAME header whose encoder-delay field tells decoders how many samples to drop. The decoded
output is the original's samples from the start time on, with no generation loss, in milliseconds.
Files the fast path cannot prove it understands are re-encoded instead.
"""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path

from mv.audio.media import render_segment
from mv.core.logging import get_logger

log = get_logger(__name__)

SAMPLES_PER_FRAME = 1152
DECODER_DELAY = 529
MAX_RESERVOIR = 511
MAX_DELAY = 4095
MIN_FRAME_BYTES = 300
_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES = (44100, 48000, 32000)


@dataclass(frozen=True)
class Frame:
    """An MPEG-1 Layer III frame header."""

    length: int
    sample_rate: int
    mono: bool


def frame_at(data: bytes | memoryview, pos: int) -> Frame | None:
    """The MPEG-1 Layer III frame starting at `pos`, or None."""
    if pos + 4 > len(data) or data[pos] != 0xFF or (data[pos + 1] & 0xFE) != 0xFA:
        return None
    b2, b3 = data[pos + 2], data[pos + 3]
    bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 3
    if bitrate_index in (0, 15) or rate_index == 3:
        return None
    rate = _RATES[rate_index]
    length = 144000 * _BITRATES[bitrate_index] // rate + ((b2 >> 1) & 1)
    return Frame(length=length, sample_rate=rate, mono=(b3 >> 6) == 3)


@dataclass
class Layout:
    """Where an mp3's Info header and audio frames are, and its encoder delay and padding."""

    info_start: int
    info_length: int
    tag: int
    lame: int
    frames_field: int | None
    bytes_field: int | None
    toc_field: int | None
    offsets: list[int]
    end: int
    sample_rate: int
    delay: int
    padding: int

    @property
    def samples(self) -> int:
        """Decoded samples per channel, as decoders that honour the LAME tag produce them."""
        return len(self.offsets) * SAMPLES_PER_FRAME - self.delay - self.padding


def _be32(data: bytes, pos: int) -> int:
    return int.from_bytes(data[pos:pos + 4], "big")


def parse(data: bytes) -> Layout | None:
    """The layout of a CBR/VBR MPEG-1 Layer III file with an Info/Xing + LAME header, else None."""
    start = 0
    if data[:3] == b"ID3" and len(data) > 10:
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        start = 10 + size + (10 if data[5] & 0x10 else 0)
    first = frame_at(data, start)
    if first is None:
        return None
    tag = start + 4 + (17 if first.mono else 32)
    if data[tag:tag + 4] not in (b"Info", b"Xing"):
        return None
    flags = _be32(data, tag + 4)
    pos = tag + 8
    fields: dict[str, int | None] = {"frames": None, "bytes": None, "toc": None}
    for bit, name, size in ((1, "frames", 4), (2, "bytes", 4), (4, "toc", 100), (8, "quality", 4)):
        if flags & bit:
            fields[name] = pos
            pos += size
    lame = pos
    if lame + 36 > start + first.length:
        return None
    delay = (data[lame + 21] << 4) | (data[lame + 22] >> 4)
    padding = ((data[lame + 22] & 0x0F) << 8) | data[lame + 23]
    offsets: list[int] = []
    pos = start + first.length
    view = memoryview(data)
    while True:
        frame = frame_at(view, pos)
        if frame is None or pos + frame.length > len(data):
            break
        if frame.sample_rate != first.sample_rate or frame.length < MIN_FRAME_BYTES:
            return None
        offsets.append(pos)
        pos += frame.length
    if not offsets or len(data) - pos > 128:
        return None
    return Layout(
        info_start=start, info_length=first.length, tag=tag, lame=lame, frames_field=fields["frames"],
        bytes_field=fields["bytes"], toc_field=fields["toc"], offsets=offsets, end=pos,
        sample_rate=first.sample_rate, delay=delay, padding=padding,
    )


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _main_data_bytes(data: bytes, layout: Layout, index: int) -> int:
    offset = layout.offsets[index]
    protected = not data[offset + 1] & 1
    side = 17 if (data[offset + 3] >> 6) == 3 else 32
    return frame_at(data, offset).length - 4 - side - (2 if protected else 0)  # type: ignore[union-attr]


def warmup_frames(data: bytes, layout: Layout, target: int) -> int:
    """Frames to copy before the target frame: the one before it must decode fully, reservoir included."""
    if target < 2:
        return target
    return 2 if _main_data_bytes(data, layout, target - 2) >= MAX_RESERVOIR else min(target, 3)


def cut(data: bytes, layout: Layout, start_sample: int) -> bytes | None:
    """The file's frames from `start_sample` on, behind a rewritten Info header; None when out of range."""
    raw = start_sample + layout.delay + DECODER_DELAY
    target = raw // SAMPLES_PER_FRAME
    if target >= len(layout.offsets):
        return None
    first = target - warmup_frames(data, layout, target)
    delay = start_sample + layout.delay - first * SAMPLES_PER_FRAME
    if not 0 <= delay <= MAX_DELAY or first >= len(layout.offsets) or start_sample >= layout.samples:
        return None
    body = data[layout.offsets[first]:layout.end]
    info = bytearray(data[layout.info_start:layout.info_start + layout.info_length])
    base = layout.info_start
    frames = len(layout.offsets) - first
    if layout.frames_field is not None:
        info[layout.frames_field - base:layout.frames_field - base + 4] = frames.to_bytes(4, "big")
    total = len(info) + len(body)
    if layout.bytes_field is not None:
        info[layout.bytes_field - base:layout.bytes_field - base + 4] = total.to_bytes(4, "big")
    if layout.toc_field is not None:
        info[layout.toc_field - base:layout.toc_field - base + 100] = bytes(min(255, i * 256 // 100) for i in range(100))
    lame = layout.lame - base
    info[lame + 21:lame + 24] = ((delay << 12) | layout.padding).to_bytes(3, "big")
    info[lame + 28:lame + 32] = total.to_bytes(4, "big")
    info[lame + 32:lame + 34] = b"\x00\x00"
    info[lame + 34:lame + 36] = _crc16(bytes(info[:lame + 34])).to_bytes(2, "little")
    return bytes(info) + body


def exact_duration(path: Path) -> float | None:
    """The decoded duration of an mp3 from its frames and LAME header, when it has one."""
    layout = parse(path.read_bytes())
    return layout.samples / layout.sample_rate if layout else None


def _fast(source: Path, target: Path, start: float) -> bool:
    data = source.read_bytes()
    layout = parse(data)
    if layout is None:
        return False
    output = cut(data, layout, round(start * layout.sample_rate))
    if output is None:
        return False
    target.write_bytes(output)
    return True


async def trim_mp3(source: Path, target: Path, start: float) -> str:
    """Write `source` from `start` to its end into `target`; returns the method used."""
    if start <= 0:
        await asyncio.to_thread(shutil.copyfile, source, target)
        return "copy"
    if await asyncio.to_thread(_fast, source, target, start):
        return "frames"
    log.info("trim_fallback_reencode", start=start)
    await render_segment(source, target, start=start, length=None, fmt="mp3")
    return "reencode"
