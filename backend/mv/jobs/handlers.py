"""The answer to a repeated idempotent request: the job the first one started."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mv.jobs.service import ExistingJob, answer


def install(app: FastAPI) -> None:
    """Answer `ExistingJob` with that job's 200-or-202, as if the request had started it."""

    @app.exception_handler(ExistingJob)
    async def existing_job(request: Request, exc: ExistingJob) -> JSONResponse:
        return await answer(request.app.state.services.runner, exc.job, exc.wait)
