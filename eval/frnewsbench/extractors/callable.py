"""A Python callable or class named ``module:attr`` as an extractor.

``attr`` (dots allowed: ``module:Class.method``) may be

- an object with an ``extract(document)`` method (used as it is, wrapped if it lacks
  ``name``, ``layers`` or ``versions``);
- a class: instantiated without arguments, then as above or called;
- a function ``f(document)`` returning a :class:`~frnewsbench.schema.Prediction` or a
  predictions record (a dict as one line of a predictions file; ``id`` may be left out).

Whatever it returns is checked against the predictions contract by the harness.
"""

from __future__ import annotations

import importlib
import inspect
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from typing import Any, Callable, Mapping

from ..predictions import prediction_from_record
from ..schema import LAYERS, Document, Prediction
from .errors import ExtractorError


def resolve(spec: str) -> Any:
    """The object named by ``module:attr``."""
    module_name, colon, attr = spec.partition(":")
    if not colon or not module_name or not attr:
        raise ExtractorError(f"{spec!r} is not a callable reference: expected 'module:attr', e.g. 'my_package.ner:extract'")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as error:
        raise ExtractorError(f"{spec!r}: cannot import module {module_name!r} ({error}); "
                             "install the package or add its folder to PYTHONPATH") from None
    for part in attr.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ExtractorError(f"{spec!r}: {module_name!r} has no attribute {attr!r}") from None
    return target


def _package_version(module_name: str) -> str | None:
    top = module_name.split(".")[0]
    for distribution in packages_distributions().get(top, []):
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return None


class CallableExtractor:
    """Wraps a function ``f(document) -> Prediction | dict``."""

    def __init__(self, function: Callable[[Document], Any], *, name: str, layers: tuple[str, ...] = LAYERS,
                 versions: Mapping[str, str] | None = None):
        self.function, self.name, self.layers = function, name, tuple(layers)
        self._versions = dict(versions or {})

    def extract(self, document: Document) -> Prediction:
        output = self.function(document)
        if isinstance(output, Mapping):
            record = {"id": document.id, **output}
            return prediction_from_record(record, document, source=f"output of {self.name}")
        return output

    def versions(self) -> dict[str, str]:
        return dict(self._versions)


def load_callable(spec: str, *, name: str | None = None) -> Any:
    """The extractor named by ``module:attr`` (see the module docstring)."""
    target = resolve(spec)
    if isinstance(target, type):
        try:
            inspect.signature(target).bind()
        except TypeError as error:
            raise ExtractorError(f"{spec!r}: the class cannot be built without arguments ({error}); "
                                 "name a factory function that builds it instead") from None
        except ValueError:
            pass  # no signature to inspect (some built-in types): just try
        try:
            target = target()
        except Exception as error:
            raise ExtractorError(f"{spec!r}: building the class failed with {type(error).__name__}: {error}. "
                                 "Fix its constructor, or name a factory function that builds it") from error
    module_name = spec.partition(":")[0]
    versions = {"callable": spec}
    package_version = _package_version(module_name)
    if package_version:
        versions[module_name.split(".")[0]] = package_version
    extract = getattr(target, "extract", None)
    if callable(extract):
        if all(hasattr(target, attribute) for attribute in ("name", "layers", "versions")):
            return target
        return CallableExtractor(extract, name=getattr(target, "name", None) or name or spec,
                                 layers=tuple(getattr(target, "layers", LAYERS)), versions=versions)
    if callable(target):
        return CallableExtractor(target, name=name or spec, versions=versions)
    raise ExtractorError(f"{spec!r} is a {type(target).__name__}: expected a function f(document), "
                         "a class, or an object with an extract(document) method")
