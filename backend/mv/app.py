"""The composition root: builds settings, services, middleware and routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from mv import __version__
from mv.assets.repository import AssetRepository
from mv.config_manager import initialize_config_flavors
from mv.core import ffmpeg, handlers
from mv.core.db import Store
from mv.core.errors import ErrorBody
from mv.core.db.buckets import SharedBuckets
from mv.core.limits import PROXY_TOKEN_HEADER, ClientIdentity, RateLimiter, SharedRateLimiter
from mv.core.logging import configure_logging, get_logger
from mv.core.middleware import (
    ApiKeyMiddleware,
    BodyLimitMiddleware,
    ErrorShapeMiddleware,
    NoSniffMiddleware,
    RequestContextMiddleware,
    UnhandledErrorMiddleware,
)
from mv.core.settings import Settings, get_settings
from mv.core.workspace import WorkspaceMiddleware
from mv.core.storage import MediaStorage, S3Mirror
from mv.deps import Services
from mv.domains import SETUP_HOOKS, routers
from mv.jobs import handlers as job_handlers
from mv.jobs.repository import JobRepository
from mv.jobs.queue import QueuedJobRunner, WorkerTimes
from mv.jobs.runner import JobRunner

log = get_logger("mv.app")


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0] if route.tags else 'default'}-{route.name}"


def _error_schema(app: FastAPI) -> dict[str, object]:
    """OpenAPI with our one error shape for 422 and for every undeclared status."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema()
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = {"description": "Invalid request", **ref}
            responses["default"] = {"description": "Error", **ref}
    app.openapi_schema = schema
    return schema


def _proxy_proofs(settings: Settings) -> dict[str, str]:
    """Headers whose secret value proves a request came through Encore's web server."""
    proofs = {}
    if settings.mv_proxy_token is not None:
        proofs[PROXY_TOKEN_HEADER] = settings.mv_proxy_token.get_secret_value()
    if settings.api_key is not None:
        proofs["x-api-key"] = settings.api_key.get_secret_value()
    return proofs


def build_services(settings: Settings) -> Services:
    """Create every long-lived service from settings."""
    flavors = initialize_config_flavors(settings.mv_configs_dir, debug=settings.mv_debug_mode)
    store = Store(settings.database_url)
    s3 = (
        S3Mirror(
            bucket=settings.storage_bucket,
            region=settings.aws_region,
            endpoint_url=settings.s3_endpoint_url,
            access_key=settings.aws_access_key_id,
            secret_key=settings.aws_secret_access_key.get_secret_value() if settings.aws_secret_access_key else None,
            expiry=settings.presigned_url_expiry,
            timeout=settings.mv_s3_timeout,
        )
        if settings.storage_bucket
        else None
    )
    jobs = JobRepository(store)
    runner: JobRunner
    if store.is_sqlite:
        runner = JobRunner(jobs, settings.mv_job_concurrency)
    else:
        times = WorkerTimes(
            stalled=settings.mv_worker_stalled_seconds, shutdown=settings.mv_worker_shutdown_seconds, poll=settings.mv_worker_poll_seconds
        )
        runner = QueuedJobRunner(jobs, settings.mv_job_concurrency, times)
    services = Services(
        settings=settings,
        store=store,
        assets=AssetRepository(store),
        jobs=jobs,
        runner=runner,
        storage=MediaStorage(settings.mv_media_root, s3, settings.mv_media_backend),
        flavors=flavors,
    )
    services.extras["paid_rate_limiter"] = (
        RateLimiter(settings.mv_rate_limit_per_minute)
        if store.is_sqlite
        else SharedRateLimiter(SharedBuckets(store), settings.mv_rate_limit_per_minute)
    )
    services.extras["client_identity"] = ClientIdentity(settings.trusted_proxy_networks, _proxy_proofs(settings))
    for setup in SETUP_HOOKS:
        setup(services)
    return services


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI app; bad settings or flavor files stop here with a clear message."""
    settings = settings or get_settings()
    configure_logging(json=settings.mv_log_json, level=settings.mv_log_level)
    ffmpeg.configure(ffmpeg.Limits(concurrency=settings.mv_ffmpeg_concurrency, timeout=settings.mv_ffmpeg_timeout))
    services = build_services(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        services.flavors.log_startup()
        await services.store.open()
        log.info(
            "encore_started",
            provider=settings.default_provider,
            s3=settings.s3_enabled,
            media_backend=settings.mv_media_backend,
            database=services.store.dialect,
            jobs="in-process" if services.runner.executes_here else "workers",
            api_key=settings.api_key is not None,
        )
        await services.runner.start()
        if services.runner.executes_here:
            resumed = await services.runner.resume()
            if resumed:
                log.info("jobs_resumed", count=resumed)
            for started in services.on_started:
                await started()
        try:
            yield
        finally:
            await services.runner.shutdown()
            await services.providers.close()
            await services.storage.close()
            await services.store.close()

    app = FastAPI(
        title="Encore",
        version=__version__,
        summary="Turn a song and an idea into a music video.",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        redirect_slashes=False,
    )
    app.state.services = services
    app.openapi = lambda: _error_schema(app)  # type: ignore[method-assign]
    handlers.install(app)
    job_handlers.install(app)
    for router in routers():
        app.include_router(router)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.mv_max_body_mb * 2**20)
    app.add_middleware(WorkspaceMiddleware, secrets=_proxy_proofs(settings))
    if settings.api_key is not None:
        app.add_middleware(ApiKeyMiddleware, key=settings.api_key.get_secret_value())
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_list,
        allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Content-Type", "X-API-Key", "Range", "X-Request-ID"],
        expose_headers=["Content-Range", "Accept-Ranges", "X-Request-ID"],
    )
    app.add_middleware(ErrorShapeMiddleware)
    app.add_middleware(NoSniffMiddleware)
    app.add_middleware(RequestContextMiddleware)
    return app
