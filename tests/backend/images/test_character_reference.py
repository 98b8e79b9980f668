"""Character references: offline generation, uploads checked by content, serving locally or from S3."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from s3_bucket import s3_object
from helpers_mv import ffprobe
from media import MediaFactory

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


async def test_local_generation_stores_distinct_deterministic_pngs(client: httpx.AsyncClient, tmp_path: Path) -> None:
    body = {"character_description": "a bassist in a yellow raincoat", "num_images": 3, "provider": "local"}
    response = await client.post("/api/mv/generate_character_reference?wait=30", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert len(result["images"]) == 3
    assert result["metadata"]["provider"] == "local" and result["metadata"]["draft"] is True
    assert result["metadata"]["config_flavor"] == "default" and result["metadata"]["images_made"] == 3
    contents = []
    for image in result["images"]:
        assert image["url"] == f"/api/mv/get_character_reference/{image['id']}"
        got = await client.get(image["url"])
        assert got.status_code == 200 and got.headers["content-type"] == "image/png"
        assert got.content.startswith(PNG_MAGIC)
        contents.append(got.content)
    assert len(set(contents)) == 3
    again = await client.post("/api/mv/generate_character_reference?wait=30", json=body)
    second = [(await client.get(i["url"])).content for i in again.json()["images"]]
    assert second == contents  # same description, same drafts
    default_count = await client.post("/api/mv/generate_character_reference?wait=30", json={"character_description": "x", "config_flavor": "example"})
    assert len(default_count.json()["images"]) == 2  # example flavor's num_images


async def test_upload_accepts_png_jpeg_webp_and_stores_png(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    source = media.image(size="320x240", name="upload_src.png")
    for ext, mime in (("png", "image/png"), ("jpg", "image/jpeg"), ("webp", "image/webp")):
        path = tmp_path / f"pic.{ext}"
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(source), str(path)], check=True)
        with path.open("rb") as fh:
            response = await client.post("/api/mv/upload_character_reference", files={"file": (path.name, fh, mime)})
        assert response.status_code == 200, response.text
        image = response.json()["images"][0]
        assert response.json()["metadata"]["original_format"] in ("png", "jpeg", "webp")
        got = await client.get(image["url"])
        assert got.content.startswith(PNG_MAGIC)
        stored = tmp_path / "stored.png"
        stored.write_bytes(got.content)
        stream = ffprobe(stored)["streams"][0]
        assert (stream["width"], stream["height"]) == (320, 240)


async def test_upload_refuses_non_images_and_big_files(client: httpx.AsyncClient, media: MediaFactory, tmp_path: Path) -> None:
    text = await client.post("/api/mv/upload_character_reference", files={"file": ("a.png", b"not an image at all", "image/png")})
    assert text.status_code == 415 and text.json()["error"] == "UnsupportedMediaType"
    truncated = media.image(name="trunc_src.png").read_bytes()[:40]
    broken = await client.post("/api/mv/upload_character_reference", files={"file": ("b.png", truncated, "image/png")})
    assert broken.status_code == 415
    video = media.video(1.0)
    as_image = await client.post("/api/mv/upload_character_reference", files={"file": ("c.png", video.read_bytes(), "image/png")})
    assert as_image.status_code == 415
    big = PNG_MAGIC + b"\0" * (10 * 2**20 + 1)
    too_big = await client.post("/api/mv/upload_character_reference", files={"file": ("d.png", big, "image/png")})
    assert too_big.status_code == 413


async def test_get_character_reference_unknown_and_wrong_kind(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/mv/get_character_reference/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11")
    assert missing.status_code == 404
    assert missing.json() == {"error": "NotFound", "detail": "No character reference has the id 3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11."}
    assert (await client.get("/api/mv/get_character_reference/..%2F..%2Fetc")).status_code in (404, 422)
    clip = await client.post("/api/mv/generate_video?wait=30", json={"prompt": "a wide shot"})
    wrong = await client.get(f"/api/mv/get_character_reference/{clip.json()['video_id']}")
    assert wrong.status_code == 404


async def test_images_are_mirrored_to_s3_and_served_by_presigned_redirect(
    app_client: Callable[..., Any], s3_settings: dict[str, Any], s3_server: str
) -> None:
    client = await app_client(**s3_settings, mv_serve_from_s3=True)
    response = await client.post("/api/mv/generate_character_reference?wait=30", json={"character_description": "a keyboardist", "num_images": 1})
    image = response.json()["images"][0]
    assert image["url"].startswith(s3_server) and "Signature" in image["url"]
    stored = s3_object(s3_server, f"mv/outputs/character_reference/{image['id']}.png")
    assert stored is not None and stored.startswith(PNG_MAGIC)
    redirect = await client.get(f"/api/mv/get_character_reference/{image['id']}")
    assert redirect.status_code == 307
    assert httpx.get(redirect.headers["location"]).content == stored
