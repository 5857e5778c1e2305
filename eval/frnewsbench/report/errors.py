"""The error analysis: every false positive, false negative and wrong match, in its context.

Built from the scorer's match records (:class:`frnewsbench.scoring.MatchRecord`): each gold
and each predicted item of a scored layer is in exactly one record; every record that is not
right in every respect is listed here, with the text around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ..schema import LAYERS, Document, Entity, Quote, Span, TimeExpression
from ..scoring import FALSE_NEGATIVE, FALSE_POSITIVE, Evaluation, MatchRecord
from .result import Result

CONTEXT = 40  # characters shown on each side
KIND_NAMES = {FALSE_POSITIVE: "false positive", FALSE_NEGATIVE: "false negative"}


@dataclass(frozen=True)
class ErrorItem:
    """One line of the error analysis."""

    layer: str
    document_id: str
    kind: str  # "false positive", "false negative" or "wrong <differences>"
    gold: Entity | TimeExpression | Quote | None
    predicted: Entity | TimeExpression | Quote | None
    context: str

    @property
    def start(self) -> int:
        return min(item.start for item in (self.gold, self.predicted) if item is not None)


def context(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """``text`` around ``[start, end)`` with the span in ⟦ ⟧ and line breaks shown as ⏎."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    shown = (("…" if left > 0 else "") + text[left:start] + "⟦" + text[start:end] + "⟧" + text[end:right]
             + ("…" if right < len(text) else ""))
    return shown.replace("\n", "⏎")


MARKDOWN_SPECIAL = "\\|*_`[]<>&"
LINE_START_MARKUP = re.compile(r"^([ \t]*)([#+=~-]|[0-9]{1,9}[.)])")  # headings, lists, rules, fences


def escape_markdown(text: str) -> str:
    """``text`` with every character Markdown could read as markup escaped by a backslash, so
    quoted article text shows as it is: ``\\ | * _ ` [ ] < >`` anywhere, and a heading, list,
    rule or fence marker at the start (``#``, ``-``, ``+``, ``=``, ``~``, ``1.``, ``1)``)."""
    escaped = "".join("\\" + char if char in MARKDOWN_SPECIAL else char for char in text)
    start = LINE_START_MARKUP.match(escaped)
    if start is None:
        return escaped
    cut = start.end() - 1 if start.group(2)[0].isdigit() else start.start(2)  # "1." escapes the "."
    return escaped[:cut] + "\\" + escaped[cut:]


def describe(item: Entity | TimeExpression | Quote, *, escape: Callable[[str], str] = str) -> str:
    """One line about ``item``; ``escape`` is applied to the text it quotes (texts and ids)."""
    if isinstance(item, Entity):
        return f"{item.label} {escape(repr(item.text))} [{item.start}, {item.end})"
    if isinstance(item, TimeExpression):
        mod = f" mod={item.mod}" if item.mod else ""
        return f"{item.type} {escape(item.value)}{mod} {escape(repr(item.text))} [{item.start}, {item.end})"
    speaker = "no speaker" if item.speaker is None else f"speaker {_span(item.speaker, escape)}"
    if item.speaker_entity_id:
        speaker += f" ({escape(item.speaker_entity_id)})"
    cue = "no cue" if item.cue is None else f"cue {_span(item.cue, escape)}"
    return f"{item.type} quote {_span(item.content, escape)}, {speaker}, {cue}"


def _span(span: Span, escape: Callable[[str], str]) -> str:
    text = span.text if len(span.text) <= 60 else span.text[:57] + "…"
    return f"{escape(repr(text))} [{span.start}, {span.end})"


def _kind(record: MatchRecord) -> str:
    if record.outcome in KIND_NAMES:
        return KIND_NAMES[record.outcome]
    return "wrong " + " and ".join(record.differences)


def error_items(evaluation: Evaluation, documents: Sequence[Document]) -> list[ErrorItem]:
    """Every record of every scored layer that is not right in every respect, in text order."""
    texts = {document.id: document.text for document in documents}
    items = []
    for layer in LAYERS:
        result = evaluation.layers.get(layer)
        if result is None:
            continue
        for document in result.documents:
            text = texts[document.document_id]
            for record in document.records:
                if record.correct:
                    continue
                spans = [item for item in (record.gold, record.predicted) if item is not None]
                start, end = min(s.start for s in spans), max(s.end for s in spans)
                items.append(ErrorItem(layer, document.document_id, _kind(record), record.gold, record.predicted,
                                       context(text, start, end)))
    return items


def _summary(items: Iterable[ErrorItem]) -> str:
    items = list(items)
    positives = sum(item.kind == "false positive" for item in items)
    negatives = sum(item.kind == "false negative" for item in items)
    wrong = len(items) - positives - negatives
    return f"{len(items)} error(s): {positives} false positive(s), {negatives} false negative(s), {wrong} wrong match(es)"


def render_errors(result: Result, documents: Sequence[Document]) -> str:
    """The error analysis as Markdown, by layer, then document, in text order; the quoted text
    is escaped (:func:`escape_markdown`)."""
    items = error_items(result.evaluation, documents)
    parts = [f"# Error analysis: {escape_markdown(result.system.name)}", "",
             f"Dataset {result.dataset_hash}. Each error shows the text around it, the span in ⟦ ⟧, "
             "line breaks as ⏎.", ""]
    for layer in LAYERS:
        if result.evaluation.layers.get(layer) is None:
            continue
        layer_items = [item for item in items if item.layer == layer]
        parts += [f"## {layer}: {_summary(layer_items)}", ""]
        for document_id in result.evaluation.document_ids:
            document_items = [item for item in layer_items if item.document_id == document_id]
            if not document_items:
                continue
            parts += [f"### {document_id}: {_summary(document_items)}", ""]
            for item in document_items:
                sides = []
                if item.gold is not None:
                    sides.append(f"gold {describe(item.gold, escape=escape_markdown)}")
                if item.predicted is not None:
                    sides.append(f"predicted {describe(item.predicted, escape=escape_markdown)}")
                parts.append(f"- **{item.kind}**: {'; '.join(sides)}  \n  {escape_markdown(item.context)}")
            parts.append("")
    return "\n".join(parts)
