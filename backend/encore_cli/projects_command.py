"""`encore projects`: the projects a server keeps, newest first, as a table or JSON."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from encore_cli.options import ApiKey, DataDir, Json, Server
from encore_cli.output import Output
from encore_cli.progress import make_steps
from encore_cli.session import Session

Workspace = Annotated[
    Optional[str],
    typer.Option("--workspace", envvar="ENCORE_WORKSPACE", help="The workspace to list (the server honours it only with its API key)."),
]


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)):
        return "—"
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


def _cost(usd: Any) -> str:
    return f"${usd:.2f}" if isinstance(usd, (int, float)) else "—"


def _date(stamp: Any) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if isinstance(stamp, (int, float)) else "—"


def projects_table(page: dict[str, Any]) -> Table | str:
    """The page as a table, or a sentence when there is nothing to list."""
    items = page.get("items") or []
    if not items:
        return "No projects."
    table = Table(caption=f"{len(items)} of {page.get('total', len(items))} projects, newest first", caption_justify="left")
    for column in ("Title", "Id", "Mode", "Flavor", "Aspect", "Duration", "Scenes", "Cost", "Created"):
        table.add_column(column, no_wrap=column in ("Id", "Created"))
    for item in items:
        table.add_row(
            str(item.get("title", "")), str(item.get("id", "")), str(item.get("mode", "")), str(item.get("config_flavor") or "default"),
            str(item.get("aspect_ratio", "")), _duration(item.get("duration")), str(item.get("scene_count", 0)),
            _cost(item.get("cost_usd")), _date(item.get("created_at")),
        )
    return table


async def fetch_projects(session: Session, output: Output, workspace: str | None, limit: int, offset: int) -> dict[str, Any]:
    """One page of projects from the server."""
    steps = make_steps(output.err, False)
    try:
        client = await session.open(steps)
        return await client.projects(limit=limit, offset=offset, workspace=workspace)
    finally:
        steps.close()
        await session.close()


def projects(
    limit: Annotated[int, typer.Option("--limit", min=1, max=100, help="How many to list.")] = 20,
    offset: Annotated[int, typer.Option("--offset", min=0, help="How many of the newest to skip.")] = 0,
    workspace: Workspace = None,
    server: Server = None,
    api_key: ApiKey = None,
    data_dir: DataDir = None,
    json_output: Json = False,
) -> int:
    """List the projects the server keeps, newest first: title, id, mode, flavor, aspect ratio, length, scenes, cost, date."""
    output = Output(json_output)
    session = Session(server, api_key, data_dir)
    page = asyncio.run(fetch_projects(session, output, workspace, limit, offset))
    output.result({"ok": True, **page, "server": session.where}, projects_table(page))
    return 0
