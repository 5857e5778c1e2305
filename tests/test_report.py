"""Reports: the typed result, the Markdown tables, the error analysis and the HTML page."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

import frnewsbench
from frnewsbench.api import score
from frnewsbench.corpus import corpus_hash, load_corpus
from frnewsbench.report import RESULT_SCHEMA_VERSION
from frnewsbench.report.errors import context, error_items, render_errors
from frnewsbench.report.html import Mark, highlight, render_html
from frnewsbench.report.markdown import headline_table, render_markdown
from frnewsbench.schema import Entity, Prediction, Quote, Span, TimeExpression

GOLD = load_corpus(Path(__file__).parent / "data" / "harness_gold")
T1 = GOLD[0].text


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def hand_made_prediction() -> Prediction:
    """t-001 only (t-002 is missing). Entities: 'Macron' right; 'Xi Jinping' as ORG (wrong label);
    'Macron' of 'Emmanuel Macron' (wrong boundary); 'paix' MISC (false positive); Paris, Élysée and
    the second and third 'Xi Jinping' not predicted (4 false negatives). Dates: '28 février 2023'
    with the wrong value, 'lundi' missed. Quotes: the right content and cue with a wrong speaker.
    Offsets in t-001: line 3 starts at 34 ("28 février 2023" at 37), line 5 at 101 ("paix" at 119)."""
    entities = [Entity(*at(T1, "Macron"), "Macron", "PER"), Entity(*at(T1, "Xi Jinping"), "Xi Jinping", "ORG"),
                Entity(*at(T1, "Macron", 1), "Macron", "PER"), Entity(*at(T1, "paix"), "paix", "MISC")]
    dates = [TimeExpression(*at(T1, "28 février 2023"), "28 février 2023", "DATE", "2023-02-27")]
    quotes = [Quote(Span(*at(T1, "Nous voulons la paix"), "Nous voulons la paix"), "direct",
                    speaker=Span(*at(T1, "Macron"), "Macron"), cue=Span(*at(T1, "a déclaré"), "a déclaré"))]
    return Prediction(id="t-001", entities=tuple(entities), dates=tuple(dates), quotes=tuple(quotes))


@pytest.fixture(scope="module")
def result():
    return score(gold=GOLD, predictions={"t-001": hand_made_prediction()}, system="hand-made.v1",
                 system_versions={"hand": "1.0"}, bootstrap_samples=50)


def test_result_carries_provenance(result):
    raw = json.loads(result.to_json())
    assert raw["schema_version"] == RESULT_SCHEMA_VERSION
    assert raw["harness"] == {"name": "frnewsbench", "version": frnewsbench.__version__}
    assert raw["dataset"] == {"hash": corpus_hash(GOLD), "schema_version": "1.0", "documents": 2}
    assert raw["system"] == {"name": "hand-made.v1", "versions": {"hand": "1.0"}}
    assert raw["evaluation"]["missing_documents"] == ["t-002"]
    assert raw["evaluation"]["bootstrap"]["samples"] == 50


def test_headline_table_by_hand(result):
    entities = result.evaluation.layers["entities"].counts.strict
    # t-001: TP 1 (Macron); FP 3 (Xi as ORG, Macron [63,69), paix); FN 6 (Xi as PER, Emmanuel Macron, Paris,
    # Xi #2, Élysée, Xi #3); t-002 missing: FN 5 -> TP 1, FP 3, FN 11, F1 = 2 / (2 + 3 + 11) = 0.125
    assert (entities.tp, entities.fp, entities.fn) == (1, 3, 11)
    table = headline_table(result)
    assert "| entities | strict micro F1 (exact span and label) | 0.125 |" in table
    # dates value F1: the wrong value is a FP and a FN; lundi and the two dates of t-002 are FN -> F1 0
    assert "| dates | TempEval-3 value F1 (relaxed match, exact TIMEX3 value) | 0.000 |" in table
    assert "| quotes | full attribution F1 (content overlap match with the right speaker) | 0.000 |" in table


def test_markdown_lists_every_figure_and_document(result):
    markdown = render_markdown(result)
    assert "- documents without predictions (scored as empty): t-002" in markdown
    assert "| strict | 0.250 | 0.083 | 0.125 | TP 1 · FP 3 · FN 11 |" in markdown  # P = 1/4, R = 1/12
    assert "| t-002 | 0.000 (TP 0 · FP 0 · FN 5) (missing document) |" in markdown
    assert "| PER | 0.500 | 0.167 | 0.250 | 1 | 1 | 5 |" in markdown  # PER: 6 gold, 2 predicted, 1 right
    assert "| speaker accuracy |  |  | accuracy 0.000 | 0 of 1 |" in markdown


def test_markdown_marks_layers_not_scored():
    only_entities = score(gold=GOLD, predictions={"t-001": Prediction(id="t-001", entities=())}, bootstrap_samples=10)
    table = headline_table(only_entities)
    assert "| dates | not scored | – | – |" in table and "| quotes | not scored | – | – |" in table
    assert "## dates" not in render_markdown(only_entities)


def test_context_marks_the_span():
    assert context("abcdefghij", 3, 5, width=2) == "…bc⟦de⟧fg…"
    assert context("ab\ncd", 0, 2, width=5) == "⟦ab⟧⏎cd"


def test_error_analysis_lists_every_error(result):
    items = error_items(result.evaluation, GOLD)
    kinds = {}
    for item in items:
        kinds.setdefault((item.layer, item.document_id), []).append(item.kind)
    assert sorted(kinds[("entities", "t-001")]) == sorted(
        ["wrong label", "wrong boundary", "false positive"] + ["false negative"] * 4)
    assert kinds[("entities", "t-002")] == ["false negative"] * 5
    assert sorted(kinds[("dates", "t-001")]) == ["false negative", "wrong value"]
    assert kinds[("dates", "t-002")] == ["false negative"] * 2
    assert kinds[("quotes", "t-001")] == ["wrong speaker"]
    assert kinds[("quotes", "t-002")] == ["false negative"] * 2
    text = render_errors(result, GOLD)
    assert "## entities: 12 error(s): 1 false positive(s), 9 false negative(s), 2 wrong match(es)" in text
    assert "- **false positive**: predicted MISC 'paix' [119, 123)" in text
    # 40 characters each side of [119, 123): from 79 (after "Xi") to the end of the text (154)
    assert "  … Jinping à l’Élysée.⏎⏎« Nous voulons la ⟦paix⟧ », a déclaré Xi Jinping lundi.\n" in text
    assert "gold DATE 2023-02-28 '28 février 2023' [37, 52); predicted DATE 2023-02-27 '28 février 2023' [37, 52)" in text


def test_highlight_cuts_overlapping_spans():
    marks = [Mark(1, 4, ("x",), "one"), Mark(2, 5, ("y",), "two")]
    assert highlight("a<cdef", marks) == (
        'a<span class="x" title="one">&lt;</span><span class="x y" title="one | two">cd</span>'
        '<span class="y" title="two">e</span>f')


class SideText(HTMLParser):
    """The visible text of each side panel, keyed by (layer, side, panel number)."""

    def __init__(self):
        super().__init__()
        self.panels: list[tuple[str, str, list[str]]] = []
        self.depth = 0
        self.classes: list[str] = []
        self.external = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "link", "img") or "src" in attrs or "href" in attrs:
            self.external.append(tag)
        if tag == "div" and "data-side" in attrs:
            self.panels.append((attrs["data-layer"], attrs["data-side"], []))
            self.depth = 1
        elif self.depth and tag == "div":
            self.depth += 1
        if self.depth and tag == "span":
            self.classes.append(attrs["class"])

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.panels[-1][2].append(data)


def test_html_is_self_contained_and_shows_each_text_whole(result):
    page = render_html(result, GOLD)
    parser = SideText()
    parser.feed(page)
    assert parser.external == []
    assert len(parser.panels) == 2 * 3 * 2  # documents x layers x sides
    texts = [GOLD[0].text] * 6 + [GOLD[1].text] * 6
    for (layer, side, pieces), text in zip(parser.panels, texts):
        heading = "gold" if side == "gold" else "predicted by hand-made.v1"
        assert "".join(pieces) == heading + text
    # entities: t-001's gold side has 4 missed (Xi #2 and #3 PER, Paris and Élysée LOC), its predicted side
    # the one false positive; t-002 is missing, so its 5 gold entities are all missed (Jens Stoltenberg PER,
    # Bruxelles LOC, OTAN, Alliance and AFP ORG)
    assert 'class="fp" title="MISC &#x27;paix&#x27; [119, 123) (spurious (false positive))"' in page
    assert page.count('class="fn" title="PER') == 2 + 1
    assert page.count('class="fn" title="LOC') == 2 + 1
    assert page.count('class="fn" title="ORG') == 3
    assert "<h3>entities (missing document: scored as empty)</h3>" in page
