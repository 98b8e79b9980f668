"""An app served by uvicorn on a loopback port inside the test's event loop, for callers that need a real URL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

from live import free_port


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Run `app` (with its lifespan) until the block ends; yields `http://127.0.0.1:<port>`."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    for _ in range(300):
        if server.started:
            break
        if task.done():
            await task
            raise RuntimeError("the server stopped while starting")
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
