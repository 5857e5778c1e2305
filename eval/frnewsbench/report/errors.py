"""The error analysis: every false positive, false negative and wrong match, in its context.

Built from the scorer's match records (:class:`frnewsbench.scoring.MatchRecord`): each gold
and each predicted item of a scored layer is in exactly one record; every record that is not
right in every respect is listed here, with the text around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

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


def describe(item: Entity | TimeExpression | Quote) -> str:
    if isinstance(item, Entity):
        return f"{item.label} {item.text!r} [{item.start}, {item.end})"
    if isinstance(item, TimeExpression):
        mod = f" mod={item.mod}" if item.mod else ""
        return f"{item.type} {item.value}{mod} {item.text!r} [{item.start}, {item.end})"
    speaker = "no speaker" if item.speaker is None else f"speaker {_span(item.speaker)}"
    if item.speaker_entity_id:
        speaker += f" ({item.speaker_entity_id})"
    cue = "no cue" if item.cue is None else f"cue {_span(item.cue)}"
    return f"{item.type} quote {_span(item.content)}, {speaker}, {cue}"


def _span(span: Span) -> str:
    text = span.text if len(span.text) <= 60 else span.text[:57] + "…"
    return f"{text!r} [{span.start}, {span.end})"


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
    """The error analysis as Markdown, by layer, then document, in text order."""
    items = error_items(result.evaluation, documents)
    parts = [f"# Error analysis: {result.system.name}", "",
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
                    sides.append(f"gold {describe(item.gold)}")
                if item.predicted is not None:
                    sides.append(f"predicted {describe(item.predicted)}")
                parts.append(f"- **{item.kind}**: {'; '.join(sides)}  \n  {item.context}")
            parts.append("")
    return "\n".join(parts)
