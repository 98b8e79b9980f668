"""Serving stored media files: byte ranges with errors in the API's shape, and headers every media answer carries."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, MalformedRangeHeader
from starlette.responses import RangeNotSatisfiable as StarletteRangeNotSatisfiable

from mv.core.errors import BadRequest, RangeNotSatisfiable

MEDIA_HEADERS = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}


class MediaFile(FileResponse):
    """A file response whose Range errors are `{"error", "detail"}` (416 with `Content-Range: bytes */size`)."""

    @classmethod
    def _parse_range_header(cls, http_range: str, file_size: int) -> list[tuple[int, int]]:
        try:
            return super()._parse_range_header(http_range, file_size)
        except MalformedRangeHeader:
            raise BadRequest("The Range header must be bytes=start-end, bytes=start- or bytes=-suffix.") from None
        except StarletteRangeNotSatisfiable:
            raise RangeNotSatisfiable(
                f"The range starts beyond the end of the file ({file_size} bytes).",
                headers={"Content-Range": f"bytes */{file_size}"},
            ) from None


def media_file(path: Path, media_type: str) -> MediaFile:
    """Stream a stored file with Range support, private caching and `nosniff`."""
    return MediaFile(path, media_type=media_type, headers=MEDIA_HEADERS)
