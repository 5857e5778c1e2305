"""The error analysis: every false positive, false negative and wrong match, in its context,
and how each counts in the layer's headline.

Built from the scorer's match records (:class:`frnewsbench.scoring.MatchRecord`): each gold
and each predicted item of a scored layer is in exactly one record; every record that is not
right in every respect is listed here, with the text around it. Reports take the records as an
iterable of ``(layer, document id, record)`` (:data:`RecordStream`), so they work the same
from an :class:`~frnewsbench.scoring.Evaluation` (:func:`evaluation_records`) or from records
read back from a file.

Each record has one *kind* (:func:`record_kind`) and adds to the headline what
:func:`frnewsbench.scoring.headline_counts` says: a matched pair is wrong *for the headline*
only when it differs where the headline looks (``HEADLINE_ERRORS``: boundary or label for the
entities, the value for the dates, the speaker for the quotes), and is then one FP and one FN;
a pair that differs only elsewhere (a date with the right value but another boundary) is a TP
of the headline and costs only the layer's other figures. :class:`ErrorTally` adds the kinds up,
and its :attr:`~ErrorTally.headline` equals the layer's headline counts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

from ..align import EXACT, METHODS, AlignmentReport
from ..schema import LAYERS, Alignment, Document, Entity, Quote, Span, TimeExpression
from ..scoring import (FALSE_NEGATIVE, FALSE_POSITIVE, HEADLINE_ERRORS, HEADLINES, Evaluation, MatchRecord, PRFCounts,
                       headline_counts)
from ..scoring.counts import Counts
from .result import Result

RecordStream = Iterable[tuple[str, str, MatchRecord]]  # (layer, document id, record)

# record kinds
RIGHT = "right"  # matched, right in every respect: a TP
OFF_HEADLINE = "right for the headline"  # matched, differs only where the headline does not look: a TP
WRONG = "wrong"  # matched, differs where the headline looks: one FP and one FN
SPURIOUS = "spurious"  # predicted only: a FP
MISSED = "missed"  # gold only: a FN
KINDS = (RIGHT, OFF_HEADLINE, WRONG, SPURIOUS, MISSED)

# the differences a layer's records can have, and which of the layer's other figures each one costs
LAYER_DIFFERENCES = {"entities": ("boundary", "label"), "dates": ("boundary", "type", "value"),
                     "quotes": ("boundary", "type", "speaker", "cue")}
COSTS = {("dates", "boundary"): "strict span", ("dates", "type"): "type accuracy",
         ("quotes", "boundary"): "content exact and overlap thresholds", ("quotes", "type"): "type accuracy",
         ("quotes", "cue"): "cue"}

CONTEXT = 40  # characters shown on each side
KIND_NAMES = {FALSE_POSITIVE: "false positive", FALSE_NEGATIVE: "false negative"}


def evaluation_records(evaluation: Evaluation) -> Iterator[tuple[str, str, MatchRecord]]:
    """Every match record held by ``evaluation``: ``(layer, document id, record)``, by layer,
    then document, in each document's record order. An evaluation that keeps none (read back
    from a result file, or ``evaluate(records=False)``) is a :class:`ValueError` naming where they are."""
    for layer in LAYERS:
        result = evaluation.layers.get(layer)
        if result is None:
            continue
        for document in result.documents:
            if document.records is None:
                raise ValueError(
                    f"the evaluation keeps no match records ({layer}, document {document.document_id}): pass them to the "
                    "report, e.g. frnewsbench.report.records.read_records(FILE) of a file written by "
                    "`frnewsbench score --records FILE`, or score with the records kept")
            for record in document.records:
                yield layer, document.document_id, record


def record_kind(layer: str, record: MatchRecord) -> str:
    """One of :data:`KINDS` (module docstring)."""
    if record.outcome == FALSE_POSITIVE:
        return SPURIOUS
    if record.outcome == FALSE_NEGATIVE:
        return MISSED
    if not record.differences:
        return RIGHT
    return WRONG if HEADLINE_ERRORS[layer].intersection(record.differences) else OFF_HEADLINE


@dataclass(frozen=True, slots=True)
class ErrorTally(Counts):
    """How many records of each kind; adds with ``+``. :attr:`headline` is what they add to the
    headline: TP = right + right for the headline, FP = spurious + wrong, FN = missed + wrong."""

    right: int = 0
    off_headline: int = 0
    wrong: int = 0
    spurious: int = 0
    missed: int = 0

    @classmethod
    def of(cls, layer: str, records: Iterable[MatchRecord]) -> ErrorTally:
        kinds = [record_kind(layer, record) for record in records]
        return cls(*(kinds.count(kind) for kind in KINDS))

    @property
    def errors(self) -> int:
        return self.off_headline + self.wrong + self.spurious + self.missed

    @property
    def headline(self) -> PRFCounts:
        return PRFCounts(self.right + self.off_headline, self.spurious + self.wrong, self.missed + self.wrong)


def can_be_off_headline(layer: str) -> bool:
    """Whether a matched pair of ``layer`` can differ where its headline does not look."""
    return not set(LAYER_DIFFERENCES[layer]) <= HEADLINE_ERRORS[layer]


def headline_rule(layer: str) -> str:
    """How the kinds of ``layer``'s errors count in its headline, in one paragraph."""
    counted = [d for d in LAYER_DIFFERENCES[layer] if d in HEADLINE_ERRORS[layer]]
    others = [d for d in LAYER_DIFFERENCES[layer] if d not in HEADLINE_ERRORS[layer]]
    rule = (f"Headline: {HEADLINES[layer]}. A missed gold item is one FN; a spurious prediction is one FP; "
            f"a matched pair with a wrong {' or '.join(counted)} is one FP and one FN")
    if others:
        costs = ", ".join(f"{d}: {COSTS[(layer, d)]}" for d in others)
        rule += (f"; a matched pair wrong only in its {' or '.join(others)} is a TP of the headline "
                 f"and counts against the layer's other figures ({costs})")
    return rule + ". So TP = right + right for the headline, FP = spurious + wrong, FN = missed + wrong."


