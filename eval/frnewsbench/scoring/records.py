"""What one document's scoring returns: counts per label, match records, headline atoms.

Every gold and every predicted item of a scored layer appears in exactly one
:class:`MatchRecord`: a matched pair (``differences`` empty when it is right in every
respect), a false negative (gold only) or a false positive (predicted only).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import chain
from typing import Any, Generic, Mapping, Sequence, TypeVar

import numpy as np

from ..schema import Entity, Quote, Span, TimeExpression
from .counts import Counts, PRFCounts

Item = Entity | TimeExpression | Quote
C = TypeVar("C", bound=Counts)

MATCH = "match"
FALSE_POSITIVE = "false_positive"
FALSE_NEGATIVE = "false_negative"

# the names used in MatchRecord.differences
BOUNDARY = "boundary"  # the spans overlap but are not equal
LABEL = "label"  # entity label
TYPE = "type"  # TIMEX3 type or quote type
VALUE = "value"  # TIMEX3 value
SPEAKER = "speaker"  # quote speaker
CUE = "cue"  # quote cue span
DIFFERENCES = (BOUNDARY, LABEL, TYPE, VALUE, SPEAKER, CUE)


@dataclass(frozen=True)
class MatchRecord:
    """One line of the error analysis (``overlap``: the quotes' token-overlap ratio)."""

    outcome: str
    gold: Item | None = None
    predicted: Item | None = None
    differences: tuple[str, ...] = ()
    overlap: float | None = None

    @property
    def correct(self) -> bool:
        return self.outcome == MATCH and not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "differences": list(self.differences),
            "gold": item_to_dict(self.gold),
            "predicted": item_to_dict(self.predicted),
            "overlap": self.overlap,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, layer: str) -> MatchRecord:
        """The record written by :meth:`to_dict` for an item of ``layer``."""
        return cls(data["outcome"], item_from_dict(layer, data["gold"]), item_from_dict(layer, data["predicted"]),
                   tuple(data["differences"]), data["overlap"])


def _span(data: Mapping[str, Any] | None) -> Span | None:
    return None if data is None else Span(data["start"], data["end"], data["text"])


def _span_dict(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def item_to_dict(item: Item | None) -> dict[str, Any] | None:
    """``dataclasses.asdict(item)`` without an empty ``id`` (an item without one keeps none, as in saved
    predictions), written out field by field (``asdict`` deep-copies, and was the largest cost of writing
    records); ``None`` stays ``None``."""
    if item is None:
        return None
    if type(item) is Entity:
        fields = {"start": item.start, "end": item.end, "text": item.text, "label": item.label,
                  "entity_id": item.entity_id, "canonical_name": item.canonical_name}
    elif type(item) is TimeExpression:
        fields = {"start": item.start, "end": item.end, "text": item.text, "type": item.type, "value": item.value,
                  "mod": item.mod}
    elif type(item) is Quote:
        fields = {"content": _span_dict(item.content), "type": item.type, "speaker": _span_dict(item.speaker),
                  "speaker_entity_id": item.speaker_entity_id, "cue": _span_dict(item.cue)}
    else:
        fields = asdict(item)
        fields.pop("id", None)
    if item.id:
        fields["id"] = item.id
    return fields


def item_from_dict(layer: str, data: Mapping[str, Any] | None) -> Item | None:
    """The entity, time expression or quote of :func:`item_to_dict` form ``data`` (``None`` stays; a
    missing or null ``id`` is the empty id)."""
    if data is None:
        return None
    item_id = data.get("id") or ""
    if layer == "entities":
        return Entity(data["start"], data["end"], data["text"], data["label"], data["entity_id"],
                      data["canonical_name"], id=item_id)
    if layer == "dates":
        return TimeExpression(data["start"], data["end"], data["text"], data["type"], data["value"], data["mod"],
                              id=item_id)
    if layer == "quotes":
        return Quote(_span(data["content"]), data["type"], _span(data["speaker"]), data["speaker_entity_id"],
                     _span(data["cue"]), id=item_id)
    raise ValueError(f"unknown layer {layer!r}")


def headline_counts(record: MatchRecord, headline_errors: frozenset[str]) -> PRFCounts:
    """What ``record`` adds to its layer's headline P/R/F1, given the differences that make a
    matched pair wrong for that headline (each layer's ``HEADLINE_ERRORS``): a false positive
    is one FP, a false negative one FN; a matched pair is one TP, or one FP and one FN when one
    of its differences is in ``headline_errors``. Summed over a layer's records, this is the
    layer's headline counts (tested on every baseline and on random predictions)."""
    if record.outcome == FALSE_POSITIVE:
        return PRFCounts(fp=1)
    if record.outcome == FALSE_NEGATIVE:
        return PRFCounts(fn=1)
    if headline_errors.intersection(record.differences):
        return PRFCounts(fp=1, fn=1)
    return PRFCounts(tp=1)


@dataclass(frozen=True)
class HeadlineAtoms:
    """Character offsets where the headline's TP, FP and FN occur (the start of the gold item
    for TP and FN, of the predicted item for FP): the bootstrap assigns them to paragraphs."""

    tp: tuple[int, ...] = ()
    fp: tuple[int, ...] = ()
    fn: tuple[int, ...] = ()

    @property
    def counts(self) -> PRFCounts:
        return PRFCounts(len(self.tp), len(self.fp), len(self.fn))


@dataclass(frozen=True)
class HeadlineColumns:
    """Where the headline's TP, FP and FN occur: document indices and character offsets (the
    start of the gold item for TP and FN, of the predicted item for FP), as arrays."""

    documents: tuple[np.ndarray, np.ndarray, np.ndarray]
    offsets: tuple[np.ndarray, np.ndarray, np.ndarray]

    @classmethod
    def from_atoms(cls, atoms: Sequence[HeadlineAtoms]) -> HeadlineColumns:
        """The columns of per-document atoms (``atoms[d]`` is document ``d``'s)."""
        documents, offsets = [], []
        for column in ("tp", "fp", "fn"):
            items = [getattr(a, column) for a in atoms]
            lengths = np.fromiter(map(len, items), dtype=np.int64, count=len(items))
            documents.append(np.repeat(np.arange(len(items), dtype=np.int64), lengths))
            offsets.append(np.fromiter(chain.from_iterable(items), dtype=np.int64, count=int(lengths.sum())))
        return cls(tuple(documents), tuple(offsets))


@dataclass(frozen=True)
class DocumentScore(Generic[C]):
    """One document, one layer. ``counts`` is the sum of ``by_label``."""

    by_label: Mapping[str, C]
    counts: C
    records: tuple[MatchRecord, ...]
    headline: HeadlineAtoms = field(default_factory=HeadlineAtoms)
