"""The harness as importable functions: ``score`` predictions, ``run`` an extractor.

``score`` takes predictions as a JSON Lines file, a list of records (dicts as the lines of a file,
or :class:`~frnewsbench.schema.Prediction` objects) or a mapping of document id -> record or
Prediction, all with the checks and messages of a file. ``run`` takes a spec (``python:...``,
``spacy:...``, a registered name), an extractor object, or a plain function
``document -> Prediction | dict``. The gold is ``gold=`` if given, else ``$FRNEWSBENCH_GOLD``,
else the dataset shipped with the package (:mod:`frnewsbench.gold`).

Both take keyword arguments, return the typed :class:`~frnewsbench.report.Result` and write
the outputs asked for (``output`` result JSON, ``markdown``, ``errors``, ``html``) only once
everything has been computed, all of them or none (:func:`write_all`). Bad predictions raise
:class:`~frnewsbench.predictions.PredictionsError`; nothing is written then. ``compare`` runs
the paired bootstrap test between two systems' predictions.

    from frnewsbench import compare, run, score
    result = score(predictions="preds.jsonl", output="result.json")
    result = run(extractor=lambda document: {"entities": []})
    result = run(extractor="spacy-fr-core-news-sm.v1", layers=["entities"])
    comparison = compare(a="a.jsonl", b="b.jsonl", layers=["entities"])
"""

from __future__ import annotations

import difflib
import json
import os
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from . import writes
from .align import AlignmentReport, alignment_report
from .batched import score_in_batches
from .corpus import ANNOTATION_GLOB, DATASET_DOCUMENTS, corpus_hash
from .gcpause import collector_paused, without_cyclic_collection
from .gold import (Gold, GoldBatches, GoldError, dataset_path, load_gold, read_gold, read_gold_batches, read_source,
                   resolve_gold)
from .jsonread import surrogate_problem
from .predictions import (
    PredictionProblem, PredictionsError, check_prediction, dumps_predictions, parse_records, prediction_from_record,
    read_predictions_with_hash, show,
)
from .report.display import comparison_table, interval, number, p_value
from .report.result import Result, SystemInfo
from .schema import LAYERS, SCHEMA_VERSION, Document, Prediction
from .scoring import Evaluation, PairedBootstrap, evaluate, match_records, paired_bootstrap
from .version import __version__

if TYPE_CHECKING:  # the extractors are imported when one is run: `score` does without them
    from .extractors import Extractor

__all__ = ["Comparison", "GoldError", "HarnessError", "OutputError", "Result", "build_extractor", "compare",
           "dataset_path", "load_gold", "predict", "run", "score", "write_reports"]

ADAPTER_PREFIXES = ("python", "spacy", "transformers", "command", "file")


class HarnessError(ValueError):
    """Inputs of ``score`` / ``run`` that cannot be used together (the message says what to do)."""


def system_name(name: str) -> str:
    """``name`` if it is valid text: a lone surrogate (a file name or command line that is not UTF-8)
    could not be written into the result; raises :class:`HarnessError`."""
    problem = surrogate_problem(name) if isinstance(name, str) else f"{type(name).__name__} {name!r}"
    if problem:
        raise HarnessError(f"the system name {name!r}: expected valid text; found {problem}. Fix: give the name "
                           "with --system NAME (the default is the predictions file's name, which is not UTF-8 here)")
    return name


class OutputError(HarnessError):
    """An output file that cannot be written; nothing was written."""


SPEC_PREFIXES = ("python", "spacy", "transformers", "command", "file")  # the adapters build_extractor names


