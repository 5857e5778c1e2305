"""The baseline systems: dateparser dates, rule-based quotes, and the combined system.

Expected spans are worked out by hand from the guidelines; where dateparser or the parser cannot
do what the guidelines ask, the test pins what the baseline really gives and says so.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

import pytest

from frnewsbench.extractors import get_extractor, registered_names, strip_gold
from frnewsbench.extractors.dates_dateparser import (
    DateparserExtractor,
    Skipped,
    abbreviations,
    duration_value,
    find_time_expressions,
    timex_value,
)
from frnewsbench.extractors.quotes_rules import Unpaired, find_quoted_segments
from frnewsbench.gold import load_corpus
from frnewsbench.predictions import check_prediction
from frnewsbench.schema import Document, TimeExpression, sha256_text
from frnewsbench.timex import type_value_problem, value_problem

from helpers import find, span

ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"
BASELINES = ("dateparser-fr.v1", "heideltime-fr.v1", "quote-rules-fr.v2", "combined-baseline.v3")


def document(text: str, dct: str = "2023-02-25", doc_id: str = "doc") -> Document:
    return Document(id=doc_id, title=None, text=text, language="fr", source=None, dct=dct,
                    dct_evidence="test", seed_file="", text_sha256=sha256_text(text))


def timex(text: str, needle: str, kind: str, value: str, occurrence: int = 1) -> TimeExpression:
    start, end = find(text, needle, occurrence)
    return TimeExpression(start, end, needle, kind, value)


def dates_of(text: str, dct: str = "2023-02-25") -> tuple[TimeExpression, ...]:
    return find_time_expressions(document(text, dct)).dates


def test_baselines_are_registered_with_versioned_names():
    assert set(BASELINES) <= set(registered_names())


# --- dateparser-fr.v1: values at the granularity of the text ------------------------------------

@pytest.mark.parametrize(("moment", "period", "expected"), [
    (datetime(2023, 2, 28), "day", ("DATE", "2023-02-28")),
    (datetime(2023, 3, 25), "month", ("DATE", "2023-03")),
    (datetime(2019, 3, 17), "year", ("DATE", "2019")),
    (datetime(2023, 3, 4), "week", ("DATE", "2023-W09")),  # Saturday of ISO week 9
    (datetime(2021, 1, 2), "week", ("DATE", "2020-W53")),  # the ISO year, not the calendar year
    (datetime(2023, 3, 3, 14, 30), "time", ("TIME", "2023-03-03T14:30")),
])
def test_timex_value_follows_dateparser_period(moment, period, expected):
    assert timex_value(moment, period) == expected


def test_timex_value_refuses_an_unknown_period():
    with pytest.raises(ValueError, match="unknown dateparser period 'decade'"):
        timex_value(datetime(2023, 1, 1), "decade")


@pytest.mark.parametrize(("text", "value"), [
    ("trois jours", "P3D"), ("un an", "P1Y"), ("des mois", "PXM"), ("12 semaines", "P12W"),
    ("2 heures", "PT2H"), ("quelques années", "PXY"), ("vendredi", None), ("trois", None),
])
def test_duration_value_of_a_quantity_and_a_unit(text, value):
    assert duration_value(text) == value


def test_abbreviations_come_from_dateparser_french_data():
    short = abbreviations()
    assert {"sa", "lu", "ma", "me", "je", "ve", "di", "sept", "avr", "janv"} <= short
    assert not {"samedi", "lundi", "mars", "mai", "septembre"} & short


def test_days_weekdays_months_and_years_with_the_dct_as_base():
    text = ("Le président se rendra en Chine le 28 février, a annoncé samedi le ministère. "
            "La visite aura lieu en mars. Il était venu en 2019. Il est parti hier.")
    assert dates_of(text) == (
        timex(text, "28 février", "DATE", "2023-02-28"),  # "le ... , a": article and "a" (an) cut
        timex(text, "samedi", "DATE", "2023-02-25"),  # the DCT is a Saturday; "le" after it cut
        timex(text, "mars", "DATE", "2023-03"),  # a bare month is a month
        timex(text, "2019", "DATE", "2019"),
        timex(text, "hier", "DATE", "2023-02-24"),
    )


def test_repeated_strings_map_to_their_own_occurrence():
    text = "Une visite du 28 février au 2 mars. Il arrivera le 28 février."
    assert dates_of(text) == (
        timex(text, "28 février", "DATE", "2023-02-28", occurrence=1),
        timex(text, "2 mars", "DATE", "2023-03-02"),
        timex(text, "28 février", "DATE", "2023-02-28", occurrence=2),
    )


def test_durations_and_il_y_a():
    text = ("Une visite de trois jours. Les relations se sont détériorées après des années de tensions. "
            "Il y a un an, la Biélorussie a autorisé la Russie.")
    assert dates_of(text) == (
        timex(text, "trois jours", "DURATION", "P3D"),
        timex(text, "des années", "DURATION", "PXY"),  # dateparser finds "années"; "des" is taken in
        timex(text, "Il y a un an", "DATE", "2022"),  # dateparser finds "a un an"; "Il y" is taken in
    )


def test_what_dateparser_does_not_find_is_not_faked():
    # The guidelines want "septembre dernier" = 2022-09 and "semaine prochaine" = 2023-W09.
    # dateparser finds "En septembre" without "dernier" (valued in the DCT's year) and does not
    # find "la semaine prochaine" in running text at all: the baseline reports what it finds.
    text = "En septembre dernier, Xi a annoncé qu'il viendrait la semaine prochaine."
    assert dates_of(text) == (timex(text, "septembre", "DATE", "2023-09"),)


def test_abbreviations_read_as_dates_are_reported_not_kept():
    text = "Loukachenko a présenté sa position vendredi."
    output = find_time_expressions(document(text))
    assert output.dates == (timex(text, "vendredi", "DATE", "2023-02-24"),)
    assert [(s.text, s.start, s.reason, s.unexpected) for s in output.skipped] == [
        ("sa", find(text, "sa")[0], "abbreviation", False)]
    assert "weekday or month abbreviation" in output.skipped[0].detail


def test_every_skipped_string_is_logged_as_a_warning_with_counts_and_kept(monkeypatch, caplog):
    # "sa" at 14 and "lu" at 32: filtered abbreviations; "années" at 39: a bare unit ("les" is not
    # a quantity); "le 31 avril": not in the text
    text = "Il a présenté sa position. Il a lu les années passées le 28 février."
    found = [("sa", datetime(2023, 2, 25)), ("lu", datetime(2023, 2, 20)), ("années", datetime(2022, 2, 25)),
             ("le 31 avril", datetime(2023, 4, 30)), ("le 28 février", datetime(2023, 2, 28))]
    monkeypatch.setattr("dateparser.search.search_dates", lambda *args, **kwargs: found)
    extractor = DateparserExtractor()
    with caplog.at_level(logging.WARNING, logger="frnewsbench.extractors.dates_dateparser"):
        prediction = extractor.extract(document(text, doc_id="frnb-x"))
    assert prediction.dates == (timex(text, "28 février", "DATE", "2023-02-28"),)
    assert [(s.text, s.start, s.reason) for s in extractor.skipped] == [
        ("sa", 14, "abbreviation"), ("lu", 32, "abbreviation"), ("années", 39, "bare-unit"),
        ("le 31 avril", None, "not-located")]
    assert [(record.levelno, record.getMessage()) for record in caplog.records] == [(
        logging.WARNING,
        "frnb-x: dateparser-fr.v1 skipped 4 dateparser string(s) (abbreviation 2, bare-unit 1, not-located 1): "
        "'sa' at 14, 'lu' at 32, 'années' at 39, 'le 31 avril' (not located)",
    )]
    extractor.extract(document("Rien.", doc_id="frnb-y"))  # the list grows run-long, document by document
    assert [(s.document_id, s.reason) for s in extractor.skipped[4:]] == [("frnb-y", "not-located")] * 5


def test_a_skip_reason_outside_the_documented_ones_is_refused():
    with pytest.raises(ValueError, match="unknown skip reason 'odd'"):
        Skipped("doc", "sa", 0, "odd", "no such rule")


def test_a_string_dateparser_returns_that_is_not_in_the_text_is_reported(monkeypatch, caplog):
    text = "Il viendra le 28 février."
    found = [("le 31 avril", datetime(2023, 4, 30)), ("le 28 février", datetime(2023, 2, 28))]
    monkeypatch.setattr("dateparser.search.search_dates", lambda *args, **kwargs: found)
    extractor = DateparserExtractor()
    with caplog.at_level(logging.WARNING):
        prediction = extractor.extract(document(text, doc_id="frnb-x"))
    assert prediction.dates == (timex(text, "28 février", "DATE", "2023-02-28"),)
    assert [(s.document_id, s.text, s.start, s.unexpected) for s in extractor.skipped] == [
        ("frnb-x", "le 31 avril", None, True)]
    assert "frnb-x: dateparser-fr.v1 skipped 1 dateparser string(s) (not-located 1): 'le 31 avril'" in caplog.text
    assert "not found in the text" in extractor.skipped[0].detail


def test_a_string_out_of_order_is_reported_with_where_it_was_seen(monkeypatch):
    text = "Le 2 mars puis le 28 février."
    found = [("28 février", datetime(2023, 2, 28)), ("2 mars", datetime(2023, 3, 2))]
    monkeypatch.setattr("dateparser.search.search_dates", lambda *args, **kwargs: found)
    output = find_time_expressions(document(text))
    assert output.dates == (timex(text, "28 février", "DATE", "2023-02-28"),)
    assert output.skipped[0].text == "2 mars" and f"earlier, at {find(text, '2 mars')[0]}" in output.skipped[0].detail


def test_a_dct_that_is_not_a_date_is_an_error_naming_the_document():
    with pytest.raises(ValueError, match=r"document frnb-9: DCT '2023-02' is not a calendar date YYYY-MM-DD"):
        find_time_expressions(document("Le 28 février.", dct="2023-02", doc_id="frnb-9"))


def test_dateparser_extractor_yields_well_formed_values():
    text = ("Xi Jinping est arrivé le 24 février pour une visite de trois jours. En septembre 2022, "
            "ils s'étaient vus à Samarcande. Il y a un an, la guerre a commencé. Il est parti vendredi. "
            "Il voyagera encore ce mois-ci. Il reviendra cette année. Le traité date de 1991.")
    extractor = get_extractor("dateparser-fr.v1")
    doc = document(text, dct="2023-03-01")  # a Wednesday
    prediction = extractor.extract(strip_gold(doc))
    assert check_prediction(prediction, doc, source="dateparser-fr.v1") == prediction
    assert prediction.layers() == ("dates",)
    for item in prediction.dates:
        assert text[item.start:item.end] == item.text
        assert value_problem(item.value) is None and type_value_problem(item.type, item.value) is None
    assert prediction.dates == (
        timex(text, "24 février", "DATE", "2023-02-24"),
        timex(text, "trois jours", "DURATION", "P3D"),
        timex(text, "septembre 2022", "DATE", "2022-09"),
        timex(text, "Il y a un an", "DATE", "2022"),
        timex(text, "vendredi", "DATE", "2023-02-24"),  # dateparser: the last Friday, not the coming one
        timex(text, "ce mois-ci", "DATE", "2023-03"),
        timex(text, "cette année", "DATE", "2023"),
        timex(text, "1991", "DATE", "1991"),
    )
    assert extractor.skipped == []
    assert set(extractor.versions()) == {"frnewsbench", "dateparser"}


# --- quote-rules-fr.v2: quotation marks (no parser needed) --------------------------------------

def contents(text: str) -> list[str]:
    segments, unpaired = find_quoted_segments(text)
    assert unpaired == []
    for segment in segments:
        assert text[segment.content.start:segment.content.end] == segment.content.text
    return [segment.content.text for segment in segments]


@pytest.mark.parametrize(("text", "expected"), [
    ("Il a dit : «\u00a0Nous sommes prêts\u202f».", ["Nous sommes prêts"]),  # non-breaking spaces left out
    ("Il a dit : « Nous sommes prêts. »", ["Nous sommes prêts"]),  # a final full stop is left out (5.3)
    ("« Sommes-nous prêts\u00a0? » « Oui\u202f! » « Peut-être… » « Ou pas... »",
     ["Sommes-nous prêts\u00a0?", "Oui\u202f!", "Peut-être…", "Ou pas..."]),  # "?", "!" and ellipses stay
    ("« de l’Ukraine. , pleine souveraineté . »", ["de l’Ukraine. , pleine souveraineté"]),  # only the final one
    ("« . »", ["."]),  # a full stop alone is not emptied
    ("montrer qu' »il y a du respect ».", ["il y a du respect"]),  # a » glued to the next word opens
    ("« sans la Chine« , a-t-il ajouté.", ["sans la Chine"]),  # a « glued to the word before closes
    ("qualifié d'\"indestructible\". Puis \"fin\".", ["indestructible", "fin"]),
    ("« Il a parlé de “paix” ici », a-t-il dit.", ["Il a parlé de “paix” ici"]),  # nested marks stay inside
    ("une amitié «sans limites» et un « partenaire »", ["sans limites", "partenaire"]),
])
def test_quotation_marks_are_paired(text, expected):
    assert contents(text) == expected


def test_unpaired_marks_are_reported():
    text = "Un « seul mot\nmot » fin"
    segments, unpaired = find_quoted_segments(text, "frnb-x")
    assert segments == []
    assert unpaired == [
        Unpaired("frnb-x", text.index("«"), "«", "is never closed in its line"),
        Unpaired("frnb-x", text.index("»"), "»", "closes nothing: no open quotation in its line"),
    ]
    assert str(unpaired[0]) == f"frnb-x: quotation mark '«' at {text.index('«')} is never closed in its line"


# --- quote-rules-fr.v2: cues, speakers and types over a real parse ------------------------------

@pytest.fixture(scope="module")
def quote_rules():
    return get_extractor("quote-rules-fr.v2")


def quotes_of(extractor, text: str):
    doc = document(text)
    prediction = extractor.extract(strip_gold(doc))
    assert check_prediction(prediction, doc, source=extractor.name) == prediction
    return [(q.type, q.content, q.cue, q.speaker, q.speaker_entity_id) for q in prediction.quotes]


@pytest.mark.slow
def test_direct_quote_after_a_colon(quote_rules):
    text = "Le 28 février, Xi a déclaré : « Nous sommes prêts. »"
    assert quotes_of(quote_rules, text) == [
        ("direct", span(text, "Nous sommes prêts"), span(text, "a déclaré"), span(text, "Xi"), None)]


@pytest.mark.slow
def test_inserted_cues_after_a_quote(quote_rules):
    text = ("« La paix est possible », a déclaré le porte-parole Wang Wenbin.\n"
            "« Nous sommes prêts », a-t-il dit.")
    assert quotes_of(quote_rules, text) == [
        ("direct", span(text, "La paix est possible"), span(text, "a déclaré"),
         span(text, "le porte-parole Wang Wenbin"), None),
        ("direct", span(text, "Nous sommes prêts"), span(text, "a-t-il dit"), span(text, "il"), None),
    ]


@pytest.mark.slow
def test_indirect_and_mixed_reported_clauses(quote_rules):
    text = ("Qin Gang a déclaré que Pékin était prêt à travailler avec Minsk.\n"
            "Macron a déclaré que la paix n’était possible que si « l’agression russe était stoppée ».")
    assert quotes_of(quote_rules, text) == [
        ("indirect", span(text, "Pékin était prêt à travailler avec Minsk"), span(text, "a déclaré"),
         span(text, "Qin Gang"), None),
        ("mixed", span(text, "la paix n’était possible que si « l’agression russe était stoppée »"),
         span(text, "a déclaré", 2), span(text, "Macron"), None),
    ]


@pytest.mark.slow
def test_inserted_cue_after_a_clause_with_its_subject_after_a_time_word(quote_rules):
    text = "Le président se rendra en Chine le 28 février, a annoncé samedi le ministère."
    assert quotes_of(quote_rules, text) == [
        ("indirect", span(text, "Le président se rendra en Chine le 28 février"), span(text, "a annoncé"),
         span(text, "le ministère"), None)]


@pytest.mark.slow
def test_a_second_quoted_sentence_continues_the_first(quote_rules):
    text = "« La déclaration a été publiée », a déclaré Xi. « La position de la Chine est de promouvoir la paix. »"
    assert quotes_of(quote_rules, text) == [
        ("direct", span(text, "La déclaration a été publiée"), span(text, "a déclaré"), span(text, "Xi"), None),
        ("direct", span(text, "La position de la Chine est de promouvoir la paix"), None, span(text, "Xi"), None),
    ]


@pytest.mark.slow
def test_selon_and_coordinated_speakers_and_fragments(quote_rules):
    text = ("Selon son bureau, le dirigeant se rendra en Chine lundi.\n"
            "Xi et Loukachenko ont annoncé un partenariat « par tous les temps ».")
    assert quotes_of(quote_rules, text) == [
        ("indirect", span(text, "le dirigeant se rendra en Chine lundi"), span(text, "Selon"),
         span(text, "son bureau"), None),
        ("direct", span(text, "par tous les temps"), span(text, "ont annoncé"), span(text, "Xi et Loukachenko"), None),
    ]


@pytest.mark.slow
def test_participle_cue_takes_the_speaker_of_the_sentence(quote_rules):
    text = "Loukachenko a affirmé soutenir la Chine, assurant que « la Biélorussie milite pour la paix »."
    assert quotes_of(quote_rules, text) == [
        ("direct", span(text, "la Biélorussie milite pour la paix"), span(text, "assurant"),
         span(text, "Loukachenko"), None)]


@pytest.mark.slow
def test_titles_and_quotes_without_source_are_not_quotes(quote_rules):
    text = "Lire aussi : « La position de la Chine »\nLe mot « paix » revient souvent."
    assert quotes_of(quote_rules, text) == []


# --- combined-baseline.v3 ---------------------------------------------------------------------

@pytest.mark.slow
def test_combined_covers_the_three_layers_from_one_parse(quote_rules):
    from frnewsbench.extractors.dates_heideltime import HeidelTimeExtractor
    from frnewsbench.extractors.spacy_pipeline import SpacyExtractor

    text = ("Emmanuel Macron a reçu Xi Jinping à Paris le 28 février 2023.\n\n"
            "« Nous voulons la paix », a déclaré le président chinois.")
    doc = document(text, dct="2023-03-01")
    combined = get_extractor("combined-baseline.v3")
    prediction = combined.extract(strip_gold(doc))
    assert check_prediction(prediction, doc, source=combined.name) == prediction
    assert prediction.layers() == ("entities", "dates", "quotes")
    # each layer is what the single-layer system gives on the same text
    assert prediction.entities == SpacyExtractor(combined.nlp).extract(doc).entities
    assert prediction.dates == HeidelTimeExtractor().extract(doc).dates
    assert prediction.quotes == quote_rules.extract(doc).quotes
    assert prediction.dates == (timex(text, "le 28 février 2023", "DATE", "2023-02-28"),)  # HeidelTime takes "le" in
    assert [(q.content, q.cue, q.speaker) for q in prediction.quotes] == [
        (span(text, "Nous voulons la paix"), span(text, "a déclaré"), span(text, "le président chinois"))]
    assert {"spacy", "model", "model_version", "heideltime", "treetagger", "java", "frnewsbench"} <= set(combined.versions())


@pytest.mark.slow
@pytest.mark.parametrize("name", BASELINES)
def test_baselines_are_well_formed_on_the_article_texts(name):
    """Texts only (gold layers stripped): offsets, labels and values pass the predictions contract."""
    extractor = get_extractor(name)
    for doc in load_corpus(ANNOTATIONS):
        prediction = extractor.extract(strip_gold(doc))
        assert check_prediction(prediction, doc, source=name) == prediction
        assert set(prediction.layers()) == set(extractor.layers)
        for quote in prediction.quotes or ():
            for part in (quote.content, quote.speaker, quote.cue):
                assert part is None or (doc.text[part.start:part.end] == part.text and part.text.strip() == part.text)
