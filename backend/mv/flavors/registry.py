"""Discover, parse and validate every flavor at startup into an immutable registry."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import yaml
from pydantic import ValidationError

from mv.flavors.schemas import FILE_TYPES, FlavorFile

DEFAULT = "default"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
F = TypeVar("F", bound=FlavorFile)


class FlavorConfigError(SystemExit):
    """A flavor file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Flavor:
    """One flavor's validated files; a file it lacks is absent from `files`."""

    name: str
    files: Mapping[str, FlavorFile]


def _load_file(path: Path, model: type[FlavorFile]) -> FlavorFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FlavorConfigError(f"Config file {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise FlavorConfigError(f"Config file {path} must hold a mapping of keys to values.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"key '{'.'.join(str(p) for p in err['loc']) or '(top)'}': {err['msg']}" for err in exc.errors()
        )
        raise FlavorConfigError(f"Config file {path} is invalid: {problems}") from None


def flavor_dirs(directory: Path) -> list[Path]:
    """The flavor folders below `directory`, `default` first, then alphabetically; a bad name stops startup."""
    if not directory.is_dir():
        raise FlavorConfigError(f"Config directory {directory} does not exist.")
    found = sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    for sub in found:
        if not _NAME.fullmatch(sub.name):
            raise FlavorConfigError(f"Flavor directory name {sub.name!r} must be lowercase letters, digits, - or _.")
    return sorted(found, key=lambda p: p.name != DEFAULT)


class FlavorRegistry:
    """Read-only map of flavor name to validated files."""

    def __init__(self, flavors: Mapping[str, Flavor]) -> None:
        if DEFAULT not in flavors:
            raise FlavorConfigError("The config flavor 'default' is required.")
        missing = [m.file_name for m in FILE_TYPES if m.file_name not in flavors[DEFAULT].files]
        if missing:
            raise FlavorConfigError(f"The 'default' flavor lacks {', '.join(f + '.yaml' for f in missing)}.")
        self._flavors = MappingProxyType(dict(flavors))

    @classmethod
    def load(cls, directory: Path) -> FlavorRegistry:
        """Parse every `<flavor>/<file>.yaml` below `directory`."""
        flavors: dict[str, Flavor] = {}
        for sub in flavor_dirs(directory):
            known = {m.file_name for m in FILE_TYPES}
            stray = [p.name for p in sub.glob("*.yaml") if p.stem not in known]
            if stray:
                raise FlavorConfigError(f"Flavor {sub.name!r} has unknown files {stray}; known: {sorted(known)}.")
            files = {
                model.file_name: _load_file(sub / f"{model.file_name}.yaml", model)
                for model in FILE_TYPES
                if (sub / f"{model.file_name}.yaml").is_file()
            }
            flavors[sub.name] = Flavor(sub.name, MappingProxyType(files))
        return cls(flavors)

    @property
    def names(self) -> list[str]:
        """`default` first, then the rest alphabetically."""
        return [DEFAULT, *sorted(n for n in self._flavors if n != DEFAULT)]

    def resolve(self, requested: str | None) -> tuple[str, bool]:
        """The flavor to use and whether the requested one existed."""
        if not requested:
            return DEFAULT, True
        if requested in self._flavors:
            return requested, True
        return DEFAULT, False

    def file(self, flavor: str, model: type[F]) -> tuple[F, str]:
        """A flavor's file and the flavor it really came from (default when missing)."""
        files = self._flavors[flavor].files
        if model.file_name in files:
            return files[model.file_name], flavor  # type: ignore[return-value]
        return self._flavors[DEFAULT].files[model.file_name], DEFAULT  # type: ignore[return-value]
