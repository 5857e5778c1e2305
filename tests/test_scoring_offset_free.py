"""Offset-free figures: distinct (normalised text, label) and (value, type) pairs per document.

The example is the one of eval/METRICS.md, worked out by hand there.
"""

from __future__ import annotations

import pytest

from frnewsbench.api import load_gold
from frnewsbench.schema import Entity, Prediction, TimeExpression, gold_as_prediction
from frnewsbench.scoring import PRFCounts, evaluate
from frnewsbench.scoring.evaluate import LayerEvaluation
from frnewsbench.scoring.offset_free import entity_pairs, offset_free_counts, offset_free_totals
from conftest_paths import DATASET


def e(text: str, label: str, start: int = 0) -> Entity:
    return Entity(start, start + len(text), text, label)


def t(text: str, value: str, type_: str = "DATE", start: int = 0) -> TimeExpression:
    return TimeExpression(start, start + len(text), text, type_, value)


def test_the_documented_example_by_hand():
    # document 1: gold pairs {Macron PER, Poutine PER, Moscou LOC}; predicted {Macron PER, Poutine LOC,
    # Moscou LOC, Kiev LOC}: TP 2 (Macron, Moscou), FP 2 (Poutine LOC, Kiev), FN 1 (Poutine PER)
    gold_1 = [e("Macron", "PER", 0), e("Macron", "PER", 40), e("Poutine", "PER", 10), e("Moscou", "LOC", 20)]
    predicted_1 = [e("Macron", "PER", 60), e("Poutine", "LOC", 10), e("Moscou", "LOC", 20), e("Kiev", "LOC", 30)]
    assert offset_free_counts("entities", gold=gold_1, predicted=predicted_1) == PRFCounts(2, 2, 1)
    # document 2: "Côte d’Ivoire" and "Côte d'Ivoire" are one pair after normalisation: TP 1
    gold_2 = [e("Côte d’Ivoire", "LOC")]
    predicted_2 = [e("Côte d'Ivoire", "LOC", 50), e("Côte\u00a0d’Ivoire", "LOC", 90)]
    assert entity_pairs(predicted_2) == {("Côte d'Ivoire", "LOC")}
    assert offset_free_counts("entities", gold=gold_2, predicted=predicted_2) == PRFCounts(1, 0, 0)
    micro = PRFCounts(2, 2, 1) + PRFCounts(1, 0, 0)
    assert offset_free_totals("entities", [(gold_1, predicted_1), (gold_2, predicted_2)]) == micro == PRFCounts(3, 2, 1)
    assert (micro.precision, micro.recall, micro.f1) == (3 / 5, 3 / 4, pytest.approx(2 / 3))
    # dates: "1er mars" and "mercredi" share (2023-03-01, DATE); the prediction has it once and a wrong day
    gold_dates = [t("1er mars", "2023-03-01"), t("mercredi", "2023-03-01", start=30), t("un jour", "P1D", "DURATION")]
    predicted_dates = [t("mercredi", "2023-03-01", start=30), t("jeudi", "2023-03-02")]
    assert offset_free_counts("dates", gold=gold_dates, predicted=predicted_dates) == PRFCounts(1, 1, 1)


def test_evaluate_reports_offset_free_figures_next_to_the_span_figures():
    from helpers import small_document

    gold = small_document()
    macron_elsewhere = Entity(0, 2, "Xi", "PER")  # wrong span, a pair that is not gold: FP
    xi = gold.entities[0]
    prediction = Prediction(id=gold.id, entities=(Entity(xi.start, xi.end, xi.text, "PER"), macron_elsewhere),
                            dates=gold.dates[:1])
    evaluation = evaluate(gold=[gold], predictions={gold.id: prediction}, bootstrap_samples=10)
    # gold pairs: Xi Jinping, Poutine, Wang Wenbin (PER), Moscou (LOC); predicted: Xi Jinping, Xi (PER)
    assert evaluation.layers["entities"].offset_free == PRFCounts(1, 1, 3)
    assert evaluation.layers["dates"].offset_free == PRFCounts(1, 0, 1)
    assert evaluation.layers["quotes"] is None
    data = evaluation.layers["entities"].to_dict()
    assert data["offset_free"]["f1"] == pytest.approx(2 / 6)
    assert LayerEvaluation.from_dict(data).offset_free == PRFCounts(1, 1, 3)


def test_the_oracle_scores_exactly_one():
    gold = load_gold(DATASET)
    evaluation = evaluate(gold=gold, predictions={d.id: gold_as_prediction(d) for d in gold}, bootstrap_samples=10)
    for layer in ("entities", "dates"):
        free = evaluation.layers[layer].offset_free
        assert free.f1 == 1.0 and free.fp == free.fn == 0
    assert evaluation.layers["quotes"].offset_free is None
