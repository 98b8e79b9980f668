"""Image uploads stream under their cap, and their width and height are read from the header before any decoder runs."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from media import MediaFactory
from mv.core import ffmpeg
from mv.images.header import PNG_MAGIC, read_header

ROUTE = "/api/mv/upload_character_reference"
VARIANTS = {
    "png": ["-c:v", "png"],
    "jpg": ["-c:v", "mjpeg"],
    "webp": ["-c:v", "libwebp"],
    "lossless.webp": ["-c:v", "libwebp", "-lossless", "1"],
    "alpha.webp": ["-c:v", "libwebp", "-pix_fmt", "yuva420p"],
}


def picture(root: Path, size: str, variant: str) -> Path:
    """A one-colour image of `size` (WxH) in one of the accepted formats."""
    path = root / f"{size}.{variant}"
    if not path.exists():
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=orange:s={size}", "-frames:v", "1",
                        *VARIANTS[variant], "-f", "image2", str(path)], check=True)
    return path


def stored_files(client: httpx.AsyncClient) -> list[str]:
    root = client.app.state.services.storage.root  # type: ignore[attr-defined]
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_header_gives_format_and_size(tmp_path: Path, variant: str) -> None:
    header = read_header(picture(tmp_path, "322x124", variant))
    assert header is not None
    assert (header.format, header.width, header.height) == ("jpeg" if variant == "jpg" else variant.rsplit(".", 1)[-1], 322, 124)


def test_a_jpeg_thumbnail_does_not_hide_the_real_size(tmp_path: Path) -> None:
    main = picture(tmp_path, "4100x16", "jpg").read_bytes()
    thumbnail = picture(tmp_path, "160x120", "jpg").read_bytes()
    app1 = b"\xff\xe1" + (len(thumbnail) + 8).to_bytes(2, "big") + b"Exif\0\0" + thumbnail
    path = tmp_path / "with_thumbnail.jpg"
    path.write_bytes(main[:2] + app1 + main[2:])
    header = read_header(path)
    assert header is not None and (header.width, header.height) == (4100, 16)


@settings(max_examples=300, deadline=None)
@given(head=st.sampled_from([PNG_MAGIC, b"\xff\xd8\xff", b"RIFF\0\0\0\0WEBPVP8 ", b"RIFF\0\0\0\0WEBPVP8L", b"RIFF\0\0\0\0WEBPVP8X", b""]), tail=st.binary(max_size=200))
def test_the_header_reader_never_crashes(tmp_path_factory: pytest.TempPathFactory, head: bytes, tail: bytes) -> None:
    path = tmp_path_factory.mktemp("headers") / "image"
    path.write_bytes(head + tail)
    header = read_header(path)
    assert header is None or (header.width > 0 and header.height > 0)


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("size", ["4100x16", "16x4100"])
async def test_images_over_4096_on_either_side_are_422(client: httpx.AsyncClient, tmp_path: Path, variant: str, size: str) -> None:
    response = await client.post(ROUTE, files={"file": (f"big.{variant}", picture(tmp_path, size, variant).read_bytes())})
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "ImageTooLarge"
    assert "4096 × 4096" in response.json()["detail"]
    assert stored_files(client) == []


async def test_an_image_of_exactly_4096_is_accepted(client: httpx.AsyncClient, tmp_path: Path) -> None:
    response = await client.post(ROUTE, files={"file": ("wide.png", picture(tmp_path, "4096x16", "png").read_bytes())})
    assert response.status_code == 200, response.text
    assert (response.json()["metadata"]["width"], response.json()["metadata"]["height"]) == (4096, 16)


async def test_a_huge_header_is_refused_before_any_media_tool_runs(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    real = ffmpeg._run

    async def spy(argv: list[str], timeout: float | None, gate: str) -> bytes:
        started.append(argv[0])
        return await real(argv, timeout, gate)

    monkeypatch.setattr(ffmpeg, "_run", spy)
    ihdr = b"IHDR" + (100_000).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    bomb = PNG_MAGIC + (13).to_bytes(4, "big") + ihdr + b"\0" * 4 + b"\0" * 4096
    response = await client.post(ROUTE, files={"file": ("bomb.png", bomb, "image/png")})
    assert response.status_code == 422 and "100000 × 100000" in response.json()["detail"]
    assert started == [], "no decoder (nor prober) saw the file"


async def test_an_upload_is_cut_off_with_413_while_it_streams(client: httpx.AsyncClient, media: MediaFactory) -> None:
    boundary = "encoreimage"
    sent = {"bytes": 0}
    chunk = b"\0" * 65536

    async def body() -> Any:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n\r\n'.encode()
        yield head + PNG_MAGIC
        for _ in range(480):  # 30 MB, far past the 10 MB cap
            sent["bytes"] += len(chunk)
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": "1000"}
    response = await client.post(ROUTE, content=body(), headers=headers)
    assert response.status_code == 413 and response.json()["error"] == "PayloadTooLarge"
    assert sent["bytes"] < 11 * 2**20, f"{sent['bytes']} bytes were read before the answer"
    assert stored_files(client) == []


@pytest.mark.parametrize("route", [ROUTE, "/api/audio/upload"])
async def test_a_300_character_boundary_is_a_4xx_json_answer(client: httpx.AsyncClient, route: str) -> None:
    boundary = "b" * 300
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n').encode() + PNG_MAGIC + b"\r\n" + f"--{boundary}--\r\n".encode()
    response = await client.post(route, content=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/json"
    assert set(response.json()) == {"error", "detail"} and response.json()["error"] == "BadRequest"
    assert stored_files(client) == []
