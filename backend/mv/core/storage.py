"""Media storage: a local media root mirrored to S3 (`MV_MEDIA_BACKEND=local`), or S3 as the store with a private local cache (`s3`)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import AsyncExitStack, contextmanager
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import aioboto3
from botocore.config import Config

from mv.core.errors import EncoreError, InsufficientStorage
from mv.core.logging import get_logger

log = get_logger(__name__)

_KEY = re.compile(r"^(audio|jobs|character_reference|scenes)/[0-9a-f-]{36}(/[a-z_]+)?\.[a-z0-9]{2,4}$")


def validate_key(key: str) -> str:
    """Accept only server-built keys such as `audio/{uuid}.mp3` or `jobs/{uuid}/video.mp4`."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a media key: {key!r}")
    return key


def s3_key_for(key: str) -> str:
    """The S3 key for a media key: `jobs/..` → `mv/jobs/..`, everything else under `mv/outputs/`."""
    validate_key(key)
    return f"mv/{key}" if key.startswith("jobs/") else f"mv/outputs/{key}"


class StorageUnavailable(EncoreError):
    """The media store (S3) could not be reached or refused the request."""

    status_code = 503


MediaBackend = Literal["local", "s3"]


def _no_expect_continue(request: Any, **_: Any) -> None:
    """Drop `Expect: 100-continue`: the HTTP client waits for that answer with no timeout at all."""
    request.headers.pop("Expect", None)


class S3Mirror:
    """Uploads and presigns through aioboto3; one client for the app's lifetime."""

    def __init__(
        self,
        *,
        bucket: str,
        region: str,
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        expiry: int,
        timeout: float,
    ) -> None:
        self.bucket = bucket
        self.expiry = expiry
        self.timeout = timeout
        self._session = aioboto3.Session(
            aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region
        )
        self._endpoint_url = endpoint_url
        self._stack = AsyncExitStack()
        self._client: Any = None

    async def client(self) -> Any:
        """The shared S3 client, created on first use."""
        if self._client is None:
            config = Config(connect_timeout=self.timeout, read_timeout=self.timeout, retries={"total_max_attempts": 2, "mode": "standard"})
            self._client = await self._stack.enter_async_context(
                self._session.client("s3", endpoint_url=self._endpoint_url, config=config)
            )
            self._client.meta.events.register("before-send.s3", _no_expect_continue)
        return self._client

    async def upload(self, path: Path, s3_key: str, content_type: str) -> None:
        """Upload one file."""
        client = await self.client()
        await client.upload_file(str(path), self.bucket, s3_key, ExtraArgs={"ContentType": content_type})

    async def download(self, s3_key: str, dest: Path) -> bool:
        """Fetch one object into `dest`; False when it does not exist."""
        client = await self.client()
        try:
            await client.download_file(self.bucket, s3_key, str(dest))
        except Exception as exc:
            if _is_missing(exc):
                return False
            raise
        return True

    async def head(self, s3_key: str) -> int | None:
        """The object's size, or None when it does not exist."""
        client = await self.client()
        try:
            answer = await client.head_object(Bucket=self.bucket, Key=s3_key)
        except Exception as exc:
            if _is_missing(exc):
                return None
            raise
        return int(answer["ContentLength"])

    async def presign(self, s3_key: str) -> str:
        """A time-limited GET URL for one object."""
        client = await self.client()
        return await client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": s3_key}, ExpiresIn=self.expiry
        )

    async def delete(self, s3_keys: list[str]) -> None:
        """Delete these objects (missing ones are fine)."""
        client = await self.client()
        for start in range(0, len(s3_keys), 1000):
            batch = [{"Key": key} for key in s3_keys[start : start + 1000]]
            await client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})

    async def close(self) -> None:
        """Release the client."""
        await self._stack.aclose()
        self._client = None


def _is_missing(exc: Exception) -> bool:
    """Whether an S3 error says the object does not exist."""
    code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


_CONTENT_TYPES = {".mp3": "audio/mpeg", ".mp4": "video/mp4", ".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp", ".wav": "audio/wav"}


def content_type_for(key: str) -> str:
    """The MIME type served for a media key."""
    return _CONTENT_TYPES.get(Path(key).suffix, "application/octet-stream")


