"""Keeping projects: create, read, list, change, duplicate, share and delete (with the media only they use)."""

from __future__ import annotations

import hashlib
import secrets
from pydantic import ValidationError

from mv.assets.schemas import Asset, AssetKind
from mv.core.errors import EncoreError, NotFound
from mv.core.ids import new_id, parse_id
from mv.core.logging import get_logger
from mv.core.storage import validate_key
from mv.deps import Services
from mv.media.posters import local_poster_url, poster_key
from mv.projects.repository import ProjectRepository
from mv.projects.schemas import (
    Project,
    ProjectContent,
    ProjectCreate,
    ProjectPage,
    ProjectPatch,
    ProjectSummary,
    ShareLink,
    StoredProject,
)
from mv.spend.service import total_for_jobs

log = get_logger(__name__)

TITLE_LENGTH = 60


class InvalidProject(EncoreError):
    """The project's fields contradict each other."""

    status_code = 422


def repository(services: Services) -> ProjectRepository:
    """The app's project repository."""
    return services.extras["projects"]  # type: ignore[no-any-return]


def setup(services: Services) -> None:
    """Give the app its project repository."""
    services.extras["projects"] = ProjectRepository(services.store)


async def project_cost(services: Services, asset_ids: list[str]) -> float | None:
    """What a project's predictions cost: the spend ledger's lines for the jobs that made its assets."""
    job_ids = sorted({a.job_id for a in await services.assets.many(asset_ids) if a.job_id})
    return await total_for_jobs(services, job_ids)


def asset_ids_by_kind(content: ProjectContent) -> dict[AssetKind, set[str]]:
    """Every asset the project uses, by the kind it must be."""
    song = {content.song.audio_id, content.song.original_audio_id}
    images = {content.character.image_id, *content.character.image_ids}
    videos = {c.video_id for c in content.clips} | {f.video_id for f in content.finals}
    videos |= {clip for f in content.finals for clip in f.clip_ids}
    return {
        "audio": {str(i) for i in song if i is not None},
        "image": {str(i) for i in images if i is not None},
        "video": {str(i) for i in videos},
    }


def _all_ids(content: ProjectContent) -> set[str]:
    return set().union(*asset_ids_by_kind(content).values())


async def _check_assets(services: Services, content: ProjectContent) -> None:
    """404 naming every referenced id that is not an asset of the kind its field needs."""
    wanted = asset_ids_by_kind(content)
    found = {a.id: a.kind for a in await services.assets.many(sorted(set().union(*wanted.values())))}
    unknown = sorted(i for kind, ids in wanted.items() for i in ids if found.get(i) != kind)
    if unknown:
        raise NotFound(f"No media has the ids {', '.join(unknown)}." if len(unknown) > 1 else f"No media has the id {unknown[0]}.")


def _default_title(content: ProjectContent) -> str:
    text = content.song.title or content.idea or "Untitled project"
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def _content(stored: StoredProject) -> ProjectContent:
    return ProjectContent.model_validate(stored.document)


async def _poster_url(services: Services, content: ProjectContent) -> str | None:
    """The newest final video's poster, else the chosen character image, when the file exists."""
    ids = [str(f.video_id) for f in reversed(content.finals)]
    if content.character.image_id is not None:
        ids.append(str(content.character.image_id))
    by_id: dict[str, Asset] = {a.id: a for a in await services.assets.many(ids)}
    for asset_id in ids:
        asset = by_id.get(asset_id)
        if asset is None or not asset.ready:
            continue
        if asset.kind == "video":
            return local_poster_url(asset.id)
        if asset.kind == "image":
            return f"/api/mv/get_character_reference/{asset.id}"
    return None


async def view(services: Services, stored: StoredProject) -> Project:
    """The project as the API shows it."""
    content = _content(stored)
    return Project(
        **content.model_dump(),
        id=stored.id,
        title=stored.title,
        created_at=stored.created_at,
        updated_at=stored.updated_at,
        shared=stored.share_token_hash is not None,
        poster_url=await _poster_url(services, content),
        cost_usd=await project_cost(services, sorted(_all_ids(content))),
    )


async def summary(services: Services, stored: StoredProject) -> ProjectSummary:
    """The project as one line of the list."""
    content = _content(stored)
    return ProjectSummary(
        id=stored.id,
        title=stored.title,
        poster_url=await _poster_url(services, content),
        duration=content.song.duration,
        mode=content.mode,
        config_flavor=content.config_flavor,
        aspect_ratio=content.aspect_ratio,
        scene_count=len(content.scenes),
        final_video_id=str(content.finals[-1].video_id) if content.finals else None,
        cost_usd=await project_cost(services, sorted(_all_ids(content))),
        created_at=stored.created_at,
        updated_at=stored.updated_at,
    )


