"""The span layers scored over a whole corpus at once, in arrays: the fast path of ``evaluate``.

:func:`frnewsbench.scoring.entities.score_entities` and
:func:`frnewsbench.scoring.dates.score_dates` score one document at a time and are the
definition. Scoring a large corpus through them spends most of its time in per-document Python
(sorting, tallies, small records); here the same figures come from a few numpy passes:

1. every item of the corpus becomes a row of arrays (document, start, end, label code), on one
   corpus-wide line where document ``d`` starts at ``d * stride``;
2. the overlapping (gold, predicted) pairs come from two ``searchsorted`` range queries: a pair
   overlaps when the predicted item starts in ``[gold.start, gold.end)`` or the gold item starts
   in ``[predicted.start, predicted.end)`` (half-open, non-empty spans);
3. when every pair of a document is its own matching component (each item overlaps at most one
   item of the other side), every scheme's optimal matching is the set of pairs itself, and
   every count is a ``bincount`` of a per-item outcome. Documents with a larger component, or
   an empty span, are scored by the per-document function (exact by construction).

So the counts per document, per label and in total, and the headline's TP/FP/FN positions,
are those of the per-document scorers (tested on random corpora).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Callable, Mapping, Sequence

import numpy as np

from .counts import Counts
from .dates import DateCounts
from .entities import EntityCounts
from .records import DocumentScore, HeadlineColumns

_start, _end = attrgetter("start"), attrgetter("end")


@dataclass(frozen=True)
class LayerScores:
    """One layer over a corpus: the counts of each document (in the gold's order), the totals
    per label, and the headline's positions for the bootstrap."""

    document_counts: list[Counts]
    by_label: dict[str, Counts]
    headline: HeadlineColumns


@dataclass(frozen=True)
class _Side:
    """One side's items as arrays: document, start, end, label code; ``order`` sorts by position."""

    documents: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    labels: np.ndarray

    @classmethod
    def of(cls, per_document: Sequence[Sequence], label: Callable, codes: dict[str, int]) -> _Side:
        flat = list(chain.from_iterable(per_document))
        lengths = np.fromiter(map(len, per_document), dtype=np.int64, count=len(per_document))
        names = list(map(label, flat))
        for name in names:
            if name not in codes:
                codes[name] = len(codes)
        return cls(np.repeat(np.arange(len(per_document), dtype=np.int64), lengths),
                   np.fromiter(map(_start, flat), dtype=np.int64, count=len(flat)),
                   np.fromiter(map(_end, flat), dtype=np.int64, count=len(flat)),
                   np.fromiter(map(codes.__getitem__, names), dtype=np.int64, count=len(names)))


def _ranges(queries_low: np.ndarray, queries_high: np.ndarray, sorted_positions: np.ndarray,
            low_side: str) -> tuple[np.ndarray, np.ndarray]:
    """For each query ``q``, the indices ``i`` (into ``sorted_positions``) with position in
    ``[low, high)`` (``(low, high)`` with ``low_side="right"``): as (query, index) arrays."""
    first = np.searchsorted(sorted_positions, queries_low, side=low_side)
    last = np.searchsorted(sorted_positions, queries_high, side="left")
    sizes = np.maximum(last - first, 0)
    queries = np.repeat(np.arange(len(queries_low), dtype=np.int64), sizes)
    starts_of_runs = np.cumsum(sizes) - sizes
    indices = first[queries] + (np.arange(len(queries), dtype=np.int64) - starts_of_runs[queries])
    return queries, indices


def overlapping_pairs(gold: _Side, predicted: _Side, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """(gold index, predicted index) of every overlapping pair of the corpus (same document,
    half-open spans sharing a position; callers leave empty spans to the per-document path)."""
    gold_lines, predicted_lines = gold.documents * stride, predicted.documents * stride
    gold_order = np.argsort(gold_lines + gold.starts, kind="stable")
    predicted_order = np.argsort(predicted_lines + predicted.starts, kind="stable")
    gold_sorted = (gold_lines + gold.starts)[gold_order]
    predicted_sorted = (predicted_lines + predicted.starts)[predicted_order]
    # the gold item starts inside the predicted one: predicted.start <= gold.start < predicted.end
    p1, g1 = _ranges(predicted_lines + predicted.starts, predicted_lines + predicted.ends, gold_sorted, "left")
    # the predicted item starts inside the gold one, after its start: gold.start < predicted.start < gold.end
    g2, p2 = _ranges(gold_lines + gold.starts, gold_lines + gold.ends, predicted_sorted, "right")
    return (np.concatenate([gold_order[g1], g2]), np.concatenate([p1, predicted_order[p2]]))


@dataclass(frozen=True)
class _Pairing:
    """The pairs of the documents the arrays can score, and which documents they cannot."""

    gold: np.ndarray  # gold item index of each pair
    predicted: np.ndarray  # predicted item index of each pair
    gold_paired: np.ndarray  # per gold item: its pair's index, or -1
    predicted_paired: np.ndarray  # per predicted item: its pair's index, or -1
    by_document: np.ndarray  # per document: True when the per-document scorer must score it


def _pairing(gold: _Side, predicted: _Side, documents: int) -> _Pairing:
    stride = int(max(gold.ends.max(initial=0), predicted.ends.max(initial=0),
                     gold.starts.max(initial=0), predicted.starts.max(initial=0))) + 2
    fallback = np.zeros(documents, dtype=bool)
    # negative offsets would cross into the previous document's stretch of the line
    for side in (gold, predicted):
        fallback[side.documents[(side.ends <= side.starts) | (side.starts < 0)]] = True
    pair_gold, pair_predicted = overlapping_pairs(gold, predicted, stride)
    gold_degree = np.bincount(pair_gold, minlength=len(gold.starts))
    predicted_degree = np.bincount(pair_predicted, minlength=len(predicted.starts))
    shared = (gold_degree[pair_gold] > 1) | (predicted_degree[pair_predicted] > 1)
    fallback[gold.documents[pair_gold[shared]]] = True
    keep = ~fallback[gold.documents[pair_gold]]
    pair_gold, pair_predicted = pair_gold[keep], pair_predicted[keep]
    gold_paired = np.full(len(gold.starts), -1, dtype=np.int64)
    predicted_paired = np.full(len(predicted.starts), -1, dtype=np.int64)
    gold_paired[pair_gold] = np.arange(len(pair_gold))
    predicted_paired[pair_predicted] = np.arange(len(pair_predicted))
    return _Pairing(pair_gold, pair_predicted, gold_paired, predicted_paired, fallback)


class _Tally:
    """Counts per document and per label code, column by column (a flat :class:`Counts` layout)."""

    def __init__(self, documents: int, labels: int, width: int):
        self.per_document = np.zeros((documents, width), dtype=np.int64)
        self.per_label = np.zeros((labels, width), dtype=np.int64)

    def add(self, column: int, side: _Side, mask: np.ndarray) -> None:
        self.per_document[:, column] += np.bincount(side.documents[mask], minlength=len(self.per_document))
        self.per_label[:, column] += np.bincount(side.labels[mask], minlength=len(self.per_label))


def _finish(tally: _Tally, kind: type[Counts], codes: Mapping[str, int], fallback_scores,
            headline: list[tuple[np.ndarray, np.ndarray]]) -> LayerScores:
    """Add the per-document scores of the documents the arrays left out; the counts as records."""
    extra: list[list[tuple[int, tuple[int, ...]]]] = [[], [], []]
    for index, score in fallback_scores:
        tally.per_document[index] = score.counts.flat()
        for label, counts in score.by_label.items():
            tally.per_label[codes[label]] += counts.flat()
        for column, offsets in enumerate((score.headline.tp, score.headline.fp, score.headline.fn)):
            extra[column].append((index, offsets))
    documents, offsets = [], []
    for column, (column_documents, column_offsets) in enumerate(headline):
        more = extra[column]
        lengths = [len(o) for _, o in more]
        documents.append(np.concatenate([column_documents, np.repeat(
            np.fromiter((i for i, _ in more), dtype=np.int64, count=len(more)), lengths)]))
        offsets.append(np.concatenate([column_offsets, np.fromiter(
            chain.from_iterable(o for _, o in more), dtype=np.int64, count=sum(lengths))]))
    names = {code: name for name, code in codes.items()}
    by_label = {names[code]: kind.from_flat(row) for code, row in enumerate(tally.per_label.tolist()) if any(row)}
    return LayerScores([kind.from_flat(row) for row in tally.per_document.tolist()],
                       dict(sorted(by_label.items())), HeadlineColumns(tuple(documents), tuple(offsets)))


# flat EntityCounts layout: strict tp, fp, fn; then per SemEval scheme (strict, exact, partial,
# type): correct, incorrect, partial, missed, spurious
_SCHEME_BASE = {"strict": 3, "exact": 8, "partial": 13, "type": 18}
_CORRECT, _INCORRECT, _PARTIAL, _MISSED, _SPURIOUS = range(5)


def score_entities_corpus(gold: Sequence[Sequence], predicted: Sequence[Sequence],
                          per_document: Callable[[int], DocumentScore]) -> LayerScores:
    """Every entity figure of a corpus (``gold[d]`` and ``predicted[d]``: document ``d``'s
    entities); ``per_document(d)`` scores document ``d`` alone, for the documents the arrays
    leave to it. The same counts as :func:`frnewsbench.scoring.entities.score_entities`."""
    codes: dict[str, int] = {}
    gold_side = _Side.of(gold, attrgetter("label"), codes)
    predicted_side = _Side.of(predicted, attrgetter("label"), codes)
    pairing = _pairing(gold_side, predicted_side, len(gold))
    g, p = pairing.gold, pairing.predicted
    same_span = (gold_side.starts[g] == predicted_side.starts[p]) & (gold_side.ends[g] == predicted_side.ends[p])
    same_label = gold_side.labels[g] == predicted_side.labels[p]
    gold_scored = ~pairing.by_document[gold_side.documents]
    predicted_scored = ~pairing.by_document[predicted_side.documents]

    def on_gold(pair_values: np.ndarray) -> np.ndarray:  # per gold item: its pair's value (False unpaired)
        values = np.zeros(len(gold_side.starts), dtype=bool)
        values[g] = pair_values
        return values

    gold_paired, predicted_paired = pairing.gold_paired >= 0, pairing.predicted_paired >= 0
    gold_same_span, gold_same_label = on_gold(same_span), on_gold(same_label)
    gold_hit = gold_same_span & gold_same_label
    predicted_hit = np.zeros(len(predicted_side.starts), dtype=bool)
    predicted_hit[p] = same_span & same_label
    tally = _Tally(len(gold), len(codes), 23)
    tally.add(0, gold_side, gold_scored & gold_hit)
    tally.add(1, predicted_side, predicted_scored & ~predicted_hit)
    tally.add(2, gold_side, gold_scored & ~gold_hit)
    outcomes = {"strict": (gold_hit, _INCORRECT), "exact": (gold_same_span, _INCORRECT),
                "partial": (gold_same_span, _PARTIAL), "type": (gold_same_label, _INCORRECT)}
    for scheme, (correct, otherwise) in outcomes.items():
        base = _SCHEME_BASE[scheme]
        tally.add(base + _CORRECT, gold_side, gold_scored & gold_paired & correct)
        tally.add(base + otherwise, gold_side, gold_scored & gold_paired & ~correct)
        tally.add(base + _MISSED, gold_side, gold_scored & ~gold_paired)
        tally.add(base + _SPURIOUS, predicted_side, predicted_scored & ~predicted_paired)
    tp, fn, fp = gold_scored & gold_hit, gold_scored & ~gold_hit, predicted_scored & ~predicted_hit
    headline = [(gold_side.documents[tp], gold_side.starts[tp]), (predicted_side.documents[fp], predicted_side.starts[fp]),
                (gold_side.documents[fn], gold_side.starts[fn])]
    fallback = ((int(d), per_document(int(d))) for d in np.flatnonzero(pairing.by_document))
    return _finish(tally, EntityCounts, codes, fallback, headline)


def score_dates_corpus(gold: Sequence[Sequence], predicted: Sequence[Sequence],
                       per_document: Callable[[int], DocumentScore]) -> LayerScores:
    """Every time-expression figure of a corpus, as :func:`score_entities_corpus` (the same counts
    as :func:`frnewsbench.scoring.dates.score_dates`)."""
    codes: dict[str, int] = {}
    gold_side = _Side.of(gold, attrgetter("type"), codes)
    predicted_side = _Side.of(predicted, attrgetter("type"), codes)
    value_codes: dict[str, int] = {}
    gold_values = np.fromiter((value_codes.setdefault(t.value, len(value_codes)) for t in chain.from_iterable(gold)),
                              dtype=np.int64, count=len(gold_side.starts))
    predicted_values = np.fromiter(
        (value_codes.setdefault(t.value, len(value_codes)) for t in chain.from_iterable(predicted)),
        dtype=np.int64, count=len(predicted_side.starts))
    pairing = _pairing(gold_side, predicted_side, len(gold))
    g, p = pairing.gold, pairing.predicted
    gold_scored = ~pairing.by_document[gold_side.documents]
    predicted_scored = ~pairing.by_document[predicted_side.documents]
    gold_paired, predicted_paired = pairing.gold_paired >= 0, pairing.predicted_paired >= 0

    def on_gold(pair_values: np.ndarray) -> np.ndarray:
        values = np.zeros(len(gold_side.starts), dtype=bool)
        values[g] = pair_values
        return values

    same_span = on_gold((gold_side.starts[g] == predicted_side.starts[p]) & (gold_side.ends[g] == predicted_side.ends[p]))
    same_type = on_gold(gold_side.labels[g] == predicted_side.labels[p])
    same_value = on_gold(gold_values[g] == predicted_values[p])
    predicted_same_span = np.zeros(len(predicted_side.starts), dtype=bool)
    predicted_same_span[p] = same_span[g]
    predicted_right_value = np.zeros(len(predicted_side.starts), dtype=bool)
    predicted_right_value[p] = same_value[g]
    # flat DateCounts layout: strict_span tp fp fn, relaxed_span tp fp fn, type_accuracy correct total,
    # value_accuracy correct total, value tp fp fn
    tally = _Tally(len(gold), len(codes), 13)
    matched, unmatched = gold_scored & gold_paired, gold_scored & ~gold_paired
    tally.add(0, gold_side, gold_scored & same_span)
    tally.add(1, predicted_side, predicted_scored & ~predicted_same_span)
    tally.add(2, gold_side, gold_scored & ~same_span)
    tally.add(3, gold_side, matched)
    tally.add(4, predicted_side, predicted_scored & ~predicted_paired)
    tally.add(5, gold_side, unmatched)
    tally.add(6, gold_side, matched & same_type)
    tally.add(7, gold_side, matched)
    tally.add(8, gold_side, matched & same_value)
    tally.add(9, gold_side, matched)
    tally.add(10, gold_side, matched & same_value)
    # value FP: a matched pair with a wrong value (under the gold type) or an unmatched prediction
    tally.add(11, gold_side, matched & ~same_value)
    tally.add(11, predicted_side, predicted_scored & ~predicted_paired)
    tally.add(12, gold_side, gold_scored & ~(gold_paired & same_value))
    tp = matched & same_value
    fn = gold_scored & ~tp
    fp = predicted_scored & ~predicted_right_value
    headline = [(gold_side.documents[tp], gold_side.starts[tp]), (predicted_side.documents[fp], predicted_side.starts[fp]),
                (gold_side.documents[fn], gold_side.starts[fn])]
    fallback = ((int(d), per_document(int(d))) for d in np.flatnonzero(pairing.by_document))
    return _finish(tally, DateCounts, codes, fallback, headline)


CORPUS_SCORERS = {"entities": score_entities_corpus, "dates": score_dates_corpus}