def build_extractor(spec: str, *, documents: Sequence[Document] = (), timeout: float | None = None,
                    transformers_options: Mapping[str, Any] | None = None) -> Extractor:
    """The extractor named by ``spec``: a registered name, or ``PREFIX:ARGUMENT`` for an adapter.

    | spec | extractor |
    |---|---|
    | ``name.v1`` | the registered extractor (built-in or from an entry point) |
    | ``python:module:attr`` or ``module:attr`` | a Python callable or class |
    | ``spacy:MODEL`` | a spaCy pipeline (installed package name or folder) |
    | ``transformers:FOLDER`` | a local transformers token-classification model (``transformers_options``:
      ``aggregation``, ``device``, ``label_map`` of :func:`~frnewsbench.extractors.transformers_pipeline.load_transformers`) |
    | ``command:PROGRAM ARGS`` | an external command (JSON Lines in and out) |
    | ``file:PATH`` | a predictions file, checked against ``documents`` |
    """
    from .extractors import RegistryError, get_extractor
    from .extractors.errors import ExtractorError

    prefix, colon, argument = spec.partition(":")
    if transformers_options and prefix != "transformers":
        raise HarnessError(f"{', '.join(sorted(transformers_options))}: options of transformers: models only, "
                           f"and the system is {spec!r}")
    if not colon:
        try:
            return get_extractor(spec)
        except RegistryError as error:
            if spec.endswith(".py") or Path(spec).is_file():
                raise RegistryError(f"{error}. To run a Python file, name the function or class in it: "
                                    f"python:{spec if '/' in spec else './' + spec}:NAME") from None
            raise
    if prefix == "python":
        from .extractors.callable import load_callable

        return load_callable(argument)
    if prefix == "spacy":
        from .extractors.spacy_pipeline import load_spacy

        return load_spacy(argument, name=spec)
    if prefix == "transformers":
        from .extractors.transformers_pipeline import load_transformers

        return load_transformers(argument, name=spec, **(transformers_options or {}))
    if prefix == "command":
        from .extractors.command import DEFAULT_TIMEOUT, CommandExtractor

        return CommandExtractor(argument, name=spec, timeout=DEFAULT_TIMEOUT if timeout is None else timeout)
    if prefix == "file":
        from .extractors.file import FileExtractor

        return FileExtractor(argument, documents=documents, name=spec)
    from .extractors.callable import load_callable

    try:
        return load_callable(spec)  # module:attr, path/to/file.py:attr
    except ExtractorError as error:
        close = difflib.get_close_matches(prefix.lower(), SPEC_PREFIXES, n=1, cutoff=0.6)
        if ":" in argument or close:  # two colons, or a misspelt prefix: not a module:attr reference
            hint = f" (did you mean {close[0] + ':'!r}?)" if close else ""
            raise ExtractorError(
                f"{spec!r}: {prefix + ':'!r} is not a kind of system{hint}; expected a registered name (--list) or "
                f"{', '.join(name + ':' for name in SPEC_PREFIXES)} followed by its argument") from error
        raise


def extractor_input(extractor: str | Extractor) -> Path | None:
    """The file an extractor reads its predictions from (``file:PATH``), if any."""
    if isinstance(extractor, str):
        prefix, _, argument = extractor.partition(":")
        return Path(argument) if prefix == "file" and argument else None
    path = getattr(extractor, "path", None)
    return Path(path) if isinstance(path, (str, Path)) else None


def extractor_inputs(extractor: str | Extractor) -> list[tuple[str, Path | None]]:
    """The files an extractor spec reads, as ``(what, path)`` for :func:`check_outputs`: the predictions
    file of ``file:PATH``, the Python file of ``python:path/to/file.py:ATTR``."""
    inputs: list[tuple[str, Path | None]] = [("the predictions file of the extractor", extractor_input(extractor))]
    if isinstance(extractor, str):
        from .extractors.callable import is_file_reference

        target = extractor.removeprefix("python:").rpartition(":")[0]
        if (extractor.startswith("python:") or extractor.partition(":")[0] not in SPEC_PREFIXES) \
                and target and is_file_reference(target):
            inputs.append(("the Python file of the extractor", Path(target)))
    return inputs


def predict(extractor: Extractor, documents: Sequence[Document], *,
            progress: Callable[[int], None] | None = None) -> dict[str, Prediction]:
    """Run ``extractor`` over ``documents`` (gold layers stripped) and check every output.

    An exception of the extractor's own is raised as :class:`ExtractorError` naming the
    extractor and the document (its type and message kept).
    """
    from .extractors import strip_gold

    visible = [strip_gold(document) for document in documents]
    batch = getattr(extractor, "extract_many", None)
    if callable(batch):
        with _extractor_failures(extractor, None):
            outputs = dict(batch(visible, progress=progress))
    else:
        outputs = {}
        for document in visible:
            with _extractor_failures(extractor, document.id):
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


