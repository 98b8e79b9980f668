"""`python -m mv`: serve the API, on loopback unless an API key protects it; `python -m mv worker`: run queued jobs."""

from __future__ import annotations

import ipaddress
import sys

import uvicorn

from mv.core.http_server import guarded_protocol
from mv.core.logging import configure_logging, get_logger
from mv.core.settings import get_settings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main() -> None:
    """Start uvicorn with the app factory; `python -m mv worker` runs queued jobs instead."""
    if sys.argv[1:2] == ["worker"]:
        from mv.jobs.worker import main as worker_main

        worker_main()
        return
    settings = get_settings()
    configure_logging(json=settings.mv_log_json, level=settings.mv_log_level)
    log = get_logger("mv.server")
    host = settings.mv_host
    if settings.api_key is None and not _is_loopback(host) and not settings.mv_allow_public_without_key:
        log.warning("listening_on_loopback_only", requested_host=host, reason="API_KEY is not set")
        host = "127.0.0.1"
    elif settings.api_key is None:
        log.info("no_api_key", detail="API_KEY is unset: serving without authentication", host=host)
    log.info("encore_listening", url=f"http://{host}:{settings.backend_port}")
    uvicorn.run(
        "mv.app:create_app",
        factory=True,
        host=host,
        port=settings.backend_port,
        log_config=None,
        proxy_headers=False,
        http=guarded_protocol(settings),
        ws="none",
        timeout_keep_alive=settings.mv_keep_alive_timeout,
    )


if __name__ == "__main__":
    main()
