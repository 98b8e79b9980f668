"""The seeds' entry point to config flavors: discover, load once, and hand out plain-dict copies.

Every function reads the flavors the process initialised (the app at startup, a worker or a script with
`initialize_config_flavors()`); pass `service=` to read one app's own flavors instead.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mv.core.settings import get_settings
from mv.flavors.registry import FlavorRegistry, flavor_dirs
from mv.flavors.schemas import FILE_TYPES, FlavorFile
from mv.flavors.service import FlavorService

CONFIG_TYPES: dict[str, type[FlavorFile]] = {model.file_name: model for model in FILE_TYPES}


@dataclass(frozen=True)
class _Loaded:
    directory: Path
    service: FlavorService


_lock = threading.Lock()
_loaded: _Loaded | None = None


def _directory(configs_dir: Path | None) -> Path:
    """The directory given, else the one loaded, else `MV_CONFIGS_DIR`."""
    if configs_dir is None:
        configs_dir = _loaded.directory if _loaded is not None else get_settings().mv_configs_dir
    return configs_dir.resolve()


def _debug(debug: bool | None) -> bool:
    """The flag given, else the loaded flavors' one, else `MV_DEBUG_MODE`."""
    if debug is None:
        return _loaded.service.debug if _loaded is not None else get_settings().mv_debug_mode
    return debug


def discover_flavors(configs_dir: Path | None = None) -> list[str]:
    """The flavor folders under the configs directory, `default` first."""
    return [sub.name for sub in flavor_dirs(_directory(configs_dir))]


def initialize_config_flavors(configs_dir: Path | None = None, *, debug: bool | None = None) -> FlavorService:
    """Load and validate every flavor once and make them what this module reads; calling again reuses them.

    Arguments left out keep what is loaded, or else come from `MV_CONFIGS_DIR` and `MV_DEBUG_MODE`; a worker
    or a script calls it once at start, as the app does in `build_services`.
    """
    global _loaded
    with _lock:
        directory, debug = _directory(configs_dir), _debug(debug)
        if _loaded is not None and (_loaded.directory, _loaded.service.debug) == (directory, debug):
            return _loaded.service
        service = FlavorService(FlavorRegistry.load(directory), debug=debug)
        _loaded = _Loaded(directory, service)
        return service


def load_all_flavors(configs_dir: Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """`flavors[name][config_type]`: each flavor's own files as plain dicts (a file it lacks is absent)."""
    registry = initialize_config_flavors(configs_dir).registry
    flavors: dict[str, dict[str, dict[str, Any]]] = {}
    for name in registry.names:
        own = (registry.file(name, model) for model in FILE_TYPES)
        flavors[name] = {config.file_name: config.model_dump(mode="json") for config, source in own if source == name}
    return flavors


def get_config(
    flavor: str | None, config_type: str, *, service: FlavorService | None = None, into: str | None = None
) -> dict[str, Any]:
    """A deep copy of a flavor's file as a plain dict; a missing flavor or file falls back to `default` with a warning."""
    model = CONFIG_TYPES.get(config_type)
    if model is None:
        raise ValueError(f"Unknown config type {config_type!r}; known types: {', '.join(CONFIG_TYPES)}.")
    source = service or initialize_config_flavors()
    return source.load(flavor, model, into=into or f"{__name__}:{config_type}").model_dump(mode="json")


def get_discovered_flavors(service: FlavorService | None = None) -> list[str]:
    """The loaded flavor names, `default` first: what `GET /api/mv/get_config_flavors` lists."""
    return (service or initialize_config_flavors()).names