@contextmanager
def _extractor_failures(extractor: Extractor, document_id: str | None) -> Iterator[None]:
    """Turn an extractor's own exception into :class:`ExtractorError` (ours pass unchanged)."""
    from .extractors.errors import ExtractorError

    try:
        yield
    except (ExtractorError, PredictionsError):
        raise
    except (SystemExit, Exception) as error:
        where = "" if document_id is None else f" on document {document_id!r}"
        name = getattr(extractor, "name", type(extractor).__name__)
        if isinstance(error, SystemExit):
            raise ExtractorError(f"the extractor {name} called sys.exit({error.code!r}){where}: an extractor returns "
                                 "its predictions and never exits; raise an exception instead") from None
        raise ExtractorError(f"the extractor {name} failed{where}: {type(error).__name__}: {error}. "
                             "Fix the extractor (its traceback is chained to this error in the Python API)") from error


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
            system: SystemInfo, bootstrap_samples: int, seed: int, keep_records: bool = True) -> Result:
    evaluation = evaluate(gold=documents, predictions=predictions, layers=layers,
                          bootstrap_samples=bootstrap_samples, seed=seed, records=keep_records)
    return _result_of(evaluation, layers=layers, system=system, dataset_hash=corpus_hash(documents),
                      alignment=alignment_report(predictions))


def _result_of(evaluation: Evaluation, *, layers: tuple[str, ...] | None, system: SystemInfo, dataset_hash: str,
               alignment: AlignmentReport | None) -> Result:
    if all(layer_result is None for layer_result in evaluation.layers.values()):
        asked = ", ".join(layers or LAYERS)
        raise HarnessError(f"nothing to score: the predictions give none of the layers asked ({asked}); "
                           "a layer absent from every prediction is not scored")
    return Result(system=system, dataset_hash=dataset_hash, annotation_schema_version=SCHEMA_VERSION,
                  harness_version=__version__, evaluation=evaluation, layers_requested=layers, alignment=alignment)


def write_all(files: Sequence[tuple[str | Path, writes.Content]]) -> None:
    """Write every output or none (:func:`frnewsbench.writes.write_all`)."""
    try:
        writes.write_all(files, hint="give a path in a folder you can write to")
    except writes.OutputError as error:
        raise OutputError(str(error)) from None


def check_outputs(*, gold: Gold = None, inputs: Sequence[tuple[str, str | Path | None]] = (),
                  outputs: Sequence[tuple[str, str | Path | None]]) -> None:
    """Refuse, before any work, an output that is an input (``inputs``, the gold's files) or another
    output (:func:`frnewsbench.writes.refuse_inputs`); ``outputs`` are ``(option, path)`` pairs."""
    gold_files: list[tuple[str, Path]] = []
    gold_folders: list[tuple[str, Path, str]] = []
    if gold is None or isinstance(gold, (str, os.PathLike)):
        try:
            folder = resolve_gold(gold).path
        except GoldError:  # no gold to protect: reading it says so
            folder = None
        if folder is not None and (folder / DATASET_DOCUMENTS).is_file():  # a built dataset: every file is the gold's
            gold_folders.append(("the gold", folder, None))
        elif folder is not None:
            gold_files.append(("the gold", folder / DATASET_DOCUMENTS))
            gold_folders.append(("the gold", folder, ANNOTATION_GLOB))
    try:
        writes.refuse_inputs(outputs, [*inputs, *gold_files], input_folders=gold_folders)
    except writes.OutputError as error:
        raise OutputError(str(error)) from None


def _report_options(output, markdown, errors, html, records) -> list[tuple[str, str | Path | None]]:
    return [("--output", output), ("--markdown", markdown), ("--errors", errors), ("--html", html), ("--records", records)]


