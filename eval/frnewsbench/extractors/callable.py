"""A Python callable or class as an extractor: given in Python, or named ``module:attr`` or
``path/to/file.py:attr`` (the ``python:`` specs of ``frnewsbench run``).

``attr`` (dots allowed: ``module:Class.method``) may be

- an object with an ``extract(document)`` method (used as it is, wrapped if it lacks
  ``name``, ``layers`` or ``versions``);
- a class: instantiated without arguments, then as above or called;
- a function ``f(document)`` returning a :class:`~frnewsbench.schema.Prediction` or a
  predictions record (a dict as one line of a predictions file; ``id`` may be left out).

Modules are found as ``python -m`` finds them: the current folder first, then the installed
packages; a file is loaded from its path, with its folder first on ``sys.path`` (as ``python
file.py`` does), so it may import its neighbours. A module that cannot be found or imported
(a syntax error, an exception or ``sys.exit`` while it is imported) is an :class:`ExtractorError`
saying which file and line. Whatever the extractor returns is checked against the predictions
contract by the harness.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
import traceback
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping

from ..predictions import PredictionProblem, PredictionsError, prediction_from_record, show
from ..schema import LAYERS, Document, Prediction
from .errors import ExtractorError


def split_spec(spec: str) -> tuple[str, str]:
    """``module:attr`` or ``path/to/file.py:attr`` -> (module or path, attr)."""
    target, colon, attr = spec.rpartition(":")
    if not colon or not target or not attr:
        raise ExtractorError(f"{spec!r} is not a callable reference: expected 'module:attr' or 'path/to/file.py:attr', "
                             "e.g. 'my_package.ner:extract' or './my_system.py:extract'")
    return target, attr


def is_file_reference(target: str) -> bool:
    return target.endswith(".py") or "/" in target or os.sep in target


def _where(error: BaseException, files: tuple[str, ...]) -> str:
    """`` (file, line N)`` of the deepest frame of ``error`` in one of ``files``, else of its last frame."""
    if isinstance(error, SyntaxError) and error.filename:
        return f" ({error.filename}, line {error.lineno})"
    frames = traceback.extract_tb(error.__traceback__)
    chosen = [frame for frame in frames if frame.filename in files] or frames[-1:]
    return f" ({chosen[-1].filename}, line {chosen[-1].lineno})" if chosen else ""


def _importing(spec: str, what: str, run: Callable[[], Any], files: tuple[str, ...] = ()) -> Any:
    """``run()`` (an import), with every way it can fail turned into an :class:`ExtractorError`."""
    try:
        return run()
    except SyntaxError as error:
        raise ExtractorError(f"{spec!r}: {what} has a syntax error{_where(error, files)}: {error.msg}. "
                             "Fix the code") from None
    except SystemExit as error:
        raise ExtractorError(f"{spec!r}: {what} called sys.exit({error.code!r}) while being imported{_where(error, files)}; "
                             "a module used as an extractor must not exit when imported (put its script part under "
                             "if __name__ == '__main__':)") from None
    except Exception as error:
        raise ExtractorError(f"{spec!r}: importing {what} raised {type(error).__name__}: {error}{_where(error, files)}. "
                             "Fix the module, or install what it imports") from error


def _import_module(spec: str, module_name: str) -> ModuleType:
    """``module_name`` from the current folder first (as ``python -m``), then the installed packages."""
    here = os.getcwd()
    if here not in sys.path and "" not in sys.path:
        sys.path.insert(0, here)

    def find() -> Any:  # imports the parent packages, which may fail like any import
        try:
            return importlib.util.find_spec(module_name)
        except ModuleNotFoundError:  # a parent package is missing
            return None

    found = _importing(spec, f"module {module_name!r}", find)
    if found is None:
        raise ExtractorError(f"{spec!r}: no module {module_name!r} in the current folder ({here}) or the installed "
                             "packages; run from the folder that holds it, install its package, or name the file: "
                             f"python:path/to/{module_name.replace('.', '/')}.py:ATTR")
    origin = found.origin or ""
    return _importing(spec, f"module {module_name!r}", lambda: importlib.import_module(module_name), (origin,))


def _load_file(spec: str, file: str) -> ModuleType:
    """The module of the Python file ``file``, with its folder first on ``sys.path``."""
    path = Path(file).expanduser()
    if not path.is_file():
        raise ExtractorError(f"{spec!r}: no such file {path} (from the current folder {os.getcwd()}); "
                             "give the path of a Python file")
    path = path.resolve()
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    module_name = path.stem
    loaded = sys.modules.get(module_name)
    if loaded is not None:
        if getattr(loaded, "__file__", None) == str(path):
            return loaded
        module_name = f"_frnewsbench_file_{path.stem}"  # never shadow a module of another file
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    if module_spec is None or module_spec.loader is None:
        raise ExtractorError(f"{spec!r}: {path} cannot be loaded as a Python module; give a .py file")
    module = importlib.util.module_from_spec(module_spec)

    def execute() -> ModuleType:
        sys.modules[module_name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        return module

    return _importing(spec, f"the file {path}", execute, (str(path),))


def resolve(spec: str) -> Any:
    """The object named by ``module:attr`` or ``path/to/file.py:attr``."""
    target, attr = split_spec(spec)
    module = _load_file(spec, target) if is_file_reference(target) else _import_module(spec, target)
    value: Any = module
    for part in attr.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            public = sorted(name for name in vars(module) if not name.startswith("_"))
            raise ExtractorError(f"{spec!r}: {target!r} has no attribute {attr!r}; it has "
                                 f"{', '.join(public[:20]) or 'no public names'}") from None
    return value


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
        if not isinstance(output, Prediction):
            raise PredictionsError([PredictionProblem(
                f"output of {self.name}", None, document.id, "",
                'a Prediction or a dict (one predictions record, e.g. {"entities": [...]})',
                f"{type(output).__name__} {show(output)}", "return the document's predictions")])
        return output

    def versions(self) -> dict[str, str]:
        return dict(self._versions)


def callable_name(target: Any) -> str:
    """``module:qualified.name`` of a function or object given in Python (``__main__:<lambda>``)."""
    named = target if hasattr(target, "__qualname__") else type(target)
    return f"{getattr(named, '__module__', None) or '?'}:{named.__qualname__}"


def as_extractor(target: Any, *, name: str | None = None, versions: Mapping[str, str] | None = None,
                 where: str | None = None) -> Any:
    """``target`` (an extractor, an object with ``extract``, a class, or a function) as an extractor.

    ``where`` names it in messages (the spec, or the Python name of ``target``).
    """
    if where is None and not (isinstance(target, type) or callable(target) or hasattr(target, "extract")):
        raise ExtractorError(f"extractor: expected a spec such as 'python:./my_system.py:extract', an extractor, a class "
                             f"or a function f(document); found {type(target).__name__} {show(target)}")
    where = where or callable_name(target)
    if isinstance(target, type):
        try:
            inspect.signature(target).bind()
        except TypeError as error:
            raise ExtractorError(f"{where!r}: the class cannot be built without arguments ({error}); "
                                 "name a factory function that builds it instead") from None
        except ValueError:
            pass  # no signature to inspect (some built-in types): just try
        try:
            target = target()
        except SystemExit as error:
            raise ExtractorError(f"{where!r}: building the class called sys.exit({error.code!r}); "
                                 "raise an exception instead") from None
        except Exception as error:
            raise ExtractorError(f"{where!r}: building the class failed with {type(error).__name__}: {error}. "
                                 "Fix its constructor, or name a factory function that builds it") from error
    versions = dict(versions or {"callable": where})
    extract = getattr(target, "extract", None)
    if callable(extract):
        if all(hasattr(target, attribute) for attribute in ("name", "layers", "versions")):
            return target
        return CallableExtractor(extract, name=getattr(target, "name", None) or name or where,
                                 layers=tuple(getattr(target, "layers", LAYERS)), versions=versions)
    if callable(target):
        return CallableExtractor(target, name=name or where, versions=versions)
    raise ExtractorError(f"{where!r} is {type(target).__name__} {show(target)}: expected a function f(document), "
                         "a class, or an object with an extract(document) method")


def load_callable(spec: str, *, name: str | None = None) -> Any:
    """The extractor named by ``module:attr`` or ``path/to/file.py:attr`` (see the module docstring)."""
    target = resolve(spec)
    module_name, _ = split_spec(spec)
    versions = {"callable": spec}
    if not is_file_reference(module_name):
        package_version = _package_version(module_name)
        if package_version:
            versions[module_name.split(".")[0]] = package_version
    return as_extractor(target, name=name or spec, versions=versions, where=spec)