@dataclass(frozen=True)
class ErrorItem:
    """One line of the error analysis."""

    layer: str
    document_id: str
    kind: str  # "false positive", "false negative" or "wrong <differences>"
    gold: Entity | TimeExpression | Quote | None
    predicted: Entity | TimeExpression | Quote | None
    context: str
    headline: PRFCounts = PRFCounts()  # what it adds to the headline (a TP when only other figures see it)

    @property
    def start(self) -> int:
        return min(item.start for item in (self.gold, self.predicted) if item is not None)


def readable(text: str) -> str:
    """``text`` as a reader should see it: its real characters (no-break spaces, « », accents),
    line breaks shown as ⏎, and only the characters that show nothing at all (controls such as a
    tab, format characters such as a zero-width space) escaped as Python would (``\\t``, ``\\u200b``)."""
    if text.isprintable():  # no control, format or line-break character: nothing to show otherwise
        return text
    return "".join("⏎" if char == "\n" else repr(char)[1:-1] if unicodedata.category(char) in ("Cc", "Cf") else char
                   for char in text)


def quoted(text: str) -> str:
    """A span's text quoted in a report: ``'`` + :func:`readable` ``text`` + ``'`` (not ``repr``,
    which shows a no-break space as ``\\xa0``)."""
    return f"'{readable(text)}'"