def render_outputs(result: Result, documents: Sequence[Document], *, output: str | Path | None = None,
                   markdown: str | Path | None = None, errors: str | Path | None = None,
                   html: str | Path | None = None, records: str | Path | None = None,
                   predictions: Mapping[str, Prediction] | None = None,
                   records_from: Callable[[], Iterator] | None = None) -> list[tuple[str | Path, writes.Content]]:
    """Every output asked for, rendered: ``(path, content)`` pairs for :func:`write_all`.

    The match records (``records``: JSON Lines, or Parquet for a ``.parquet`` path; the error analysis and
    the HTML page) are ``records_from()`` if given (a new stream at each call), else come from the result when
    it holds them, else are scored again from ``predictions``, one document at a time
    (:func:`frnewsbench.scoring.match_records`): the records file is streamed, never held whole.
    """
    def record_stream():
        from .report.errors import evaluation_records

        if records_from is not None:
            return records_from()
        if predictions is None or _holds_records(result):
            return evaluation_records(result.evaluation)
        scored = [layer for layer, layer_result in result.evaluation.layers.items() if layer_result is not None]
        return match_records(gold=documents, predictions=predictions, layers=scored)

    rendered: list[tuple[str | Path, writes.Content]] = []
    if output is not None:
        rendered.append((output, result.write_json))  # streamed: the entries of a large corpus are never all held
    # each renderer imported when its output is asked for: a command that writes the result alone does without them
    if markdown is not None:
        from .report.markdown import render_markdown

        rendered.append((markdown, render_markdown(result)))
    if errors is not None:
        from .report.errors import render_errors

        rendered.append((errors, render_errors(result, documents, record_stream())))
    if html is not None:
        from .report.html import render_html

        rendered.append((html, render_html(result, documents, record_stream())))
    if records is not None:
        from .report.records import records_format, records_header, write_records

        rendered.append((records, lambda out: write_records(out, record_stream(), header=records_header(result),
                                                            form=records_format(records))))
    return rendered


def _holds_records(result: Result) -> bool:
    return all(document.records is not None for layer_result in result.evaluation.layers.values()
               if layer_result is not None for document in layer_result.documents)


def write_outputs(result: Result, documents: Sequence[Document], *, output: str | Path | None = None,
                  markdown: str | Path | None = None, errors: str | Path | None = None,
                  html: str | Path | None = None, records: str | Path | None = None,
                  predictions: Mapping[str, Prediction] | None = None) -> None:
    """Render every output asked for, then write them all or none."""
    write_all(render_outputs(result, documents, output=output, markdown=markdown, errors=errors, html=html,
                             records=records, predictions=predictions))


Record = Mapping[str, Any]
Predictions = str | os.PathLike | Sequence[Record | Prediction] | Mapping[str, Record | Prediction]
PREDICTIONS_FORMS = ("a path to a JSON Lines file, a list of records (dicts as the lines of a predictions file), "
                     "or a mapping of document id -> record or Prediction")


@dataclass(frozen=True)
class CheckedPredictions:
    """Predictions checked against the gold, with where they came from."""

    predictions: dict[str, Prediction]
    name: str  # the file's stem, or "predictions"
    sha256: str | None  # of the file's bytes, as read and checked


def check_predictions(predictions: Predictions, documents: Sequence[Document]) -> CheckedPredictions:
    """Predictions in any of their forms (:data:`PREDICTIONS_FORMS`), checked against ``documents``
    with the same checks and messages as a file; a file is read once."""
    if isinstance(predictions, (str, os.PathLike)):
        path = Path(predictions)
        parsed, sha256 = read_predictions_with_hash(path, documents=documents)
        return CheckedPredictions(parsed, path.stem, sha256)
    if isinstance(predictions, Mapping):
        return CheckedPredictions(_check_mapping(predictions, documents), "predictions", None)
    if isinstance(predictions, (list, tuple)):
        return CheckedPredictions(parse_records(predictions, documents=documents), "predictions", None)
    raise HarnessError(f"predictions: expected {PREDICTIONS_FORMS}; found {type(predictions).__name__} {show(predictions)}")


