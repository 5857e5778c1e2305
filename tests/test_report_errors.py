"""The error kinds add up to the headline: on every cached baseline run and on random corpora,
per layer and per document, TP = right + right for the headline, FP = spurious + wrong,
FN = missed + wrong, equal to the scorer's headline counts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from frnewsbench.api import load_gold
from frnewsbench.predictions import read_predictions
from frnewsbench.report.errors import ErrorTally, error_items, evaluation_records, headline_rule, record_kind
from frnewsbench.schema import Document, Prediction, TimeExpression, sha256_text
from frnewsbench.scoring import evaluate
from test_scoring_evaluate import random_document, random_prediction

RUNS = sorted((Path(__file__).parents[1] / "leaderboard" / "runs").glob("*/predictions.jsonl"))


def assert_kinds_add_up(evaluation) -> int:
    checked = 0
    for layer, scored in evaluation.layers.items():
        if scored is None:
            continue
        total = ErrorTally()
        for document in scored.documents:
            tally = ErrorTally.of(layer, document.records)
            assert tally.headline == document.counts.headline, (layer, document.document_id)
            total += tally
            checked += 1
        assert total.headline == scored.counts.headline, layer
    return checked


@pytest.mark.parametrize("run", RUNS, ids=lambda path: path.parent.name)
def test_error_kinds_add_up_to_the_headline_on_every_baseline(run):
    gold = load_gold()
    evaluation = evaluate(gold=gold, predictions=read_predictions(run, documents=gold), bootstrap_samples=1)
    assert assert_kinds_add_up(evaluation) > 0


@pytest.mark.parametrize("seed", range(20))
def test_error_kinds_add_up_to_the_headline_on_random_corpora(seed):
    rng = random.Random(seed)
    gold = [random_document(rng, f"d{index:02d}") for index in range(8)]
    predictions = {d.id: random_prediction(rng, d) for d in gold if rng.random() < 0.9}
    assert_kinds_add_up(evaluate(gold=gold, predictions=predictions, bootstrap_samples=1))


def test_a_date_with_the_right_value_and_a_wrong_boundary_is_a_headline_tp():
    text = "Le 3 mars 2023, puis lundi."
    gold = Document(id="d", title=None, text=text, language="fr", source=None, dct="2023-03-01", dct_evidence="t",
                    seed_file="", text_sha256=sha256_text(text),
                    dates=(TimeExpression(3, 14, "3 mars 2023", "DATE", "2023-03-03"),
                           TimeExpression(21, 26, "lundi", "DATE", "2023-03-06")))
    # "Le 3 mars 2023": right value, wrong boundary (TP of the value F1, FP+FN of the strict span);
    # "lundi" with the wrong value: one FP and one FN of the headline
    predicted = Prediction(id="d", dates=(TimeExpression(0, 14, "Le 3 mars 2023", "DATE", "2023-03-03"),
                                          TimeExpression(21, 26, "lundi", "DATE", "2023-03-13")))
    evaluation = evaluate(gold=[gold], predictions={"d": predicted}, bootstrap_samples=1)
    records = [record for _, _, record in evaluation_records(evaluation)]
    assert [record_kind("dates", record) for record in records] == ["right for the headline", "wrong"]
    tally = ErrorTally.of("dates", records)
    assert (tally.off_headline, tally.wrong, tally.errors) == (1, 1, 2)
    assert tally.headline == evaluation.layers["dates"].counts.value  # TP 1, FP 1, FN 1
    assert (tally.headline.tp, tally.headline.fp, tally.headline.fn) == (1, 1, 1)
    assert [item.headline.tp for item in error_items(evaluation, [gold])] == [1, 0]
    assert "a matched pair wrong only in its boundary or type is a TP of the headline" in headline_rule("dates")
