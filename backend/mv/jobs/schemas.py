"""Job shapes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

JobStatus = Literal["queued", "running", "succeeded", "failed", "canceled"]
FINISHED: frozenset[str] = frozenset({"succeeded", "failed", "canceled"})


class Job(BaseModel):
    """A job row as stored."""

    id: str
    kind: str
    status: JobStatus
    progress: float = 0.0
    message: str | None = None
    request: dict[str, Any] = Field(default_factory=dict)
    state: dict[str, Any] = Field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    attempts: int = 0
    idempotency_key: str | None = None
    request_hash: str | None = None
    workspace_id: str = "default"
    created_at: float
    updated_at: float

    @property
    def finished(self) -> bool:
        """Whether the job reached a final status."""
        return self.status in FINISHED

    def view(self) -> JobView:
        """The public shape."""
        return JobView(**self.model_dump(exclude={"request", "state", "attempts", "idempotency_key", "request_hash", "workspace_id"}))


class JobError(BaseModel):
    """Why a job failed."""

    error: str
    detail: str


class JobView(BaseModel):
    """What `GET /api/jobs/{id}` returns."""

    id: str
    kind: str
    status: JobStatus
    progress: float = Field(..., ge=0, le=1)
    message: str | None = None
    result: dict[str, Any] | None = None
    error: JobError | None = None
    created_at: float
    updated_at: float


class JobAccepted(BaseModel):
    """The 202 answer when a long operation is still running."""

    job_id: str
    status: JobStatus
    status_url: str

    model_config = {"json_schema_extra": {"examples": [{"job_id": "3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11", "status": "running", "status_url": "/api/jobs/3f1c2a9e-8d4b-4c1e-9a57-2b6f0e4d8c11"}]}}
