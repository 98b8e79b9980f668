"""The offline provider: deterministic drafts rendered with ffmpeg, no key and no network."""

from __future__ import annotations

import hashlib
import textwrap
import time
from pathlib import Path

from mv.core import ffmpeg
from mv.flavors.formats import frame_size
from mv.flavors.schemas import ImageParams, ImagePrompts, LipsyncParams, Parameters, ScenePrompts, VideoParams
from mv.jobs.runner import JobContext
from mv.providers import draft_text, draft_video
from mv.providers.draft_layout import FPS, layout
from mv.providers.base import ClipBrief, Provenance, ProviderName, Scene, SceneBrief
from mv.scenes.music import draft_sentence

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
IMAGE_SIZES = {"1:1": (768, 768), "16:9": (1024, 576), "9:16": (576, 1024)}
AUDIO_RATE = 48000

SCENE_MODEL = "local/draft-scenes"
IMAGE_MODEL = "local/draft-image"
CLIP_MODEL = "local/draft-clip"
LIPSYNC_MODEL = "local/draft-lipsync"


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()


def _colour(raw: bytes) -> str:
    return "0x" + raw[:3].hex()


def _font(path: Path) -> str:
    return f"fontfile={path}"


def _wrap(text: str, width: int, max_lines: int) -> str:
    lines = textwrap.wrap(" ".join(text.split()), width=width) or [" "]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, width - 1)].rstrip() + "…"
    return "\n".join(lines)


def _write_text(path: Path, text: str) -> Path:
    # drawtext reads text from a file (with expansion off) so user text never becomes filter syntax.
    path.write_text(text, encoding="utf-8")
    return path


def _drawtext(textfile: Path, font: Path, size: int, x: str, y: str, *, box: str = "black@0.55") -> str:
    return (
        f"drawtext={_font(font)}:textfile={textfile}:expansion=none:fontsize={size}:fontcolor=white:line_spacing=6"
        f":box=1:boxcolor={box}:boxborderw=14:x={x}:y={y}"
    )


