"""Receiving a multipart upload straight into a scratch file, refusing it the moment it is too large."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from mv.core.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from mv.core.errors import EncoreError

FIELD = b"file"
ENVELOPE_SLACK = 64 * 1024
MAX_BOUNDARY = 70
"""RFC 2046: a boundary is 1 to 70 characters."""


class MissingFile(EncoreError):
    """The multipart body had no `file` field."""

    status_code = 422

    @property
    def name(self) -> str:
        """Same machine name as other validation failures."""
        return "ValidationError"


class _Receiver:
    """Multipart callbacks that write the first `file` part to disk and count its bytes."""

    def __init__(self, target: Path, limit: int) -> None:
        self.target = target
        self.limit = limit
        self.size = 0
        self.filename: str | None = None
        self.found = False
        self._writing = False
        self._done = False
        self._field = bytearray()
        self._value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._out = None

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._field.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._value.extend(data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers = {}

    def _header_end(self) -> None:
        self._headers[bytes(self._field).lower()] = bytes(self._value)
        self._field.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        if options.get(b"name") == FIELD and not self._done:
            self._writing = True
            self.found = True
            raw = options.get(b"filename")
            self.filename = raw.decode("utf-8", "replace") if raw is not None else None
            self._out = open(self.target, "wb")  # noqa: SIM115 - closed in _part_end/close

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._writing or self._out is None:
            return
        self.size += end - start
        if self.size > self.limit:
            raise PayloadTooLarge(f"The file is larger than the upload limit of {self.limit // 2**20} MB.")
        self._out.write(data[start:end])

    def _part_end(self) -> None:
        if self._writing:
            self._writing = False
            self._done = True
            self.close()

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def receive_file(
    content_type: str | None, content_length: str | None, chunks: AsyncIterator[bytes], target: Path, limit: int
) -> str | None:
    """Stream the multipart field `file` into `target`, refusing it (413) the moment it passes `limit` bytes; returns the client's file name."""
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UnsupportedMediaType("Send the file as multipart/form-data with a field named `file`.")
    if len(boundary) > MAX_BOUNDARY:
        raise BadRequest(f"The multipart boundary is longer than {MAX_BOUNDARY} characters.")
    if content_length is not None and content_length.isdigit() and int(content_length) > limit + ENVELOPE_SLACK:
        raise PayloadTooLarge(f"The file is larger than the upload limit of {limit // 2**20} MB.")
    receiver = _Receiver(target, limit)
    try:
        parser = MultipartParser(boundary, receiver.callbacks())  # type: ignore[arg-type]
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
    except EncoreError:
        raise
    except Exception:  # noqa: BLE001 - python-multipart raises several parse errors
        raise BadRequest("The multipart body is malformed.") from None
    finally:
        receiver.close()
    if not receiver.found:
        raise MissingFile("file: Field required.")
    if receiver.size == 0:
        raise UnsupportedMediaType("The file is empty.")
    return receiver.filename
