"""`encore projects` lists a server's projects newest first, as a table or JSON, per workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from encore_process import Encore
from live import free_port, live_server

KEY = "cli-projects-key-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One running Encore with an API key and three projects: two in the default workspace, one in `batch-1`."""
    with live_server(tmp_path_factory.mktemp("cli-projects"), API_KEY=KEY) as url:
        for title, workspace in (("Rooftop choir", None), ("Harbour lights", None), ("Elsewhere", "batch-1")):
            headers = {"X-API-Key": KEY, **({"X-Encore-Workspace": workspace} if workspace else {})}
            body = {"title": title, "idea": title, "mode": "draft", "config_flavor": "mv1", "aspect_ratio": "9:16", "song": {"duration": 75}}
            assert httpx.post(f"{url}/api/projects", json=body, headers=headers).status_code == 201
        yield url


def test_projects_as_json_are_newest_first(encore: Encore, server: str) -> None:
    ran = encore("projects", "--server", server, "--api-key", KEY, "--json")

    assert ran.code == 0, ran.err
    page = ran.json()
    assert page["ok"] is True and page["total"] == 2 and page["server"] == server
    assert [p["title"] for p in page["items"]] == ["Harbour lights", "Rooftop choir"]
    assert page["items"][0]["aspect_ratio"] == "9:16" and page["items"][0]["duration"] == 75


def test_projects_as_a_table(encore: Encore, server: str) -> None:
    ran = encore("projects", "--server", server, "--limit", "1", env={"API_KEY": KEY})

    assert ran.code == 0, ran.err
    assert "Harbour lights" in ran.out and "Rooftop choir" not in ran.out
    assert "1:15" in ran.out and "mv1" in ran.out and "9:16" in ran.out and "1 of 2 projects" in ran.out


def test_a_named_workspace_lists_only_its_projects(encore: Encore, server: str) -> None:
    ran = encore("projects", "--server", server, "--api-key", KEY, "--workspace", "batch-1", "--json")

    assert [p["title"] for p in ran.json()["items"]] == ["Elsewhere"]
    empty = encore("projects", "--server", server, "--api-key", KEY, "--workspace", "nobody")
    assert empty.code == 0 and empty.out.strip() == "No projects."


def test_bad_input_is_one_line_and_non_zero(encore: Encore, server: str, tmp_path: Path) -> None:
    unreachable = encore("projects", "--server", f"http://127.0.0.1:{free_port()}")
    assert unreachable.code == 3 and "cannot reach" in unreachable.one_error_line()
    no_key = encore("projects", "--server", server)
    assert no_key.code != 0 and "--api-key" in no_key.one_error_line()
    bad_limit = encore("projects", "--server", server, "--limit", "0")
    assert bad_limit.code != 0 and "Traceback" not in bad_limit.err
