"""Reports: the typed result, the Markdown tables, the error analysis and the HTML page."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from html.parser import HTMLParser
from pathlib import Path

import pytest

import frnewsbench
from frnewsbench.api import score
from frnewsbench.corpus import corpus_hash
from frnewsbench.gold import load_corpus
from frnewsbench.report import RESULT_SCHEMA_VERSION, Result, ResultError, SystemInfo, load_result
from frnewsbench.report.errors import context, error_items, escape_markdown, render_errors
from frnewsbench.report.html import render_html
from frnewsbench.report.markdown import headline_table, render_markdown
from frnewsbench.schema import Document, Entity, Prediction, Quote, Span, TimeExpression, sha256_text

DATA = Path(__file__).parent / "data"
GOLD = load_corpus(DATA / "harness_gold")
# Frozen once, by the code of result schema 2.0: `frnewsbench score --predictions
# tests/data/harness_predictions.jsonl --gold tests/data/harness_gold --bootstrap-samples 200
# --output tests/data/harness_result.json`. It must keep loading; never regenerate it to make a test pass.
FROZEN_RESULT = DATA / "harness_result.json"
FROZEN_PREDICTIONS = DATA / "harness_predictions.jsonl"
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
    assert raw["result_schema_version"] == RESULT_SCHEMA_VERSION == "2.1"
    assert "schema_version" not in raw and "schema_version" not in raw["evaluation"]  # no ambiguous key left
    assert raw["harness"] == {"name": "frnewsbench", "version": frnewsbench.__version__}
    assert raw["dataset"] == {"hash": corpus_hash(GOLD), "annotation_schema_version": "1.0", "documents": 2}
    # scored from predictions, not run: the harness cannot know what an adapter left out
    assert raw["system"] == {"name": "hand-made.v1", "versions": {"hand": "1.0"}, "dropped_labels": None}
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
    # by hand: strict FP = paix + Xi Jinping ORG + Macron (boundary) = 3; FN = 4 in t-001 + the 2 wrong + 5 in t-002
    assert ("## entities: 12 error(s): 1 false positive(s), 9 false negative(s), 2 wrong match(es) "
            "(headline FP 3 = 1 + 2, FN 11 = 9 + 2)\n") in text
    assert "a matched pair with a wrong boundary or label is one FP and one FN" in text
    assert "- **false positive** (headline FP): predicted MISC 'paix' [119, 123)" in text
    # 40 characters each side of [119, 123): from 79 (after "Xi") to the end of the text (154)
    assert "  … Jinping à l’Élysée.⏎⏎« Nous voulons la ⟦paix⟧ », a déclaré Xi Jinping lundi.\n" in text
    assert "gold DATE 2023-02-28 '28 février 2023' [37, 52); predicted DATE 2023-02-27 '28 février 2023' [37, 52)" in text


def test_html_shows_every_missed_entity_with_its_label(result):
    """t-001: 4 missed (Xi #2 and #3 PER, Paris and Élysée LOC), 1 spurious; t-002 is missing, so
    its 5 gold entities are all missed (Jens Stoltenberg PER, Bruxelles LOC, OTAN, Alliance, AFP ORG).
    The page's structure is tested in test_report_html.py, in a browser in test_report_browser.py."""
    page = render_html(result, GOLD)
    assert page.count('<span class="b" lang="en">PER ✗ missed</span>') == 2 + 1
    assert page.count('<span class="b" lang="en">LOC ✗ missed</span>') == 2 + 1
    assert page.count('<span class="b" lang="en">ORG ✗ missed</span>') == 3
    assert page.count('<span class="b" lang="en">MISC ✗ spurious</span>') == 1
    assert "hand-made.v1 gave no entities for this article (missing document)" in page


def test_error_analysis_escapes_markdown_in_the_text_it_quotes():
    text = "Le plan *B* de [Macron] | <b>x_y</b> `z` \\o/"
    start = text.index("Macron")
    gold = Document(id="md", title=None, text=text, language="fr", source=None, dct="2023-03-01",
                    dct_evidence="test", seed_file="", text_sha256=sha256_text(text),
                    entities=(Entity(start, start + 6, "Macron", "PER"),))
    star = text.index("*B*")
    predicted = Prediction(id="md", entities=(Entity(star, star + 3, "*B*", "MISC"),))
    result = score(gold=[gold], predictions={"md": predicted}, system="a|b*", bootstrap_samples=10)
    markdown = render_errors(result, [gold])
    assert "# Error analysis: a\\|b\\*" in markdown
    # the FP's own text and its context: every | * _ ` [ ] < > \\ is escaped, the ⟦ ⟧ marks are not
    assert "- **false positive** (headline FP): predicted MISC '\\*B\\*' [8, 11)" in markdown
    assert ("  Le plan ⟦\\*B\\*⟧ de \\[Macron\\] \\| \\<b\\>x\\_y\\</b\\> \\`z\\` \\\\o/" in markdown)
    assert "- **false negative** (headline FN): gold PER 'Macron' [16, 22)" in markdown
    assert escape_markdown("a|b") == "a\\|b" and escape_markdown("plain text, 1.0 (ok)") == "plain text, 1.0 (ok)"


# --- reading a result back ----------------------------------------------------------------------

def test_a_result_reads_back_into_the_same_typed_object(result):
    again = Result.from_dict(json.loads(result.to_json()))
    # every figure comes back; per document, the counts without the per-label breakdown, and no
    # match record (they have their own file)
    without_records = {layer: None if evaluation is None else dataclasses.replace(evaluation, documents=tuple(
        dataclasses.replace(document, by_label=None, records=None) for document in evaluation.documents))
        for layer, evaluation in result.evaluation.layers.items()}
    assert again == dataclasses.replace(result, evaluation=dataclasses.replace(result.evaluation, layers=without_records))
    assert again.to_json() == result.to_json()
    assert render_markdown(again) == render_markdown(result)


def test_the_frozen_result_file_keeps_loading_and_matches_a_fresh_scoring():
    frozen = load_result(FROZEN_RESULT)
    assert frozen.result_schema_version == "2.0" and frozen.annotation_schema_version == "1.0"
    assert frozen.dataset_hash == corpus_hash(GOLD)
    assert frozen.system == SystemInfo("harness_predictions", {
        "predictions_sha256": "sha256:" + hashlib.sha256(FROZEN_PREDICTIONS.read_bytes()).hexdigest()}, None)
    # the figures worked out by hand: entities TP 3 FP 5 FN 9 -> F1 6/20; dates value TP 2 FP 1 FN 2
    # -> 4/7; quotes attribution TP 1 FP 2 FN 2 -> 2/6 (see the predictions file)
    entities, dates, quotes = (frozen.evaluation.layers[layer] for layer in ("entities", "dates", "quotes"))
    assert (entities.counts.strict.tp, entities.counts.strict.fp, entities.counts.strict.fn) == (3, 5, 9)
    assert entities.headline.value == pytest.approx(6 / 20)
    assert (dates.counts.value.tp, dates.counts.value.fp, dates.counts.value.fn) == (2, 1, 2)
    assert dates.headline.value == pytest.approx(4 / 7)
    assert (quotes.counts.attribution.tp, quotes.counts.attribution.fp, quotes.counts.attribution.fn) == (1, 2, 2)
    assert quotes.headline.value == pytest.approx(2 / 6)
    fresh = score(predictions=FROZEN_PREDICTIONS, gold=GOLD, bootstrap_samples=frozen.evaluation.bootstrap_samples,
                  seed=frozen.evaluation.seed)
    assert frozen.evaluation.headlines == fresh.evaluation.headlines  # values and intervals
    for layer in ("entities", "dates", "quotes"):
        assert frozen.evaluation.layers[layer].counts == fresh.evaluation.layers[layer].counts, layer
        assert frozen.evaluation.layers[layer].by_label == fresh.evaluation.layers[layer].by_label, layer


@pytest.mark.parametrize(("edit", "message"), [
    (lambda raw: raw.update(result_schema_version="9.9"), "result schema version '9.9'; this frnewsbench reads result schemas 2.0 and 2.1 only"),
    (lambda raw: (raw.pop("result_schema_version"), raw.update(schema_version="1.0")),
     "result schema version '1.0'; this frnewsbench reads result schemas 2.0 and 2.1 only"),
    (lambda raw: raw["dataset"].pop("hash"), "the key 'hash' is missing"),
    (lambda raw: raw["evaluation"]["layers"]["entities"]["counts"]["strict"].update(tp=-1),
     "PRFCounts.tp: expected a count (a whole number >= 0), found -1"),
])
def test_a_result_of_another_schema_or_malformed_is_refused(tmp_path, edit, message):
    raw = json.loads(FROZEN_RESULT.read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "result.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ResultError) as caught:
        load_result(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_a_result_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "result.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ResultError, match=r"result.json: line 1 column 2: expected valid JSON; found Expecting property name"):
        load_result(path)
    with pytest.raises(ResultError, match="cannot read the result file"):
        load_result(tmp_path / "missing.json")


class ListItemText(HTMLParser):
    """The visible text of each <li>, and the tags found inside it."""

    def __init__(self):
        super().__init__()
        self.items: list[list[str]] = []
        self.tags: list[str] = []
        self.inside = 0

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self.items.append([])
            self.inside += 1
        elif self.inside:
            self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag == "li":
            self.inside -= 1

    def handle_data(self, data):
        if self.inside:
            self.items[-1].append(data)


@pytest.mark.parametrize("seed", range(30))
def test_escaped_context_renders_as_the_text_itself_in_commonmark(seed):
    """Differential: markdown-it (CommonMark) renders an error line as the very text it quotes."""
    markdown_it = pytest.importorskip("markdown_it")
    rng = random.Random(seed)
    pieces = ["|", "*", "**", "_", "__", "`", "[", "]", "(x)", "<b>", "</b>", ">", "<", "\\", "#", "- ", "+ ",
              "1. ", "2) ", "=", "~~~", "---", "&amp;", "mot", "l’État", " ", "  ", "«\u00a0", "\u00a0»", "x_y_z"]
    # whitespace at the ends of a line is not markup (CommonMark drops it), so the text has none there
    text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12))).strip() or "mot"
    line = f"- **false positive**: predicted MISC {escape_markdown(repr(text))} [0, 1)  \n  {escape_markdown(text)}\n"
    parser = ListItemText()
    parser.feed(markdown_it.MarkdownIt("commonmark").render(line))
    assert len(parser.items) == 1, line
    assert parser.tags == ["strong", "br"], line  # no markup but the kind in bold and the line break
    shown = "".join(parser.items[0])
    assert shown == f"false positive: predicted MISC {text!r} [0, 1)\n{text}", line


