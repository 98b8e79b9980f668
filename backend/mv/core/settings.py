"""The one settings object, read from the environment and `.env`."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mv.core.db.url import default_url, engine_url

BACKEND_DIR = Path(__file__).resolve().parents[2]
PACKAGE_DIR = BACKEND_DIR / "mv"
REPO_DIR = BACKEND_DIR.parent


class SettingsError(SystemExit):
    """Raised at startup when a setting has a bad value; names the variable."""


class Settings(BaseSettings):
    """Every setting Encore reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=(REPO_DIR / ".env", ".env"),
        env_ignore_empty=True,
        extra="ignore",
        case_sensitive=False,
    )

    backend_port: int = Field(8000, ge=1, le=65535)
    frontend_port: int = Field(3000, ge=1, le=65535)
    mv_host: str = "127.0.0.1"
    mv_allow_public_without_key: bool = False
    mv_data_dir: Path = PACKAGE_DIR / "data"
    mv_database_url: SecretStr | None = None
    mv_media_root: Path = PACKAGE_DIR / "outputs"
    mv_media_backend: Literal["local", "s3"] = "local"
    mv_configs_dir: Path = PACKAGE_DIR / "configs"
    mv_provider: Literal["auto", "replicate", "local"] = "auto"
    replicate_api_token: SecretStr | None = None
    replicate_base_url: str = "https://api.replicate.com/v1"
    replicate_poll_interval: float = Field(0.5, gt=0, le=60)
    replicate_timeout: float = Field(30.0, gt=0, le=600)
    replicate_webhook_secret: SecretStr | None = None
    replicate_webhook_poll_interval: float = Field(30.0, gt=0, le=600)
    mv_public_url: str | None = None
    mv_debug_mode: bool = False
    mv_log_json: bool = False
    mv_log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    storage_bucket: str | None = None
    aws_region: str = "us-east-1"
    aws_access_key_id: str | None = None
    aws_secret_access_key: SecretStr | None = None
    s3_endpoint_url: str | None = None
    presigned_url_expiry: int = Field(3600, ge=60, le=604800)
    mv_serve_from_s3: bool = False
    mv_s3_timeout: float = Field(20.0, gt=0, le=300)
    api_key: SecretStr | None = None
    cors_origins: str = "http://localhost:3000,http://127.0.0.1:3000"
    mv_max_upload_mb: int = Field(50, ge=1, le=2048)
    mv_max_audio_seconds: int = Field(900, ge=10, le=7200)
    mv_max_body_mb: int = Field(60, ge=1, le=4096)
    mv_download_hosts: str = ""
    mv_download_allow_private: bool = False
    mv_job_concurrency: int = Field(32, ge=1, le=256)
    mv_worker_stalled_seconds: float = Field(30.0, ge=1, le=3600)
    mv_worker_shutdown_seconds: float = Field(30.0, ge=0, le=3600)
    mv_worker_poll_seconds: float = Field(5.0, gt=0, le=300)
    mv_ffmpeg_concurrency: int = Field(2, ge=1, le=64)
    mv_ffmpeg_timeout: float = Field(300.0, gt=0)
    mv_analysis_workers: int = Field(1, ge=1, le=16)
    mv_analysis_memory_mb: int = Field(2048, ge=512, le=65536)
    mv_analysis_timeout: float = Field(120.0, gt=0)
    mv_default_wait: float = Field(2.0, ge=0, le=30)
    mv_rate_limit_per_minute: int = Field(60, ge=1, le=100000)
    mv_max_paid_jobs: int = Field(32, ge=1, le=1000)
    mv_max_spend_usd_per_day: float | None = Field(None, ge=0, le=1_000_000)
    mv_confirm_above_usd: float = Field(5.0, ge=0, le=1_000_000)
    mv_trusted_proxies: str = "127.0.0.0/8,::1"
    mv_proxy_token: SecretStr | None = None
    mv_keep_alive_timeout: int = Field(5, ge=1, le=300)
    mv_header_timeout: float = Field(10.0, gt=0, le=300)
    mv_read_timeout: float = Field(30.0, gt=0, le=3600)
    mv_max_connections: int = Field(512, ge=1, le=100000)
    mv_max_header_kb: int = Field(32, ge=4, le=1024)

    @field_validator("mv_host")
    @classmethod
    def _host_not_blank(cls, value: str) -> str:
        """Refuse an empty bind address."""
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("mv_database_url")
    @classmethod
    def _database_url_supported(cls, value: SecretStr | None) -> SecretStr | None:
        """Accept only the engines Encore runs on (the message never echoes the URL: it may hold a password)."""
        if value is not None:
            engine_url(value.get_secret_value())
        return value

    @field_validator("mv_public_url")
    @classmethod
    def _public_url_is_http(cls, value: str | None) -> str | None:
        """An absolute http(s) URL without a trailing slash."""
        if value is None:
            return None
        if not value.startswith(("https://", "http://")) or " " in value:
            raise ValueError("must be an absolute http(s) URL such as https://encore.example.com")
        return value.rstrip("/")

    @field_validator("replicate_webhook_secret")
    @classmethod
    def _webhook_secret_is_whsec(cls, value: SecretStr | None) -> SecretStr | None:
        """A `whsec_` secret whose rest is base64 (the message never echoes it)."""
        if value is not None:
            from mv.webhooks.signature import secret_bytes

            secret_bytes(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _s3_backend_needs_a_bucket(self) -> Settings:
        """`MV_MEDIA_BACKEND=s3` keeps every artefact in the bucket, so one must be named."""
        if self.mv_media_backend == "s3" and not self.storage_bucket:
            raise ValueError("MV_MEDIA_BACKEND=s3 needs STORAGE_BUCKET (and S3_ENDPOINT_URL for a non-AWS store)")
        return self

    @field_validator("mv_trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: str) -> str:
        """Refuse anything but IP addresses and CIDR networks."""
        for item in value.split(","):
            if item.strip():
                try:
                    ipaddress.ip_network(item.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{item.strip()!r} is not an IP address or network") from None
        return value

    @field_validator("mv_data_dir", "mv_media_root", "mv_configs_dir")
    @classmethod
    def _anchor_relative_paths(cls, value: Path) -> Path:
        """Read relative paths from the repository root, wherever Encore is started."""
        return value if value.is_absolute() else REPO_DIR / value

    @property
    def database_url(self) -> str:
        """The operator's database URL, or the embedded SQLite file under the data folder."""
        if self.mv_database_url is None:
            return default_url(self.mv_data_dir)
        return self.mv_database_url.get_secret_value()

    @property
    def replicate_token(self) -> str | None:
        """The Replicate token as plain text, or None."""
        return self.replicate_api_token.get_secret_value() if self.replicate_api_token else None

    @property
    def default_provider(self) -> Literal["replicate", "local"]:
        """The provider used when a request names none."""
        if self.mv_provider == "auto":
            return "replicate" if self.replicate_token else "local"
        return self.mv_provider

    @property
    def download_hosts(self) -> frozenset[str]:
        """Extra hosts an operator allows for URL imports."""
        return frozenset(h.strip().lower() for h in self.mv_download_hosts.split(",") if h.strip())

    @property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """Peers whose appended X-Forwarded-For hop may name the client (when they also prove they are the web app)."""
        return tuple(ipaddress.ip_network(i.strip(), strict=False) for i in self.mv_trusted_proxies.split(",") if i.strip())

    @property
    def cors_origin_list(self) -> list[str]:
        """Origins allowed by CORS."""
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @property
    def webhook_url(self) -> str | None:
        """Where Replicate posts prediction webhooks, when a public URL and a signing secret are both set."""
        if self.mv_public_url and self.replicate_webhook_secret is not None:
            return f"{self.mv_public_url}/api/webhooks/replicate"
        return None

    @property
    def s3_enabled(self) -> bool:
        """Whether artefacts are mirrored to S3."""
        return bool(self.storage_bucket)


def load_settings(**overrides: object) -> Settings:
    """Build settings; a bad value exits with a message naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']).upper() or 'SETTINGS'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise SettingsError("Encore cannot start, invalid settings:\n" + "\n".join(lines)) from None


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return load_settings()
