"""Every error the API writes is `{"error", "detail"}`: bad ranges on every media route, refused preflights, trailing slashes."""

from __future__ import annotations


async def media_urls(client, media) -> dict[str, str]:
    """One stored song, clip and character image, by kind."""
    song = await client.post("/api/audio/upload", files={"file": ("song.mp3", media.tone(3.0).read_bytes())})
    clip = await client.post("/api/mv/generate_video?wait=30", json={"prompt": "A singer on a rooftop."})
    image = await client.post("/api/mv/generate_character_reference?wait=30", json={"character_description": "a drummer in red"})
    assert (song.status_code, clip.status_code, image.status_code) == (200, 200, 200), (song.text, clip.text, image.text)
    return {"audio": song.json()["audio_url"], "video": clip.json()["video_url"], "image": image.json()["images"][0]["url"]}


def assert_error_shape(response, status: int, name: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "detail"} and body["error"] == name and body["detail"].endswith(".")


async def test_bad_ranges_on_every_media_route_are_json(client, media) -> None:
    for kind, url in (await media_urls(client, media)).items():
        whole = await client.get(url)
        assert whole.status_code == 200 and whole.headers["x-content-type-options"] == "nosniff", kind
        size = len(whole.content)
        part = await client.get(url, headers={"Range": "bytes=0-9"})
        assert part.status_code == 206 and part.content == whole.content[:10], kind

        beyond = await client.get(url, headers={"Range": f"bytes={size}-"})
        assert_error_shape(beyond, 416, "RangeNotSatisfiable")
        assert beyond.headers["content-range"] == f"bytes */{size}", kind
        for malformed in ("lines=0-9", "bytes=9-2", "bytes", "bytes=abc"):
            assert_error_shape(await client.get(url, headers={"Range": malformed}), 400, "BadRequest")
        if kind != "image":  # songs and clips are served by the shared helper, whose details are specific
            assert str(size) in beyond.json()["detail"]
            assert "bytes=start-end" in (await client.get(url, headers={"Range": "lines=1-2"})).json()["detail"]


async def test_trailing_slashes_are_404_without_a_redirect(client) -> None:
    for method, path in (("GET", "/api/mv/get_config_flavors/"), ("POST", "/api/mv/create_scenes/"), ("GET", "/healthz/")):
        response = await client.request(method, path, json={} if method == "POST" else None)
        assert "location" not in response.headers
        assert_error_shape(response, 404, "NotFound")


async def test_a_refused_cors_preflight_is_json(app_client) -> None:
    client = await app_client(cors_origins="https://encore.example")
    refused = await client.options(
        "/api/mv/get_config_flavors", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert_error_shape(refused, 400, "BadRequest")


async def test_wrong_methods_and_unknown_routes_are_json(client) -> None:
    assert_error_shape(await client.delete("/api/mv/get_config_flavors"), 405, "MethodNotAllowed")
    assert_error_shape(await client.get("/api/no/such/route"), 404, "NotFound")


async def test_every_answer_says_nosniff(client) -> None:
    for path in ("/healthz", "/api/mv/get_config_flavors", "/api/no/such/route"):
        assert (await client.get(path)).headers["x-content-type-options"] == "nosniff"