def _check_mapping(predictions: Mapping[Any, Any], documents: Sequence[Document]) -> dict[str, Prediction]:
    by_id = {document.id: document for document in documents}
    problems: list[PredictionProblem] = []
    parsed = {}
    for key, value in predictions.items():
        source = f"predictions[{key!r}]"
        if key not in by_id:
            problems.append(PredictionProblem("predictions", None, str(key), "id", "a document id of the gold",
                                              repr(key), "key the predictions by the ids of the gold documents"))
            continue
        try:
            if isinstance(value, Prediction):
                parsed[key] = check_prediction(value, by_id[key], source=source)
            elif isinstance(value, Mapping):
                if value.get("id", key) != key:
                    raise PredictionsError([PredictionProblem(source, None, key, "id", f"the key's id {key!r} or no 'id'",
                                                              show(value["id"]), "leave 'id' out or make it the key")])
                parsed[key] = prediction_from_record({"id": key, **value}, by_id[key], source=source)
            else:
                raise PredictionsError([PredictionProblem(source, None, key, "", "a record (dict) or a Prediction",
                                                          f"{type(value).__name__} {show(value)}",
                                                          "map each document id to its predictions record or Prediction")])
        except PredictionsError as error:
            problems += error.problems
    if problems:
        raise PredictionsError(problems)
    return dict(sorted(parsed.items()))


@without_cyclic_collection
def score(*, predictions: Predictions, gold: Gold | GoldBatches = None,
          layers: Sequence[str] | str | None = None, system: str | None = None,
          system_versions: Mapping[str, str] | None = None, dropped_labels: Mapping[str, int] | None = None,
          output: str | Path | None = None, markdown: str | Path | None = None, errors: str | Path | None = None,
          html: str | Path | None = None, records: str | Path | None = None, keep_records: bool = True,
          bootstrap_samples: int = 1000, seed: int = 0) -> Result:
    """Score ``predictions`` (a JSON Lines file, or predictions keyed by document id) against ``gold``.

    A file is read once: ``predictions_sha256`` in the system versions is the hash of the bytes
    scored. ``dropped_labels``: the labels the system's adapter left out, if known. ``records``
    writes the match records as JSON Lines, or Parquet for a ``.parquet`` path (:mod:`frnewsbench.report.records`);
    ``keep_records=False`` keeps none in the returned result (bounded memory on a large corpus;
    the records file and the error analysis then score each document again as they are written).
    With ``keep_records=False``, a file scored against a built dataset without ``errors``, ``html``
    or ``records`` is scored a batch of documents at a time (:mod:`frnewsbench.batched`): the
    same result, in the memory of one batch rather than of both inputs whole.
    """
    gold_folder = gold.source.path if isinstance(gold, GoldBatches) else gold
    check_outputs(gold=gold_folder, inputs=[("the predictions file", predictions if isinstance(predictions, (str, Path)) else None)],
                  outputs=_report_options(output, markdown, errors, html, records))
    if isinstance(predictions, (str, os.PathLike)) and not keep_records and errors is None and html is None \
            and records is None and (gold is None or isinstance(gold, (str, os.PathLike, GoldBatches))):
        batches = gold if isinstance(gold, GoldBatches) else read_gold_batches(gold, option="gold=")
        layer_names = None if batches is None else _layers(layers)  # a missing gold is named first
        batched = None if batches is None else score_in_batches(
            predictions, batches.dataset, layers=layer_names, bootstrap_samples=bootstrap_samples, seed=seed)
        if batched is not None:
            info = _system_info(system or Path(predictions).stem, system_versions, batched.predictions_sha256,
                                dropped_labels)
            result = _result_of(batched.evaluation, layers=layer_names, system=info,
                                dataset_hash=batches.dataset_hash, alignment=batched.alignment)
            write_outputs(result, (), output=output, markdown=markdown)
            return result
    documents = read_source(gold.source, option=gold.option).documents if isinstance(gold, GoldBatches) else load_gold(gold)
    layer_names = _layers(layers)
    checked = check_predictions(predictions, documents)
    info = _system_info(system or checked.name, system_versions, checked.sha256, dropped_labels)
    result = _result(documents=documents, predictions=checked.predictions, layers=layer_names, system=info,
                     bootstrap_samples=bootstrap_samples, seed=seed, keep_records=keep_records)
    write_outputs(result, documents, output=output, markdown=markdown, errors=errors, html=html, records=records,
                  predictions=checked.predictions)
    return result