@pytest.mark.parametrize("seed", range(5))
def test_readable_and_escape_markdown_are_their_character_by_character_definitions(seed):
    """The fast paths (printable text as it is, one translate table) against the definitions: every
    control or format character escaped as Python would, a line break as ⏎, markup characters
    behind a backslash."""
    import unicodedata

    from frnewsbench.report.errors import MARKDOWN_SPECIAL, readable

    rng = random.Random(seed)
    alphabet = "ab é«»’\u00a0\u202f\t\n\r\x00\x7f\x85\u200b\u200e\ufeff\u2028#-1.|*_`[]<>&\\"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 10)))
        assert readable(text) == "".join(
            "⏎" if char == "\n" else repr(char)[1:-1] if unicodedata.category(char) in ("Cc", "Cf") else char
            for char in text), repr(text)
        if not text.lstrip(" \t")[:1] or text.lstrip(" \t")[0] not in "#+=~-0123456789":  # no line-start markup
            assert escape_markdown(text) == "".join("\\" + char if char in MARKDOWN_SPECIAL else char
                                                    for char in text), repr(text)


def test_error_analysis_shows_no_break_spaces_as_themselves_not_as_escapes():
    text = "Il a annoncé qu’il se rendrait en Chine «\xa0début avril\xa0».\nFin."
    start, end = at(text, "début avril")
    gold = Document(id="nb", title=None, text=text, language="fr", source=None, dct="2023-03-01",
                    dct_evidence="test", seed_file="", text_sha256=sha256_text(text),
                    dates=(TimeExpression(start, end, "début avril", "DATE", "2023-04", "START"),))
    wide = text.index("Chine")
    predicted = Prediction(id="nb", dates=(TimeExpression(wide, end + 2, text[wide:end + 2], "DATE", "2023-04"),))
    markdown = render_errors(score(gold=[gold], predictions={"nb": predicted}, bootstrap_samples=10), [gold])
    assert "\\xa0" not in markdown
    # the predicted text with its two real no-break spaces, quoted as the gold's is
    assert "predicted DATE 2023-04 'Chine «\xa0début avril\xa0»' [34, 55)" in markdown
    assert "gold DATE 2023-04 mod=START 'début avril' [42, 53)" in markdown
    # the context: real characters, the line break as ⏎
    assert "⟦Chine «\xa0début avril\xa0»⟧.⏎Fin." in markdown


@pytest.mark.parametrize("layers", [None, "entities,quotes"])
def test_the_result_file_is_streamed_in_chunks_and_is_the_json_of_to_dict(tmp_path, layers):
    output = tmp_path / "result.json"
    result = score(predictions=DATA / "harness_predictions.jsonl", gold=GOLD, layers=layers, output=output,
                   bootstrap_samples=20)
    whole = json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False) + "\n"
    assert output.read_text(encoding="utf-8") == whole == result.to_json()
    for per_chunk in (1, 2, 1000):
        chunks = list(result.json_chunks(per_chunk=per_chunk))
        assert "".join(chunks) == whole
    documents = len(result.evaluation.document_ids)
    scored = sum(layer is not None for layer in result.evaluation.layers.values())
    # per scored layer: the text before its entries, the entries one document a chunk, the "]"
    assert len(list(result.json_chunks(per_chunk=1))) == scored * (documents + 2) + 1
    assert Result.from_dict(json.loads(whole)).to_json() == whole