async def _save_new(services: Services, workspace: str, title: str, content: ProjectContent) -> Project:
    await _check_assets(services, content)
    stored = await repository(services).insert(
        project_id=new_id(), workspace=workspace, title=title, document=content.model_dump(mode="json"), asset_ids=_all_ids(content)
    )
    log.info("project_created", project_id=stored.id, workspace=workspace)
    return await view(services, stored)


async def create(services: Services, workspace: str, body: ProjectCreate) -> Project:
    """Create a project in the workspace."""
    content = ProjectContent.model_validate(body.model_dump(exclude={"title"}))
    return await _save_new(services, workspace, body.title or _default_title(content), content)


async def require(services: Services, workspace: str, project_id: str) -> StoredProject:
    """The project with this id in this workspace, else 404 (a project of another workspace is unknown here)."""
    stored = await repository(services).get(project_id, workspace)
    if stored is None:
        raise NotFound("No project has that id.")
    return stored


async def get(services: Services, workspace: str, project_id: str) -> Project:
    """One project of the workspace."""
    return await view(services, await require(services, workspace, project_id))


async def page(services: Services, workspace: str, *, limit: int, offset: int) -> ProjectPage:
    """The workspace's projects, newest first."""
    rows, total = await repository(services).page(workspace, limit=limit, offset=offset)
    return ProjectPage(items=[await summary(services, r) for r in rows], total=total, limit=limit, offset=offset)


async def patch(services: Services, workspace: str, project_id: str, body: ProjectPatch) -> Project:
    """Replace the fields sent; the project must still hold together afterwards."""
    stored = await require(services, workspace, project_id)
    changes = body.model_dump(exclude_unset=True, mode="json")
    title = changes.pop("title", None) or stored.title
    try:
        content = ProjectContent.model_validate({**stored.document, **changes})
    except ValidationError as exc:
        raise InvalidProject(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
    await _check_assets(services, content)
    updated = await repository(services).update(
        project_id, workspace, title=title, document=content.model_dump(mode="json"), asset_ids=_all_ids(content)
    )
    if updated is None:
        raise NotFound("No project has that id.")
    return await view(services, updated)


async def duplicate(services: Services, workspace: str, project_id: str) -> Project:
    """A new project with the same song, idea, character and settings, and an empty plan."""
    stored = await require(services, workspace, project_id)
    fresh = _content(stored).model_copy(update={"scenes": [], "clips": [], "current_clips": {}, "finals": []})
    title = f"{stored.title} (copy)"[:200]
    return await _save_new(services, workspace, title, fresh)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def share(services: Services, workspace: str, project_id: str) -> ShareLink:
    """A new unguessable read-only link (an earlier one stops working)."""
    await require(services, workspace, project_id)
    token = secrets.token_urlsafe(32)
    await repository(services).set_share_token_hash(project_id, workspace, _token_hash(token))
    return ShareLink(token=token, url=f"/api/shared/{token}")


async def unshare(services: Services, workspace: str, project_id: str) -> None:
    """Revoke the project's share link."""
    if not await repository(services).set_share_token_hash(project_id, workspace, None):
        raise NotFound("No project has that id.")


async def shared(services: Services, token: str) -> Project:
    """The project behind a share link; 404 for any token that is not a live link."""
    stored = await repository(services).by_share_token_hash(_token_hash(token))
    if stored is None:
        raise NotFound("No project is shared under that link.")
    return await view(services, stored)


def _media_keys(asset: Asset) -> tuple[list[str], list[str]]:
    """The asset's media keys (its file, a video's poster) and its recorded S3 keys."""
    keys, s3_keys = ([poster_key(asset.id)] if asset.kind == "video" else []), []
    for name, value in [("storage_key", asset.storage_key), ("s3_key", asset.s3_key), *asset.info.items()]:
        if not isinstance(value, str) or not name.endswith("_key"):
            continue
        if name.endswith("s3_key"):
            s3_keys.append(value)
            continue
        try:
            keys.append(validate_key(value))
        except ValueError:
            continue
    return keys, s3_keys


async def delete(services: Services, workspace: str, project_id: str) -> None:
    """Remove the project and the media no other project uses, locally and in S3."""
    orphans = await repository(services).delete(project_id, workspace)
    if orphans is None:
        raise NotFound("No project has that id.")
    assets = await services.assets.many([parse_id(i) for i in orphans])
    keys: list[str] = []
    s3_keys: list[str] = []
    for asset in assets:
        asset_keys, asset_s3_keys = _media_keys(asset)
        keys += asset_keys
        s3_keys += asset_s3_keys
    await services.storage.remove(keys, s3_keys)
    await services.assets.delete([a.id for a in assets])
    log.info("project_deleted", project_id=project_id, workspace=workspace, assets=len(assets))