class LocalProvider:
    """Offline drafts: scenes from the flavor's shot list, ffmpeg-rendered images and clips."""

    name: ProviderName = "local"

    async def plan_scenes(
        self, ctx: JobContext, brief: SceneBrief, params: Parameters, prompts: ScenePrompts
    ) -> tuple[list[Scene], Provenance]:
        """Cycle the flavor's draft shots to the requested number of scenes."""
        started = time.monotonic()
        values = brief.fields()
        negative = prompts.draft_negative.format(**values)
        shots = prompts.draft_shots
        music = [draft_sentence(m) for m in brief.music] or [""] * brief.number_of_scenes
        scenes = [
            Scene(description=" ".join(filter(None, (draft_text.fill(shots[i % len(shots)], values), music[i]))), negative_description=negative)
            for i in range(brief.number_of_scenes)
        ]
        provenance = Provenance(
            provider="local",
            model=SCENE_MODEL,
            inputs={"number_of_scenes": brief.number_of_scenes, "draft_shots": len(shots), "music": bool(brief.music)},
            seconds=time.monotonic() - started,
            draft=True,
        )
        return scenes, provenance

    async def character_images(
        self, ctx: JobContext, description: str, count: int, params: ImageParams, prompts: ImagePrompts, workdir: Path
    ) -> list[tuple[Path, Provenance]]:
        """Render `count` gradient cards captioned with the description."""
        prompt = prompts.character_reference_prompt.format(character_description=description)
        results = []
        for index in range(count):
            started = time.monotonic()
            out = workdir / f"character_{index}.png"
            await self.render_card(description, index, out, params.aspect_ratio)
            results.append(
                (
                    out,
                    Provenance(
                        provider="local",
                        model=IMAGE_MODEL,
                        inputs={"prompt": prompt, "variant": index, "aspect_ratio": params.aspect_ratio},
                        seconds=time.monotonic() - started,
                        draft=True,
                    ),
                )
            )
        return results

    async def render_card(self, description: str, variant: int, out: Path, aspect_ratio: str = "1:1") -> None:
        """One deterministic PNG for a description and variant, at the aspect ratio (square by default)."""
        raw = _digest("card", description, variant)
        seed = int.from_bytes(raw[6:10], "big") % 2**31
        width, height = IMAGE_SIZES.get(aspect_ratio, IMAGE_SIZES["1:1"])
        text = _write_text(out.with_suffix(".txt"), _wrap(description, 30 if width < 1000 else 40, 9))
        badge = _write_text(out.with_suffix(".badge.txt"), "CHARACTER DRAFT")
        graph = (
            f"gradients=s={width}x{height}:c0={_colour(raw)}:c1={_colour(raw[3:])}:seed={seed}:speed=0.00001:duration=1:rate=1,"
            f"drawbox=x=iw/2-90:y=ih/2-230:w=180:h=180:color=white@0.35:t=fill,"
            f"drawbox=x=iw/2-150:y=ih/2-40:w=300:h=260:color=white@0.25:t=fill,"
            f"{_drawtext(badge, FONT_BOLD, 26, '24', '24', box='black@0.7')},"
            f"{_drawtext(text, FONT, 30, '(w-text_w)/2', 'h-text_h-48')}"
        )
        await ffmpeg.ffmpeg(["-f", "lavfi", "-i", graph, "-frames:v", "1", "-c:v", "png", "-f", "image2", f"file:{out}"])

    async def clip(self, ctx: JobContext, brief: ClipBrief, params: VideoParams, workdir: Path) -> tuple[Path, Provenance]:
        """A 720p H.264 visualizer draft at the flavor's aspect ratio: panned character, beat pulse, section colour, spectrum, lyrics, lower third."""
        started = time.monotonic()
        seconds = float(brief.duration or params.duration)
        width, height = frame_size(params.aspect_ratio)
        out = workdir / "clip.mp4"
        raw = _digest("clip", brief.prompt, brief.seed)
        if brief.reference_image is not None:
            args = ffmpeg.local_input(brief.reference_image, ffmpeg.IMAGE_FORMATS)
        else:
            seed = int.from_bytes(raw[6:10], "big") % 2**31
            args = ["-f", "lavfi", "-i", f"gradients=s=480x480:c0={_colour(raw)}:c1={_colour(raw[3:])}:seed={seed}:duration=0.04:rate=25"]
        if brief.audio_segment is not None:
            args += ffmpeg.local_input(brief.audio_segment, ffmpeg.AUDIO_FORMATS)
        else:
            args += ["-f", "lavfi", "-i", f"anullsrc=r={AUDIO_RATE}:cl=stereo"]
        graph = draft_video.clip_graph(
            frame=layout(width, height), seconds=seconds, prompt=brief.prompt, music=brief.music, has_audio=brief.audio_segment is not None,
            files=draft_video.TextFiles(workdir), image_input=0, audio_input=1,
        )
        graph += f";[pa]aresample={AUDIO_RATE},apad[a]" if brief.audio_segment is not None else ";[1:a]anull[a]"
        args += [
            "-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-t", f"{seconds}",
            "-r", str(FPS), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-g", str(FPS * 2),
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-ac", "2",
            "-movflags", "+faststart", "-f", "mp4", f"file:{out}",
        ]
        await ffmpeg.ffmpeg(args)
        music = brief.music
        provenance = Provenance(
            provider="local",
            model=CLIP_MODEL,
            inputs={
                "prompt": brief.prompt,
                "negative_prompt": brief.negative_prompt,
                "duration": brief.duration or params.duration,
                "resolution": f"{width}x{height}",
                "aspect_ratio": params.aspect_ratio,
                "character_reference": brief.reference_image is not None,
                "audio_segment": brief.audio_segment is not None,
                "beats": len(music.beats) if music else 0,
                "sections": [label for _, _, label in music.sections] if music else [],
                "lyric_lines": len(music.lyrics) if music else 0,
            },
            seconds=time.monotonic() - started,
            draft=True,
        )
        return out, provenance

    async def lipsync(
        self, ctx: JobContext, video: Path, audio: Path, params: LipsyncParams, workdir: Path
    ) -> tuple[Path, Provenance]:
        """Put `audio` on `video` (padded or cut to its length) with a mouth over the character that opens with the song's level."""
        started = time.monotonic()
        out = workdir / "lipsync.mp4"
        info = await ffmpeg.probe(video, ffmpeg.VIDEO_FORMATS)
        seconds = float(info.get("format", {}).get("duration") or 0)
        picture = next((s for s in info.get("streams", []) if s.get("codec_type") == "video"), {})
        frame = layout(int(picture.get("width") or 1280), int(picture.get("height") or 720))
        graph = draft_video.lipsync_graph(frame=frame, files=draft_video.TextFiles(workdir))
        await ffmpeg.ffmpeg([
            *ffmpeg.local_input(video, ffmpeg.VIDEO_FORMATS),
            *ffmpeg.local_input(audio, ffmpeg.AUDIO_FORMATS),
            "-filter_complex", graph, "-map", "[v]", "-map", "[a]", *(["-t", f"{seconds:.3f}"] if seconds > 0 else ["-shortest"]),
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", "-f", "mp4", f"file:{out}",
        ])
        provenance = Provenance(
            provider="local", model=LIPSYNC_MODEL, inputs={"mode": "level-mouth"}, seconds=time.monotonic() - started, draft=True
        )
        return out, provenance
