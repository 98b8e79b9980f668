"""Project endpoints: keep, list, change, duplicate, share and delete music video projects."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from mv.core.errors import ErrorBody
from mv.core.ids import IdPath
from mv.core.workspace import current_workspace
from mv.deps import ServicesDep
from mv.projects import service
from mv.projects.schemas import Project, ProjectCreate, ProjectPage, ProjectPatch, ShareLink

router = APIRouter(tags=["projects"])
PROJECTS = "/api/projects"

async def request_workspace() -> str:
    """The workspace of the request (an async dependency: no thread hop)."""
    return current_workspace()


Workspace = Annotated[str, Depends(request_workspace)]
NOT_FOUND = {404: {"model": ErrorBody, "description": "No project with that id in this workspace."}}


@router.post(PROJECTS, response_model=Project, status_code=201, responses={**NOT_FOUND, 422: {"model": ErrorBody}}, summary="Create a project")
async def create_project(body: ProjectCreate, services: ServicesDep, workspace: Workspace) -> Project:
    """Keep a new project in the caller's workspace."""
    return await service.create(services, workspace, body)


@router.get(PROJECTS, response_model=ProjectPage, summary="List projects, newest first")
async def list_projects(
    services: ServicesDep,
    workspace: Workspace,
    limit: int = Query(20, ge=1, le=100, description="Projects per page."),
    offset: int = Query(0, ge=0, le=1_000_000, description="Projects to skip."),
) -> ProjectPage:
    """One page of the workspace's projects."""
    return await service.page(services, workspace, limit=limit, offset=offset)


@router.get(PROJECTS + "/{project_id}", response_model=Project, responses=NOT_FOUND, summary="Get a project")
async def get_project(project_id: IdPath, services: ServicesDep, workspace: Workspace) -> Project:
    """Everything the project keeps."""
    return await service.get(services, workspace, str(project_id))


@router.patch(PROJECTS + "/{project_id}", response_model=Project, responses={**NOT_FOUND, 422: {"model": ErrorBody}}, summary="Change a project")
async def patch_project(project_id: IdPath, body: ProjectPatch, services: ServicesDep, workspace: Workspace) -> Project:
    """Replace the fields sent."""
    return await service.patch(services, workspace, str(project_id), body)


@router.delete(PROJECTS + "/{project_id}", status_code=204, response_class=Response, responses=NOT_FOUND, summary="Delete a project and its media")
async def delete_project(project_id: IdPath, services: ServicesDep, workspace: Workspace) -> Response:
    """Remove the project and the media no other project uses, locally and in S3."""
    await service.delete(services, workspace, str(project_id))
    return Response(status_code=204)


@router.post(PROJECTS + "/{project_id}/duplicate", response_model=Project, status_code=201, responses=NOT_FOUND, summary="Duplicate a project")
async def duplicate_project(project_id: IdPath, services: ServicesDep, workspace: Workspace) -> Project:
    """A new project with the same song, idea and character, and an empty plan."""
    return await service.duplicate(services, workspace, str(project_id))


@router.post(PROJECTS + "/{project_id}/share", response_model=ShareLink, status_code=201, responses=NOT_FOUND, summary="Share a project read-only")
async def share_project(project_id: IdPath, services: ServicesDep, workspace: Workspace) -> ShareLink:
    """A new unguessable read-only link; an earlier link stops working."""
    return await service.share(services, workspace, str(project_id))


@router.delete(PROJECTS + "/{project_id}/share", status_code=204, response_class=Response, responses=NOT_FOUND, summary="Stop sharing a project")
async def unshare_project(project_id: IdPath, services: ServicesDep, workspace: Workspace) -> Response:
    """Revoke the project's share link."""
    await service.unshare(services, workspace, str(project_id))
    return Response(status_code=204)


@router.get("/api/shared/{token}", response_model=Project, responses={404: {"model": ErrorBody}}, summary="Read a shared project")
async def get_shared_project(
    services: ServicesDep, token: Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
) -> Project:
    """The project behind a share link, read-only, from any workspace."""
    return await service.shared(services, token)
