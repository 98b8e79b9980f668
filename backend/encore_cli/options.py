"""Options several commands share, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

Server = Annotated[
    Optional[str],
    typer.Option("--server", envvar="ENCORE_SERVER", help="URL of a running Encore to use; without it an embedded Encore runs for this command."),
]
ApiKey = Annotated[
    Optional[str],
    typer.Option("--api-key", envvar="API_KEY", help="The server's API key (sent as X-API-Key).", show_envvar=True),
]
DataDir = Annotated[
    Optional[Path],
    typer.Option(
        "--data-dir",
        envvar="ENCORE_DATA_DIR",
        file_okay=False,
        help="Keep the embedded Encore's media and database here (default: a temporary directory removed afterwards).",
    ),
]
Aspect = Annotated[
    Optional[str],
    typer.Option("--aspect", metavar="16:9|9:16|1:1", help="Aspect ratio of the video, where the flavor's models take it (default: the flavor's, 16:9)."),
]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Accept the estimated cost of a --full run without being asked.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout instead of text.")]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Print one line per finished step (instead of progress bars).")]
