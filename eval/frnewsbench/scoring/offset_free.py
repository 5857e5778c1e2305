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

from typing import Iterable, Sequence

from ..normalise import normalise
from ..schema import Entity, TimeExpression
from .counts import PRFCounts

LAYERS = ("entities", "dates")
DEFINITIONS = {
    "entities": "distinct (normalised text, label) pairs per document",
    "dates": "distinct (value, type) pairs per document",
}


def entity_pairs(entities: Iterable[Entity]) -> frozenset[tuple[str, str]]:
    return frozenset((normalise(entity.text), entity.label) for entity in entities)


def date_pairs(dates: Iterable[TimeExpression]) -> frozenset[tuple[str, str]]:
    return frozenset((timex.value, timex.type) for timex in dates)


PAIRS = {"entities": entity_pairs, "dates": date_pairs}


def offset_free_counts(layer: str, *, gold: Sequence, predicted: Sequence) -> PRFCounts:
    """TP/FP/FN of one document's distinct pairs of ``layer`` (``entities`` or ``dates``)."""
    gold_pairs, predicted_pairs = PAIRS[layer](gold), PAIRS[layer](predicted)
    hits = len(gold_pairs & predicted_pairs)
    return PRFCounts(hits, len(predicted_pairs) - hits, len(gold_pairs) - hits)
