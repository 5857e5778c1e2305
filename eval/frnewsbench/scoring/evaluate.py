"""Score predictions against the gold: every layer, every figure, intervals, error records.

Pure functions over :mod:`frnewsbench.schema` values: no file, no extractor. Reading and
checking predictions files is :mod:`frnewsbench.predictions`' job; the checks here only
refuse what would make the figures wrong (unknown or duplicate ids, unknown layers).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from json.encoder import encode_basestring  # what json.dumps(text, ensure_ascii=False) writes
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, TypeVar

import numpy as np

from ..schema import LAYERS, Document, Prediction
from . import dates, entities, offset_free, quotes
from .bootstrap import (LEVEL, UNIT, Interval, PairedBootstrap, Paragraphs, bootstrap_intervals, check_resampling,
                        paired_test, unit_table)
from .columnar import LayerScores, score_corpus
from .conventions import CONVENTIONS, ggt_totals
from .counts import Counts, PRFCounts, total
from .entities import EntityCounts, MacroScores, macro_scores, score_entities
from .errors import ScoringError
from .dates import DateCounts, score_dates
from .quotes import QuoteCounts, score_quotes
from .records import DocumentScore, HeadlineColumns, MatchRecord
from .tokens import TokenView, token_view as score_token_view

C = TypeVar("C", bound=Counts)
HEADLINES = {"entities": entities.HEADLINE, "dates": dates.HEADLINE, "quotes": quotes.HEADLINE}
# the differences that make a matched pair one FP and one FN of the layer's headline (records.headline_counts)
HEADLINE_ERRORS = {"entities": entities.HEADLINE_ERRORS, "dates": dates.HEADLINE_ERRORS, "quotes": quotes.HEADLINE_ERRORS}
ZERO: dict[str, Counts] = {"entities": EntityCounts(), "dates": DateCounts(), "quotes": QuoteCounts()}

GIVEN = "given"
MISSING_DOCUMENT = "missing_document"  # no prediction for the document: scored as empty
MISSING_LAYER = "missing_layer"  # a prediction without this layer: scored as empty


@dataclass(frozen=True)
class Headline:
    metric: str
    value: float | None
    interval: Interval

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "interval": self.interval.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Headline:
        return cls(data["metric"], data["value"], Interval.from_dict(data["interval"]))


@dataclass(frozen=True, slots=True)  # one per document and layer: no __dict__ each (80 bytes, not 120)
class DocumentEvaluation:
    """One layer of one document: its counts (and per label), and its match records.

    A result written as JSON (schema 2.1) keeps, per document, the counts alone (no derived
    figure, no per-label breakdown: the layer's ``by_label`` has the totals) and no record (they
    go to their own file, see :func:`match_records`), so its size does not grow with the number of
    matches. ``by_label`` and ``records`` are ``None`` when not kept (read back from such a file,
    or ``evaluate(records=False)`` for the records).
    """

    document_id: str
    prediction: str  # GIVEN, MISSING_DOCUMENT or MISSING_LAYER
    counts: Counts
    by_label: Mapping[str, Counts] | None = None
    records: tuple[MatchRecord, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.document_id, "prediction": self.prediction, "counts": self.counts.counts_dict()}

    def to_json(self) -> str:
        """``json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)``, without the
        dictionaries (:meth:`~frnewsbench.scoring.counts.Counts.counts_json`): the bulk of a result file."""
        if type(self.document_id) is not str or type(self.prediction) is not str:
            return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False)
        return (f'{{"id": {encode_basestring(self.document_id)}, "prediction": {encode_basestring(self.prediction)}, '
                f'"counts": {self.counts.counts_json()}}}')

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, layer: str) -> DocumentEvaluation:
        """Read back; result files of schema 2.0 held the per-label counts and the records too,
        and they are read."""
        kind = type(ZERO[layer])
        by_label, records = data.get("by_label"), data.get("records")
        return cls(data["id"], data["prediction"], kind.from_dict(data["counts"]),
                   None if by_label is None else {label: kind.from_dict(counts) for label, counts in by_label.items()},
                   None if records is None else tuple(MatchRecord.from_dict(record, layer=layer) for record in records))


@dataclass(frozen=True)
class LayerEvaluation:
    """One layer: totals, per-label and per-document breakdowns (all adding up), headline."""

    layer: str
    counts: Counts
    by_label: Mapping[str, Counts]
    headline: Headline
    documents: tuple[DocumentEvaluation, ...]
    macro: MacroScores | None = None
    token_view: TokenView | None = None
    offset_free: PRFCounts | None = None  # entities and dates: distinct pairs per document (.offset_free)
    ggt: Mapping[str, PRFCounts] | None = None  # quotes: the Gender Gap Tracker's counts per threshold

    @property
    def documents_without_layer(self) -> tuple[str, ...]:
        return tuple(d.document_id for d in self.documents if d.prediction == MISSING_LAYER)

    @property
    def conventions(self) -> dict[str, float | None]:
        """The figures of the field's conventions (:data:`~frnewsbench.scoring.conventions.CONVENTIONS`)
        by key; ``None`` where undefined, or not recorded (a result written before they were)."""
        if self.layer == "quotes" and self.ggt is None:
            return {convention.key: None for convention in CONVENTIONS[self.layer]}
        return {convention.key: convention.figure(self.counts, self.ggt or {}) for convention in CONVENTIONS[self.layer]}

    def to_dict(self, *, documents: Any = True) -> dict[str, Any]:
        """``documents``: ``True`` lists the documents' entries; anything else is written in their
        place (a marker: :meth:`frnewsbench.report.result.Result.json_chunks` streams them)."""
        return {
            "layer": self.layer,
            "headline": self.headline.to_dict(),
            "counts": self.counts.to_dict(),
            "by_label": {label: counts.to_dict() for label, counts in sorted(self.by_label.items())},
            "macro": None if self.macro is None else self.macro.to_dict(),
            "token_view": None if self.token_view is None else self.token_view.to_dict(),
            "offset_free": None if self.offset_free is None else self.offset_free.to_dict(),
            "conventions": {
                convention.key: {"name": convention.name, "source": convention.source, "value": value}
                for convention, value in zip(CONVENTIONS[self.layer], self.conventions.values())
            },
            "ggt": None if self.ggt is None else {key: counts.to_dict() for key, counts in self.ggt.items()},
            "documents_without_layer": list(self.documents_without_layer),
            "documents": [document.to_dict() for document in self.documents] if documents is True else documents,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LayerEvaluation:
        layer = data["layer"]
        if layer not in ZERO:
            raise ValueError(f"unknown layer {layer!r}: expected one of {', '.join(LAYERS)}")
        kind = type(ZERO[layer])
        return cls(
            layer, kind.from_dict(data["counts"]),
            {label: kind.from_dict(counts) for label, counts in data["by_label"].items()},
            Headline.from_dict(data["headline"]),
            tuple(DocumentEvaluation.from_dict(document, layer=layer) for document in data["documents"]),
            None if data["macro"] is None else MacroScores.from_dict(data["macro"]),
            None if data["token_view"] is None else TokenView.from_dict(data["token_view"]),
            None if data.get("offset_free") is None else PRFCounts.from_dict(data["offset_free"]),
            None if data.get("ggt") is None else {key: PRFCounts.from_dict(counts) for key, counts in data["ggt"].items()},
        )


@dataclass(frozen=True)
class Evaluation:
    """The scores of one system. ``layers`` has every layer; an unscored one is ``None``."""

    layers: Mapping[str, LayerEvaluation | None]
    document_ids: tuple[str, ...]
    missing_documents: tuple[str, ...]
    bootstrap_samples: int
    seed: int

    @property
    def headlines(self) -> dict[str, Headline | None]:
        return {layer: None if result is None else result.headline for layer, result in self.layers.items()}

    def to_dict(self, *, documents: Callable[[str], Any] | None = None) -> dict[str, Any]:
        """``documents``: what to write in place of each layer's documents' entries (by layer),
        see :meth:`LayerEvaluation.to_dict`; ``None``, the entries."""
        return {
            "documents": len(self.document_ids),
            "document_ids": list(self.document_ids),
            "missing_documents": list(self.missing_documents),
            "bootstrap": {"samples": self.bootstrap_samples, "seed": self.seed, "unit": UNIT, "level": LEVEL},
            "headlines": {
                layer: None if headline is None else headline.to_dict() for layer, headline in self.headlines.items()
            },
            "layers": {layer: None if result is None else result.to_dict(documents=True if documents is None else documents(layer))
                       for layer, result in self.layers.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evaluation:
        """The evaluation written by :meth:`to_dict` (the derived figures in ``data`` are not read)."""
        layers = data["layers"]
        unknown = sorted(set(layers) - set(LAYERS))
        if unknown:
            raise ValueError(f"unknown layer(s) {', '.join(map(repr, unknown))}: expected {', '.join(LAYERS)}")
        return cls(
            layers={layer: None if layers.get(layer) is None else LayerEvaluation.from_dict(layers[layer])
                    for layer in LAYERS},
            document_ids=tuple(data["document_ids"]),
            missing_documents=tuple(data["missing_documents"]),
            bootstrap_samples=data["bootstrap"]["samples"],
            seed=data["bootstrap"]["seed"],
        )


def _check(gold: Sequence[Document], predictions: Mapping[str, Prediction]) -> None:
    ids = Counter(document.id for document in gold)
    duplicates = sorted(document_id for document_id, count in ids.items() if count > 1)
    if duplicates:
        raise ScoringError(f"the gold has duplicate document ids: {', '.join(duplicates)}; each document must appear once")
    for key, prediction in predictions.items():
        if not isinstance(prediction, Prediction):
            raise ScoringError(f"predictions[{key!r}] is a {type(prediction).__name__}, expected a frnewsbench.schema.Prediction")
        if prediction.id != key:
            raise ScoringError(f"predictions[{key!r}] holds the prediction of document {prediction.id!r}: key it by its own id")
    unknown = sorted(set(predictions) - set(ids))
    if unknown:
        raise ScoringError(
            f"{len(unknown)} prediction(s) name documents that are not in the gold: {', '.join(unknown[:10])}"
            f"{' ...' if len(unknown) > 10 else ''}; known ids look like {', '.join(sorted(ids)[:3])}. "
            "Score against the dataset revision the predictions were made on, or remove them"
        )


def _layers(layers: Sequence[str] | None, predictions: Mapping[str, Prediction]) -> tuple[str, ...]:
    if isinstance(layers, str):
        layers = (layers,)
    if layers is not None:
        unknown = [layer for layer in layers if layer not in LAYERS]
        if unknown:
            raise ScoringError(f"unknown layer(s) {', '.join(map(repr, unknown))}: expected some of {', '.join(LAYERS)}")
    predicted = {layer for p in predictions.values() for layer in p.layers()}
    return tuple(layer for layer in LAYERS if layer in predicted and (layers is None or layer in layers))


def score_document(layer: str, document: Document, prediction: Prediction | None, *,
                   records: bool = True) -> DocumentScore:
    """One layer of one document; a missing prediction or layer is scored as empty.
    ``records=False``: the figures only."""
    predicted = () if prediction is None else (getattr(prediction, layer) or ())
    if layer == "entities":
        return score_entities(gold=document.entities, predicted=predicted, records=records)
    if layer == "dates":
        return score_dates(gold=document.dates, predicted=predicted, records=records)
    if layer == "quotes":
        return score_quotes(
            gold=document.quotes, predicted=predicted, text=document.text, gold_entities=document.entities,
            predicted_entities=() if prediction is None else (prediction.entities or ()), records=records,
        )
    raise ScoringError(f"unknown layer {layer!r}: expected one of {', '.join(LAYERS)}")


def _status(layer: str, prediction: Prediction | None) -> str:
    if prediction is None:
        return MISSING_DOCUMENT
    return GIVEN if getattr(prediction, layer) is not None else MISSING_LAYER


def evaluate(
    *,
    gold: Sequence[Document],
    predictions: Mapping[str, Prediction],
    layers: Sequence[str] | None = None,
    bootstrap_samples: int = 1000,
    seed: int = 0,
    token_view: bool = True,
    records: bool = True,
) -> Evaluation:
    """Score ``predictions`` (keyed by document id) against ``gold``.

    ``layers=None`` scores every layer at least one prediction gives; a layer no prediction
    gives is ``None`` in the result. Gold documents without a prediction, or whose prediction
    lacks a scored layer, are scored as empty and listed. ``token_view`` adds the seqeval IOB2
    figures of the entities. ``records=False`` keeps no match record (every figure is the same;
    :func:`match_records` streams them when they are wanted).
    """
    gold = list(gold)
    check_resampling(bootstrap_samples, seed)
    _check(gold, predictions)
    return evaluate_batches([(gold, predictions)], layers=_layers(layers, predictions),
                            bootstrap_samples=bootstrap_samples, seed=seed, token_view=token_view, records=records)


def evaluate_batches(
    batches: Iterable[tuple[Sequence[Document], Mapping[str, Prediction]]],
    *,
    layers: Sequence[str],
    bootstrap_samples: int = 1000,
    seed: int = 0,
    token_view: bool = True,
    records: bool = True,
) -> Evaluation:
    """:func:`evaluate` of a corpus given a batch of documents at a time (the batches in the
    gold's order, each with the predictions of its own documents), scoring exactly ``layers``.

    Only each document's counts and the sums are kept from one batch to the next, so a batch's
    documents and predictions can be let go once it is scored: every figure is the one
    :func:`evaluate` gives the whole corpus (the counts add up; the bootstrap's paragraph rows are
    the batches' rows one after the other).
    """
    check_resampling(bootstrap_samples, seed)
    tallies = {layer: _LayerTally(layer, token_view=token_view, records=records) for layer in layers}
    document_ids: list[str] = []
    missing: list[str] = []
    for gold, predictions in batches:
        gold = list(gold)
        _check(gold, predictions)
        document_ids += (document.id for document in gold)
        missing += (document.id for document in gold if document.id not in predictions)
        paragraphs = Paragraphs.of([document.text for document in gold]) if tallies else None
        for tally in tallies.values():
            tally.add(gold, predictions, paragraphs)
    # the layers' unit tables resampled together: the same draws, the same intervals, one pass
    intervals = bootstrap_intervals({layer: tally.unit_table() for layer, tally in tallies.items()},
                                    samples=bootstrap_samples, seed=seed)
    results: dict[str, LayerEvaluation | None] = {layer: None for layer in LAYERS}
    for layer, tally in tallies.items():
        results[layer] = tally.result(intervals[layer])
    return Evaluation(layers=results, document_ids=tuple(document_ids), missing_documents=tuple(missing),
                      bootstrap_samples=bootstrap_samples, seed=seed)


class _LayerTally:
    """One layer's scores over the batches seen so far: each document's entry, and the parts of
    the corpus's figures (counts, per label, bootstrap rows, token view, GGT, offset-free)."""

    def __init__(self, layer: str, *, token_view: bool, records: bool) -> None:
        self.layer, self.with_token_view, self.records = layer, token_view, records
        self.documents: list[DocumentEvaluation] = []
        self.counts: list[Counts] = []
        self.by_label: list[Mapping[str, Counts]] = []
        self.tables: list[np.ndarray] = []
        self.token_views: list[TokenView] = []
        self.ggt: list[Mapping[str, PRFCounts]] = []
        self.offset_free: list[PRFCounts] = []

    def add(self, gold: Sequence[Document], predictions: Mapping[str, Prediction], paragraphs: Paragraphs) -> None:
        """Score one batch of documents."""
        layer = self.layer
        if self.records:
            documents, scores = _documents(layer, gold, predictions)
        else:
            scores = score_layer(layer, gold, predictions)
            documents = [DocumentEvaluation(document.id, _status(layer, predictions.get(document.id)), counts)
                         for document, counts in zip(gold, scores.document_counts)]
        self.documents += documents
        self.counts.append(scores.counts)
        self.by_label.append(scores.by_label)
        self.tables.append(unit_table(paragraphs, [scores.headline]))
        if layer == "quotes":
            self.ggt.append(ggt_totals((d.quotes, _predicted(layer, d, predictions)) for d in gold))
        if layer == "entities" and self.with_token_view:
            self.token_views.append(score_token_view([
                (d.id, d.text, d.entities, (predictions[d.id].entities or ()) if d.id in predictions else ())
                for d in gold
            ]))
        if layer in offset_free.LAYERS:
            self.offset_free.append(offset_free.offset_free_totals(
                layer, ((getattr(d, layer), _predicted(layer, d, predictions)) for d in gold)))

    def unit_table(self) -> np.ndarray:
        """The bootstrap's rows of the headline's (TP, FP, FN), every batch's in turn."""
        if not self.tables:
            return np.zeros((0, 3), dtype=np.int64)
        return self.tables[0] if len(self.tables) == 1 else np.concatenate(self.tables)

    def result(self, interval: Interval) -> LayerEvaluation:
        layer = self.layer
        counts = total(self.counts, ZERO[layer])
        by_label = _summed_by_label(self.by_label, ZERO[layer])
        headline = Headline(HEADLINES[layer], counts.headline.f1, interval)
        macro = macro_scores(by_label) if layer == "entities" else None
        view = _summed_token_view(self.token_views) if layer == "entities" and self.with_token_view else None
        ggt = None if layer != "quotes" else {key: total([part[key] for part in self.ggt], PRFCounts())
                                               for key in ggt_totals(())}
        free = total(self.offset_free, PRFCounts()) if layer in offset_free.LAYERS else None
        return LayerEvaluation(layer, counts, by_label, headline, tuple(self.documents), macro, view, free, ggt)


def _summed_by_label(parts: Sequence[Mapping[str, C]], zero: C) -> Mapping[str, C]:
    """Per label, the sum of ``parts`` (sorted by label, as each part is)."""
    if len(parts) == 1:
        return parts[0]
    labels = sorted({label for part in parts for label in part})
    return {label: total([part[label] for part in parts if label in part], zero) for label in labels}


def _summed_token_view(parts: Sequence[TokenView]) -> TokenView:
    """The token view of a corpus from its batches' views (counts per label summed, spans left out in turn)."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return score_token_view(())
    by_label = dict(_summed_by_label([part.by_label for part in parts], PRFCounts()))
    return TokenView(total(by_label.values(), PRFCounts()), by_label,
                     tuple(span for part in parts for span in part.left_out))


def _documents(layer: str, gold: Sequence[Document],
               predictions: Mapping[str, Prediction]) -> tuple[list[DocumentEvaluation], LayerScores]:
    """One layer scored document by document, with every match record."""
    documents, scores = [], []
    for document in gold:
        prediction = predictions.get(document.id)
        score = score_document(layer, document, prediction)
        scores.append(score)
        documents.append(DocumentEvaluation(document.id, _status(layer, prediction), score.counts, score.by_label,
                                            score.records))
    return documents, _summed(layer, scores)


def score_layer(layer: str, gold: Sequence[Document], predictions: Mapping[str, Prediction]) -> LayerScores:
    """One layer's counts over the corpus, without match records, in arrays (:mod:`.columnar`):
    the same counts as :func:`score_document` summed."""
    def per_document(index: int) -> DocumentScore:
        return score_document(layer, gold[index], predictions.get(gold[index].id), records=False)

    return score_corpus(layer, gold, [predictions.get(document.id) for document in gold], per_document)


def _summed(layer: str, scores: Sequence[DocumentScore]) -> LayerScores:
    """The per-document scores of a layer as a corpus's: per-label totals, headline positions."""
    grouped: dict[str, list[Counts]] = {}
    for score in scores:
        for label, label_counts in score.by_label.items():
            grouped.setdefault(label, []).append(label_counts)
    by_label = {label: total(grouped[label], ZERO[layer]) for label in sorted(grouped)}
    return LayerScores([score.counts for score in scores], by_label,
                       HeadlineColumns.from_atoms([score.headline for score in scores]),
                       total((score.counts for score in scores), ZERO[layer]))


def match_records(
    *,
    gold: Sequence[Document],
    predictions: Mapping[str, Prediction],
    layers: Sequence[str] | None = None,
) -> Iterator[tuple[str, str, MatchRecord]]:
    """Every match record of the layers :func:`evaluate` scores, as ``(layer, document id,
    record)``: by layer, then document (in ``gold``'s order), in each document's record order.

    A generator: each document is scored again when its turn comes and its records are handed
    out, so the records of a large corpus are never all held at once.
    """
    gold = list(gold)
    _check(gold, predictions)
    for layer in _layers(layers, predictions):
        for document in gold:
            for record in score_document(layer, document, predictions.get(document.id)).records:
                yield layer, document.id, record


def _predicted(layer: str, document: Document, predictions: Mapping[str, Prediction]) -> tuple:
    prediction = predictions.get(document.id)
    return () if prediction is None else (getattr(prediction, layer) or ())


def paired_bootstrap(
    *,
    gold: Sequence[Document],
    predictions_a: Mapping[str, Prediction],
    predictions_b: Mapping[str, Prediction],
    layer: str,
    samples: int = 1000,
    seed: int = 0,
) -> PairedBootstrap:
    """The paired bootstrap test of the headline figure of ``layer`` between systems A and B
    (Berg-Kirkpatrick et al. 2012; paragraphs resampled, see :mod:`frnewsbench.scoring.bootstrap`)."""
    gold = list(gold)
    check_resampling(samples, seed)
    if layer not in LAYERS:
        raise ScoringError(f"unknown layer {layer!r}: expected one of {', '.join(LAYERS)}")
    for name, predictions in (("A", predictions_a), ("B", predictions_b)):
        _check(gold, predictions)
        if not any(getattr(p, layer) is not None for p in predictions.values()):
            raise ScoringError(f"system {name} predicts no {layer}: a paired test needs the layer from both systems")
    table = unit_table(Paragraphs.of([document.text for document in gold]),
                       [score_layer(layer, gold, predictions).headline for predictions in (predictions_a, predictions_b)])
    return paired_test(table, layer=layer, metric=HEADLINES[layer], samples=samples, seed=seed)
