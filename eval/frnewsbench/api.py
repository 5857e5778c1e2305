"""The harness as importable functions: ``score`` a predictions file, ``run`` an extractor.

Both take keyword arguments, return the typed :class:`~frnewsbench.report.Result` and write
the outputs asked for (``output`` result JSON, ``markdown``, ``errors``, ``html``) only once
everything has been computed, each file atomically. Bad predictions raise
:class:`~frnewsbench.predictions.PredictionsError`; nothing is written then.

    from frnewsbench.api import score, run
    result = score(predictions="preds.jsonl", output="result.json")
    result = run(extractor="spacy-fr-core-news-sm.v1", layers=["entities"])
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from . import __version__
from .corpus import corpus_hash, load_documents, write_atomic
from .extractors import Extractor, get_extractor, strip_gold
from .predictions import PredictionProblem, PredictionsError, check_prediction, read_predictions, write_predictions
from .report.result import Result, SystemInfo
from .schema import LAYERS, SCHEMA_VERSION, Document, Prediction
from .scoring import evaluate

DEFAULT_GOLD = Path("dataset")
ADAPTER_PREFIXES = ("python", "spacy", "transformers", "command", "file")

Gold = str | Path | Sequence[Document] | None


class HarnessError(ValueError):
    """Inputs of ``score`` / ``run`` that cannot be used together (the message says what to do)."""


def load_gold(gold: Gold = None) -> list[Document]:
    """The gold documents: the built dataset (default ``dataset``), a folder of annotation
    files, or documents. The one place that reads the gold.
    """
    if gold is None:
        gold = DEFAULT_GOLD
    if isinstance(gold, (str, Path)):
        try:
            return load_documents(gold)
        except FileNotFoundError as error:
            raise HarnessError(f"{error}; pass the gold with --gold DIR") from None
    return sorted(gold, key=lambda document: document.id)


def build_extractor(spec: str, *, documents: Sequence[Document] = (), timeout: float | None = None) -> Extractor:
    """The extractor named by ``spec``: a registered name, or ``PREFIX:ARGUMENT`` for an adapter.

    | spec | extractor |
    |---|---|
    | ``name.v1`` | the registered extractor (built-in or from an entry point) |
    | ``python:module:attr`` or ``module:attr`` | a Python callable or class |
    | ``spacy:MODEL`` | a spaCy pipeline (installed package name or folder) |
    | ``transformers:FOLDER`` | a local transformers token-classification model |
    | ``command:PROGRAM ARGS`` | an external command (JSON Lines in and out) |
    | ``file:PATH`` | a predictions file, checked against ``documents`` |
    """
    prefix, colon, argument = spec.partition(":")
    if not colon:
        return get_extractor(spec)
    if prefix == "python":
        from .extractors.callable import load_callable

        return load_callable(argument)
    if prefix == "spacy":
        from .extractors.spacy_pipeline import load_spacy

        return load_spacy(argument, name=spec)
    if prefix == "transformers":
        from .extractors.transformers_pipeline import load_transformers

        return load_transformers(argument, name=spec)
    if prefix == "command":
        from .extractors.command import DEFAULT_TIMEOUT, CommandExtractor

        return CommandExtractor(argument, name=spec, timeout=DEFAULT_TIMEOUT if timeout is None else timeout)
    if prefix == "file":
        from .extractors.file import FileExtractor

        return FileExtractor(argument, documents=documents, name=spec)
    from .extractors.callable import load_callable

    return load_callable(spec)


def predict(extractor: Extractor, documents: Sequence[Document], *,
            progress: Callable[[int], None] | None = None) -> dict[str, Prediction]:
    """Run ``extractor`` over ``documents`` (gold layers stripped) and check every output."""
    visible = [strip_gold(document) for document in documents]
    batch = getattr(extractor, "extract_many", None)
    if callable(batch):
        outputs = dict(batch(visible, progress=progress))
    else:
        outputs = {}
        for document in visible:
            outputs[document.id] = extractor.extract(document)
            if progress is not None:
                progress(1)
    by_id = {document.id: document for document in documents}
    problems: list[PredictionProblem] = []
    predictions = {}
    for document_id, prediction in outputs.items():
        if document_id not in by_id:
            problems.append(PredictionProblem(f"output of {extractor.name}", None, document_id, "id",
                                              "a document it was given", repr(document_id), "return predictions for the given documents only"))
            continue
        try:
            predictions[document_id] = check_prediction(prediction, by_id[document_id], source=f"output of {extractor.name}")
        except PredictionsError as error:
            problems += error.problems
    if problems:
        raise PredictionsError(problems)
    return dict(sorted(predictions.items()))


def _layers(layers: Sequence[str] | str | None) -> tuple[str, ...] | None:
    if layers is None:
        return None
    if isinstance(layers, str):
        layers = [part.strip() for part in layers.split(",") if part.strip()]
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown or not layers:
        raise HarnessError(f"layers {', '.join(map(repr, unknown)) or '(none)'}: expected some of {', '.join(LAYERS)}")
    return tuple(layer for layer in LAYERS if layer in layers)


def _result(*, documents: list[Document], predictions: Mapping[str, Prediction], layers: tuple[str, ...] | None,
            system: SystemInfo, bootstrap_samples: int, seed: int) -> Result:
    evaluation = evaluate(gold=documents, predictions=predictions, layers=layers,
                          bootstrap_samples=bootstrap_samples, seed=seed)
    if all(layer_result is None for layer_result in evaluation.layers.values()):
        asked = ", ".join(layers or LAYERS)
        raise HarnessError(f"nothing to score: the predictions give none of the layers asked ({asked}); "
                           "a layer absent from every prediction is not scored")
    return Result(system=system, dataset_hash=corpus_hash(documents), dataset_schema_version=SCHEMA_VERSION,
                  harness_version=__version__, evaluation=evaluation, layers_requested=layers)


def write_outputs(result: Result, documents: Sequence[Document], *, output: str | Path | None = None,
                  markdown: str | Path | None = None, errors: str | Path | None = None,
                  html: str | Path | None = None) -> None:
    """Render every output asked for, then write each atomically."""
    from .report.errors import render_errors
    from .report.html import render_html
    from .report.markdown import render_markdown

    rendered: list[tuple[str | Path, str]] = []
    if output is not None:
        rendered.append((output, result.to_json()))
    if markdown is not None:
        rendered.append((markdown, render_markdown(result)))
    if errors is not None:
        rendered.append((errors, render_errors(result, documents)))
    if html is not None:
        rendered.append((html, render_html(result, documents)))
    for path, content in rendered:
        write_atomic(path, content)


def score(*, predictions: str | Path | Mapping[str, Prediction], gold: Gold = None,
          layers: Sequence[str] | str | None = None, system: str | None = None,
          system_versions: Mapping[str, str] | None = None, output: str | Path | None = None,
          markdown: str | Path | None = None, errors: str | Path | None = None, html: str | Path | None = None,
          bootstrap_samples: int = 1000, seed: int = 0) -> Result:
    """Score ``predictions`` (a JSON Lines file, or predictions keyed by document id) against ``gold``."""
    documents = load_gold(gold)
    layer_names = _layers(layers)
    versions: dict[str, Any] = dict(system_versions or {})
    if isinstance(predictions, (str, Path)):
        path = Path(predictions)
        parsed = read_predictions(path, documents=documents)
        versions.setdefault("predictions_sha256", "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest())
        name = system or path.stem
    else:
        by_id = {document.id: document for document in documents}
        problems: list[PredictionProblem] = []
        parsed = {}
        for key, prediction in predictions.items():
            if key not in by_id:
                problems.append(PredictionProblem("predictions", None, str(key), "id", "a document id of the gold",
                                                  repr(key), "key the predictions by the ids of the gold documents"))
                continue
            try:
                parsed[key] = check_prediction(prediction, by_id[key], source="predictions")
            except PredictionsError as error:
                problems += error.problems
        if problems:
            raise PredictionsError(problems)
        name = system or "predictions"
    result = _result(documents=documents, predictions=parsed, layers=layer_names,
                     system=SystemInfo(name, versions), bootstrap_samples=bootstrap_samples, seed=seed)
    write_outputs(result, documents, output=output, markdown=markdown, errors=errors, html=html)
    return result


def run(*, extractor: str | Extractor, gold: Gold = None, layers: Sequence[str] | str | None = None,
        output: str | Path | None = None, markdown: str | Path | None = None, errors: str | Path | None = None,
        html: str | Path | None = None, predictions_output: str | Path | None = None,
        timeout: float | None = None, progress: Callable[[int], None] | None = None,
        bootstrap_samples: int = 1000, seed: int = 0) -> Result:
    """Run ``extractor`` (a spec for :func:`build_extractor`, or an extractor) over the gold and score it.

    ``predictions_output`` also saves the checked predictions as JSON Lines.
    """
    documents = load_gold(gold)
    layer_names = _layers(layers)
    system = build_extractor(extractor, documents=documents, timeout=timeout) if isinstance(extractor, str) else extractor
    predictions = predict(system, documents, progress=progress)
    result = _result(documents=documents, predictions=predictions, layers=layer_names,
                     system=SystemInfo(system.name, dict(system.versions())),
                     bootstrap_samples=bootstrap_samples, seed=seed)
    write_outputs(result, documents, output=output, markdown=markdown, errors=errors, html=html)
    if predictions_output is not None:
        write_predictions(predictions_output, predictions.values())
    return result
