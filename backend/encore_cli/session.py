"""The server a command talks to: one given with --server, or an embedded one started on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from encore_cli.client import EncoreClient
from encore_cli.embedded import EmbeddedEncore
from encore_cli.errors import ApiError, CliError, UsageProblem
from encore_cli.progress import Steps
from encore_cli.spec import VideoSpec


@dataclass
class ServerInfo:
    """What the server offers, read once per command."""

    flavors: list[str] = field(default_factory=list)
    replicate_available: bool = False


class Session:
    """Opens the connection lazily, so a command that needs no server never starts one."""

    def __init__(self, server: str | None, api_key: str | None, data_dir: Path | None) -> None:
        if server and not server.startswith(("http://", "https://")):
            raise UsageProblem(f"--server must be an http or https URL (got {server!r}).")
        self.server = server.rstrip("/") if server else None
        self.api_key = api_key
        self.data_dir = data_dir
        self.embedded: EmbeddedEncore | None = None
        self.client: EncoreClient | None = None
        self.info = ServerInfo()

    @property
    def where(self) -> str:
        """How the server is named in output: its URL, or `embedded`."""
        return self.server or "embedded"

    async def open(self, steps: Steps) -> EncoreClient:
        """The client, connecting (and starting the embedded server) the first time."""
        if self.client is not None:
            return self.client
        if self.server is None:
            steps.begin("server", "Starting Encore")
            self.embedded = EmbeddedEncore(self.data_dir)
            url = await self.embedded.start()
            client = EncoreClient(url, self.embedded.api_key)
            steps.end("server", "Encore is running (embedded)")
        else:
            client = EncoreClient(self.server, self.api_key)
        try:
            health = await client.health()
            flavors = await client.flavors()
        except CliError as exc:
            await client.aclose()
            if isinstance(exc, ApiError) and exc.status == 401:
                raise ApiError(401, exc.code, f"{exc.detail.rstrip('.')}: pass --api-key or set API_KEY.") from None
            raise
        self.info = ServerInfo(flavors=flavors, replicate_available=bool(health.get("replicate_available")))
        self.client = client
        return client

    def check(self, spec: VideoSpec) -> None:
        """Refuse a spec this server cannot make: an unknown flavor, or a full run without a Replicate token."""
        if spec.flavor is not None and self.info.flavors and spec.flavor not in self.info.flavors:
            raise UsageProblem(f"Unknown flavor {spec.flavor!r}; this server offers {', '.join(self.info.flavors)}.")
        if spec.full and not self.info.replicate_available:
            raise UsageProblem("A full run needs the real models: set REPLICATE_API_TOKEN for the server.")

    async def close(self) -> None:
        """Close the connection and stop an embedded server."""
        if self.client is not None:
            await self.client.aclose()
            self.client = None
        if self.embedded is not None:
            await self.embedded.stop()
            self.embedded = None
