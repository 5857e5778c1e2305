"""Every layer scored over a whole corpus at once, in arrays: the fast path of ``evaluate``.

The per-document scorers (:func:`~frnewsbench.scoring.entities.score_entities`,
:func:`~frnewsbench.scoring.dates.score_dates`, :func:`~frnewsbench.scoring.quotes.score_quotes`)
are the definition. Scoring a large corpus through them spends most of its time in
per-document Python (sorting, tallies, small records); here the same figures come from a few
numpy passes:

1. every item of the corpus becomes a row of arrays (document, start, end, label code), on one
   corpus-wide line where document ``d`` starts at ``d * stride``;
2. the overlapping (gold, predicted) pairs come from two ``searchsorted`` range queries: a pair
   overlaps when the predicted item starts in ``[gold.start, gold.end)`` or the gold item starts
   in ``[predicted.start, predicted.end)`` (half-open, non-empty spans);
3. a pair alone in its matching component (each of its items overlaps no other item) is
   matched in every scheme, and every count is a ``bincount`` of a per-item outcome. For
   entities and dates, a document with a larger component is scored by the per-document
   function (none in the real corpus); for quotes, whose contents nest, the larger components
   are solved by :func:`~frnewsbench.scoring.matching.optimal_matching` on the same items in the
   same order as the per-document function, so they get the same pairs. A document with an
   empty span goes to the per-document function.

So the counts per document, per label and in total, and the headline's TP/FP/FN positions,
are those of the per-document scorers (tests/test_scoring_columnar.py, on random corpora).
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
from .matching import optimal_matching
from .quotes import THRESHOLDS, QuoteCounts, WordIndex, canonical_names, speaker_is_right
from .quotes import _key as quote_order
from .records import DocumentScore, HeadlineColumns

_start, _end = attrgetter("start"), attrgetter("end")


@dataclass(frozen=True)
class LayerScores:
    """One layer over a corpus: the counts of each document (in the gold's order), the totals
    per label, and the headline's positions for the bootstrap."""

    document_counts: list[Counts]
    by_label: dict[str, Counts]
    headline: HeadlineColumns
    counts: Counts  # the corpus's: the sum of document_counts (and of by_label)


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


def _stride(*sides: _Side) -> int:
    """A document's length on the corpus-wide line: more than any offset."""
    return int(max(max(side.ends.max(initial=0), side.starts.max(initial=0)) for side in sides)) + 2


def _empty_spans(documents: int, *sides: _Side) -> np.ndarray:
    """Per document: holds an empty or negative span (left to the per-document scorer; a
    negative offset would cross into the previous document's stretch of the line)."""
    found = np.zeros(documents, dtype=bool)
    for side in sides:
        found[side.documents[(side.ends <= side.starts) | (side.starts < 0)]] = True
    return found


def _candidates(gold: _Side, predicted: _Side, documents: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The overlapping pairs, and the documents the arrays cannot score: those with an empty (or
    negative) span, or an item overlapping more than one item of the other side."""
    fallback = _empty_spans(documents, gold, predicted)
    pair_gold, pair_predicted = overlapping_pairs(gold, predicted, _stride(gold, predicted))
    gold_degree = np.bincount(pair_gold, minlength=len(gold.starts))
    predicted_degree = np.bincount(pair_predicted, minlength=len(predicted.starts))
    shared = (gold_degree[pair_gold] > 1) | (predicted_degree[pair_predicted] > 1)
    fallback[gold.documents[pair_gold[shared]]] = True
    return pair_gold, pair_predicted, fallback


def _pairing(gold: _Side, predicted: _Side, candidates: tuple[np.ndarray, np.ndarray], fallback: np.ndarray) -> _Pairing:
    """The candidate pairs of the documents the arrays score (``fallback`` False)."""
    pair_gold, pair_predicted = candidates
    keep = ~fallback[gold.documents[pair_gold]]
    pair_gold, pair_predicted = pair_gold[keep], pair_predicted[keep]
    gold_paired = np.full(len(gold.starts), -1, dtype=np.int64)
    predicted_paired = np.full(len(predicted.starts), -1, dtype=np.int64)
    gold_paired[pair_gold] = np.arange(len(pair_gold))
    predicted_paired[pair_predicted] = np.arange(len(pair_predicted))
    return _Pairing(pair_gold, pair_predicted, gold_paired, predicted_paired, fallback)


def _pair_spans(gold: _Side, predicted: _Side, documents: int) -> _Pairing:
    *candidates, fallback = _candidates(gold, predicted, documents)
    return _pairing(gold, predicted, candidates, fallback)


class _Tally:
    """Counts per document and per label code, column by column (a flat :class:`Counts` layout)."""

    def __init__(self, documents: int, labels: int, width: int):
        self.per_document = np.zeros((documents, width), dtype=np.int64)
        self.per_label = np.zeros((labels, width), dtype=np.int64)

    def add(self, column: int, side: _Side, mask: np.ndarray) -> None:
        self.per_document[:, column] += np.bincount(side.documents[mask], minlength=len(self.per_document))
        self.per_label[:, column] += np.bincount(side.labels[mask], minlength=len(self.per_label))

    def add_prf(self, base: int, gold: _Side, gold_scored: np.ndarray, gold_hit: np.ndarray,
                predicted: _Side, predicted_scored: np.ndarray, predicted_hit: np.ndarray) -> None:
        """TP, FP, FN at ``base``: a gold hit is a TP and a gold miss a FN (under the gold label),
        a predicted miss a FP (under the predicted label); only items where ``*_scored``."""
        self.add(base, gold, gold_scored & gold_hit)
        self.add(base + 1, predicted, predicted_scored & ~predicted_hit)
        self.add(base + 2, gold, gold_scored & ~gold_hit)


def _spread(size: int, indices: np.ndarray, values) -> np.ndarray:
    """A boolean per item (``size`` of them): ``values`` at ``indices``, False elsewhere."""
    spread = np.zeros(size, dtype=bool)
    spread[indices] = values
    return spread


def _same_span(gold: _Side, predicted: _Side, g: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per pair ``(g[i], p[i])``: equal spans."""
    return (gold.starts[g] == predicted.starts[p]) & (gold.ends[g] == predicted.ends[p])


def _shared(gold: _Side, predicted: _Side, g: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per pair ``(g[i], p[i])``: the length of the overlap."""
    return np.minimum(gold.ends[g], predicted.ends[p]) - np.maximum(gold.starts[g], predicted.starts[p])


def _pair_numbers(g: np.ndarray, p: np.ndarray, predicted_count: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """For pairs given as gold and predicted items, the number (index into ``g``, ``p``) of each,
    by binary search on the pairs sorted (no dictionary of every pair)."""
    order = np.lexsort((p, g))
    keys = (g * (predicted_count + 1) + p)[order]

    def numbers(gold_items: np.ndarray, predicted_items: np.ndarray) -> np.ndarray:
        return order[np.searchsorted(keys, gold_items * (predicted_count + 1) + predicted_items)]

    return numbers


def _positions(gold: _Side, predicted: _Side, tp: np.ndarray, fp: np.ndarray,
               fn: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """The headline's TP, FP and FN as (documents, starts): a TP or FN where its gold item starts,
    a FP where its predicted item starts."""
    return [(gold.documents[tp], gold.starts[tp]), (predicted.documents[fp], predicted.starts[fp]),
            (gold.documents[fn], gold.starts[fn])]


def _finish(tally: _Tally, kind: type[Counts], codes: Mapping[str, int], fallback: np.ndarray,
            per_document: Callable[[int], DocumentScore], headline: list[tuple[np.ndarray, np.ndarray]]) -> LayerScores:
    """Add the scores of the documents the arrays left out (``fallback``), scored by
    ``per_document``; the counts as records."""
    extra: list[list[tuple[int, tuple[int, ...]]]] = [[], [], []]
    for index in np.flatnonzero(fallback).tolist():
        score = per_document(index)
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
                       dict(sorted(by_label.items())), HeadlineColumns(tuple(documents), tuple(offsets)),
                       kind.from_flat(tally.per_label.sum(axis=0).tolist()))


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
    pairing = _pair_spans(gold_side, predicted_side, len(gold))
    g, p = pairing.gold, pairing.predicted
    same_span = _same_span(gold_side, predicted_side, g, p)
    same_label = gold_side.labels[g] == predicted_side.labels[p]
    gold_scored = ~pairing.by_document[gold_side.documents]
    predicted_scored = ~pairing.by_document[predicted_side.documents]
    gold_count, predicted_count = len(gold_side.starts), len(predicted_side.starts)
    gold_paired, predicted_paired = pairing.gold_paired >= 0, pairing.predicted_paired >= 0
    gold_same_span, gold_same_label = _spread(gold_count, g, same_span), _spread(gold_count, g, same_label)
    gold_hit = gold_same_span & gold_same_label
    predicted_hit = _spread(predicted_count, p, same_span & same_label)
    tally = _Tally(len(gold), len(codes), 23)
    tally.add_prf(0, gold_side, gold_scored, gold_hit, predicted_side, predicted_scored, predicted_hit)
    outcomes = {"strict": (gold_hit, _INCORRECT), "exact": (gold_same_span, _INCORRECT),
                "partial": (gold_same_span, _PARTIAL), "type": (gold_same_label, _INCORRECT)}
    for scheme, (correct, otherwise) in outcomes.items():
        base = _SCHEME_BASE[scheme]
        tally.add(base + _CORRECT, gold_side, gold_scored & gold_paired & correct)
        tally.add(base + otherwise, gold_side, gold_scored & gold_paired & ~correct)
        tally.add(base + _MISSED, gold_side, gold_scored & ~gold_paired)
        tally.add(base + _SPURIOUS, predicted_side, predicted_scored & ~predicted_paired)
    headline = _positions(gold_side, predicted_side, gold_scored & gold_hit, predicted_scored & ~predicted_hit,
                          gold_scored & ~gold_hit)
    return _finish(tally, EntityCounts, codes, pairing.by_document, per_document, headline)


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
    pairing = _pair_spans(gold_side, predicted_side, len(gold))
    g, p = pairing.gold, pairing.predicted
    gold_scored = ~pairing.by_document[gold_side.documents]
    predicted_scored = ~pairing.by_document[predicted_side.documents]
    gold_paired, predicted_paired = pairing.gold_paired >= 0, pairing.predicted_paired >= 0
    gold_count, predicted_count = len(gold_side.starts), len(predicted_side.starts)
    same_span = _spread(gold_count, g, _same_span(gold_side, predicted_side, g, p))
    same_type = _spread(gold_count, g, gold_side.labels[g] == predicted_side.labels[p])
    same_value = _spread(gold_count, g, gold_values[g] == predicted_values[p])
    predicted_same_span = _spread(predicted_count, p, same_span[g])
    predicted_right_value = _spread(predicted_count, p, same_value[g])
    # flat DateCounts layout: strict_span tp fp fn, relaxed_span tp fp fn, type_accuracy correct total,
    # value_accuracy correct total, value tp fp fn
    tally = _Tally(len(gold), len(codes), 13)
    matched, unmatched = gold_scored & gold_paired, gold_scored & ~gold_paired
    tally.add_prf(0, gold_side, gold_scored, same_span, predicted_side, predicted_scored, predicted_same_span)
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
    headline = _positions(gold_side, predicted_side, tp, predicted_scored & ~predicted_right_value, gold_scored & ~tp)
    return _finish(tally, DateCounts, codes, pairing.by_document, per_document, headline)


# flat QuoteCounts layout: content_exact, content_overlap, content_overlap_30, content_overlap_80
# (tp fp fn each), type_accuracy, speaker_accuracy (correct total each), cue, cue_overlap, attribution
_EXACT, _OVERLAP, _CUE, _CUE_OVERLAP, _ATTRIBUTION = 0, 3, 16, 19, 22
_THRESHOLD_COLUMNS = {"content_overlap_30": 6, "content_overlap_80": 9}
_TYPE_ACCURACY, _SPEAKER_ACCURACY = 12, 14
_TP, _FP, _FN = 0, 1, 2


def _matching(pair_gold: np.ndarray, pair_predicted: np.ndarray, gold_count: int, predicted_count: int,
              keys: Callable[[int, int], tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`frnewsbench.scoring.matching.optimal_matching` of candidate pairs given as arrays:
    a pair alone in its component is taken as it is (in arrays); the larger components, found
    and solved by ``optimal_matching`` itself on the same items in the same order, give the
    same pairs as the per-document scorer. Returns, per gold and per predicted item, the index
    of its partner, or -1."""
    gold_partner = np.full(gold_count, -1, dtype=np.int64)
    predicted_partner = np.full(predicted_count, -1, dtype=np.int64)
    gold_degree = np.bincount(pair_gold, minlength=gold_count)
    predicted_degree = np.bincount(pair_predicted, minlength=predicted_count)
    alone = (gold_degree[pair_gold] == 1) & (predicted_degree[pair_predicted] == 1)
    gold_partner[pair_gold[alone]] = pair_predicted[alone]
    predicted_partner[pair_predicted[alone]] = pair_gold[alone]
    shared = list(zip(pair_gold[~alone].tolist(), pair_predicted[~alone].tolist()))
    if shared:
        for g, p in optimal_matching(sorted(shared), keys, tiebreak_keys=1):
            gold_partner[g], predicted_partner[p] = p, g
    return gold_partner, predicted_partner


def _cue_side(per_document: Sequence[Sequence], codes: dict[str, int]) -> _Side:
    """The distinct non-empty cue spans of each document in span order, typed by the first quote
    (in ``per_document``'s order, that of ``score_quotes``) that has them."""
    documents, starts, ends, types = [], [], [], []
    for index, quotes in enumerate(per_document):
        seen: dict[tuple[int, int], str] = {}
        for quote in quotes:
            cue = quote.cue
            if cue is not None and cue.start < cue.end:
                seen.setdefault((cue.start, cue.end), quote.type)
        for (start, end), type_ in sorted(seen.items()):
            documents.append(index)
            starts.append(start)
            ends.append(end)
            types.append(codes.setdefault(type_, len(codes)))
    return _Side(*(np.asarray(column, dtype=np.int64) for column in (documents, starts, ends, types)))


def score_quotes_corpus(documents: Sequence, predictions: Sequence, per_document: Callable[[int], DocumentScore],
                        ) -> LayerScores:
    """Every quote figure of a corpus (``predictions[d]``: document ``d``'s prediction or
    ``None``), as :func:`score_entities_corpus`: the same counts as
    :func:`frnewsbench.scoring.quotes.score_quotes`. Each document's quotes are taken in that
    function's order; content spans are paired on their word-token runs (one
    :class:`~frnewsbench.scoring.quotes.WordIndex` per document), each matching's larger
    components solved as it solves them, and the speaker of each candidate pair checked one
    pair at a time. Documents with an empty content span or word run are left to ``per_document``."""
    gold_per_document = [sorted(document.quotes, key=quote_order) for document in documents]
    predicted_per_document = [() if prediction is None else sorted(prediction.quotes or (), key=quote_order)
                              for prediction in predictions]
    gold_runs: list[tuple[int, int]] = []
    predicted_runs: list[tuple[int, int]] = []
    for document, gold, predicted in zip(documents, gold_per_document, predicted_per_document):
        if gold or predicted:
            words = WordIndex(document.text, [quote.content for quote in (*gold, *predicted)])
            gold_runs += map(words.run, (quote.content for quote in gold))
            predicted_runs += map(words.run, (quote.content for quote in predicted))
    codes: dict[str, int] = {}
    # the items on their content spans, then the same items on their word-token runs
    gold_items = _Side.of(gold_per_document, attrgetter("type"), codes)
    predicted_items = _Side.of(predicted_per_document, attrgetter("type"), codes)
    gold_side, predicted_side = (
        _Side(items.documents, np.asarray([run[0] for run in runs], dtype=np.int64).reshape(-1),
              np.asarray([run[1] for run in runs], dtype=np.int64).reshape(-1), items.labels)
        for items, runs in ((gold_items, gold_runs), (predicted_items, predicted_runs)))
    del gold_runs, predicted_runs
    gold_flat = list(chain.from_iterable(gold_per_document))
    predicted_flat = list(chain.from_iterable(predicted_per_document))
    gold_cues, predicted_cues = _cue_side(gold_per_document, codes), _cue_side(predicted_per_document, codes)
    del gold_per_document, predicted_per_document

    fallback = _empty_spans(len(documents), gold_side, predicted_side, gold_items, predicted_items)
    g, p = overlapping_pairs(gold_side, predicted_side, _stride(gold_side, predicted_side))
    keep = ~fallback[gold_side.documents[g]]
    order = np.lexsort((p[keep], g[keep]))  # by gold item, so by document
    g, p = g[keep][order], p[keep][order]
    cue_g, cue_p = overlapping_pairs(gold_cues, predicted_cues, _stride(gold_cues, predicted_cues))
    keep = ~fallback[gold_cues.documents[cue_g]]
    cue_g, cue_p = cue_g[keep], cue_p[keep]

    # the speaker of each candidate pair (canonical names looked up only where ids must be
    # compared; the pairs come document by document, so only the last document's are kept)
    names: list = [-1, None]

    def names_of(index: int) -> tuple[dict[str, str], dict[str, str]]:
        if names[0] != index:
            prediction = predictions[index]
            names[:] = index, (canonical_names(documents[index].entities),
                               canonical_names(() if prediction is None else (prediction.entities or ())))
        return names[1]

    right = np.zeros(len(g), dtype=bool)
    for number, (gold_index, predicted_index) in enumerate(zip(g.tolist(), p.tolist())):
        a, b = gold_flat[gold_index], predicted_flat[predicted_index]
        if a.speaker is not None and b.speaker is not None and a.speaker.overlaps(b.speaker) or (
                a.speaker_entity_id is not None and a.speaker_entity_id == b.speaker_entity_id):
            right[number] = True
        elif a.speaker_entity_id and b.speaker_entity_id is not None:
            index = int(gold_side.documents[gold_index])
            right[number] = speaker_is_right(a, b, *names_of(index))
        else:
            right[number] = speaker_is_right(a, b, {}, {})
    shared = _shared(gold_side, predicted_side, g, p)
    longest = np.maximum(gold_side.ends[g] - gold_side.starts[g], predicted_side.ends[p] - predicted_side.starts[p])
    same_type = gold_side.labels[g] == predicted_side.labels[p]
    same_content = _same_span(gold_items, predicted_items, g, p)
    pair_numbers = _pair_numbers(g, p, len(predicted_items.starts))

    def pair_number(a: int, b: int) -> int:
        return int(pair_numbers(np.array([a]), np.array([b]))[0])

    def overlap_keys(a: int, b: int) -> tuple[int, int, int, int, int]:
        number = pair_number(a, b)
        return 1, int(right[number]), int(same_type[number]), int(same_content[number]), int(shared[number])

    def shared_keys(a: int, b: int) -> tuple[int, int]:
        return 1, int(shared[pair_number(a, b)])

    gold_count, predicted_count = len(gold_flat), len(predicted_flat)
    gold_scored, predicted_scored = ~fallback[gold_side.documents], ~fallback[predicted_side.documents]
    tally = _Tally(len(documents), len(codes), 25)

    def prf(base: int, gold_hit: np.ndarray, predicted_hit: np.ndarray) -> None:
        tally.add_prf(base, gold_side, gold_scored, gold_hit, predicted_side, predicted_scored, predicted_hit)

    prf(_EXACT, *_multiset_hits(gold_items, predicted_items))
    for name, (numerator, denominator) in THRESHOLDS.items():
        kept = shared * denominator >= numerator * longest
        gold_partner, predicted_partner = _matching(g[kept], p[kept], gold_count, predicted_count, shared_keys)
        prf(_THRESHOLD_COLUMNS[name], gold_partner >= 0, predicted_partner >= 0)
    gold_partner, predicted_partner = _matching(g, p, gold_count, predicted_count, overlap_keys)
    gold_matched, predicted_matched = gold_partner >= 0, predicted_partner >= 0
    prf(_OVERLAP, gold_matched, predicted_matched)
    matched_gold = np.flatnonzero(gold_matched & gold_scored)
    matched_numbers = pair_numbers(matched_gold, gold_partner[matched_gold])
    gold_right = _spread(gold_count, matched_gold, right[matched_numbers])
    predicted_right = _spread(predicted_count, gold_partner[matched_gold], right[matched_numbers])
    matched = _spread(gold_count, matched_gold, True)
    tally.add(_TYPE_ACCURACY, gold_side, _spread(gold_count, matched_gold, same_type[matched_numbers]))
    tally.add(_TYPE_ACCURACY + 1, gold_side, matched)
    tally.add(_SPEAKER_ACCURACY, gold_side, gold_right)
    tally.add(_SPEAKER_ACCURACY + 1, gold_side, matched)
    # attribution: a right pair is a TP; a wrong one a FP and a FN, both under the gold type
    tally.add(_ATTRIBUTION + _TP, gold_side, gold_right)
    tally.add(_ATTRIBUTION + _FP, gold_side, matched & ~gold_right)
    tally.add(_ATTRIBUTION + _FP, predicted_side, predicted_scored & ~predicted_matched)
    tally.add(_ATTRIBUTION + _FN, gold_side, gold_scored & ~gold_right)
    # cues: distinct spans, exact and one-to-one overlap
    cue_gold_scored, cue_predicted_scored = ~fallback[gold_cues.documents], ~fallback[predicted_cues.documents]
    cue_shared = _shared(gold_cues, predicted_cues, cue_g, cue_p)
    cue_numbers = _pair_numbers(cue_g, cue_p, len(predicted_cues.starts))
    same_cue = _same_span(gold_cues, predicted_cues, cue_g, cue_p)
    cue_gold_partner, cue_predicted_partner = _matching(
        cue_g, cue_p, len(gold_cues.starts), len(predicted_cues.starts),
        lambda a, b: (1, int(cue_shared[cue_numbers(np.array([a]), np.array([b]))[0]])))
    for base, gold_hit, predicted_hit in (
            (_CUE, _spread(len(gold_cues.starts), cue_g, same_cue), _spread(len(predicted_cues.starts), cue_p, same_cue)),
            (_CUE_OVERLAP, cue_gold_partner >= 0, cue_predicted_partner >= 0)):
        tally.add_prf(base, gold_cues, cue_gold_scored, gold_hit, predicted_cues, cue_predicted_scored, predicted_hit)
    # gold_items and predicted_items: the documents of the runs' sides, and the contents' starts
    headline = _positions(gold_items, predicted_items, gold_right, predicted_scored & ~predicted_right,
                          gold_scored & ~gold_right)
    return _finish(tally, QuoteCounts, codes, fallback, per_document, headline)


def _multiset_hits(gold: _Side, predicted: _Side) -> tuple[np.ndarray, np.ndarray]:
    """:func:`frnewsbench.scoring.matching.tally_exact` on ``(document, start, end)`` keys: with
    ``k`` gold and ``m`` predicted items of one key, the first ``min(k, m)`` of each side (in the
    arrays' order) are hits."""
    sides = np.concatenate([np.zeros(len(gold.starts), dtype=np.int64), np.ones(len(predicted.starts), dtype=np.int64)])
    columns = [np.concatenate([getattr(gold, name), getattr(predicted, name)]) for name in ("documents", "starts", "ends")]
    order = np.lexsort((np.arange(len(sides)), sides, columns[2], columns[1], columns[0]))
    keys = [column[order] for column in columns]
    new_key = np.ones(len(order), dtype=bool)
    new_key[1:] = (keys[0][1:] != keys[0][:-1]) | (keys[1][1:] != keys[1][:-1]) | (keys[2][1:] != keys[2][:-1])
    group = np.cumsum(new_key) - 1
    side = sides[order]
    gold_in_group = np.bincount(group[side == 0], minlength=group[-1] + 1 if len(group) else 0)
    predicted_in_group = np.bincount(group[side == 1], minlength=len(gold_in_group))
    # rank of each item among its side's items of the key (gold items come first in a group)
    group_start = np.flatnonzero(new_key)[group]
    rank = np.arange(len(order)) - group_start - np.where(side == 1, gold_in_group[group], 0)
    hit = rank < np.minimum(gold_in_group, predicted_in_group)[group]
    found = np.zeros(len(order), dtype=bool)
    found[order] = hit
    return found[:len(gold.starts)], found[len(gold.starts):]


CORPUS_SCORERS = {"entities": score_entities_corpus, "dates": score_dates_corpus}


def score_corpus(layer: str, documents: Sequence, predictions: Sequence,
                 per_document: Callable[[int], DocumentScore]) -> LayerScores:
    """One layer of a corpus (``predictions[d]``: gold document ``d``'s prediction, or ``None``)."""
    if layer == "quotes":
        return score_quotes_corpus(documents, predictions, per_document)
    predicted = [() if prediction is None else (getattr(prediction, layer) or ()) for prediction in predictions]
    return CORPUS_SCORERS[layer]([getattr(document, layer) for document in documents], predicted, per_document)
