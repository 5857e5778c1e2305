"""The token view of entity scoring: seqeval's strict IOB2 figure on the project's tokens.

This is the CoNLL figure people compare with (the ``ner`` config of the dataset): both
sides as IOB2 tags over :func:`frnewsbench.tokenize.tokenize`, the entities read back by
seqeval in strict mode with the explicit ``IOB2`` scheme (without a scheme, ``mode="strict"``
silently falls back to the lenient conlleval reading).

The harness computes that figure itself, without building tags: the spans IOB2 can carry do
not overlap and start and end on token edges, so seqeval's strict reading of their tags gives
back exactly those spans, and its TP/FP/FN per label are the intersections of the two sides'
``(start, end, label)`` sets. :func:`iob2_sequences` and :func:`seqeval_strict_counts` build
the tags and run seqeval itself: the tests check on random data that both give the same counts.

A span that IOB2 cannot carry is *left out and listed*, never snapped: one whose edges are
not token edges (``misaligned``), or one that overlaps an earlier span of the same side
(``overlapping``; spans taken by start, the longest first). Character-level scoring
(:mod:`frnewsbench.scoring.entities`) has no such loss; this view reports it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any, Iterable, Mapping, Sequence

from ..schema import Entity
from ..tokenize import (ENDS_BETWEEN, STARTS_BETWEEN, Token, edge_pair, ends_between, ends_token, iob2_tags,
                        starts_between, starts_token, tokenize)
from .counts import PRFCounts, total

MISALIGNED = "misaligned"
OVERLAPPING = "overlapping"


@dataclass(frozen=True)
class LeftOutSpan:
    document_id: str
    side: str  # "gold" or "predicted"
    start: int
    end: int
    text: str
    label: str
    reason: str

    def to_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LeftOutSpan:
        return cls(data["document_id"], data["side"], data["start"], data["end"], data["text"], data["label"],
                   data["reason"])


@dataclass(frozen=True)
class TokenView:
    """seqeval strict IOB2 counts, micro total and per label, and the spans left out."""

    counts: PRFCounts
    by_label: dict[str, PRFCounts]
    left_out: tuple[LeftOutSpan, ...]
    scheme: str = "IOB2"
    mode: str = "strict"

    def to_dict(self) -> dict:
        return {
            "scheme": self.scheme, "mode": self.mode, "counts": self.counts.to_dict(),
            "by_label": {label: counts.to_dict() for label, counts in sorted(self.by_label.items())},
            "left_out": [span.to_dict() for span in self.left_out],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenView:
        return cls(PRFCounts.from_dict(data["counts"]),
                   {label: PRFCounts.from_dict(counts) for label, counts in data["by_label"].items()},
                   tuple(LeftOutSpan.from_dict(span) for span in data["left_out"]), data["scheme"], data["mode"])


def representable(
    tokens: Sequence[Token], entities: Sequence[Entity], *, document_id: str, side: str
) -> tuple[list[tuple[int, int, str]], list[LeftOutSpan]]:
    """The ``(start, end, label)`` spans IOB2 can carry over ``tokens``, and the others."""
    starts = {token.start for token in tokens}
    ends = {token.end for token in tokens}
    kept: list[tuple[int, int, str]] = []
    left_out: list[LeftOutSpan] = []
    covered_until = -1
    for entity in sorted(entities, key=lambda e: (e.start, -e.end, e.label)):
        reason = None
        if entity.start not in starts or entity.end not in ends or entity.end <= entity.start:
            reason = MISALIGNED
        elif entity.start < covered_until:
            reason = OVERLAPPING
        if reason:
            left_out.append(LeftOutSpan(document_id, side, entity.start, entity.end, entity.text, entity.label, reason))
        else:
            kept.append((entity.start, entity.end, entity.label))
            covered_until = entity.end
    return kept, left_out


def iob2_sequences(
    documents: Sequence[tuple[str, str, Sequence[Entity], Sequence[Entity]]],
) -> tuple[list[list[str]], list[list[str]], list[LeftOutSpan]]:
    """Gold and predicted IOB2 tag sequences, one per ``(id, text, gold, predicted)`` document."""
    gold_tags, predicted_tags, left_out = [], [], []
    for document_id, text, gold, predicted in documents:
        tokens = tokenize(text)
        for side, entities, target in (("gold", gold, gold_tags), ("predicted", predicted, predicted_tags)):
            spans, dropped = representable(tokens, entities, document_id=document_id, side=side)
            target.append(iob2_tags(tokens, spans, where=document_id))
            left_out.extend(dropped)
    return gold_tags, predicted_tags, left_out


def _order(entity: Entity) -> tuple[int, int, str]:
    return entity.start, -entity.end, entity.label


def carried_spans(text: str, entities: Sequence[Entity], *, document_id: str, side: str,
                  left_out: list[LeftOutSpan], edges: dict[tuple[int, bool], bool] | None = None) -> set[tuple[int, int, str]]:
    """The ``(start, end, label)`` spans IOB2 can carry in ``text``; the others go to ``left_out``.

    The same decisions as :func:`representable`, with token edges found by
    :func:`frnewsbench.tokenize.starts_token` / :func:`~frnewsbench.tokenize.ends_token`
    (``edges``: what is known of ``text``'s edges, ``(position, is_start) -> bool``, shared by the
    two sides of a document, whose spans mostly have the same edges).
    """
    edges = {} if edges is None else edges
    kept: set[tuple[int, int, str]] = set()
    covered_until = -1
    for entity in sorted(entities, key=_order):
        start, end = entity.start, entity.end
        starts, ends = edges.get((start, True)), edges.get((end, False))
        if starts is None:
            starts = edges[(start, True)] = starts_token(text, start)
        if ends is None:
            ends = edges[(end, False)] = ends_token(text, end)
        if end <= start or not starts or not ends:
            reason = MISALIGNED
        elif start < covered_until:
            reason = OVERLAPPING
        else:
            kept.add((start, end, entity.label))
            covered_until = end
            continue
        left_out.append(LeftOutSpan(document_id, side, start, end, entity.text, entity.label, reason))
    return kept


def seqeval_strict_counts(gold_tags: list[list[str]], predicted_tags: list[list[str]]) -> dict[str, PRFCounts]:
    """TP/FP/FN per label as seqeval's strict IOB2 mode counts them (seqeval itself: the
    reference the tests compare :func:`token_view` with)."""
    from seqeval.scheme import IOB2, Entities

    gold_entities, predicted_entities = Entities(gold_tags, IOB2), Entities(predicted_tags, IOB2)
    gold_by_label: dict[str, set] = defaultdict(set)
    predicted_by_label: dict[str, set] = defaultdict(set)
    for sequence in gold_entities.entities:
        for entity in sequence:
            gold_by_label[entity.tag].add(entity.to_tuple())
    for sequence in predicted_entities.entities:
        for entity in sequence:
            predicted_by_label[entity.tag].add(entity.to_tuple())
    counts = {}
    for label in sorted(gold_by_label.keys() | predicted_by_label.keys()):
        hits = len(gold_by_label[label] & predicted_by_label[label])
        counts[label] = PRFCounts(hits, len(predicted_by_label[label]) - hits, len(gold_by_label[label]) - hits)
    return counts


_SPAN = attrgetter("start", "end", "label")
_LABEL = itemgetter(2)


def token_view(documents: Iterable[tuple[str, str, Sequence[Entity], Sequence[Entity]]]) -> TokenView:
    """Score entities on the token view (see the module docstring): one ``(id, text, gold,
    predicted)`` per document."""
    gold_labels: list[str] = []
    predicted_labels: list[str] = []
    hit_labels: list[str] = []
    left_out: list[LeftOutSpan] = []
    for document_id, text, gold, predicted in documents:
        edges = _DocumentEdges(text)
        gold_spans = edges.carried(gold, document_id, "gold", left_out)
        predicted_spans = edges.carried(predicted, document_id, "predicted", left_out, aligned=gold_spans)
        gold_labels.extend(map(_LABEL, gold_spans))
        predicted_labels.extend(map(_LABEL, predicted_spans))
        hit_labels.extend(map(_LABEL, gold_spans & predicted_spans))
    gold_counts, predicted_counts, hit_counts = Counter(gold_labels), Counter(predicted_labels), Counter(hit_labels)
    by_label = {label: PRFCounts(hit_counts[label], predicted_counts[label] - hit_counts[label],
                                 gold_counts[label] - hit_counts[label])
                for label in sorted(gold_counts.keys() | predicted_counts.keys())}
    return TokenView(total(by_label.values(), PRFCounts()), by_label, tuple(left_out))


class _DocumentEdges:
    """:func:`carried_spans` for one text, both sides: the same spans kept and left out, in the
    same order, found with fewer steps per span.

    The spans of a side are sorted as ``(start, end, label)`` tuples; while no two of them start
    at the same place (almost always), that is :func:`carried_spans`'s order, and a span's token
    edges are read from the pair of characters around each edge (:data:`~frnewsbench.tokenize.STARTS_BETWEEN`,
    decided once for the corpus); the few pairs with an apostrophe are decided on the text and
    remembered for the document's other side, and a predicted span that gold carries is known to
    be on token edges. A side with two spans at one start is handed to :func:`carried_spans` itself.
    """

    __slots__ = ("text", "padded", "known_starts", "known_ends")

    def __init__(self, text: str):
        self.text, self.padded = text, f" {text} "
        self.known_starts: dict[int, bool] = {}
        self.known_ends: dict[int, bool] = {}

    def carried(self, entities: Sequence[Entity], document_id: str, side: str, left_out: list[LeftOutSpan],
                aligned: set[tuple[int, int, str]] = frozenset()) -> set[tuple[int, int, str]]:
        """The spans of ``entities`` IOB2 can carry; ``aligned``: spans known to be on token edges
        (the other side's carried spans, mostly the same: their edges are not read again)."""
        spans = sorted(map(_SPAN, entities))
        padded, length = self.padded, len(self.text)
        starts_between_pair, ends_between_pair = STARTS_BETWEEN.get, ENDS_BETWEEN.get
        dropped: list[tuple[tuple[int, int, str], str]] = []
        previous = covered_until = -1
        for span in spans:
            start, end, _ = span
            if start <= previous:
                return carried_spans(self.text, entities, document_id=document_id, side=side, left_out=left_out)
            previous = start
            if span not in aligned and not (
                    0 <= start < end <= length and starts_between_pair(padded[start:start + 2])
                    and ends_between_pair(padded[end:end + 2])) and not self._aligned(start, end):
                dropped.append((span, MISALIGNED))
            elif start < covered_until:
                dropped.append((span, OVERLAPPING))
            else:
                covered_until = end
        kept = set(spans)
        if dropped:
            by_start = {entity.start: entity for entity in entities}
            for span, reason in dropped:
                kept.discard(span)
                start, end, label = span
                left_out.append(LeftOutSpan(document_id, side, start, end, by_start[start].text, label, reason))
        return kept

    def _aligned(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` starts and ends on token edges (the memo of pairs missed)."""
        return (0 <= start < end <= len(self.text) and self._edge(start, starts_between, self.known_starts, starts_token)
                and self._edge(end, ends_between, self.known_ends, ends_token))

    def _edge(self, position: int, between, known: dict[int, bool], on_text) -> bool:
        """Whether ``position`` is a token edge of one kind: decided by its pair of characters
        (``between``), else on the text (``on_text``), remembered in ``known``."""
        decided = between(edge_pair(self.padded, position))
        if decided is None:
            decided = known.get(position)
            if decided is None:
                decided = known[position] = on_text(self.text, position)
        return decided
