"""`encore make`: one whole video from a song, an idea and a character."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Optional

import typer

from encore_cli.estimate import approver
from encore_cli.options import ApiKey, Aspect, DataDir, Json, Server, Verbose, Yes
from encore_cli.output import Output
from encore_cli.pipeline import MadeVideo, make_video
from encore_cli.progress import make_steps
from encore_cli.session import Session
from encore_cli.spec import VideoSpec, build_spec


def summary(made: MadeVideo) -> str:
    """The one line `make` prints when it worked."""
    length = f"{made.duration:.1f} s" if made.duration is not None else "unknown length"
    lipsynced = [str(s.number) for s in made.scenes if s.lipsynced]
    extra = f", lipsynced scene {', '.join(lipsynced)}" if lipsynced else ""
    kind = "draft" if made.draft else "full"
    return f"Wrote {made.output} ({length}, {len(made.scenes)} scenes{extra}, {kind})"


async def run_make(spec: VideoSpec, session: Session, output: Output, verbose: bool, yes: bool = False) -> MadeVideo:
    """Open the server, make the video (a full one only once its estimate is accepted), always close what was opened."""
    steps = make_steps(output.err, verbose)
    try:
        client = await session.open(steps)
        session.check(spec)
        return await make_video(client, spec, steps, approver(output, steps, yes))
    finally:
        steps.close()
        await session.close()


def make(
    song: Annotated[str, typer.Argument(help="The song: an audio file, or a YouTube link (or a link on a host the server allows).", show_default=False)],
    idea: Annotated[str, typer.Option("--idea", help="What the video is about.", show_default=False)],
    character: Annotated[str, typer.Option("--character", help="Who appears in every scene.", show_default=False)],
    output_path: Annotated[Path, typer.Option("--output", "-o", help="Where to write the MP4.", dir_okay=False, show_default=False)],
    flavor: Annotated[Optional[str], typer.Option("--flavor", help="Config flavor (models, prompts, parameters), e.g. mv1.")] = None,
    full: Annotated[bool, typer.Option("--full", help="Use the real models on Replicate (needs REPLICATE_API_TOKEN); default: offline drafts.")] = False,
    lipsync: Annotated[str, typer.Option("--lipsync", metavar="2,4", help="Scenes (numbered from 1) to lipsync to their part of the song.")] = "",
    timing: Annotated[Optional[str], typer.Option("--timing", metavar="music|fixed", help="Cut scenes on the beat (music) or every 8 s (fixed); default: the flavor's.")] = None,
    aspect: Aspect = None,
    yes: Yes = False,
    server: Server = None,
    api_key: ApiKey = None,
    data_dir: DataDir = None,
    json_output: Json = False,
    verbose: Verbose = False,
) -> int:
    """Make a whole video: upload the song, plan scenes, draw the character, render a clip per scene, lipsync, stitch, download."""
    output = Output(json_output)
    fields = {
        "song": song, "idea": idea, "character": character, "output": str(output_path), "flavor": flavor, "full": full,
        "lipsync": lipsync, "aspect": aspect, "timing": timing,
    }
    spec = build_spec({k: v for k, v in fields.items() if v is not None}, Path.cwd())
    session = Session(server, api_key, data_dir)
    made = asyncio.run(run_make(spec, session, output, verbose, yes))
    output.result({"ok": True, **made.as_dict(), "server": session.where}, summary(made))
    return 0
