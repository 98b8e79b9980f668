"""Per-request flavor resolution with the debug logging the flavor system promises."""

from __future__ import annotations

import logging
from typing import TypeVar

from mv.core.logging import get_logger
from mv.flavors.registry import FlavorRegistry
from mv.flavors.schemas import FlavorFile

LOGGER = "mv.flavors"
log = get_logger(LOGGER)
F = TypeVar("F", bound=FlavorFile)


class FlavorService:
    """Hands each request its own copy of its flavor's files."""

    def __init__(self, registry: FlavorRegistry, *, debug: bool) -> None:
        self.registry = registry
        self.debug = debug
        if debug:
            logging.getLogger(LOGGER).setLevel(logging.DEBUG)

    @property
    def names(self) -> list[str]:
        """Available flavor names."""
        return self.registry.names

    def log_startup(self) -> None:
        """In debug mode, name the flavors loaded (never their prompts)."""
        if self.debug:
            log.info("config_flavors_loaded", flavors=self.registry.names)

    def resolve(self, requested: str | None) -> str:
        """The flavor a request will use."""
        name, found = self.registry.resolve(requested)
        if not found:
            log.warning("config_flavor_not_found", requested=requested, using=name)
        return name

    def load(self, requested: str | None, model: type[F], *, into: str) -> F:
        """The file `model` of the requested flavor; in debug mode the choice is logged, and the values at DEBUG."""
        name, found = self.registry.resolve(requested)
        if not found:
            log.warning("config_flavor_not_found", requested=requested, using=name, config_type=model.file_name)
        config, source = self.registry.file(name, model)
        if source != name:
            log.warning("config_file_missing", flavor=name, config_type=model.file_name, using=source)
        if self.debug:
            log.info(
                "config_flavor_selected",
                requested=requested,
                flavor=name,
                found=found,
                config_type=model.file_name,
                source_flavor=source,
            )
            log.debug("config_flavor_loaded", flavor=name, config_type=model.file_name, into=into, values=config.model_dump(mode="json"))
        return config.model_copy(deep=True)
