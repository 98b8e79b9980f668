"""The offline draft clip as it was before drafts became visualizers: the baseline `bench/draft_bench.py` runs beside Encore's."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mv.core import ffmpeg

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
WIDTH, HEIGHT, FPS, AUDIO_RATE = 1280, 720, 24, 48000


def _drawtext(textfile: Path, font: Path, size: int, x: str, y: str, *, box: str = "black@0.55") -> str:
    return (
        f"drawtext=fontfile={font}:textfile={textfile}:expansion=none:fontsize={size}:fontcolor=white:line_spacing=6"
        f":box=1:boxcolor={box}:boxborderw=14:x={x}:y={y}"
    )


async def previous_clip(prompt: str, image: Path, segment: Path, workdir: Path, seconds: float = 8.0) -> Path:
    """Gradient background, the character card drifting across, the song's waveform line, scene text and a DRAFT badge."""
    out = workdir / "clip.mp4"
    text = workdir / "scene.txt"
    text.write_text("\n".join(textwrap.wrap(prompt, 58)[:4]), encoding="utf-8")
    badge = workdir / "badge.txt"
    badge.write_text("DRAFT", encoding="utf-8")
    args = ["-f", "lavfi", "-i", f"gradients=s={WIDTH // 4}x{HEIGHT // 4}:c0=0x3355aa:c1=0xaa5533:seed=7:speed=0.01:rate={FPS}:duration={seconds}"]
    args += ffmpeg.local_input(image, ffmpeg.IMAGE_FORMATS)
    args += ffmpeg.local_input(segment, ffmpeg.AUDIO_FORMATS)
    base = (
        f"[1:v]scale=520:520:force_original_aspect_ratio=decrease,setsar=1,format=yuva420p[card];"
        f"[0:v]scale={WIDTH}:{HEIGHT},format=yuv420p,setsar=1[bg];[bg][card]overlay=x='60+(W-w-120)*t/{seconds}':y=70:eof_action=repeat"
    )
    overlays = f"{_drawtext(badge, FONT_BOLD, 34, '28', '28', box='red@0.8')},{_drawtext(text, FONT, 30, '(w-text_w)/2', 'h-text_h-40')}"
    graph = (
        f"{base}[scene];[2:a]asplit[wa][pa];"
        f"[wa]aformat=channel_layouts=mono,showwaves=s={WIDTH}x140:mode=cline:rate={FPS}:colors=white@0.85[w];"
        f"[scene][w]overlay=x=0:y=H-h-150:eof_action=pass,{overlays}[v];"
        f"[pa]aresample={AUDIO_RATE},apad[a]"
    )
    args += [
        "-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-t", f"{seconds}",
        "-r", str(FPS), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage", "-crf", "26",
        "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ar", str(AUDIO_RATE), "-ac", "2",
        "-movflags", "+faststart", "-f", "mp4", f"file:{out}",
    ]
    await ffmpeg.ffmpeg(args)
    return out
