"""Time-expression figures (TempEval-3): a hand-worked example and the edge cases."""

from __future__ import annotations

import pytest

from frnewsbench.schema import TimeExpression
from frnewsbench.scoring.counts import AccuracyCounts, PRFCounts
from frnewsbench.scoring.dates import DateCounts, score_dates
from frnewsbench.scoring.records import BOUNDARY, FALSE_NEGATIVE, FALSE_POSITIVE, MATCH, TYPE, VALUE

TEXT = "Le sommet aura lieu le 28 février 2023 à Kiev, pendant trois jours, et chaque lundi une réunion suivra."


def timex(needle: str, type_: str, value: str) -> TimeExpression:
    start = TEXT.index(needle)
    return TimeExpression(start, start + len(needle), needle, type_, value)


GOLD = [
    timex("28 février 2023", "DATE", "2023-02-28"),
    timex("trois jours", "DURATION", "P3D"),
    timex("chaque lundi", "SET", "XXXX-WXX-1"),
]
PREDICTED = [
    timex("le 28 février 2023", "DATE", "2023-02-28"),  # shifted boundary, right value
    timex("trois jours", "DURATION", "P3W"),  # exact span, wrong value
    timex("lundi", "DATE", "2023-03-06"),  # overlaps "chaque lundi": wrong type and value
    timex("sommet", "DATE", "PRESENT_REF"),  # spurious
]


def test_hand_worked_tempeval_figures():
    counts = score_dates(gold=GOLD, predicted=PREDICTED).counts
    # strict span: only "trois jours" -> TP 1, FP 3, FN 2: P 1/4, R 1/3, F1 2/7
    assert counts.strict_span == PRFCounts(1, 3, 2)
    assert counts.strict_span.f1 == pytest.approx(2 / 7)
    # relaxed span: three overlapping pairs, "sommet" spurious -> P 3/4, R 1, F1 6/7
    assert counts.relaxed_span == PRFCounts(3, 1, 0)
    assert counts.relaxed_span.f1 == pytest.approx(6 / 7)
    # over the 3 relaxed matches: type right for 28 février and trois jours; value right for 28 février only
    assert counts.type_accuracy == AccuracyCounts(2, 3)
    assert counts.value_accuracy == AccuracyCounts(1, 3)
    # value F1: TP 1, FP 4 - 1 = 3, FN 3 - 1 = 2 -> 2/7 = relaxed F1 (6/7) x value accuracy (1/3)
    assert counts.value == PRFCounts(1, 3, 2)
    assert counts.value.f1 == pytest.approx(counts.relaxed_span.f1 * counts.value_accuracy.accuracy)
    assert counts.headline is counts.value


def test_per_type_counts_add_up():
    score = score_dates(gold=GOLD, predicted=PREDICTED)
    assert sum(score.by_label.values(), DateCounts()) == score.counts
    # "lundi" (predicted DATE) is matched to the gold SET: it counts under SET
    assert score.by_label["SET"].relaxed_span == PRFCounts(1, 0, 0)
    assert score.by_label["SET"].type_accuracy == AccuracyCounts(0, 1)
    # strict span: le 28 février, lundi and sommet are strict FP under their predicted type DATE
    assert score.by_label["DATE"].strict_span == PRFCounts(0, 3, 1)


def test_records_name_the_wrong_attributes():
    records = score_dates(gold=GOLD, predicted=PREDICTED).records
    summary = [(r.outcome, r.differences, r.gold and r.gold.text, r.predicted and r.predicted.text) for r in records]
    assert summary == [
        (FALSE_POSITIVE, (), None, "sommet"),
        (MATCH, (BOUNDARY,), "28 février 2023", "le 28 février 2023"),
        (MATCH, (VALUE,), "trois jours", "trois jours"),
        (MATCH, (BOUNDARY, TYPE, VALUE), "chaque lundi", "lundi"),
    ]


def test_matching_prefers_the_right_value_among_overlaps():
    gold = [timex("28 février 2023", "DATE", "2023-02-28")]
    # both predictions overlap the gold date; only the second has its value
    predicted = [timex("28 février", "DATE", "2023-02-XX"), timex("février 2023", "DATE", "2023-02-28")]
    score = score_dates(gold=gold, predicted=predicted)
    assert score.counts.value == PRFCounts(1, 1, 0)
    assert [r.predicted.text for r in score.records if r.outcome == MATCH] == ["février 2023"]
    assert [r.outcome for r in score.records].count(FALSE_POSITIVE) == 1


def test_oracle_empty_and_nothing_to_score():
    oracle = score_dates(gold=GOLD, predicted=GOLD).counts
    assert oracle.value.f1 == oracle.strict_span.f1 == oracle.relaxed_span.f1 == 1.0
    assert oracle.type_accuracy.accuracy == oracle.value_accuracy.accuracy == 1.0
    empty = score_dates(gold=GOLD, predicted=[]).counts
    assert empty.value.recall == 0.0 and empty.value.precision is None
    assert empty.value_accuracy.accuracy is None  # no relaxed match to judge
    nothing = score_dates(gold=[], predicted=[])
    assert nothing.counts.value.f1 is None and nothing.records == ()
    assert [r.outcome for r in score_dates(gold=GOLD, predicted=[]).records] == [FALSE_NEGATIVE] * 3


def test_the_pair_with_the_same_value_is_preferred_to_the_first_overlap():
    """METRICS.md's difference with the TempEval-3 toolkit, which pairs the gold with the first
    overlapping system expression in text order ("lundi", wrong value: value F1 0)."""
    text = "La réunion aura lieu lundi 6 mars 2023 à Bruxelles."

    def at(needle: str, value: str) -> TimeExpression:
        start = text.index(needle)
        return TimeExpression(start, start + len(needle), needle, "DATE", value)

    gold = [at("lundi 6 mars 2023", "2023-03-06")]
    predicted = [at("lundi", "2023-03-13"), at("6 mars 2023", "2023-03-06")]
    counts = score_dates(gold=gold, predicted=predicted).counts
    # relaxed: one gold, two overlapping predictions, one-to-one -> TP 1, FP 1, FN 0
    assert counts.relaxed_span == PRFCounts(1, 1, 0)
    # the matched pair is the one with the same value -> value TP 1, FP 1, FN 0: P 1/2, R 1, F1 2/3
    assert counts.value_accuracy == AccuracyCounts(1, 1)
    assert counts.value == PRFCounts(1, 1, 0)
    assert counts.value.f1 == pytest.approx(2 / 3)
    assert round(counts.value.f1, 3) == 0.667
