"""An image's format and size from its header, read before any decoder sees the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_MAX_JPEG_SEGMENTS = 4096


@dataclass(frozen=True)
class ImageHeader:
    """What an image's header says."""

    format: str
    width: int
    height: int


def read_header(path: Path) -> ImageHeader | None:
    """The format and size of a PNG, JPEG or WebP file, from its header alone; None for anything else."""
    with Path(path).open("rb") as fh:
        head = fh.read(32)
        if head.startswith(PNG_MAGIC):
            return _png(head)
        if head.startswith(JPEG_MAGIC):
            fh.seek(2)
            return _jpeg(fh)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp(head)
    return None


def _sized(fmt: str, width: int, height: int) -> ImageHeader | None:
    return ImageHeader(fmt, width, height) if width > 0 and height > 0 else None


def _png(head: bytes) -> ImageHeader | None:
    if head[12:16] != b"IHDR" or len(head) < 24:
        return None
    return _sized("png", int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big"))


def _jpeg(fh: BinaryIO) -> ImageHeader | None:
    """Walk the marker segments up to the first start-of-frame (skipping APPn segments and their thumbnails)."""
    for _ in range(_MAX_JPEG_SEGMENTS):
        byte = fh.read(1)
        if byte != b"\xff":
            return None
        marker = fh.read(1)
        while marker == b"\xff":
            marker = fh.read(1)
        if not marker:
            return None
        code = marker[0]
        if code in _JPEG_STANDALONE:
            continue
        if code in (0xD8, 0xD9, 0xDA):
            return None
        raw = fh.read(2)
        if len(raw) < 2:
            return None
        length = int.from_bytes(raw, "big")
        if length < 2:
            return None
        if code in _JPEG_FRAMES:
            frame = fh.read(5)
            if len(frame) < 5:
                return None
            return _sized("jpeg", int.from_bytes(frame[3:5], "big"), int.from_bytes(frame[1:3], "big"))
        fh.seek(length - 2, 1)
    return None


def _webp(head: bytes) -> ImageHeader | None:
    chunk, data = head[12:16], head[20:32]
    if chunk == b"VP8 " and data[3:6] == b"\x9d\x01\x2a":
        return _sized("webp", int.from_bytes(data[6:8], "little") & 0x3FFF, int.from_bytes(data[8:10], "little") & 0x3FFF)
    if chunk == b"VP8L" and data[:1] == b"\x2f":
        bits = int.from_bytes(data[1:5], "little")
        return _sized("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(data) >= 10:
        return _sized("webp", int.from_bytes(data[4:7], "little") + 1, int.from_bytes(data[7:10], "little") + 1)
    return None