def _system_info(name: str, versions: Mapping[str, str] | None, predictions_sha256: str | None,
                 dropped_labels: Mapping[str, int] | None) -> SystemInfo:
    """The scored system: the versions given, with the predictions file's hash unless they name one."""
    versions = dict(versions or {})
    if predictions_sha256 is not None:
        versions.setdefault("predictions_sha256", predictions_sha256)
    return SystemInfo(system_name(name), versions, None if dropped_labels is None else dict(dropped_labels))


def run(*, extractor: str | Extractor | Callable[[Document], Any], gold: Gold = None, layers: Sequence[str] | str | None = None,
        output: str | Path | None = None, markdown: str | Path | None = None, errors: str | Path | None = None,
        html: str | Path | None = None, records: str | Path | None = None, keep_records: bool = True,
        predictions_output: str | Path | None = None,
        timeout: float | None = None, progress: Callable[[int], None] | None = None,
        bootstrap_samples: int = 1000, seed: int = 0) -> Result:
    """Run ``extractor`` over the gold and score it: a spec for :func:`build_extractor`, an
    :class:`~frnewsbench.extractors.Extractor`, or a plain function ``document -> Prediction | dict``
    (the dict as one line of a predictions file, ``id`` optional). Each
    :class:`~frnewsbench.schema.Document` it gets has ``id``, ``text``, ``title``, ``dct`` and the
    other metadata, never the gold layers (eval/PREDICTIONS.md).

    ``predictions_output`` also saves the checked predictions as JSON Lines. The labels the
    extractor left out on purpose during this run (its ``left_out`` counter, when it keeps one)
    are recorded in ``result.system.dropped_labels``. ``records`` and ``keep_records``: as in :func:`score`.
    """
    from .extractors.base import extractor_versions
    from .extractors.callable import as_extractor

    check_outputs(gold=gold, inputs=extractor_inputs(extractor),
                  outputs=[*_report_options(output, markdown, errors, html, records), ("--save-predictions", predictions_output)])
    with collector_paused():
        documents = load_gold(gold)
    layer_names = _layers(layers)
    if isinstance(extractor, str):
        system = build_extractor(extractor, documents=documents, timeout=timeout)
    else:
        system = as_extractor(extractor, name=None)
    versions = extractor_versions(system)  # before the run: a bad declaration fails fast
    left_out = getattr(system, "left_out", None)
    before = Counter(left_out) if isinstance(left_out, Mapping) else None
    predictions = predict(system, documents, progress=progress)
    dropped = None if before is None else dict(Counter(left_out) - before)
    with collector_paused():
        result = _result(documents=documents, predictions=predictions, layers=layer_names,
                         system=SystemInfo(system.name, versions, dropped),
                         bootstrap_samples=bootstrap_samples, seed=seed, keep_records=keep_records)
        files = render_outputs(result, documents, output=output, markdown=markdown, errors=errors, html=html,
                               records=records, predictions=predictions)
        if predictions_output is not None:
            files.append((predictions_output, dumps_predictions(predictions.values())))
        write_all(files)
    return result


@dataclass(frozen=True)
class Comparison:
    """The paired bootstrap test of two systems, layer by layer, with provenance.

    ``a_named_from`` / ``b_named_from`` say where each system's name was read; ``one_sided``
    lists the layers only one system predicts (``(layer, "A")``: only A), which are not compared.
    """

    a: str
    b: str
    a_versions: Mapping[str, str]
    b_versions: Mapping[str, str]
    dataset_hash: str
    harness_version: str
    tests: tuple[PairedBootstrap, ...]
    a_named_from: str = ""
    b_named_from: str = ""
    one_sided: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "harness": {"name": "frnewsbench", "version": self.harness_version},
            "dataset": {"hash": self.dataset_hash, "annotation_schema_version": SCHEMA_VERSION},
            "a": {"name": self.a, "named_from": self.a_named_from, "versions": dict(sorted(self.a_versions.items()))},
            "b": {"name": self.b, "named_from": self.b_named_from, "versions": dict(sorted(self.b_versions.items()))},
            "tests": [test.to_dict() for test in self.tests],
            "not_compared": [{"layer": layer, "only": side} for layer, side in self.one_sided],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, allow_nan=False) + "\n"

    def __repr__(self) -> str:
        """A − B per layer with its interval and p-value (the whole comparison: :meth:`to_dict`)."""
        tests = "; ".join(f"{test.layer}: A − B {number(test.difference)} {interval(test.interval.low, test.interval.high)}, "
                          f"{p_value(test.p_value, test.interval.samples)}" for test in self.tests)
        return f"<Comparison A={self.a!r} B={self.b!r}, dataset {self.dataset_hash[:19]}…; {tests or 'no layer compared'}>"

    def _repr_markdown_(self) -> str:
        """The table of the ``compare`` command, for notebooks."""
        return f"A = **{self.a}**, B = **{self.b}**, dataset `{self.dataset_hash}`\n\n{comparison_table(self.tests)}\n"


