"""Serving stored media: byte ranges with errors in the API's shape (from local files or streamed from S3), and headers every media answer carries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.responses import FileResponse, MalformedRangeHeader, Response, StreamingResponse
from starlette.responses import RangeNotSatisfiable as StarletteRangeNotSatisfiable

from mv.core.errors import BadRequest, NotFound, RangeNotSatisfiable
from mv.core.storage import MediaStorage, StorageUnavailable, s3_key_for

CHUNK_BYTES = 256 * 1024
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


async def stored_media(storage: MediaStorage, key: str, media_type: str, http_range: str | None) -> Response:
    """A stored artefact with Range support: from the local file, or in s3 mode streamed from the bucket unless cached here."""
    if not storage.in_s3 or storage.exists(key):
        return media_file(storage.path(key), media_type)
    assert storage.s3 is not None
    s3_key = s3_key_for(key)
    try:
        size = await storage.s3.head(s3_key)
    except Exception:  # noqa: BLE001 - one clear error
        raise StorageUnavailable("The media store (S3) could not be reached; try again later.") from None
    if size is None:
        raise NotFound("The media file is missing from the store.")
    ranges = MediaFile._parse_range_header(http_range, size) if http_range else []
    headers = {**MEDIA_HEADERS, "Accept-Ranges": "bytes"}
    if len(ranges) == 1:
        start, end = ranges[0]
        headers |= {"Content-Range": f"bytes {start}-{end - 1}/{size}", "Content-Length": str(end - start)}
        status, wanted = 206, f"bytes={start}-{end - 1}"
    else:
        headers["Content-Length"] = str(size)
        status, wanted = 200, None
    client = await storage.s3.client()
    try:
        extra = {"Range": wanted} if wanted else {}
        answer = await client.get_object(Bucket=storage.s3.bucket, Key=s3_key, **extra)
    except Exception:  # noqa: BLE001
        raise StorageUnavailable("The media store (S3) could not be reached; try again later.") from None
    return StreamingResponse(_chunks(answer["Body"]), status_code=status, headers=headers, media_type=media_type)


async def _chunks(body: Any) -> AsyncIterator[bytes]:
    try:
        async for chunk in body.iter_chunks(CHUNK_BYTES):
            yield chunk
    finally:
        body.close()
