"""The extractor protocol and the registry of versioned extractor names.

An extractor takes one :class:`~frnewsbench.schema.Document` (only its ``id``, ``text`` and
metadata such as ``dct`` may be used, never its gold layers) and returns a
:class:`~frnewsbench.schema.Prediction` with the layers it covers.

Names are versioned (``spacy-fr-core-news-sm.v1``): change the version whenever the outputs
may change, so cached predictions and leaderboard rows never mix versions. Third-party
packages register factories under the entry-point group ``frnewsbench.extractors``::

    [project.entry-points."frnewsbench.extractors"]
    "my-system.v1" = "my_package.module:make_extractor"
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from importlib.metadata import entry_points
from typing import Callable, Protocol, runtime_checkable

from ..schema import Document, Prediction

ENTRY_POINT_GROUP = "frnewsbench.extractors"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*\.v[0-9]+$")


@runtime_checkable
class Extractor(Protocol):
    """What the harness runs. ``layers`` lists the layers ``extract`` fills."""

    name: str
    layers: tuple[str, ...]

    def extract(self, document: Document) -> Prediction: ...

    def versions(self) -> dict[str, str]:
        """Package and model versions that determine the outputs (for provenance)."""
        ...


class RegistryError(LookupError):
    """An unknown or duplicate extractor name."""


ExtractorFactory = Callable[[], Extractor]
_FACTORIES: dict[str, ExtractorFactory] = {}
_entry_points_loaded = False


def register(name: str, factory: ExtractorFactory | None = None):
    """Register ``factory`` under a versioned ``name``; usable as a decorator."""

    def add(factory: ExtractorFactory) -> ExtractorFactory:
        if not NAME_RE.match(name):
            raise RegistryError(
                f"extractor name {name!r} is not versioned: expected lower-case words ending in .vN, e.g. 'my-system.v1'"
            )
        if name in _FACTORIES and _FACTORIES[name] is not factory:
            raise RegistryError(f"extractor name {name!r} is already registered; bump its version (.v2) or pick another name")
        _FACTORIES[name] = factory
        return factory

    return add(factory) if factory is not None else add


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        register(entry.name, entry.load())


def registered_names() -> list[str]:
    _load_builtins()
    _load_entry_points()
    return sorted(_FACTORIES)


def get_extractor(name: str) -> Extractor:
    """Build the registered extractor ``name``; unknown names get a "did you mean"."""
    names = registered_names()
    if name not in _FACTORIES:
        close = difflib.get_close_matches(name, names, n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise RegistryError(f"no extractor named {name!r}.{hint} Registered: {', '.join(names) or 'none'}")
    return _FACTORIES[name]()


def _load_builtins() -> None:
    """Import the modules that register the built-in extractors."""
    from . import builtin  # noqa: F401  (registers on import)


def strip_gold(document: Document) -> Document:
    """The document as an extractor may see it: text and metadata, no gold layers."""
    return replace(document, entities=(), dates=(), quotes=())
