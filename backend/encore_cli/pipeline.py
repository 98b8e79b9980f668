"""Making one video through the API: song, plan and character, clips in parallel, lipsync, stitch, download."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from encore_cli.client import EncoreClient, Started
from encore_cli.errors import ApiError, UsageProblem
from encore_cli.follow import finish_all
from encore_cli.progress import Steps
from encore_cli.spec import VideoSpec
from encore_cli.timing import inside_song, scene_count, scene_window


@dataclass
class SceneMade:
    """One scene of the finished video."""

    number: int
    description: str
    start_time: float
    end_time: float
    video_id: str
    lipsynced: bool = False


@dataclass
class MadeVideo:
    """What `encore make` reports."""

    output: str
    video_id: str
    duration: float | None
    audio_id: str
    song_duration: float
    character_image_id: str
    provider: str
    draft: bool
    scenes: list[SceneMade] = field(default_factory=list)
    estimated_usd: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        return asdict(self)


Approve = Callable[[dict[str, Any]], None]
"""Shown a full run's estimate before anything paid starts; raises to stop the run."""


class VideoRun:
    """The steps of one video, reported to `steps`."""

    def __init__(self, client: EncoreClient, spec: VideoSpec, steps: Steps) -> None:
        self.client = client
        self.spec = spec
        self.steps = steps

    async def _finish(self, started: list[Started], keys: list[str], names: list[str]) -> list[dict[str, Any]]:
        def moved(index: int, view: dict[str, Any]) -> None:
            self.steps.advance(keys[index], float(view.get("progress") or 0.0), view.get("message"))

        return await finish_all(self.client, started, names, moved)

    async def song(self) -> dict[str, Any]:
        """Upload the song file, or have the server import the link."""
        path = self.spec.song_path
        self.steps.begin("song", f"Uploading {path.name}" if path else "Importing the song")
        if path is not None:
            audio = await self.client.upload_audio(path)
        else:
            started = await self.client.start("/api/audio/download", {"url": self.spec.song})
            (audio,) = await self._finish([started], ["song"], ["The song import"])
        self.steps.end("song", f"Song: {audio.get('title') or 'untitled'} ({float(audio['duration']):.1f} s)")
        return audio

    def check_lipsync(self, scenes: int) -> None:
        """Every lipsync scene number must name a planned scene."""
        wrong = [n for n in self.spec.lipsync if n > scenes]
        if wrong:
            plural = "scene" if scenes == 1 else "scenes"
            raise UsageProblem(f"Cannot lipsync scene {wrong[0]}: the video has {scenes} {plural}.")

    async def estimate(self, audio: dict[str, Any], count: int) -> dict[str, Any]:
        """What the server estimates this run costs (scene plan, one character image, the clips, the lipsyncs; a draft is free).

        Asked for drafts too: the server checks the flavor and the aspect ratio before anything is made."""
        duration = float(audio["duration"])
        lipsync = sum(max(0.0, min(end, duration) - start) for start, end in (scene_window(n - 1, {}) for n in self.spec.lipsync))
        body = {"mode": "full" if self.spec.full else "draft", "number_of_scenes": count, "character_images": 1, "lipsync_seconds": round(lipsync, 3), **self.spec.fields_for("estimate")}
        return await self.client.post_json("/api/mv/estimate", body)

    async def plan_and_character(self, count: int, audio_id: str) -> tuple[list[dict[str, Any]], str]:
        """The scene plan (placed in the song) and one character image, made side by side."""
        spec = self.spec
        self.steps.begin("plan", f"Planning {count} scenes")
        self.steps.begin("character", "Drawing the character")
        started = await asyncio.gather(
            self.client.start(
                "/api/mv/create_scenes",
                {
                    "idea": spec.idea, "character_description": spec.character, "number_of_scenes": count, "audio_id": audio_id,
                    **spec.fields_for("create_scenes"),
                },
            ),
            self.client.start(
                "/api/mv/generate_character_reference",
                {"character_description": spec.character, "num_images": 1, **spec.fields_for("generate_character_reference")},
            ),
        )
        plan, character = await self._finish(list(started), ["plan", "character"], ["The scene plan", "The character image"])
        scenes = plan.get("scenes") or []
        if not scenes or not character.get("images"):
            raise ApiError(200, "EmptyResult", "The server returned an empty plan or no character image.")
        self.steps.end("plan", f"Planned {len(scenes)} scenes")
        self.steps.end("character", "Character drawn")
        return scenes, str(character["images"][0]["id"])

    async def clips(self, scenes: list[dict[str, Any]], audio: dict[str, Any], image_id: str) -> list[SceneMade]:
        """One clip per scene, all started at once and followed together."""
        duration = float(audio["duration"])
        made, bodies = [], []
        for index, scene in enumerate(scenes):
            window = scene_window(index, scene)
            body: dict[str, Any] = {"prompt": scene["description"], "character_reference_id": image_id, **self.spec.fields_for("generate_video")}
            if scene.get("negative_description"):
                body["negative_prompt"] = scene["negative_description"]
            if inside_song(window, duration):
                body.update(audio_id=audio["audio_id"], start_time=window[0], end_time=window[1])
            bodies.append(body)
            made.append(SceneMade(index + 1, scene["description"], window[0], window[1], ""))
            self.steps.begin(f"clip{index}", f"Scene {index + 1} clip")
        started = await asyncio.gather(*(self.client.start("/api/mv/generate_video", body) for body in bodies))
        keys = [f"clip{i}" for i in range(len(scenes))]
        results = await self._finish(list(started), keys, [f"Scene {i + 1}'s clip" for i in range(len(scenes))])
        for scene, result, key in zip(made, results, keys, strict=True):
            scene.video_id = str(result["video_id"])
            self.steps.end(key)
        return made

    async def lipsync(self, made: list[SceneMade], audio: dict[str, Any]) -> None:
        """Lipsync the chosen scenes to their windows of the song; their new clips replace the old ones."""
        chosen = [made[n - 1] for n in self.spec.lipsync]
        if not chosen:
            return
        for scene in chosen:
            if not inside_song((scene.start_time, scene.end_time), float(audio["duration"])):
                raise UsageProblem(f"Cannot lipsync scene {scene.number}: its window starts after the song ends.")
            self.steps.begin(f"lipsync{scene.number}", f"Lipsyncing scene {scene.number}")
        started = await asyncio.gather(
            *(
                self.client.start(
                    "/api/mv/lipsync",
                    {
                        "video_id": scene.video_id,
                        "audio_id": audio["audio_id"],
                        "start_time": scene.start_time,
                        "end_time": min(scene.end_time, float(audio["duration"])),
                        **self.spec.fields_for("lipsync"),
                    },
                )
                for scene in chosen
            )
        )
        keys = [f"lipsync{s.number}" for s in chosen]
        results = await self._finish(list(started), keys, [f"Scene {s.number}'s lipsync" for s in chosen])
        for scene, result, key in zip(chosen, results, keys, strict=True):
            scene.video_id, scene.lipsynced = str(result["video_id"]), True
            self.steps.end(key)

    async def stitch(self, made: list[SceneMade], audio: dict[str, Any]) -> dict[str, Any]:
        """Join the clips in order with the song as the only soundtrack."""
        self.steps.begin("stitch", "Stitching the video")
        body = {"video_ids": [s.video_id for s in made], "audio_id": audio["audio_id"], "suppress_video_audio": True, **self.spec.fields_for("stitch_video")}
        (final,) = await self._finish([await self.client.start("/api/mv/stitch_video", body)], ["stitch"], ["The stitch"])
        self.steps.end("stitch", "Stitched")
        return final

    async def download(self, final: dict[str, Any]) -> Path:
        """Save the final MP4 to the spec's output."""
        target = self.spec.output
        target.parent.mkdir(parents=True, exist_ok=True)
        self.steps.begin("download", f"Saving {target.name}")
        await self.client.download(str(final["video_url"]), target)
        self.steps.end("download", f"Saved {target}")
        return target


