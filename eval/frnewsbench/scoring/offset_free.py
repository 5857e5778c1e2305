"""Offset-free figures, for systems that list rather than locate.

Per document, each side is reduced to a *set* of distinct pairs: ``(normalised text, label)``
for the entities, ``(value, type)`` for the time expressions (the text is normalised by
:func:`frnewsbench.normalise.normalise`: typographic apostrophes, quotation marks, dashes and
spaces; case kept). A pair in both sets is a TP, a predicted pair alone a FP, a gold pair alone
a FN; the counts of the documents add up (micro P/R/F1). Where a mention is, and how many times
it is mentioned, do not matter: three ``Macron`` PER predicted anywhere in a document where the
gold has two are one TP.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Iterable, Sequence

from ..normalise import normalise
from ..schema import Entity, TimeExpression
from .counts import PRFCounts

LAYERS = ("entities", "dates")
DEFINITIONS = {
    "entities": "distinct (normalised text, label) pairs per document",
    "dates": "distinct (value, type) pairs per document",
}


_TEXT, _LABEL, _VALUE_TYPE = attrgetter("text"), attrgetter("label"), attrgetter("value", "type")


def entity_pairs(entities: Iterable[Entity]) -> frozenset[tuple[str, str]]:
    entities = tuple(entities)
    return frozenset(zip(map(normalise, map(_TEXT, entities)), map(_LABEL, entities)))


def date_pairs(dates: Iterable[TimeExpression]) -> frozenset[tuple[str, str]]:
    return frozenset(map(_VALUE_TYPE, dates))


PAIRS = {"entities": entity_pairs, "dates": date_pairs}


def offset_free_counts(layer: str, *, gold: Sequence, predicted: Sequence) -> PRFCounts:
    """TP/FP/FN of one document's distinct pairs of ``layer`` (``entities`` or ``dates``)."""
    return PRFCounts.from_flat(_flat_counts(PAIRS[layer], gold, predicted))


def offset_free_totals(layer: str, documents: Iterable[tuple[Sequence, Sequence]]) -> PRFCounts:
    """The sum of :func:`offset_free_counts` over ``(gold, predicted)`` documents."""
    pairs = PAIRS[layer]
    tp = fp = fn = 0
    for gold, predicted in documents:
        hits, false_positives, false_negatives = _flat_counts(pairs, gold, predicted)
        tp, fp, fn = tp + hits, fp + false_positives, fn + false_negatives
    return PRFCounts(tp, fp, fn)


def _flat_counts(pairs, gold: Sequence, predicted: Sequence) -> tuple[int, int, int]:
    gold_pairs, predicted_pairs = pairs(gold), pairs(predicted)
    hits = len(gold_pairs & predicted_pairs)
    return hits, len(predicted_pairs) - hits, len(gold_pairs) - hits
