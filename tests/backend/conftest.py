"""Shared fixtures: isolated settings, an app with its lifespan, real media, a real S3 server."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

os.environ.setdefault("MV_PROVIDER", "local")
os.environ.pop("REPLICATE_API_TOKEN", None)
os.environ.pop("API_KEY", None)
os.environ.pop("STORAGE_BUCKET", None)

from mv.app import create_app  # noqa: E402
from mv.core.db import Store  # noqa: E402
from mv.core.settings import Settings  # noqa: E402
from live import free_port  # noqa: E402, F401
from pg import PostgresServer  # noqa: E402
from media import MediaFactory  # noqa: E402
from patient import PatientTransport  # noqa: E402
from s3_bucket import BUCKET  # noqa: E402
from fake_replicate import fake_replicate  # noqa: E402, F401  (the fake Replicate API, shared by provider tests)



@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings isolated under tmp_path, with overrides."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "mv_data_dir": tmp_path / "data",
            "mv_media_root": tmp_path / "outputs",
            "mv_provider": "local",
            "mv_default_wait": 10.0,
            "mv_rate_limit_per_minute": 100000,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return build


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """Default test settings."""
    return make_settings()


@pytest.fixture
async def app_client(make_settings: Callable[..., Settings]) -> AsyncIterator[Callable[..., Any]]:
    """A factory of (app, client) pairs running their lifespan; closed at teardown."""
    managers: list[tuple[LifespanManager, httpx.AsyncClient]] = []

    async def open_client(**overrides: Any) -> httpx.AsyncClient:
        app = create_app(make_settings(**overrides))
        manager = LifespanManager(app, startup_timeout=30, shutdown_timeout=30)
        await manager.__aenter__()
        client = httpx.AsyncClient(transport=PatientTransport(httpx.ASGITransport(app=manager.app)), base_url="http://test", timeout=60)
        client.app = app  # type: ignore[attr-defined]
        managers.append((manager, client))
        return client

    yield open_client
    for manager, client in reversed(managers):
        await client.aclose()
        await manager.__aexit__(None, None, None)


@pytest.fixture
async def client(app_client: Callable[..., Any]) -> httpx.AsyncClient:
    """A client for an app with default test settings."""
    return await app_client()


ENGINES = ("sqlite", "postgresql")
"""Every engine the store runs on; store tests run on each."""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on loopback, started on first use, one per test process, removed at the end."""
    server = PostgresServer().start()
    yield server
    server.close()


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A factory of empty databases on an engine ("sqlite" or "postgresql"); returns operator URLs, dropped at teardown."""
    made: list[str] = []

    def create(engine: str) -> str:
        if engine == "sqlite":
            url = f"sqlite:///{tmp_path / f'db{len(made)}' / 'encore.db'}"
        else:
            url = request.getfixturevalue("pg_server").create_database()
        made.append(url)
        return url

    yield create
    for url in made:
        if url.startswith("postgresql"):
            request.getfixturevalue("pg_server").drop_database(url)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine a store test runs on."""
    return str(request.param)


@pytest.fixture
def database_url(engine: str, new_database: Callable[[str], str]) -> str:
    """An empty database on the engine under test (its operator URL)."""
    return new_database(engine)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated store on the engine under test."""
    opened = Store(database_url)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where generated media is cached for the session."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def media(media_dir: Path) -> MediaFactory:
    """Generates real test media with ffmpeg."""
    return MediaFactory(media_dir)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A real S3-compatible server (moto in server mode) on loopback; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_settings(s3_server: str) -> dict[str, Any]:
    """Setting overrides that mirror media to a fresh bucket on the moto server."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if BUCKET not in existing:
        s3.create_bucket(Bucket=BUCKET)
    return {
        "storage_bucket": BUCKET,
        "s3_endpoint_url": s3_server,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "aws_region": "us-east-1",
    }


@pytest.fixture
def s3_down_settings() -> dict[str, Any]:
    """Setting overrides pointing at an S3 endpoint where nothing listens."""
    return {
        "storage_bucket": BUCKET,
        "s3_endpoint_url": f"http://127.0.0.1:{free_port()}",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


class SilentServer:
    """A loopback TCP server that accepts connections and never answers: injected latency of `hold` seconds."""

    def __init__(self, hold: float = 30.0) -> None:
        self.hold = hold
        self.connections = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """Where it listens."""
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._hold, args=(conn,), daemon=True).start()

    def _hold(self, conn: socket.socket) -> None:
        with conn:
            self._stop.wait(self.hold)

    def stop(self) -> None:
        """Close the listener and every held connection."""
        self._stop.set()
        self._thread.join()
        self._sock.close()


@pytest.fixture
def s3_silent() -> Iterator[SilentServer]:
    """An S3 endpoint that takes connections and answers nothing for 30 s."""
    server = SilentServer()
    yield server
    server.stop()


@pytest.fixture
def s3_slow_settings(s3_silent: SilentServer) -> dict[str, Any]:
    """Setting overrides pointing at the silent S3 endpoint, with a short S3 timeout."""
    return {
        "storage_bucket": BUCKET,
        "s3_endpoint_url": s3_silent.url,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "mv_s3_timeout": 0.5,
    }