RUN_FILES = ("metadata.json", "result.json")  # beside a predictions file: where its system is named


def _name_in(path: Path) -> str | None:
    """The system name a run's ``metadata.json`` (``system``), a submission's (``name``) or a
    ``result.json`` (``system.name``) gives; ``None`` if the file gives none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    name = data.get("system", data.get("name"))
    if isinstance(name, dict):
        name = name.get("name")
    return name if isinstance(name, str) and name.strip() else None


def named_predictions(source: Predictions) -> tuple[Predictions, str | None, str]:
    """A ``compare`` input as predictions, the system name it carries and where that name was read.

    A ``.json`` file is a ``result.json``: its ``system.name``, the predictions beside it
    (``predictions.jsonl``, as in ``leaderboard/runs/<system>/``). A folder holds
    ``predictions.jsonl``. A predictions file is named by the ``metadata.json`` or
    ``result.json`` beside it, else by its file name (``None``: the caller's default).
    """
    if not isinstance(source, (str, Path)):
        return source, None, ""
    path = Path(source)
    if path.is_dir():
        path = path / "predictions.jsonl"
    elif path.suffix == ".json":
        name = _name_in(path)
        predictions = path.with_name("predictions.jsonl")
        if name is None:
            raise HarnessError(f"{path}: expected a result.json naming its system (system.name); found none. "
                               "Give the predictions file (JSON Lines) instead")
        if not predictions.is_file():
            raise HarnessError(f"{path}: a result holds figures, not the predictions a paired test needs; expected "
                               f"{predictions} beside it (as in leaderboard/runs/<system>/); found no such file. "
                               "Give the predictions file instead")
        return predictions, name, str(path)
    for beside in (path.with_name(name) for name in RUN_FILES):
        name = _name_in(beside) if beside.is_file() else None
        if name is not None:
            return path, name, str(beside)
    return path, None, ""


@without_cyclic_collection
def write_reports(*, result: Result | str | Path, records_from: str | Path | None = None, gold: Gold = None,
                  markdown: str | Path | None = None, errors: str | Path | None = None,
                  html: str | Path | None = None) -> Result:
    """Write the Markdown tables, error analysis and HTML page of a result scored before, without
    scoring again: ``result`` (a :class:`Result` or its JSON file, ``--output``), ``records_from``
    (the match records file written with it, ``--records``: what ``errors`` and ``html`` are made
    of, unless the result holds its records) and ``gold`` (the gold it was scored against: its
    content hash must be the result's). The records file must be the result's
    (:func:`frnewsbench.report.records.check_records_of`); then every output is written, or none.
    Returns the result."""
    from .report.records import RecordsCheck, read_records, read_records_header
    from .report.result import load_result

    outputs = [("--markdown", markdown), ("--errors", errors), ("--html", html)]
    if all(path is None for _, path in outputs):
        raise HarnessError("nothing to write: ask for --markdown FILE, --errors FILE or --html FILE")
    check_outputs(gold=gold, outputs=outputs, inputs=[
        ("the result file", None if isinstance(result, Result) else result), ("the records file", records_from)])
    scored = result if isinstance(result, Result) else load_result(result)
    loaded = read_gold(gold)
    if loaded.dataset_hash != scored.dataset_hash:
        raise HarnessError(f"the result was scored against dataset {scored.dataset_hash}, not against this gold "
                           f"(dataset {loaded.dataset_hash}): give the gold it was scored against with --gold DIR "
                           "(gold=...)")
    if records_from is None and (errors is not None or html is not None) and not _holds_records(scored):
        raise HarnessError("the error analysis and the HTML page are made of the match records, which the result "
                           "does not hold: give the file written with it by `frnewsbench score --records FILE` "
                           "with --records FILE (records_from=...)")
    if records_from is None:
        write_all(render_outputs(scored, loaded.documents, markdown=markdown, errors=errors, html=html))
        return scored
    check = RecordsCheck(scored, read_records_header(records_from), loaded.documents, source=str(records_from))

    def record_stream():  # the first report to read the file checks it as it goes
        return read_records(records_from) if check.started else check.passing(read_records(records_from))

    rendered = render_outputs(scored, loaded.documents, markdown=markdown, errors=errors, html=html,
                              records_from=record_stream)
    if not check.started:  # no report read the records: they are checked all the same
        for _ in record_stream():
            pass
    check.finish()
    write_all(rendered)
    return scored


@without_cyclic_collection
def compare(*, a: Predictions, b: Predictions, gold: Gold = None, layers: Sequence[str] | str | None = None,
            a_name: str | None = None, b_name: str | None = None, output: str | Path | None = None,
            bootstrap_samples: int = 1000, seed: int = 0) -> Comparison:
    """The paired bootstrap test (:func:`frnewsbench.scoring.paired_bootstrap`) of systems ``a``
    and ``b`` on every layer asked for (default: every layer both predict; the layers only one
    predicts are listed in ``one_sided``). ``a`` and ``b`` may be predictions, their files, run
    folders or ``result.json`` files (:func:`named_predictions`); ``a_name``/``b_name`` override
    the names they carry."""
    check_outputs(gold=gold, inputs=[(f"the predictions of {side}", path if isinstance(path, (str, Path)) else None)
                                      for side, path in (("A", a), ("B", b))], outputs=[("--output", output)])
    documents = load_gold(gold)
    asked = _layers(layers)
    inputs = {"A": named_predictions(a), "B": named_predictions(b)}
    systems = {side: check_predictions(source, documents) for side, (source, _, _) in inputs.items()}
    given = {side: {layer for p in checked.predictions.values() for layer in p.layers()} for side, checked in systems.items()}
    one_sided: tuple[tuple[str, str], ...] = ()
    if asked is None:
        chosen = tuple(layer for layer in LAYERS if layer in given["A"] and layer in given["B"])
        one_sided = tuple((layer, side) for layer in LAYERS for side in ("A", "B")
                          if layer in given[side] and layer not in given["B" if side == "A" else "A"])
        if not chosen:
            raise HarnessError("the two systems have no layer in common: A predicts "
                               f"{', '.join(sorted(given['A'])) or 'nothing'}, B predicts "
                               f"{', '.join(sorted(given['B'])) or 'nothing'}; a paired test needs the same layer from both")
    else:
        for side in ("A", "B"):
            lacking = [layer for layer in asked if layer not in given[side]]
            if lacking:
                raise HarnessError(f"system {side} predicts no {', '.join(lacking)}: a paired test needs the layer from "
                                   "both systems; drop it from --layers")
        chosen = asked
    tests = tuple(
        paired_bootstrap(gold=documents, predictions_a=systems["A"].predictions, predictions_b=systems["B"].predictions,
                         layer=layer, samples=bootstrap_samples, seed=seed)
        for layer in chosen
    )

    def versions(checked: CheckedPredictions) -> dict[str, str]:
        return {} if checked.sha256 is None else {"predictions_sha256": checked.sha256}

    def name(side: str, given_name: str | None) -> tuple[str, str]:
        _, carried, where = inputs[side]
        if given_name:
            return system_name(given_name), f"--{side.lower()}-name"
        return (system_name(carried), where) if carried else (system_name(systems[side].name), "the file name")

    (name_a, from_a), (name_b, from_b) = name("A", a_name), name("B", b_name)
    comparison = Comparison(name_a, name_b, versions(systems["A"]), versions(systems["B"]), corpus_hash(documents),
                            __version__, tests, from_a, from_b, one_sided)
    if output is not None:
        write_all([(output, comparison.to_json())])
    return comparison
