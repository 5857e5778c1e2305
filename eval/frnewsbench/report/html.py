"""One self-contained HTML page: each article with the gold and the predicted spans
highlighted side by side, coloured by outcome, for people who would rather look than read.

No script, no external file: inline CSS only. A span's label, type, value or speaker is in
its tooltip; overlapping spans are shown by cutting the text at every span edge and giving
each piece the classes of all the spans that cover it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Sequence

from ..schema import LAYERS, Document, Entity, Quote, Span, TimeExpression
from ..scoring import FALSE_NEGATIVE, FALSE_POSITIVE, GIVEN, MATCH
from .errors import describe
from .markdown import number
from .result import Result

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1em; }
td, th { border: 1px solid #ccc; padding: .2em .6em; text-align: left; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.side { white-space: pre-wrap; line-height: 1.7; border: 1px solid #ddd; padding: .6em; }
.side h4 { margin: 0 0 .4em; white-space: normal; }
.ok { background: #c8f0c8; }
.wrong { background: #ffe08a; }
.fn { background: #ffb3b3; text-decoration: underline wavy #c00; }
.fp { background: #ffb3b3; outline: 1px dashed #c00; }
.role-speaker { border-bottom: 3px solid #36c; }
.role-cue { border-bottom: 3px dotted #939; }
.legend span { padding: 0 .4em; margin-right: .6em; }
"""
OUTCOME_CLASS = {"ok": "ok", "wrong": "wrong", FALSE_NEGATIVE: "fn", FALSE_POSITIVE: "fp"}
OUTCOME_TEXT = {"ok": "right", "wrong": "wrong", FALSE_NEGATIVE: "missed (false negative)",
                FALSE_POSITIVE: "spurious (false positive)"}


@dataclass(frozen=True)
class Mark:
    """A highlighted stretch: ``[start, end)``, CSS classes and a tooltip."""

    start: int
    end: int
    classes: tuple[str, ...]
    title: str


def _marks(item: Entity | TimeExpression | Quote, outcome: str, differences: tuple[str, ...]) -> list[Mark]:
    status = OUTCOME_TEXT[outcome] + (f": {', '.join(differences)}" if differences else "")
    title = f"{describe(item)} ({status})"
    css = OUTCOME_CLASS[outcome]
    if not isinstance(item, Quote):
        return [Mark(item.start, item.end, (css,), title)]
    marks = [Mark(item.content.start, item.content.end, (css,), title)]
    for role, span in (("speaker", item.speaker), ("cue", item.cue)):
        if isinstance(span, Span):
            marks.append(Mark(span.start, span.end, (f"role-{role}",), f"{role} of: {title}"))
    return marks


def highlight(text: str, marks: Sequence[Mark]) -> str:
    """``text`` as HTML with every mark highlighted; the visible text stays exactly ``text``."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        escaped = html.escape(text[start:end])
        if not covering:
            pieces.append(escaped)
            continue
        classes = " ".join(dict.fromkeys(c for m in covering for c in m.classes))
        title = html.escape(" | ".join(dict.fromkeys(m.title for m in covering)))
        pieces.append(f'<span class="{classes}" title="{title}">{escaped}</span>')
    return "".join(pieces)


def _side_marks(records, side: str) -> list[Mark]:
    marks = []
    for record in records:
        item = record.gold if side == "gold" else record.predicted
        if item is None:
            continue
        outcome = record.outcome if record.outcome != MATCH else ("ok" if record.correct else "wrong")
        marks += _marks(item, outcome, record.differences)
    return marks


def render_html(result: Result, documents: Sequence[Document]) -> str:
    """The whole page."""
    evaluation = result.evaluation
    system = html.escape(result.system.name)
    headlines = []
    for layer in LAYERS:
        layer_result = evaluation.layers.get(layer)
        if layer_result is None:
            headlines.append(f"<tr><td>{layer}</td><td>not scored</td><td></td><td></td></tr>")
            continue
        headline = layer_result.headline
        headlines.append(
            f"<tr><td>{layer}</td><td>{html.escape(headline.metric)}</td><td>{number(headline.value)}</td>"
            f"<td>[{number(headline.interval.low)}, {number(headline.interval.high)}]</td></tr>")
    parts = [
        "<!DOCTYPE html>", '<html lang="fr">', "<head>", '<meta charset="utf-8">',
        f"<title>frnewsbench: {system}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>frnewsbench: {system}</h1>",
        f"<p>Dataset {html.escape(result.dataset_hash)}, harness {html.escape(result.harness_version)}.</p>",
        "<table><tr><th>layer</th><th>headline</th><th>value</th><th>95% interval</th></tr>",
        *headlines, "</table>",
        '<p class="legend"><span class="ok">right</span><span class="wrong">matched, but wrong</span>'
        '<span class="fn">missed</span><span class="fp">spurious</span>'
        '<span class="role-speaker">speaker</span><span class="role-cue">cue</span> (hover a span for details)</p>',
    ]
    by_id = {document.id: document for document in documents}
    for document_id in evaluation.document_ids:
        document = by_id[document_id]
        title = f" — {html.escape(document.title)}" if document.title else ""
        parts.append(f'<section id="{html.escape(document_id)}"><h2>{html.escape(document_id)}{title}</h2>')
        for layer in LAYERS:
            layer_result = evaluation.layers.get(layer)
            if layer_result is None:
                continue
            scored = next(d for d in layer_result.documents if d.document_id == document_id)
            note = "" if scored.prediction == GIVEN else f" ({scored.prediction.replace('_', ' ')}: scored as empty)"
            parts.append(f"<h3>{layer}{note}</h3>")
            parts.append('<div class="pair">')
            for side, label in (("gold", "gold"), ("predicted", f"predicted by {system}")):
                body = highlight(document.text, _side_marks(scored.records, side))
                parts.append(f'<div class="side" data-side="{side}" data-layer="{layer}"><h4>{label}</h4>{body}</div>')
            parts.append("</div>")
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
