"""One video to make: the fields `encore make` takes and a batch line holds, checked, and the request fields they become."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from encore_cli.errors import UsageProblem
from encore_cli.timing import MAX_SCENES

# Which optional fields each API operation receives from a spec; only those that are set are sent.
REQUEST_FIELDS: dict[str, tuple[str, ...]] = {
    "create_scenes": ("config_flavor", "provider", "scene_timing"),
    "generate_character_reference": ("config_flavor", "provider", "aspect_ratio"),
    "generate_video": ("config_flavor", "provider", "aspect_ratio"),
    "estimate": ("config_flavor", "aspect_ratio"),
    "lipsync": ("config_flavor", "provider"),
    "stitch_video": (),
}
LINE_FIELDS = ("song", "idea", "character", "flavor", "full", "lipsync", "aspect", "output", "timing")
ASPECT_RATIOS = ("16:9", "9:16", "1:1")
TIMINGS = ("music", "fixed")
TEXT_LIMIT = 2000


def is_link(song: str) -> bool:
    """Whether the song is given as a link for the server to import rather than a local file."""
    return song.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class VideoSpec:
    """Everything one video is made from."""

    song: str
    idea: str
    character: str
    output: Path
    flavor: str | None = None
    full: bool = False
    lipsync: tuple[int, ...] = ()
    aspect_ratio: str | None = None
    scene_timing: str | None = None

    @property
    def provider(self) -> str:
        """`replicate` for a full run, else the offline `local` drafts."""
        return "replicate" if self.full else "local"

    @property
    def song_path(self) -> Path | None:
        """The local song file, or None for a link."""
        return None if is_link(self.song) else Path(self.song)

    def fields_for(self, operation: str) -> dict[str, Any]:
        """The optional request fields `operation` gets from this spec."""
        values = {"config_flavor": self.flavor, "provider": self.provider, "aspect_ratio": self.aspect_ratio, "scene_timing": self.scene_timing}
        return {name: values[name] for name in REQUEST_FIELDS[operation] if values.get(name) is not None}


def parse_scene_numbers(value: str | Iterable[object] | None) -> tuple[int, ...]:
    """`"2,4"` or `[2, 4]` as sorted, unique 1-based scene numbers."""
    if value is None or value == "":
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    numbers: set[int] = set()
    for item in items:
        text = str(item).strip()
        if isinstance(item, bool) or not text.isdigit() or int(text) < 1:
            raise UsageProblem(f"Lipsync takes scene numbers from 1, like 2,4 (got {text or 'nothing'!r}).")
        numbers.add(int(text))
    if numbers and max(numbers) > MAX_SCENES:
        raise UsageProblem(f"Cannot lipsync scene {max(numbers)}: a video has at most {MAX_SCENES} scenes.")
    return tuple(sorted(numbers))


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise UsageProblem(f"'{name}' is required and must be text.")
    if len(value) > TEXT_LIMIT:
        raise UsageProblem(f"'{name}' is longer than {TEXT_LIMIT} characters.")
    return value.strip()


def check_song(song: str) -> None:
    """A local song must be a readable file; links are checked by the server."""
    if is_link(song):
        return
    path = Path(song)
    if not path.is_file():
        raise UsageProblem(f"No song file at {song}.")


def build_spec(fields: Mapping[str, Any], base: Path, default_output: Path | None = None) -> VideoSpec:
    """A checked spec from `make`'s options or a batch line; relative paths are read from `base`."""
    unknown = sorted(set(fields) - set(LINE_FIELDS))
    if unknown:
        raise UsageProblem(f"Unknown field {unknown[0]!r}; a video takes {', '.join(LINE_FIELDS)}.")
    song = _text(fields, "song")
    if not is_link(song):
        song = str(base / Path(song).expanduser())
    check_song(song)
    output = fields.get("output")
    if output is None and default_output is None:
        raise UsageProblem("'output' is required.")
    if output is not None and (not isinstance(output, str) or not output.strip()):
        raise UsageProblem("'output' must be a file name.")
    target = base / Path(output).expanduser() if output is not None else default_output
    full = fields.get("full", False)
    if not isinstance(full, bool):
        raise UsageProblem("'full' must be true or false.")
    flavor = fields.get("flavor")
    if flavor is not None and (not isinstance(flavor, str) or not flavor.strip()):
        raise UsageProblem("'flavor' must be a flavor name.")
    aspect = fields.get("aspect")
    if aspect is not None and aspect not in ASPECT_RATIOS:
        raise UsageProblem(f"'aspect' must be one of {', '.join(ASPECT_RATIOS)} (got {aspect!r}).")
    timing = fields.get("timing")
    if timing is not None and timing not in TIMINGS:
        raise UsageProblem(f"'timing' is music (cuts on the beat) or fixed (one scene per 8 s), not {timing!r}.")
    return VideoSpec(
        song=song,
        idea=_text(fields, "idea"),
        character=_text(fields, "character"),
        output=Path(target),  # type: ignore[arg-type]
        flavor=flavor.strip() if flavor else None,
        full=full,
        lipsync=parse_scene_numbers(fields.get("lipsync")),
        aspect_ratio=aspect,
        scene_timing=timing,
    )
