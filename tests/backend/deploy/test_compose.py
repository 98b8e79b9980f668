"""`docker-compose.yml` describes the scaled shape (no Docker engine here: the file is read and checked)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from live import ROOT

COMPOSE = ROOT / "docker-compose.yml"
OFFICIAL_BASES = re.compile(r"^FROM (python|node):[0-9][\w.-]*(-slim)?( AS \w+)?$", re.MULTILINE)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def services_running(compose: dict[str, Any], *argv: str) -> list[str]:
    return [name for name, s in compose["services"].items() if s.get("command") == list(argv)]


def test_the_scaled_shape_is_all_there(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["minio"]["image"].startswith("minio/minio")
    assert len(services_running(compose, "python", "-m", "mv")) == 2, "two API processes"
    assert len(services_running(compose, "python", "-m", "mv", "worker")) == 2, "two workers"
    assert services["web"]["build"]["context"] == "frontend"
    assert services["web"]["environment"]["BACKEND_URL"] == "http://api:8000"
    for name in services_running(compose, "python", "-m", "mv"):
        assert "api" in services[name]["networks"]["default"]["aliases"]


def test_every_long_running_service_has_a_healthcheck_and_waits_for_what_it_needs(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        if name == "minio-bucket":
            assert "restart" not in service, "the bucket maker runs once"
            continue
        check = service.get("healthcheck", {}).get("test")
        assert check and check[0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"
    for name in services_running(compose, "python", "-m", "mv") + services_running(compose, "python", "-m", "mv", "worker"):
        needs = services[name]["depends_on"]
        assert needs["postgres"]["condition"] == "service_healthy"
        assert needs["minio-bucket"]["condition"] == "service_completed_successfully"
    assert {n: c["condition"] for n, c in services["web"]["depends_on"].items()} == {"api-1": "service_healthy", "api-2": "service_healthy"}


def test_api_and_workers_share_the_database_and_the_bucket_but_no_disk(compose: dict[str, Any]) -> None:
    services = compose["services"]
    backend = services_running(compose, "python", "-m", "mv") + services_running(compose, "python", "-m", "mv", "worker")
    for name in backend:
        env = services[name]["environment"]
        assert env["MV_MEDIA_BACKEND"] == "s3" and env["S3_ENDPOINT_URL"] == "http://minio:9000"
        assert env["MV_DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["MV_DATABASE_URL"]
        assert "volumes" not in services[name], f"{name} must not share a disk with another process"


def test_compose_refuses_to_start_without_an_api_key(compose: dict[str, Any]) -> None:
    required = re.compile(r"^\$\{API_KEY:\?[^}]*set API_KEY[^}]*\}$")
    services = compose["services"]
    for name in services_running(compose, "python", "-m", "mv") + services_running(compose, "python", "-m", "mv", "worker") + ["web"]:
        assert required.match(services[name]["environment"]["API_KEY"]), f"{name} does not require API_KEY"
    assert "API_KEY:-" not in COMPOSE.read_text(), "no service may fall back to an empty key"


def test_images_build_from_the_registries_the_project_uses(compose: dict[str, Any]) -> None:
    backend = (ROOT / "backend" / "Dockerfile").read_text()
    frontend = (ROOT / "frontend" / "Dockerfile").read_text()
    for dockerfile in (backend, frontend):
        froms = [line for line in dockerfile.splitlines() if line.startswith("FROM ")]
        assert froms and all(OFFICIAL_BASES.match(line) for line in froms), froms
    assert "--require-hashes -r backend/requirements.lock" in backend
    assert "npm ci" in frontend and Path(ROOT / "frontend" / "package-lock.json").is_file()
    built = {s["build"].get("dockerfile", "Dockerfile") for s in compose["services"].values() if "build" in s}
    assert built == {"backend/Dockerfile", "Dockerfile"}