class MediaStorage:
    """Where artefacts live: the local media root (S3 holds copies), or S3 (the root is this process's private cache)."""

    def __init__(self, root: Path, s3: S3Mirror | None = None, backend: MediaBackend = "local") -> None:
        if backend == "s3" and s3 is None:
            raise ValueError("the s3 media backend needs a bucket")
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.scratch = self.root / ".tmp"
        self.scratch.mkdir(exist_ok=True)
        self.s3 = s3
        self.backend = backend

    @property
    def in_s3(self) -> bool:
        """Whether S3 is the source of truth (no other process can see this one's files)."""
        return self.backend == "s3"

    def path(self, key: str) -> Path:
        """Where a media key's file is (or would be) on this machine; in s3 mode, call `fetch` first."""
        return self.root / validate_key(key)

    def exists(self, key: str) -> bool:
        """Whether the file is on this machine."""
        return self.path(key).is_file()

    async def has(self, key: str) -> bool:
        """Whether the artefact exists in the store (in s3 mode: in this process's cache or in the bucket)."""
        if self.exists(key) or not self.in_s3:
            return self.exists(key)
        assert self.s3 is not None
        try:
            return await self.s3.head(s3_key_for(key)) is not None
        except Exception as exc:  # noqa: BLE001 - reported as one clear error
            raise self._unavailable("read", key, exc) from None

    async def fetch(self, key: str) -> Path:
        """The local file of a media key; in s3 mode it is read from the bucket into this process's cache first."""
        target = self.path(key)
        if not self.in_s3 or target.is_file():
            return target
        assert self.s3 is not None
        with self.workspace() as workdir:
            partial = workdir / target.name
            try:
                found = await self.s3.download(s3_key_for(key), partial)
            except Exception as exc:  # noqa: BLE001 - reported as one clear error
                raise self._unavailable("read", key, exc) from None
            if found:
                self.publish(partial, key)
        return target

    async def copy_into(self, key: str, workdir: Path) -> Path:
        """A file to read a media key from: its local file, or in s3 mode a download into `workdir` (this process's cache is left alone)."""
        if not self.in_s3 or self.exists(key):
            return self.path(key)
        assert self.s3 is not None
        target = workdir / Path(validate_key(key)).name
        try:
            found = await self.s3.download(s3_key_for(key), target)
        except Exception as exc:  # noqa: BLE001 - reported as one clear error
            raise self._unavailable("read", key, exc) from None
        if not found:
            raise self._unavailable("read", key, FileNotFoundError(key))
        return target

    @contextmanager
    def workspace(self) -> Iterator[Path]:
        """A private scratch directory on the media root's filesystem, removed afterwards."""
        path = Path(tempfile.mkdtemp(dir=self.scratch))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def publish(self, produced: Path, key: str) -> Path:
        """Atomically move a finished file into place under its key (in s3 mode `mirror` must follow)."""
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(produced, target)
        except OSError as exc:
            if exc.errno == 28:
                raise InsufficientStorage("The media storage is full.") from None
            raise
        return target

    async def mirror(self, key: str) -> str | None:
        """Upload a published file to S3: in local mode a failure is a warning (None); in s3 mode it fails the caller."""
        if self.s3 is None:
            return None
        s3_key = s3_key_for(key)
        try:
            await self.s3.upload(self.path(key), s3_key, content_type_for(key))
        except Exception as exc:  # noqa: BLE001 - S3 trouble must never fail the request in local mode
            if self.in_s3:
                raise self._unavailable("write", key, exc) from None
            log.warning("s3_upload_failed", key=s3_key, error=type(exc).__name__)
            return None
        log.info("s3_uploaded", key=s3_key)
        return s3_key

    async def remove(self, keys: list[str], s3_keys: list[str]) -> bool:
        """Delete local files under these keys and their S3 copies; False when S3 refused (a warning)."""
        for key in dict.fromkeys(keys):
            path = self.path(key)
            path.unlink(missing_ok=True)
            if key.startswith("jobs/") and path.parent != self.root and path.parent.is_dir() and not any(path.parent.iterdir()):
                path.parent.rmdir()
        if self.s3 is None:
            return True
        wanted = sorted({*s3_keys, *(s3_key_for(key) for key in keys)})
        try:
            await self.s3.delete(wanted)
        except Exception as exc:  # noqa: BLE001 - S3 trouble must never fail the request
            log.warning("s3_delete_failed", count=len(wanted), error=type(exc).__name__)
            return False
        log.info("s3_deleted", count=len(wanted))
        return True

    def _unavailable(self, action: str, key: str, exc: Exception) -> StorageUnavailable:
        log.error("s3_media_failed", action=action, key=s3_key_for(key), error=type(exc).__name__)
        verb = "stored" if action == "write" else "read"
        return StorageUnavailable(f"The media store (S3) could not be reached, so the file could not be {verb}; try again later.")

    async def presigned_url(self, s3_key: str | None) -> str | None:
        """A presigned URL for an uploaded copy, or None when unavailable."""
        if self.s3 is None or not s3_key:
            return None
        try:
            return await self.s3.presign(s3_key)
        except Exception as exc:  # noqa: BLE001
            log.warning("s3_presign_failed", key=s3_key, error=type(exc).__name__)
            return None

    async def close(self) -> None:
        """Close the S3 client, if any."""
        if self.s3 is not None:
            await self.s3.close()
