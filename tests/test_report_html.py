"""The HTML page at the DOM level (parsed with the standard library's html.parser): nested and
crossing marks, counterpart links, rows that keep the text, figures that add up, nothing external."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from frnewsbench.api import score
from frnewsbench.gold import load_corpus
from frnewsbench.report.highlight import Mark, blocks, highlight
from frnewsbench.report.html import PageSection, render_html
from frnewsbench.schema import Document, Entity, Prediction, Quote, Span, TimeExpression, sha256_text

DATA = Path(__file__).parent / "data"
VOID = {"meta", "input", "br", "img", "link", "hr"}


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)  # Node or str
    parent: "Node | None" = None

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self, skip=lambda node: False) -> str:
        return "".join(child if isinstance(child, str) else ("" if skip(child) else child.text(skip))
                       for child in self.children)

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()

    def find_all(self, tag=None, cls=None, **attrs):
        return [node for node in self.walk() if (tag is None or node.tag == tag)
                and (cls is None or cls in node.classes) and all(node.attrs.get(k) == v for k, v in attrs.items())]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Tree(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {})
        self.feed(page)
        self.close()
        assert self.current is self.root, f"unclosed <{self.current.tag}>"

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def is_badge(node: Node) -> bool:
    return "b" in node.classes


def document(text: str, **layers) -> Document:
    return Document(id="t", title="Titre", text=text, language="fr", source=None, dct="2023-03-01", dct_evidence="t",
                    seed_file="", text_sha256=sha256_text(text), **layers)


def at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def span(text: str, needle: str, occurrence: int = 1) -> Span:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), needle)


# --- highlight and blocks ------------------------------------------------------------------------

def test_crossing_marks_are_cut_and_the_text_is_kept():
    text = "a<cdef"
    page = highlight(text, [Mark(1, 4, ("x",), "one", "<i>X</i>"), Mark(2, 5, ("y",), "two", "<i>Y</i>")])
    # y starts inside x and ends after it: its second piece is a continuation without badge or id
    assert page == ('a<span class="x" id="one"><i>X</i>&lt;<span class="y" id="two"><i>Y</i>cd</span></span>'
                    '<span class="y cont">e</span>f')
    root = Tree(page).root
    assert root.text(skip=lambda node: node.tag == "i") == text


def test_blocks_are_sentences_that_no_mark_crosses():
    text = "Il a dit : « Non. Jamais. » Puis il est parti.\nLigne deux. Fin."
    quote = span(text, "« Non. Jamais. »")
    assert blocks(text, []) == [(0, 17), (18, 27), (28, 46), (47, 58), (59, 63)]
    # the quote holds two sentence ends: its sentences stay one block
    assert blocks(text, [Mark(quote.start, quote.end, ("q",))]) == [(0, 27), (28, 46), (47, 58), (59, 63)]
    # a mark across the line break joins the lines
    across = span(text, "parti.\nLigne")
    assert blocks(text, [Mark(across.start, across.end, ("x",))])[2] == (28, 58)


# --- the page ------------------------------------------------------------------------------------

NESTED = "Il a dit : « Je pense qu’il a dit « non » hier », puis rien. Rien."


def nested_page() -> tuple[Document, Node]:
    """Gold: an outer quote (speaker 'Il', cue the first 'a dit') holding an inner one (speaker
    'il', cue the second 'a dit'). The system finds only the inner one, right in every respect."""
    t = NESTED
    outer = Quote(span(t, "Je pense qu’il a dit « non » hier"), "direct", span(t, "Il"), None, span(t, "a dit"))
    inner = Quote(span(t, "non"), "direct", span(t, "il"), None, span(t, "a dit", 2))
    gold = document(t, quotes=(outer, inner))
    result = score(gold=[gold], predictions={"t": Prediction(id="t", quotes=(inner,))}, system="nested-sys.v1",
                   bootstrap_samples=10)
    return gold, Tree(render_html(result, [gold])).root


def test_an_inner_right_quote_stays_right_inside_a_missed_outer_one():
    _, root = nested_page()
    gold_cells = [cell for cell in root.find_all("div", cls="cell") if cell.attrs.get("data-side") == "gold"]
    outer = [m for cell in gold_cells for m in cell.find_all("span", cls="m") if "quotes" in m.classes and "fn" in m.classes]
    assert len(outer) == 1
    inner = [m for m in outer[0].find_all("span", cls="m") if "quotes" in m.classes]
    assert len(inner) == 1 and "ok" in inner[0].classes  # the right quote is an element inside the missed one
    assert inner[0].text(skip=is_badge) == "non"
    inner_badge = inner[0].find_all("span", cls="b")[0].text()
    assert "direct quote · speaker «il» · cue «a dit» ✓" in inner_badge
    outer_badge = next(child for child in outer[0].children if isinstance(child, Node) and is_badge(child)).text()
    assert "direct quote · speaker «Il» · cue «a dit» ✗ missed" in outer_badge
    # the outer quote's speaker and cue are marked too, each linking to its quote
    roles = [m for cell in gold_cells for m in cell.find_all("span", cls="role")]
    outer_id = outer[0].attrs["id"]
    assert sorted(m.text(skip=is_badge) for m in roles if m.find_all("a", href=f"#{outer_id}")) == ["Il", "a dit"]
    # the system side: the one quote, right
    system_quotes = [m for cell in root.find_all("div", cls="cell") if cell.attrs.get("data-side") == "system"
                     for m in cell.find_all("span", cls="m") if "quotes" in m.classes]
    assert [sorted(m.classes) for m in system_quotes] == [["m", "ok", "quotes"]]


def test_each_row_shows_its_stretch_of_the_text_on_both_sides():
    gold, root = nested_page()
    rows = [row for row in root.find_all("section", cls="layer")[0].walk() if "body" in row.classes]
    texts = []
    for row in rows:
        if "plain" in row.classes:  # folded sentences without quotes: the text once
            assert row.tag == "details" and row.find_all("summary")[0].text() == "⋯ 1 sentence(s) without quotes"
            texts.append(row.find_all("div", cls="cell")[0].text())
            continue
        cells = row.find_all("div", cls="cell")
        shown = [cell.text(skip=is_badge) for cell in cells]
        assert len(set(shown)) == 1  # both sides show the same text, badges aside
        texts.append(shown[0])
    assert "".join(texts).replace(" ", "") == gold.text.replace(" ", "")


WRONG = "Le parc industriel Chine-Bélarus ouvre à Minsk lundi."


def wrong_match_page(system="belarus-ner.v2"):
    t = WRONG
    park = span(t, "parc industriel Chine-Bélarus")
    gold = document(t, entities=(Entity(park.start, park.end, park.text, "LOC"),
                                 Entity(*at(t, "Minsk"), "Minsk", "LOC")),
                    dates=(TimeExpression(*at(t, "lundi"), "lundi", "DATE", "2023-03-06"),))
    predicted = result_prediction(gold)
    result = score(gold=[gold], predictions={"t": predicted}, system=system, bootstrap_samples=10)
    return result, gold, render_html(result, [gold])


def test_a_wrong_match_names_and_links_its_counterpart_on_both_sides():
    _, _, page = wrong_match_page()
    root = Tree(page).root
    by_id = {node.attrs["id"]: node for node in root.walk() if "id" in node.attrs}
    wrong = [m for m in root.find_all("span", cls="wrong") if "entities" in m.classes]
    assert len(wrong) == 2
    texts = {}
    for mark in wrong:
        link = mark.find_all("a", cls="counterpart")[0]
        target = by_id[link.attrs["href"][1:]]
        assert "wrong" in target.classes and "entities" in target.classes
        back = target.find_all("a", cls="counterpart")[0]
        assert back.attrs["href"] == "#" + mark.attrs["id"]  # and the counterpart links back
        side = next(a.attrs["data-side"] for a in mark.ancestors() if "data-side" in a.attrs)
        texts[side] = (mark.find_all("span", cls="b")[0].text(), mark.text(skip=is_badge))
    assert texts["gold"] == ("LOC ✗ wrong boundary → system: LOC «Bélarus»", "parc industriel Chine-Bélarus")
    assert texts["system"] == ("LOC ✗ wrong boundary → gold: LOC «parc industriel Chine-Bélarus»", "Bélarus")
    # the date with the wrong value names the gold value on the system side
    date = [m for m in root.find_all("span", cls="wrong") if "dates" in m.classes]
    assert [m.find_all("span", cls="b")[0].text() for m in date] == [
        "DATE 2023-03-06 ✗ wrong value → system: DATE 2023-03-13", "DATE 2023-03-13 ✗ wrong value → gold: DATE 2023-03-06"]


def texts_by_language(root: Node):
    """(the language declared for it, the text, the element holding it) of every text of the page."""
    for node in [root, *root.walk()]:
        for child in node.children:
            if isinstance(child, str) and child.strip() and node.tag not in ("style", "script"):
                declared = next((n.attrs["lang"] for n in (node, *node.ancestors()) if "lang" in n.attrs), None)
                yield declared, child, node


def test_the_page_is_english_and_the_articles_words_are_french():
    """The page speaks English; the article's text, its title and the words of it quoted in
    badges are marked French, and nothing else is."""
    t = "« Non », a dit Paul à Marie."
    gold = document(t, quotes=(Quote(span(t, "Non"), "direct", span(t, "Paul"), None, span(t, "a dit")),),
                    entities=(Entity(*at(t, "Paul"), "Paul", "PER"),))
    predicted = Prediction(id="t", quotes=(Quote(span(t, "Non"), "direct", span(t, "Marie"), None, span(t, "a dit")),),
                           entities=(Entity(*at(t, "Paul à"), "Paul à", "PER"),))
    result = score(gold=[gold], predictions={"t": predicted}, system="q.v1", bootstrap_samples=2)
    root = Tree(render_html(result, [gold])).root
    assert root.find_all("html")[0].attrs["lang"] == "en"
    texts = list(texts_by_language(root))
    assert {declared for declared, _, _ in texts} == {"en", "fr"}

    def inside(node: Node, test) -> bool:
        return any(test(n) for n in (node, *node.ancestors()))

    in_text = [(declared, text) for declared, text, node in texts
               if inside(node, lambda n: "cell" in n.classes and ("data-side" in n.attrs or n.parent.tag == "details"))
               and not inside(node, is_badge)]
    assert {declared for declared, _ in in_text} == {"fr"}
    # the article's characters, on 2 sides of 2 layers (pieces listed parent first, so compared as multisets)
    assert sorted("".join(text for _, text in in_text).replace(" ", "")) == sorted(t.replace(" ", "") * 4)
    badges = root.find_all("span", cls="b")
    quoted = [(declared, text) for badge in badges for declared, text, _ in texts_by_language(badge)
              if text.startswith("«")]
    assert {declared for declared, _ in quoted} == {"fr"}
    assert sorted({text for _, text in quoted}) == ["«Marie»", "«Paul à»", "«Paul»", "«a dit»"]
    assert {declared for badge in badges for declared, text, _ in texts_by_language(badge)
            if not text.startswith("«")} == {"en"}
    title = [text for declared, text, node in texts if declared == "fr" and inside(node, lambda n: n.tag == "h2")]
    assert title == ["Titre"] and root.find_all("h2")[0].text() == "1. t — Titre"
    french = [text for declared, text, _ in texts if declared == "fr"]
    assert len(french) == len(in_text) + len(quoted) + len(title)  # nothing else is French


def test_the_figures_on_the_page_add_up_to_the_headline():
    result, _, page = wrong_match_page()
    root = Tree(page).root
    headline = {row.attrs["data-layer"]: row for row in root.find_all("table", id="headline")[0].find_all("tr")
                if "data-layer" in row.attrs}
    # entities by hand: TP Minsk; FP Bélarus (boundary) and Le (spurious); FN the park (boundary)
    cells = [cell.text() for cell in headline["entities"].find_all("td")]
    assert cells[-3:] == ["1", "2", "1"]
    assert [cell.text() for cell in headline["quotes"].find_all("td")][1] == "not scored"
    kinds = {row.attrs["data-layer"]: [cell.text() for cell in row.find_all("td")]
             for row in root.find_all("table", id="kinds")[0].find_all("tr") if "data-layer" in row.attrs}
    # right, right for the headline, wrong, spurious, missed, = TP, = FP, = FN
    assert kinds["entities"][1:] == ["1", "0", "1", "1", "0", "1 = 1 + 0", "2 = 1 + 1", "1 = 0 + 1"]
    assert kinds["dates"][1:] == ["0", "0", "1", "0", "0", "0 = 0 + 0", "1 = 0 + 1", "1 = 0 + 1"]
    counts = result.evaluation.layers["dates"].counts.value
    assert (counts.tp, counts.fp, counts.fn) == (0, 1, 1)


def test_the_page_is_self_contained_and_names_the_system():
    _, _, page = wrong_match_page(system="belarus-ner.v2")
    root = Tree(page).root
    for node in root.walk():
        assert node.tag not in ("link", "img", "iframe"), node.tag
        assert "src" not in node.attrs, node
        assert node.attrs.get("href", "#").startswith("#"), node.attrs
        assert "title" not in node.attrs  # nothing hides in a tooltip
    assert len(root.find_all("script")) == 1 and len(root.find_all("style")) == 1
    headers = [row.text() for row in root.find_all("div", cls="head")]
    assert headers == ["goldbelarus-ner.v2"] * 2
    assert "predictions" not in root.text().lower()


def test_an_article_without_output_says_so_and_extra_sections_are_listed():
    gold = load_corpus(DATA / "harness_gold")
    result = score(gold=gold, predictions={gold[0].id: Prediction(id=gold[0].id, entities=())}, system="half.v1",
                   bootstrap_samples=10)
    page = render_html(result, gold, sections=[PageSection("alignment", "Spans placed by their text", "<p>none</p>")])
    root = Tree(page).root
    notes = [node.text() for node in root.find_all("p", cls="note") if "clean-note" not in node.classes]
    assert notes == ["half.v1 gave no entities for this article (missing document): scored as empty, every gold span is missed."]
    assert root.find_all("section", id="alignment")[0].text() == "Spans placed by their textnone"
    assert root.find_all("a", href="#alignment")
    # every gold entity of the missing article is a missed mark with its label on the page
    missed = [m for m in root.find_all("details", id="a2")[0].find_all("span", cls="fn")]
    assert sorted(m.find_all("span", cls="b")[0].text() for m in missed) == sorted(
        f"{e.label} ✗ missed" for e in gold[1].entities)
    # the per-article table: F1 0 with every gold entity a FN, why, and as many errors
    row = root.find_all("tr", **{"data-document": gold[1].id})[0]
    cells = [cell.text() for cell in row.find_all("td")]
    missed_count = len(gold[1].entities)
    assert cells == ["2", gold[1].id, f"0.000 (TP 0 · FP 0 · FN {missed_count}) (missing document)", str(missed_count)]


def test_spans_given_by_their_text_show_how_they_were_placed_and_the_unfound_ones_as_spurious(tmp_path):
    """Entities given by their text alone (eval/PREDICTIONS.md): 'Minsk' is found, exactly;
    'Bélarus-Chine' is nowhere in the text, so it is a spurious span with no place in the article."""
    t = WRONG
    gold = document(t, entities=(Entity(*at(t, "Minsk"), "Minsk", "LOC"),))
    lines = tmp_path / "predictions.jsonl"
    lines.write_text('{"id": "t", "entities": [{"text": "Minsk", "label": "LOC"}, '
                     '{"text": "Bélarus-Chine", "label": "LOC"}]}\n', encoding="utf-8")
    result = score(gold=[gold], predictions=lines, system="llm.v1", bootstrap_samples=10)
    root = Tree(render_html(result, [gold])).root
    section = root.find_all("section", id="alignment")[0]
    counts = [cell.text() for cell in section.find_all("tr", **{"data-layer": "entities"})[0].find_all("td")]
    assert counts == ["entities", "1", "0", "0", "1"]  # exact, normalised, fuzzy, not found
    assert "entities[1] mention «Bélarus-Chine»: not found" in section.text()
    assert root.find_all("a", href="#alignment")
    spurious = [m for m in root.find_all("span", cls="fp") if "entities" in m.classes]
    assert [(m.find_all("span", cls="b")[0].text(), m.text(skip=is_badge)) for m in spurious] == [
        ("LOC ✗ spurious", "Bélarus-Chine")]
    row = next(a for a in spurious[0].ancestors() if "row" in a.classes)
    assert "err" in row.classes and "not found in the text" in row.text()
    kinds = [cell.text() for cell in root.find_all("table", id="kinds")[0].find_all("tr", **{"data-layer": "entities"})[0]
             .find_all("td")]
    assert kinds[1:] == ["1", "0", "0", "1", "0", "1 = 1 + 0", "1 = 1 + 0", "0 = 0 + 0"]


def test_a_report_of_many_articles_starts_folded():
    """Past OPEN_ARTICLES articles, each starts folded (the page script unfolds the one a link
    or an anchor goes to, and every one before printing)."""
    from dataclasses import replace

    from frnewsbench.report.html import OPEN_ARTICLES

    base = load_corpus(DATA / "harness_gold")[0]
    for count, folded in ((OPEN_ARTICLES, False), (OPEN_ARTICLES + 1, True)):
        gold = [replace(base, id=f"d{n:03d}") for n in range(count)]
        result = score(gold=gold, predictions={"d000": Prediction(id="d000", entities=())}, system="s.v1",
                       bootstrap_samples=2)
        articles = Tree(render_html(result, gold)).root.find_all("details", cls="doc")
        assert len(articles) == count and all(("open" not in a.attrs) == folded for a in articles)


def test_a_quote_with_the_wrong_speaker_names_the_other_speaker():
    t = "« Non », a dit Paul à Marie."
    gold_quote = Quote(span(t, "Non"), "direct", span(t, "Paul"), None, span(t, "a dit"))
    gold = document(t, quotes=(gold_quote,))
    predicted = Quote(span(t, "Non"), "direct", span(t, "Marie"), None, span(t, "a dit"))
    result = score(gold=[gold], predictions={"t": Prediction(id="t", quotes=(predicted,))}, system="q.v1",
                   bootstrap_samples=2)
    root = Tree(render_html(result, [gold])).root
    badges = [m.find_all("span", cls="b")[0].text() for m in root.find_all("span", cls="wrong") if "quotes" in m.classes]
    assert badges == [
        "q0 direct quote · speaker «Paul» · cue «a dit» ✗ wrong speaker → system: direct quote · speaker «Marie»",
        "q0 direct quote · speaker «Marie» · cue «a dit» ✗ wrong speaker → gold: direct quote · speaker «Paul»"]


def test_the_page_of_a_result_read_back_comes_from_its_records_file(tmp_path):
    """A result file keeps no match records (result schema 2.1): the page is built from the
    records file `score --records` wrote, the same page as the one `score --html` wrote; without
    records it is a clear error, not an empty page."""
    from frnewsbench.report import load_result
    from frnewsbench.report.records import read_records

    result, gold, _ = wrong_match_page()
    score(gold=[gold], predictions={"t": result_prediction(gold)}, system="belarus-ner.v2", bootstrap_samples=10,
          output=tmp_path / "result.json", records=tmp_path / "records.jsonl", html=tmp_path / "page.html")
    again = load_result(tmp_path / "result.json")
    written = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert render_html(again, [gold], read_records(tmp_path / "records.jsonl")) == written
    with pytest.raises(ValueError, match="keeps no match records .*--records FILE"):
        render_html(again, [gold])


def result_prediction(gold: Document) -> Prediction:
    t = gold.text
    return Prediction(id="t", entities=(Entity(*at(t, "Bélarus"), "Bélarus", "LOC"), Entity(*at(t, "Le"), "Le", "MISC"),
                                        Entity(*at(t, "Minsk"), "Minsk", "LOC")),
                      dates=(TimeExpression(*at(t, "lundi"), "lundi", "DATE", "2023-03-13"),))
