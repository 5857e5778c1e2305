"""The data model: frozen span and document types, label sets, the offsets contract.

Every offset is a half-open character interval ``[start, end)`` into ``Document.text``,
counted in Python code points (the convention Label Studio uses too), so that
``document.text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SCHEMA_VERSION = "1.0"

LAYERS = ("entities", "dates", "quotes")
ENTITY_LABELS = ("PER", "ORG", "LOC", "MISC")
TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")
TIMEX_MODS = (
    "BEFORE", "AFTER", "ON_OR_BEFORE", "ON_OR_AFTER", "LESS_THAN", "MORE_THAN",
    "EQUAL_OR_LESS", "EQUAL_OR_MORE", "START", "MID", "END", "APPROX",
)
QUOTE_TYPES = ("direct", "indirect", "mixed")


@dataclass(frozen=True, order=True)
class Span:
    """A stretch of text: ``[start, end)`` with the text it covers."""

    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, order=True)
class Entity:
    """A named-entity mention. ``entity_id`` is shared by every mention of one real-world entity."""

    start: int
    end: int
    text: str
    label: str
    entity_id: str | None = None
    canonical_name: str | None = None
    id: str = field(default="", compare=False)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, order=True)
class TimeExpression:
    """A TIMEX3 temporal expression with its normalised ``value`` (resolved against the DCT)."""

    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    id: str = field(default="", compare=False)

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True, order=True)
class Quote:
    """A reported statement (PARC style): content, who said it (source) and the cue that reports it."""

    content: Span
    type: str
    speaker: Span | None = None
    speaker_entity_id: str | None = None
    cue: Span | None = None
    id: str = field(default="", compare=False)

    @property
    def start(self) -> int:
        return self.content.start

    @property
    def end(self) -> int:
        return self.content.end


@dataclass(frozen=True)
class Document:
    """One article with its metadata and its three annotation layers.

    ``seed_segments`` maps the stored text back to the seed file: each ``(text_start,
    seed_start, length)`` triple says that ``text[text_start:text_start+length]`` equals
    ``seed[seed_start:seed_start+length]`` (see :mod:`frnewsbench.seeds`).
    """

    id: str
    title: str | None
    text: str
    language: str
    source: str | None
    dct: str
    dct_evidence: str
    seed_file: str
    text_sha256: str
    seed_segments: tuple[tuple[int, int, int], ...] = ()
    entities: tuple[Entity, ...] = ()
    dates: tuple[TimeExpression, ...] = ()
    quotes: tuple[Quote, ...] = ()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Alignment:
    """How one string given without offsets was placed in the document text (:mod:`frnewsbench.align`).

    ``item`` is the span's index in its layer's list, ``role`` is ``mention`` (entities, dates)
    or ``content``, ``speaker``, ``cue`` (quotes); ``method`` is ``exact``, ``normalised``,
    ``fuzzy`` or ``not_found`` (then ``start`` and ``end`` are ``None``); ``score`` is the fuzzy
    similarity (0-100); ``from_start`` says the string was found only by searching again from
    the start of the document.
    """

    layer: str
    item: int
    role: str
    text: str
    method: str
    start: int | None = None
    end: int | None = None
    score: float | None = None
    from_start: bool = False


@dataclass(frozen=True)
class Prediction:
    """A system's output for one document. A layer left ``None`` was not predicted and is not
    scored; an empty tuple was predicted as empty and is scored (recall 0). ``alignments``:
    how the spans given by their text alone were placed (empty when every span had offsets)."""

    id: str
    entities: tuple[Entity, ...] | None = None
    dates: tuple[TimeExpression, ...] | None = None
    quotes: tuple[Quote, ...] | None = None
    alignments: tuple[Alignment, ...] = field(default=(), compare=False)

    def layers(self) -> tuple[str, ...]:
        return tuple(layer for layer in LAYERS if getattr(self, layer) is not None)


def gold_as_prediction(document: Document) -> Prediction:
    """The oracle: a document's gold layers as a prediction."""
    return Prediction(id=document.id, entities=document.entities, dates=document.dates, quotes=document.quotes)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each non-empty line of ``text`` (a line holding a non-space character).

    The paragraph is the unit of the ``ner`` view, of the bootstrap and of the windows the
    transformers adapter reads; the ``\\n`` that ends a line is in no paragraph.
    """
    spans, position = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans
