"""Workspaces: named only by the web app's proxy or an API_KEY caller; a project or job of one is a 404 in another."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from live import live_server
from media import MediaFactory
from project_media import project_body, upload_song

TOKEN = "proxy-token-for-tests-0123456789"


def through_proxy(workspace: str) -> dict[str, str]:
    """Headers the web app's server sends for a browser of this workspace."""
    return {"X-Encore-Proxy": TOKEN, "X-Encore-Workspace": workspace}


async def test_projects_and_jobs_of_one_workspace_are_404_in_another(app_client: Callable[..., Any], media: MediaFactory) -> None:
    client: httpx.AsyncClient = await app_client(mv_proxy_token=TOKEN)
    alice, bob = through_proxy("alice-0001"), through_proxy("bob-0002")
    song = await upload_song(client, media.tone(12.0), headers=alice)
    project = (await client.post("/api/projects", json=project_body(song), headers=alice)).json()
    pid = project["id"]

    assert (await client.get(f"/api/projects/{pid}", headers=alice)).status_code == 200
    for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/duplicate"), ("POST", "/share")):
        response = await client.request(method, f"/api/projects/{pid}{path}", headers=bob, json={"idea": "x"} if method == "PATCH" else None)
        assert response.status_code == 404, (method, path, response.text)
    assert (await client.get("/api/projects", headers=bob)).json()["items"] == []
    assert [p["id"] for p in (await client.get("/api/projects", headers=alice)).json()["items"]] == [pid]
    assert (await client.get(f"/api/projects/{pid}", headers=alice)).json()["idea"] == project["idea"]

    started = await client.post("/api/mv/create_scenes?wait=0", json={"idea": "x", "character_description": "y", "provider": "local"}, headers=alice)
    job_id = started.json()["job_id"]
    assert (await client.get(f"/api/jobs/{job_id}", headers=alice)).status_code == 200
    assert (await client.get(f"/api/jobs/{job_id}", headers=bob)).status_code == 404
    assert (await client.get(f"/api/jobs/{job_id}")).status_code == 404  # no workspace named: the default one

    link = (await client.post(f"/api/projects/{pid}/share", headers=alice)).json()
    assert (await client.get(link["url"], headers=bob)).json()["id"] == pid  # a share link reads across workspaces


def _first_event(url: str, headers: dict[str, str], job_id: str) -> str | None:
    """The first `event: job` data line the stream sends within two seconds, else None."""
    try:
        with httpx.stream("GET", f"{url}/api/jobs/events?ids={job_id}", headers=headers, timeout=2) as response:
            for line in response.iter_lines():
                if line.startswith("data:"):
                    return line
    except httpx.ReadTimeout:
        return None
    return None


def test_the_job_stream_sends_only_jobs_of_the_callers_workspace(tmp_path: Path) -> None:
    with live_server(tmp_path, MV_PROXY_TOKEN=TOKEN) as url:
        body = {"idea": "x", "character_description": "y", "provider": "local"}
        job_id = httpx.post(f"{url}/api/mv/create_scenes?wait=0", json=body, headers=through_proxy("alice"), timeout=30).json()["job_id"]
        assert job_id in (_first_event(url, through_proxy("alice"), job_id) or "")
        assert _first_event(url, through_proxy("bob"), job_id) is None


async def test_a_workspace_header_without_proof_is_ignored(app_client: Callable[..., Any], media: MediaFactory) -> None:
    client: httpx.AsyncClient = await app_client(mv_proxy_token=TOKEN)
    song = await upload_song(client, media.tone(12.0))
    forged = {"X-Encore-Proxy": "wrong-token", "X-Encore-Workspace": "alice"}
    made = (await client.post("/api/projects", json=project_body(song), headers=forged)).json()
    assert (await client.get(f"/api/projects/{made['id']}", headers=through_proxy("alice"))).status_code == 404
    assert (await client.get(f"/api/projects/{made['id']}")).status_code == 200  # it landed in the default workspace
    bad = await client.get("/api/projects", headers=through_proxy("../etc"))
    assert bad.status_code == 400 and bad.json()["error"] == "BadRequest"


async def test_api_key_callers_may_name_the_workspace(app_client: Callable[..., Any], media: MediaFactory) -> None:
    client: httpx.AsyncClient = await app_client(api_key="operator-key-0123456789")
    key = {"X-API-Key": "operator-key-0123456789"}
    song = await upload_song(client, media.tone(12.0), headers=key)
    made = (await client.post("/api/projects", json=project_body(song), headers={**key, "X-Encore-Workspace": "batch-1"})).json()
    assert (await client.get(f"/api/projects/{made['id']}", headers={**key, "X-Encore-Workspace": "batch-1"})).status_code == 200
    assert (await client.get(f"/api/projects/{made['id']}", headers=key)).status_code == 404
    listed = (await client.get("/api/projects", headers={**key, "X-Encore-Workspace": "batch-1"})).json()
    assert [p["id"] for p in listed["items"]] == [made["id"]]