async def make_video(client: EncoreClient, spec: VideoSpec, steps: Steps, approve: Approve | None = None) -> MadeVideo:
    """Every step of one video, in order; the first failure stops it. A full run starts nothing paid before `approve` saw its estimate."""
    run = VideoRun(client, spec, steps)
    audio = await run.song()
    count = scene_count(float(audio["duration"]))
    if spec.scene_timing != "music":
        run.check_lipsync(count)
    estimate = await run.estimate(audio, count)
    if spec.full:
        if approve is None:
            raise UsageProblem(f"A full run is estimated at ${float(estimate['total_usd']):.2f}; pass --yes to accept it.")
        approve(estimate)
    scenes, image_id = await run.plan_and_character(count, str(audio["audio_id"]))
    run.check_lipsync(len(scenes))
    made = await run.clips(scenes, audio, image_id)
    await run.lipsync(made, audio)
    final = await run.stitch(made, audio)
    target = await run.download(final)
    metadata = final.get("metadata") or {}
    duration = metadata.get("duration")
    return MadeVideo(
        output=str(target),
        video_id=str(final["video_id"]),
        duration=float(duration) if isinstance(duration, (int, float)) else None,
        audio_id=str(audio["audio_id"]),
        song_duration=float(audio["duration"]),
        character_image_id=image_id,
        provider=spec.provider,
        draft=bool(metadata.get("draft", not spec.full)),
        scenes=made,
        estimated_usd=float(estimate["total_usd"]),
    )