def context(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """``text`` around ``[start, end)`` with the span in ⟦ ⟧, shown by :func:`readable`."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    return (("…" if left > 0 else "") + readable(text[left:start]) + "⟦" + readable(text[start:end]) + "⟧"
            + readable(text[end:right]) + ("…" if right < len(text) else ""))


MARKDOWN_SPECIAL = "\\|*_`[]<>&"
_MARKDOWN_ESCAPES = {ord(char): "\\" + char for char in MARKDOWN_SPECIAL}
LINE_START_MARKUP = re.compile(r"^([ \t]*)([#+=~-]|[0-9]{1,9}[.)])")  # headings, lists, rules, fences


def escape_markdown(text: str) -> str:
    """``text`` with every character Markdown could read as markup escaped by a backslash, so
    quoted article text shows as it is: ``\\ | * _ ` [ ] < >`` anywhere, and a heading, list,
    rule or fence marker at the start (``#``, ``-``, ``+``, ``=``, ``~``, ``1.``, ``1)``)."""
    escaped = text.translate(_MARKDOWN_ESCAPES)
    start = LINE_START_MARKUP.match(escaped)
    if start is None:
        return escaped
    cut = start.end() - 1 if start.group(2)[0].isdigit() else start.start(2)  # "1." escapes the "."
    return escaped[:cut] + "\\" + escaped[cut:]


def describe(item: Entity | TimeExpression | Quote, *, escape: Callable[[str], str] = str) -> str:
    """One line about ``item``; ``escape`` is applied to the text it quotes (texts and ids)."""
    if isinstance(item, Entity):
        return f"{item.label} {escape(quoted(item.text))} [{item.start}, {item.end})"
    if isinstance(item, TimeExpression):
        mod = f" mod={item.mod}" if item.mod else ""
        return f"{item.type} {escape(item.value)}{mod} {escape(quoted(item.text))} [{item.start}, {item.end})"
    speaker = "no speaker" if item.speaker is None else f"speaker {_span(item.speaker, escape)}"
    if item.speaker_entity_id:
        speaker += f" ({escape(item.speaker_entity_id)})"
    cue = "no cue" if item.cue is None else f"cue {_span(item.cue, escape)}"
    return f"{item.type} quote {_span(item.content, escape)}, {speaker}, {cue}"


def _span(span: Span, escape: Callable[[str], str]) -> str:
    text = span.text if len(span.text) <= 60 else span.text[:57] + "…"
    return f"{escape(quoted(text))} [{span.start}, {span.end})"


def _kind(record: MatchRecord) -> str:
    if record.outcome in KIND_NAMES:
        return KIND_NAMES[record.outcome]
    return "wrong " + " and ".join(record.differences)


def error_items(evaluation: Evaluation, documents: Sequence[Document],
                records: RecordStream | None = None) -> list[ErrorItem]:
    """Every record that is not right in every respect, by layer, then in the records' order
    (``records``: :func:`evaluation_records` of ``evaluation`` unless given)."""
    texts = {document.id: document.text for document in documents}
    items = []
    for layer, document_id, record in (evaluation_records(evaluation) if records is None else records):
        if record.correct:
            continue
        spans = [item for item in (record.gold, record.predicted) if item is not None]
        start, end = min(s.start for s in spans), max(s.end for s in spans)
        items.append(ErrorItem(layer, document_id, _kind(record), record.gold, record.predicted,
                               context(texts[document_id], start, end),
                               headline_counts(record, HEADLINE_ERRORS[layer])))
    order = {layer: number for number, layer in enumerate(LAYERS)}
    items.sort(key=lambda item: order[item.layer])  # stable: keeps each layer's records in their order
    return items


def _summary(items: Iterable[ErrorItem]) -> str:
    items = list(items)
    positives = sum(item.kind == "false positive" for item in items)
    negatives = sum(item.kind == "false negative" for item in items)
    wrong = sum(item.headline.fp == item.headline.fn == 1 for item in items)
    off = len(items) - positives - negatives - wrong
    headline = PRFCounts(sum(item.headline.tp for item in items), positives + wrong, negatives + wrong)
    summary = (f"{len(items)} error(s): {positives} false positive(s), {negatives} false negative(s), "
               f"{wrong} wrong match(es) (headline FP {headline.fp} = {positives} + {wrong}, "
               f"FN {headline.fn} = {negatives} + {wrong})")
    if off:
        summary += f", {off} match(es) right for the headline but wrong in another figure (headline TP)"
    return summary


def alignment_section(result: Result) -> list[str]:
    """Markdown lines on the spans given by their text alone: counts per layer, then every
    decision that was not an exact match in reading order (empty when there was none)."""
    report = result.alignment
    if report is None:
        return []
    parts = ["## Spans placed by their text", "",
             "Spans given without offsets were placed in the text by the procedure of `frnewsbench.align` "
             "(`frnewsbench docs predictions`, \"Spans given by their text\"); a string not found counts as a false positive.", "",
             "| layer | " + " | ".join(method.replace("_", " ") for method in METHODS) + " |",
             "|---|" + "---:|" * len(METHODS)]
    for layer, counts in report.counts.items():
        parts.append(f"| {layer} | " + " | ".join(str(counts[method]) for method in METHODS) + " |")
    parts.append("")
    for document, decision, how in alignment_notes(report):
        where = "" if decision.start is None else f" -> [{decision.start}, {decision.end})"
        parts.append(f"- {escape_markdown(document)} {decision.layer}[{decision.item}] {decision.role} "
                     f"{escape_markdown(quoted(decision.text))}: **{how}**{where}")
    parts.append("")
    return parts


def alignment_notes(report: AlignmentReport) -> list[tuple[str, Alignment, str]]:
    """``(document id, decision, how it was placed)`` of every decision worth a look: all but
    the exact matches found where they were looked for, in reading order."""
    notes = []
    for document, decision in report.decisions:
        if decision.method == EXACT and not decision.from_start:
            continue
        how = decision.method.replace("_", " ") + ("" if decision.score is None else f" (similarity {decision.score:.1f})")
        if decision.from_start:
            how += ", found only from the start of the document"
        notes.append((document, decision, how))
    return notes


def render_errors(result: Result, documents: Sequence[Document], records: RecordStream | None = None) -> str:
    """The error analysis as Markdown, by layer, then document, in text order; the quoted text
    is escaped (:func:`escape_markdown`). Each layer starts with how its errors count in the
    headline (:func:`headline_rule`)."""
    items = error_items(result.evaluation, documents, records)
    parts = [f"# Error analysis: {escape_markdown(result.system.name)}", "",
             f"Dataset {result.dataset_hash}. Each error shows the text around it, the span in ⟦ ⟧, "
             "line breaks as ⏎.", ""]
    parts += alignment_section(result)
    for layer in LAYERS:
        if result.evaluation.layers.get(layer) is None:
            continue
        layer_items = [item for item in items if item.layer == layer]
        parts += [f"## {layer}: {_summary(layer_items)}", "", headline_rule(layer), ""]
        by_document: dict[str, list[ErrorItem]] = {}
        for item in layer_items:
            by_document.setdefault(item.document_id, []).append(item)
        for document_id in result.evaluation.document_ids:
            document_items = by_document.get(document_id)
            if not document_items:
                continue
            parts += [f"### {document_id}: {_summary(document_items)}", ""]
            for item in document_items:
                sides = []
                if item.gold is not None:
                    sides.append(f"gold {describe(item.gold, escape=escape_markdown)}")
                if item.predicted is not None:
                    sides.append(f"predicted {describe(item.predicted, escape=escape_markdown)}")
                counted = ("headline TP" if item.headline.tp else
                           " and ".join(f"headline {name}" for name in ("FP", "FN") if getattr(item.headline, name.lower())))
                parts.append(f"- **{item.kind}** ({counted}): {'; '.join(sides)}  \n  {escape_markdown(item.context)}")
            parts.append("")
    return "\n".join(parts)
