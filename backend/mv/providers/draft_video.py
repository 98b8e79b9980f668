"""ffmpeg filter graphs for offline drafts: a beat-pulsed visualizer clip, and a lipsync draft with a mouth that follows the voice."""

from __future__ import annotations

from pathlib import Path

from mv.providers.base import MusicWindow
from mv.providers.draft_layout import (
    FPS, PAN_MARGIN, Box, Layout, lyric_spans, pan_expression, pulse_expression, section_colour, section_name, section_spans, wrap,
)

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
VISUALIZER_COLOUR = "0xffd27a"
MOUTH_COLOUR = "0xff6b8b"
SCENE_TEXT_SIZE, LYRIC_SIZE = 26, 34


class TextFiles:
    """Text for drawtext, written to private files in the workdir: user text never becomes filter syntax."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.count = 0

    def write(self, text: str) -> Path:
        """A new file holding `text`."""
        self.count += 1
        path = self.workdir / f"draft_text_{self.count}.txt"
        path.write_text(text, encoding="utf-8")
        return path


def drawtext(textfile: Path, size: int, x: str, y: str, *, bold: bool = False, box: str | None = None, enable: str | None = None) -> str:
    """A drawtext filter reading `textfile` with expansion off."""
    font = FONT_BOLD if bold else FONT
    parts = [f"drawtext=fontfile={font}:textfile={textfile}:expansion=none:fontsize={size}:fontcolor=white:line_spacing=6:x='{x}':y='{y}'"]
    if box:
        parts.append(f":box=1:boxcolor={box}:boxborderw=12")
    if enable:
        parts.append(f":enable='{enable}'")
    return "".join(parts)


def _canvas(box: Box, seconds: float, texts: list[str]) -> str:
    """A transparent layer the size of `box`: text drawn on it is clipped at its edges."""
    return f"color=c=black@0:s={box.w}x{box.h}:r={FPS}:d={seconds:.3f},format=rgba" + "".join("," + t for t in texts)


def _still(filters: str, frames: int) -> str:
    """Filters run on one frame, then that frame repeated: work that does not change is done once."""
    return f"{filters},loop=loop={max(0, frames - 1)}:size=1,setpts=N/{FPS}/TB"


def _background(spans: list[tuple[float, float, str]], frame: Layout) -> str:
    """One still per section (its colour, the character's frame, the lower-third band), played one after another."""
    stills = []
    for index, (a, b, label) in enumerate(spans):
        frames = round(b * FPS) - round(a * FPS)
        colour = section_colour(label) if label else "0x202030"
        character, lower = frame.character, frame.lower_third
        stills.append(_still(
            f"color=c={colour}:s={frame.width}x{frame.height}:r={FPS}:d=1,format=yuv420p,trim=end_frame=1,"
            f"drawbox=x={character.x - 8}:y={character.y - 8}:w={character.w + 16}:h={character.h + 16}:color=white@0.25:t=fill,"
            f"drawbox=x={lower.x}:y={lower.y}:w={lower.w}:h={lower.h}:color=black@0.6:t=fill",
            frames,
        ) + f"[bg{index}]")
    joined = "".join(f"[bg{i}]" for i in range(len(spans)))
    return ";".join(stills) + f";{joined}concat=n={len(spans)}:v=1:a=0,setpts=N/{FPS}/TB[bg]"


def _character(box: Box, seconds: float) -> str:
    """The character image scaled once, then a slow pan across it (a crop window drifting over the clip)."""
    size = box.w + PAN_MARGIN
    return (
        _still(f"scale={size}:{size}:force_original_aspect_ratio=increase,crop={size}:{size},setsar=1,format=yuv420p", round(seconds * FPS) + 1)
        + f",crop={box.w}:{box.h}:x='{pan_expression('x', seconds)}':y='{pan_expression('y', seconds)}'"
    )


def clip_graph(
    *, frame: Layout, seconds: float, prompt: str, music: MusicWindow | None, has_audio: bool, files: TextFiles, image_input: int,
    audio_input: int,
) -> str:
    """The whole clip: section colour, panned character, visualizer, beat pulse, badge, section tag, lyrics and lower third."""
    spans = section_spans(music, seconds)
    character, visualizer, badge, section = frame.character, frame.visualizer, frame.badge, frame.section
    layers = [_background(spans, frame), f"[{image_input}:v]" + _character(character, seconds) + "[char]",
              f"[bg][char]overlay=x={character.x}:y={character.y}:shortest=1[withchar]"]
    picture = "withchar"
    if has_audio:
        layers += [
            f"[{audio_input}:a]asplit[va][pa]",
            f"[va]aformat=channel_layouts=mono,showfreqs=s={visualizer.w}x{visualizer.h}:rate={FPS}:mode=bar:ascale=sqrt:fscale=log"
            f":win_size=1024:colors={VISUALIZER_COLOUR}[viz]",
            f"[withchar][viz]overlay=x={visualizer.x}:y={visualizer.y}:eof_action=pass[withviz]",
        ]
        picture = "withviz"
    texts = [
        drawtext(files.write("DRAFT"), frame.badge_size, str(badge.x + 12), str(badge.y + 8), bold=True, box="red@0.85"),
    ]
    for a, b, label in spans:
        if label:
            tag = section_name(label) + (f" · {music.tempo:.0f} BPM" if music else "")
            texts.append(drawtext(files.write(tag), 26, f"w-text_w-{frame.width - section.x - section.w + 12}", str(section.y + 12),
                                  box="black@0.5", enable=f"between(t,{a:.3f},{b:.3f})"))
    scene = drawtext(files.write(wrap(prompt, frame.scene_chars, frame.scene_lines)), SCENE_TEXT_SIZE, "0", "4")
    lyric_texts = [
        drawtext(files.write(wrap(text, frame.lyric_chars, frame.lyric_lines)), LYRIC_SIZE, "max(12,(w-text_w)/2)", "12", bold=True, box="black@0.55",
                 enable=f"between(t,{a:.3f},{b:.3f})")
        for a, b, text in lyric_spans(music, seconds)
    ]
    layers.append(f"[{picture}]eq=brightness='{pulse_expression(music, seconds)}':eval=frame," + ",".join(texts) + "[framed]")
    layers.append(_still(f"color=c=black@0:s={frame.scene_text.w}x{frame.scene_text.h}:r={FPS}:d=1,format=rgba,trim=end_frame=1,{scene}", round(seconds * FPS)) + "[scene]")
    layers.append(f"[framed][scene]overlay=x={frame.scene_text.x}:y={frame.scene_text.y}[titled]")
    last = "titled"
    if lyric_texts:
        layers.append(_canvas(frame.lyrics, seconds, lyric_texts) + "[lyrics]")
        layers.append(f"[titled][lyrics]overlay=x={frame.lyrics.x}:y={frame.lyrics.y}[sung]")
        last = "sung"
    layers.append(f"[{last}]format=yuv420p[v]")
    return ";".join(layers)


def lipsync_graph(*, frame: Layout, files: TextFiles) -> str:
    """The source clip with a mouth that opens with the song's level over the character, and a lipsync draft badge."""
    mouth, badge = frame.mouth, frame.badge
    return ";".join([
        "[1:a]asplit[ma][pa]",
        f"[ma]aformat=channel_layouts=mono,showwaves=s={mouth.w}x{mouth.h}:mode=cline:rate={FPS}:scale=sqrt:colors={MOUTH_COLOUR}[mouth]",
        f"[0:v]drawbox=x={mouth.x - 10}:y={mouth.y - 10}:w={mouth.w + 20}:h={mouth.h + 20}:color=black@0.7:t=fill[face]",
        f"[face][mouth]overlay=x={mouth.x}:y={mouth.y}:eof_action=pass,"
        + drawtext(files.write("DRAFT · LIPSYNC"), frame.badge_size, str(badge.x + 12), str(badge.y + 8), bold=True, box="0xc0143c")
        + ",format=yuv420p[v]",
        "[pa]apad[a]",
    ])
