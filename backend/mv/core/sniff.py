"""What a file is, from its first bytes, before any media tool runs."""

from __future__ import annotations

from pathlib import Path

_ISO_BOXES = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"})
_EBML = b"\x1a\x45\xdf\xa3"


def is_video_container(path: Path) -> bool:
    """Whether the file starts like MP4/QuickTime (a complete first ISO box) or WebM/Matroska (EBML)."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(_EBML):
        return True
    if len(head) < 8 or head[4:8] not in _ISO_BOXES:
        return False
    size = int.from_bytes(head[:4], "big")
    if size == 1 and len(head) == 16:
        size = int.from_bytes(head[8:16], "big")
    return size >= 8 and path.stat().st_size >= size
