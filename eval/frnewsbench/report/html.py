"""The error report as one self-contained HTML page (CSS and script inline, nothing fetched).

At the top: the headline table, how each layer's error kinds add up to its headline TP, FP
and FN, every figure per layer, per label and per article (the per-article table is also the
table of contents), then any extra sections (:class:`PageSection`, e.g. an alignment report).
Then each article, layer by layer, as rows of sentences: the gold on the left, the system's
output on the right. Every span is a mark with a badge that names it (entity label, TIMEX3
type and value, quote type, speaker and cue) and its outcome; nested spans are nested marks
(:mod:`.highlight`), so an inner right quote stays green inside a missed outer one. A matched
pair that is wrong names its counterpart on both sides, as a link to it. A switch shows only
the rows that hold an error.

The page is built from the match records (:data:`.errors.RecordStream`), so it works the same
whether they come from the evaluation or from a records file.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from ..schema import LAYERS, Document, Entity, Quote, Span, TimeExpression
from ..scoring import GIVEN, DocumentEvaluation, LayerEvaluation, MatchRecord
from ..scoring.records import CUE, SPEAKER
from ..align import METHODS, AlignmentReport, is_unaligned
from .errors import (MISSED, OFF_HEADLINE, RIGHT, SPURIOUS, WRONG, ErrorTally, RecordStream, alignment_notes,
                     can_be_off_headline, evaluation_records, headline_rule, record_kind)
from .highlight import Mark, blocks, highlight
from .display import document_headline_counts, interval, number
from .markdown import figure_rows
from .result import Result

COUNTERPART_CHARS = 40  # a counterpart's text is cut after this many characters
OPEN_ARTICLES = 20  # reports of more articles start with the articles folded
KIND_CLASS = {RIGHT: "ok", OFF_HEADLINE: "off", WRONG: "wrong", SPURIOUS: "fp", MISSED: "fn"}
ERROR_CLASSES = ("off", "wrong", "fp", "fn")

STYLE = """
:root { --ok:#d5f2d5; --ok-b:#2e7d32; --off:#e8f3c4; --off-b:#7c8a16; --wrong:#ffe3a3; --wrong-b:#b26a00;
        --bad:#ffd2d2; --bad-b:#c62828; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 1.5em 3em; color: #1d1d1d; }
h1 { font-size: 1.5em; margin: .6em 0 .2em; } h2 { font-size: 1.25em; display: inline; }
h3 { font-size: 1.05em; margin: 1.2em 0 .3em; } h3 small, summary small { font-weight: normal; color: #444; }
table { border-collapse: collapse; margin: .4em 0 1em; font-size: .92em; }
td, th { border: 1px solid #ccc; padding: .15em .5em; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { position: sticky; top: 0; z-index: 2; background: #fafafa; border-bottom: 1px solid #ccc;
       padding: .4em 0; margin: 0 -1.5em; padding-left: 1.5em; }
.bar label { margin-right: 1em; font-weight: 600; }
.legend { font-size: .85em; } .legend .m { margin-right: .5em; }
.tables { display: flex; flex-wrap: wrap; gap: 0 2em; align-items: flex-start; }
nav ol { margin: .2em 0; padding-left: 1.4em; } nav li { margin: .1em 0; }
.rule { max-width: 70em; font-size: .92em; }
details.doc { border-top: 2px solid #888; margin-top: 1.2em; padding-top: .4em; content-visibility: auto; }
details.doc > summary { cursor: pointer; }
.rows { border: 1px solid #ddd; }
.row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); border-top: 1px solid #eee; }
.row.head { font-weight: 600; background: #f3f3f3; border-top: 0; }
.row.plain { display: block; color: #555; font-size: .85em; padding: .1em .6em; }
.row.plain > summary { cursor: pointer; color: #777; }
.row.plain .cell { line-height: 1.45; padding: .1em 0; }
.cell { padding: .25em .6em; white-space: pre-wrap; line-height: 1.9; overflow-wrap: anywhere; }
.cell + .cell { border-left: 1px solid #ddd; }
.note { color: #555; font-style: italic; }
.m { border: 1px solid; border-radius: 3px; padding: 0 2px; }
.m .m { margin: 0 1px; }
.b { font: 600 .7em/1 system-ui, sans-serif; padding: 1px 3px; margin-right: 3px; border-radius: 2px;
     background: rgba(255,255,255,.8); color: #222; vertical-align: .12em; user-select: none;
     display: inline-block; max-width: 100%; white-space: normal; }
.b a { color: #0645ad; white-space: normal; }
.ok { background: var(--ok); border-color: var(--ok-b); }
.off { background: var(--off); border-color: var(--off-b); }
.wrong { background: var(--wrong); border-color: var(--wrong-b); }
.fn { background: var(--bad); border-color: var(--bad-b); border-style: dashed; }
.fp { background: var(--bad); border-color: var(--bad-b); border-style: dotted; border-width: 2px; }
.role { background: none; border-width: 0 0 3px; border-radius: 0; }
.role.cue { border-bottom-style: double; }
.m:target { outline: 3px solid #1565c0; outline-offset: 1px; }
[id] { scroll-margin-top: 5em; }
body.errors-only .row.body:not(.err) { display: none; }
body.hide-entities .layer[data-layer="entities"], body.hide-dates .layer[data-layer="dates"],
body.hide-quotes .layer[data-layer="quotes"] { display: none; }
body.errors-only .rows .m.ok { background: none; border: 0; padding: 0; margin: 0; }
body.errors-only .rows .m.ok > .b { display: none; }
body.errors-only .layer.clean .rows { display: none; }
.layer:not(.clean) .clean-note, body:not(.errors-only) .clean-note { display: none; }
@media print {
  .bar { position: static; } .switch { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  details.doc { content-visibility: visible; }
}
"""

SCRIPT = """
const box = document.getElementById('errors-only');
function showMode() { document.body.classList.toggle('errors-only', box.checked); }
box.addEventListener('change', showMode); showMode();
const layerBoxes = document.querySelectorAll('.layer-switch');
function showLayers() { layerBoxes.forEach(b => document.body.classList.toggle('hide-' + b.value, !b.checked)); }
layerBoxes.forEach(b => b.addEventListener('change', showLayers)); showLayers();
function openTarget() {
  const id = decodeURIComponent(location.hash.slice(1)), target = id && document.getElementById(id);
  if (!target) return;
  for (let d = target.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
  target.scrollIntoView({block: target.classList.contains('m') ? 'center' : 'start'});
}
addEventListener('hashchange', openTarget); openTarget();
addEventListener('beforeprint', () => document.querySelectorAll('details').forEach(d => d.open = true));
"""


@dataclass(frozen=True)
class PageSection:
    """A section added to the page after the figures (and listed in its contents): ``id`` for
    its anchor, ``title``, and ``body``, HTML that is already escaped."""

    id: str
    title: str
    body: str


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= COUNTERPART_CHARS else text[:COUNTERPART_CHARS - 1] + "…"


def french(text: str) -> str:
    """``text`` of an article (French) inside the English page, marked as French."""
    return f'<span lang="fr">{escape(text)}</span>'


def _quoted(span: Span) -> str:
    return french(f"«{_short(span.text)}»")


def item_label(item: Entity | TimeExpression | Quote) -> str:
    """What a badge says about an item, without its text, as HTML: ``LOC``, ``DATE 2023-02-28``,
    ``direct quote · speaker «Macron» · cue «a déclaré»`` (the article's words marked French)."""
    if isinstance(item, Entity):
        return escape(item.label)
    if isinstance(item, TimeExpression):
        return escape(f"{item.type} {item.value}" + (f" {item.mod}" if item.mod else ""))
    return f"{escape(item.type)} quote · {_speaker(item)} · {_cue(item)}"


def _speaker(quote: Quote) -> str:
    if quote.speaker is not None:
        return f"speaker {_quoted(quote.speaker)}"
    return f"speaker {escape(quote.speaker_entity_id)}" if quote.speaker_entity_id else "no speaker"


def _cue(quote: Quote) -> str:
    return "no cue" if quote.cue is None else f"cue {_quoted(quote.cue)}"


def _item_text(item: Entity | TimeExpression | Quote) -> str:
    return item.content.text if isinstance(item, Quote) else item.text


def _outcome(kind: str, record: MatchRecord) -> str:
    differences = ", ".join(record.differences)
    return {RIGHT: "✓", OFF_HEADLINE: f"≈ right for the headline, other {differences}", WRONG: f"✗ wrong {differences}",
            SPURIOUS: "✗ spurious", MISSED: "✗ missed"}[kind]


def _counterpart(item: Entity | TimeExpression | Quote, other: Entity | TimeExpression | Quote,
                 differences: Sequence[str]) -> str:
    """How a badge names the other side of a matched pair, as HTML: its label (for a quote, its
    type and the speaker or cue that differ), then its text when it differs."""
    if isinstance(other, Quote):
        label = f"{escape(other.type)} quote"
        if SPEAKER in differences:
            label += f" · {_speaker(other)}"
        if CUE in differences:
            label += f" · {_cue(other)}"
    else:
        label = item_label(other)
    if _item_text(other) != _item_text(item):
        label += " " + french(f"«{_short(_item_text(other))}»")
    return label


@dataclass(frozen=True)
class LayerMarks:
    """The marks of one layer of one article, per side, and which of them are errors."""

    gold: tuple[Mark, ...]
    system: tuple[Mark, ...]
    tally: ErrorTally
    not_found: tuple[str, ...] = ()  # HTML of the system's spans given by a text that is not in the article


def layer_marks(layer: str, records: Sequence[MatchRecord], prefix: str) -> LayerMarks:
    """Gold and system marks of ``records``; ids ``{prefix}-g{n}`` / ``{prefix}-s{n}`` (n: the
    record's number), so a wrong pair's badges link to each other."""
    sides: dict[str, list[Mark]] = {"gold": [], "system": []}
    not_found: list[str] = []
    for number_, record in enumerate(records):
        kind = record_kind(layer, record)
        css = KIND_CLASS[kind]
        ids = {"gold": f"{prefix}-g{number_}", "system": f"{prefix}-s{number_}"}
        for side, item, other_side, other in (("gold", record.gold, "system", record.predicted),
                                              ("system", record.predicted, "gold", record.gold)):
            if item is None:
                continue
            badge = f"{item_label(item)} {escape(_outcome(kind, record))}"
            if other is not None and kind != RIGHT:
                label = _counterpart(item, other, record.differences)
                badge += f' <a class="counterpart" href="#{ids[other_side]}">→ {other_side}: {label}</a>'
            if isinstance(item, Quote):
                badge = f"q{number_} " + badge
            classes = ("m", css, layer)
            main = item.content if isinstance(item, Quote) else item
            if is_unaligned(main):  # a text the aligner did not find: no place in the article
                not_found.append(f'<span class="{" ".join(classes)}" id="{ids[side]}"><span class="b" lang="en">{badge}'
                                 f'</span><span lang="fr">{html.escape(_item_text(item), quote=False)}</span></span>')
                continue
            if isinstance(item, Quote):
                sides[side].append(Mark(item.content.start, item.content.end, classes, ids[side],
                                        f'<span class="b" lang="en">{badge}</span>'))
                for role, span in (("speaker", item.speaker), ("cue", item.cue)):
                    if span is not None:
                        sides[side].append(Mark(span.start, span.end, ("m", "role", role, css), "",
                                                f'<span class="b" lang="en"><a href="#{ids[side]}">q{number_}</a> {role}</span>'))
            else:
                sides[side].append(Mark(item.start, item.end, classes, ids[side], f'<span class="b" lang="en">{badge}</span>'))
    return LayerMarks(tuple(sides["gold"]), tuple(sides["system"]), ErrorTally.of(layer, records), tuple(not_found))


def alignment_section(report: AlignmentReport) -> PageSection:
    """The spans the system gave by their text alone: how many were placed by each method, per
    layer, then every decision worth a look (:func:`.errors.alignment_notes`)."""
    head = "".join(f'<th class="n">{method.replace("_", " ")}</th>' for method in METHODS)
    rows = "".join(f'<tr data-layer="{layer}"><td>{layer}</td>'
                   + "".join(f'<td class="n">{counts[method]}</td>' for method in METHODS) + "</tr>"
                   for layer, counts in report.counts.items())
    notes = "".join(
        f"<li>{escape(document)} {decision.layer}[{decision.item}] {decision.role} {french(f'«{decision.text}»')}: "
        f"<b>{escape(how)}</b>" + ("" if decision.start is None else f" → [{decision.start}, {decision.end})") + "</li>"
        for document, decision, how in alignment_notes(report))
    body = ('<p class="rule">Spans given without offsets were placed in the text by the procedure of '
            "frnewsbench.align (<code>frnewsbench docs predictions</code>, “Spans given by their text”); a string not found counts as a spurious span (a FP) and "
            "is listed under its article.</p>"
            f"<table><tr><th>layer</th>{head}</tr>{rows}</table>" + (f"<ul>{notes}</ul>" if notes else ""))
    return PageSection("alignment", "Spans placed by their text", body)


def _is_error(mark: Mark) -> bool:
    return any(css in mark.classes for css in ERROR_CLASSES)


def _plain(text: str, stretches: list[tuple[int, int]], layer: str) -> str:
    """Sentences with no span of the layer on either side: folded, the text once."""
    shown = " ".join(html.escape(text[start:end], quote=False) for start, end in stretches)
    return (f'<details class="row body plain"><summary>⋯ {len(stretches)} sentence(s) without {layer}</summary>'
            f'<div class="cell" lang="fr">{shown}</div></details>')


def _rows(text: str, marks: LayerMarks, system: str, layer: str) -> str:
    every = marks.gold + marks.system
    errors = [mark for mark in every if _is_error(mark)]
    rows = [f'<div class="row head"><div class="cell">gold</div><div class="cell">{escape(system)}</div></div>']
    plain: list[tuple[int, int]] = []
    for start, end in blocks(text, every):
        if not any(mark.start < end and start < mark.end for mark in every):
            plain.append((start, end))
            continue
        if plain:
            rows.append(_plain(text, plain, layer))
            plain = []
        err = any(mark.start < end and start < mark.end for mark in errors)
        rows.append(f'<div class="row body{" err" if err else ""}">'
                    f'<div class="cell" data-side="gold" lang="fr">{highlight(text, marks.gold, start, end)}</div>'
                    f'<div class="cell" data-side="system" lang="fr">{highlight(text, marks.system, start, end)}</div></div>')
    if plain:
        rows.append(_plain(text, plain, layer))
    if marks.not_found:
        rows.append('<div class="row body err"><div class="cell note">given by the system, not found in the text '
                    f'(each a spurious span)</div><div class="cell" data-side="system">{" ".join(marks.not_found)}'
                    "</div></div>")
    return '<div class="rows">' + "".join(rows) + "</div>"


def _prf_cells(counts) -> str:
    return (f'<td class="n">{number(counts.precision)}</td><td class="n">{number(counts.recall)}</td>'
            f'<td class="n">{number(counts.f1)}</td><td class="n tp">{counts.tp}</td>'
            f'<td class="n fp-count">{counts.fp}</td><td class="n fn-count">{counts.fn}</td>')


PRF_HEAD = '<th class="n">P</th><th class="n">R</th><th class="n">F1</th><th class="n">TP</th><th class="n">FP</th><th class="n">FN</th>'


def _headline_table(layers: dict[str, LayerEvaluation]) -> str:
    rows = []
    for layer in LAYERS:
        scored = layers.get(layer)
        if scored is None:
            rows.append(f'<tr data-layer="{layer}"><td>{layer}</td><td colspan="9">not scored</td></tr>')
            continue
        headline = scored.headline
        rows.append(f'<tr data-layer="{layer}"><td><a href="#figures-{layer}">{layer}</a></td>'
                    f"<td>{escape(headline.metric)}</td><td class=\"n\">{number(headline.value)}</td>"
                    f'<td class="n">{interval(headline.interval.low, headline.interval.high)}</td>'
                    f"{_prf_cells(scored.counts.headline)}</tr>")
    return ('<table id="headline"><tr><th>layer</th><th>headline</th><th class="n">value</th>'
            f'<th class="n">95% interval</th>{PRF_HEAD}</tr>{"".join(rows)}</table>')


def _kinds_table(tallies: dict[str, ErrorTally]) -> str:
    head = ("<tr><th>layer</th><th class=\"n\">right</th><th class=\"n\">right for the headline, "
            "other difference</th><th class=\"n\">wrong</th><th class=\"n\">spurious</th><th class=\"n\">missed</th>"
            "<th class=\"n\">= TP</th><th class=\"n\">= FP</th><th class=\"n\">= FN</th></tr>")
    rows = []
    for layer, tally in tallies.items():
        headline = tally.headline
        rows.append(
            f'<tr data-layer="{layer}"><td>{layer}</td><td class="n">{tally.right}</td>'
            f'<td class="n">{tally.off_headline}</td><td class="n">{tally.wrong}</td><td class="n">{tally.spurious}</td>'
            f'<td class="n">{tally.missed}</td><td class="n">{headline.tp} = {tally.right} + {tally.off_headline}</td>'
            f'<td class="n">{headline.fp} = {tally.spurious} + {tally.wrong}</td>'
            f'<td class="n">{headline.fn} = {tally.missed} + {tally.wrong}</td></tr>')
    rules = "".join(f'<p class="rule"><b>{layer}.</b> {escape(headline_rule(layer))}</p>' for layer in tallies)
    return f'<table id="kinds">{head}{"".join(rows)}</table>{rules}'


def _layer_tables(scored: LayerEvaluation) -> str:
    figures = "".join(
        f"<tr><td>{escape(name)}</td><td class=\"n\">{p}</td><td class=\"n\">{r}</td><td class=\"n\">{f}</td>"
        f"<td>{escape(counts)}</td></tr>" for name, p, r, f, counts in figure_rows(scored))
    labels = "".join(f"<tr><td>{escape(label)}</td>{_prf_cells(counts.headline)}</tr>"
                     for label, counts in scored.by_label.items())
    return (f'<div class="tables" id="figures-{scored.layer}"><div><h3>{scored.layer}: every figure</h3>'
            f'<table><tr><th>figure</th><th class="n">P</th><th class="n">R</th><th class="n">F1</th><th>counts</th></tr>'
            f"{figures}</table></div><div><h3>{scored.layer} by label (headline)</h3>"
            f"<table><tr><th>label</th>{PRF_HEAD}</tr>{labels}</table></div></div>")


def _document_scores(result: Result, layer: str) -> dict[str, DocumentEvaluation]:
    return {document.document_id: document for document in result.evaluation.layers[layer].documents}


def _article_table(result: Result, scored: list[str], tallies: dict[tuple[str, str], ErrorTally]) -> str:
    head = "".join(f'<th colspan="2">{layer}: F1 (TP · FP · FN), errors</th>' for layer in scored)
    rows = []
    scores = {layer: _document_scores(result, layer) for layer in scored}
    for number_, document_id in enumerate(result.evaluation.document_ids, 1):
        cells = [f'<td class="n">{number_}</td><td><a href="#a{number_}">{escape(document_id)}</a></td>']
        for layer in scored:
            document = scores[layer][document_id]
            cells.append(f'<td><a href="#a{number_}-{layer}">{number(document.counts.headline.f1)}</a> '
                         f"{escape(document_headline_counts(document))}</td>"
                         f'<td class="n">{tallies[(layer, document_id)].errors}</td>')
        rows.append(f'<tr data-document="{escape(document_id)}">{"".join(cells)}</tr>')
    return f'<table id="articles"><tr><th class="n">#</th><th>article</th>{head}</tr>{"".join(rows)}</table>'


def _legend() -> str:
    samples = [("ok", "✓ right"), ("off", "≈ right for the headline, another part differs"),
               ("wrong", "✗ matched but wrong"), ("fn", "✗ missed (gold only)"), ("fp", "✗ spurious (system only)")]
    marks = "".join(f'<span class="m {css}">{text}</span>' for css, text in samples)
    return (f'<span class="legend">{marks}<span class="m role speaker ok">speaker</span> '
            '<span class="m role cue ok">cue</span> · badges name each span; a link jumps to the counterpart</span>')


def render_html(result: Result, documents: Sequence[Document], records: RecordStream | None = None, *,
                sections: Sequence[PageSection] = ()) -> str:
    """The whole page. ``records``: the match records, :func:`.errors.evaluation_records` of the
    result unless given; ``sections``: extra sections shown after the figures."""
    evaluation = result.evaluation
    system = result.system.name
    if result.alignment is not None:
        sections = [alignment_section(result.alignment), *sections]
    scored = [layer for layer in LAYERS if evaluation.layers.get(layer) is not None]
    grouped: dict[tuple[str, str], list[MatchRecord]] = defaultdict(list)
    for layer, document_id, record in (evaluation_records(evaluation) if records is None else records):
        grouped[(layer, document_id)].append(record)
    by_id = {document.id: document for document in documents}
    number_of = {document_id: n for n, document_id in enumerate(evaluation.document_ids, 1)}
    marks = {(layer, document_id): layer_marks(layer, grouped[(layer, document_id)], f"a{number_of[document_id]}-{layer}")
             for layer in scored for document_id in evaluation.document_ids}
    tallies = {key: value.tally for key, value in marks.items()}
    layer_tallies = {layer: sum((tallies[(layer, d)] for d in evaluation.document_ids), ErrorTally()) for layer in scored}

    contents = ['<li><a href="#figures">Figures</a>: <a href="#headline">headline</a> · '
                '<a href="#kinds">how the errors count</a> · '
                + " · ".join(f'<a href="#figures-{layer}">{layer}</a>' for layer in scored)
                + ' · <a href="#articles">per article</a></li>']
    contents += [f'<li><a href="#{escape(section.id)}">{escape(section.title)}</a></li>' for section in sections]
    article_links = "".join(
        f'<li><a href="#a{n}">{escape(document_id)}</a> '
        + " ".join(f'<a href="#a{n}-{layer}">{layer}</a>' for layer in scored) + "</li>"
        for document_id, n in number_of.items())
    contents.append(f'<li>Articles<ol>{article_links}</ol></li>')

    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in sorted(result.system.versions.items())) or "none given"
    missing = ", ".join(map(escape, evaluation.missing_documents)) or "none"
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(system)}: frnewsbench error report</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<h1>{escape(system)}: frnewsbench error report</h1>",
        f'<p>{len(evaluation.document_ids)} article(s), dataset {escape(result.dataset_hash)} '
        f"(annotation schema {escape(result.annotation_schema_version)}); harness frnewsbench "
        f"{escape(result.harness_version)}; system versions: {versions}; articles without output from "
        f"{escape(system)} (scored as empty): {missing}; intervals: 95% bootstrap over paragraphs, "
        f"{evaluation.bootstrap_samples} resamples.</p>",
        '<div class="bar"><span class="switch"><label><input type="checkbox" id="errors-only"> '
        "show only the errors (the sentences that hold one)</label>"
        + "".join(f'<label><input type="checkbox" class="layer-switch" value="{layer}" checked> {layer}</label>'
                  for layer in scored) + "</span>" + _legend() + "</div>",
        f'<nav id="contents"><h3>Contents</h3><ol>{"".join(contents)}</ol></nav>',
        '<section id="figures"><h3>Headline</h3>', _headline_table(evaluation.layers),
        "<h3>How the errors count in the headline</h3>",
        "<p class=\"rule\">Every gold and every predicted span is in exactly one of these kinds; the kinds add up to "
        "the headline's TP, FP and FN above.</p>",
        _kinds_table(layer_tallies),
        *(_layer_tables(evaluation.layers[layer]) for layer in scored),
        "<h3>Per article</h3>", _article_table(result, scored, tallies), "</section>",
        *(f'<section id="{escape(s.id)}"><h3>{escape(s.title)}</h3>{s.body}</section>' for s in sections),
    ]
    folded = len(evaluation.document_ids) > OPEN_ARTICLES
    scores = {layer: _document_scores(result, layer) for layer in scored}
    for document_id, n in number_of.items():
        document = by_id[document_id]
        title = f" — {french(document.title)}" if document.title else ""
        links = " · ".join(f'<a href="#a{n}-{layer}">{layer}</a>' for layer in scored)
        parts.append(f'<details class="doc" id="a{n}"{"" if folded else " open"}><summary><h2>{n}. '
                     f"{escape(document_id)}{title}</h2> <small>{links}</small></summary>")
        for layer in scored:
            document_score = scores[layer][document_id]
            layer_mark = marks[(layer, document_id)]
            tally, headline = layer_mark.tally, document_score.counts.headline
            clean = tally.errors == 0
            note = ("" if document_score.prediction == GIVEN else
                    f'<p class="note">{escape(system)} gave no {layer} for this article '
                    f"({document_score.prediction.replace('_', ' ')}): scored as empty, every gold span is missed.</p>")
            parts.append(
                f'<section class="layer{" clean" if clean else ""}" id="a{n}-{layer}" data-layer="{layer}">'
                f"<h3>{layer} <small>F1 {number(headline.f1)} · TP {headline.tp} · FP {headline.fp} · "
                f"FN {headline.fn} · {tally.errors} error(s): {tally.wrong} wrong, "
                + (f"{tally.off_headline} right for the headline only, " if can_be_off_headline(layer) else "")
                + f"{tally.spurious} spurious, {tally.missed} missed</small></h3>{note}"
                f'<p class="note clean-note">no error in {layer}</p>'
                + _rows(document.text, layer_mark, system, layer) + "</section>")
        parts.append("</details>")
    parts += [f"<script>{SCRIPT}</script>", "</body>", "</html>", ""]
    return "\n".join(parts)

