"""frnewsbench: a gold benchmark for French information extraction, and its harness.

The harness as functions (keyword arguments, typed results; see :mod:`frnewsbench.api`)::

    import frnewsbench

    result = frnewsbench.run(extractor=my_function)          # document -> Prediction or dict
    result = frnewsbench.score(predictions="preds.jsonl")    # or a list / mapping of records
    comparison = frnewsbench.compare(a="a.jsonl", b="b.jsonl")
    documents = frnewsbench.load_gold()                      # --gold > $FRNEWSBENCH_GOLD > shipped dataset
    folder = frnewsbench.dataset_path()                      # load_dataset(str(folder), "ner", split="test")
    predictions = frnewsbench.predictions_from_ner_tags(tags)  # IOB2 tags of the ner rows -> predictions

They are imported on first use, so ``import frnewsbench`` (and the command line) stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .api import Comparison, compare, run, score
    from .gold import dataset_path, load_gold
    from .ner_tags import predictions_from_ner_tags
    from .report.result import Result
    from .schema import Document, Entity, Prediction, Quote, Span, TimeExpression

_PUBLIC = {
    "score": "api", "run": "api", "compare": "api", "Comparison": "api",
    "load_gold": "gold", "dataset_path": "gold", "predictions_from_ner_tags": "ner_tags",
    "Result": "report.result",
    "Document": "schema", "Prediction": "schema", "Entity": "schema", "TimeExpression": "schema",
    "Quote": "schema", "Span": "schema",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'frnewsbench' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
