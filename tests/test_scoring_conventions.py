"""The field's conventions beside the harness's figures, on examples worked out by hand:
HIPE strict and fuzzy entity micro F1, the Gender Gap Tracker's quote F1 at 0.3 and 0.8."""

from __future__ import annotations

import json
import random

import pytest

from frnewsbench.report.markdown import render_markdown
from frnewsbench.report.result import Result, SystemInfo
from frnewsbench.schema import Document, Entity, Prediction, Quote, Span, sha256_text
from frnewsbench.scoring import evaluate, ggt_quote_counts
from frnewsbench.scoring.conventions import GGT_THRESHOLDS, ggt_counts, ggt_overlap, ggt_totals

from helpers import find

TEXT = "La Banque de France et Jean Dupont ont parlé à Paris."


def document(text: str = TEXT, *, entities=(), quotes=()) -> Document:
    return Document(id="d", title=None, text=text, language="fr", source=None, dct="2023-03-01",
                    dct_evidence="test", seed_file="", text_sha256=sha256_text(text), entities=tuple(entities),
                    quotes=tuple(quotes))


def entity(needle: str, label: str, text: str = TEXT) -> Entity:
    start, end = find(text, needle)
    return Entity(start, end, needle, label)


def conventions(gold: Document, prediction: Prediction, layer: str) -> dict:
    return evaluate(gold=[gold], predictions={gold.id: prediction}, bootstrap_samples=10).layers[layer].conventions


# --- HIPE: strict and fuzzy -------------------------------------------------------------------

def test_hipe_fuzzy_counts_one_shared_token_of_the_same_type():
    gold = document(entities=[entity("Banque de France", "ORG"), entity("Jean Dupont", "PER"), entity("Paris", "LOC")])
    predicted = Prediction(id="d", entities=(
        entity("France", "ORG"),  # shares one token with the gold ORG, same type: fuzzy COR, strict wrong
        entity("Dupont", "LOC"),  # shares one token with the gold PER, other type: fuzzy INC
        entity("Paris", "LOC"),  # exact: COR in both
        entity("parlé", "MISC"),  # overlaps nothing: SPU
    ))
    figures = conventions(gold, predicted, "entities")
    # strict: COR 1 of 4 predicted and 3 gold: P 1/4, R 1/3, F1 2/7
    assert figures["hipe_strict_micro_f1"] == 2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3)
    # fuzzy: COR 2 (France, Paris): P 2/4, R 2/3, F1 4/7
    assert abs(figures["hipe_fuzzy_micro_f1"] - 4 / 7) < 1e-12


def test_hipe_fuzzy_needs_a_shared_token_not_a_neighbour():
    text = "Jean Dupont-Moretti arrive."
    gold = document(text, entities=[Entity(0, 11, "Jean Dupont", "PER")])
    touching = Prediction(id="d", entities=(Entity(11, 19, "-Moretti", "PER"),))  # starts where the gold ends
    assert conventions(gold, touching, "entities") == {"hipe_strict_micro_f1": 0.0, "hipe_fuzzy_micro_f1": 0.0}
    one_token = Prediction(id="d", entities=(Entity(5, 11, "Dupont", "PER"),))
    assert conventions(gold, one_token, "entities") == {"hipe_strict_micro_f1": 0.0, "hipe_fuzzy_micro_f1": 1.0}


# --- Gender Gap Tracker: character overlap against the gold length ----------------------------

QUOTE_TEXT = "« " + "a" * 100 + " », a-t-il dit. " + "b" * 40 + "."


def quote(start: int, end: int, text: str = QUOTE_TEXT) -> Quote:
    return Quote(content=Span(start, end, text[start:end]), type="direct")


GOLD_START = 2  # the 100 "a" of the gold content


def test_ggt_thresholds_on_a_029_and_a_031_overlap():
    gold = [quote(GOLD_START, GOLD_START + 100)]
    below = [quote(GOLD_START, GOLD_START + 29)]  # 29 of the 100 gold characters
    above = [quote(GOLD_START + 69, GOLD_START + 100)]  # 31 of them
    assert ggt_overlap(gold[0], below[0]) == 0.29 and ggt_overlap(gold[0], above[0]) == 0.31
    assert ggt_quote_counts(gold, below, 0.3).to_dict()["tp"] == 0
    assert (ggt_quote_counts(gold, below, 0.3).fp, ggt_quote_counts(gold, below, 0.3).fn) == (1, 1)
    assert ggt_quote_counts(gold, above, 0.3).tp == 1
    assert (ggt_quote_counts(gold, above, 0.8).tp, ggt_quote_counts(gold, above, 0.8).fn) == (0, 1)
    # the evaluator's test is "score > threshold": exactly 30 of 100 does not pass 0.3
    assert ggt_quote_counts(gold, [quote(GOLD_START, GOLD_START + 30)], 0.3).tp == 0


def test_ggt_overlap_is_measured_against_the_gold_length_only():
    # the prediction swallows the gold quote and the whole sentence after it: every gold
    # character is covered (1.0 > 0.8) although the prediction is 1.6 times as long
    gold = [quote(GOLD_START, GOLD_START + 100)]
    long = [quote(0, len(QUOTE_TEXT))]
    assert ggt_overlap(gold[0], long[0]) == 1.0
    assert ggt_quote_counts(gold, long, 0.8).tp == 1


def test_ggt_is_greedy_in_gold_order_and_the_rest_are_false_positives():
    text = QUOTE_TEXT
    second = text.index("b")
    gold = [quote(GOLD_START, GOLD_START + 100), quote(second, second + 40)]
    predicted = [quote(GOLD_START + 50, second + 40), quote(second + 30, second + 40), quote(len(text) - 1, len(text))]
    # gold 1 takes the long prediction (50/100 = 0.5); gold 2 is left the short one (10/40 = 0.25,
    # not > 0.3) though the long one covered it whole: TP 1, FN 1, FP 2 at 0.3
    counts = ggt_quote_counts(gold, predicted, 0.3)
    assert (counts.tp, counts.fp, counts.fn) == (1, 2, 1)


def test_ggt_counts_every_threshold_in_one_call():
    # the gold quote of 100 characters against a prediction covering 31 of them and one covering
    # 85: at 0.3 the 0.85 one is the best (TP 1, the 0.31 one FP); at 0.8 too; at 0.9 neither passes
    gold = [quote(GOLD_START, GOLD_START + 100)]
    predicted = [quote(GOLD_START + 69, GOLD_START + 100), quote(GOLD_START, GOLD_START + 85)]
    assert ggt_counts(gold, predicted, (0.3, 0.8, 0.9)) == [(1, 1, 0), (1, 1, 0), (0, 2, 1)]
    with pytest.raises(ValueError, match="at least 0"):
        ggt_counts(gold, predicted, (-0.1,))


def greedy_by_definition(gold, predicted, threshold):
    """The evaluator's loop as its docstring states it: every gold quote against every prediction left."""
    remaining = sorted(predicted, key=lambda q: (q.content.start, q.content.end))
    tp = fn = 0
    for item in sorted(gold, key=lambda q: (q.content.start, q.content.end)):
        scores = [ggt_overlap(item, candidate) for candidate in remaining]
        passing = [score for score in scores if score > threshold]
        if passing:
            tp += 1
            del remaining[scores.index(max(passing))]  # the first of the best
        else:
            fn += 1
    return tp, len(remaining), fn


@pytest.mark.parametrize("seed", range(20))
def test_ggt_counts_equal_the_all_pairs_greedy_on_random_quotes(seed):
    # overlapping, nested, duplicated and empty contents, thresholds hit exactly (0.5 of a 2-long quote)
    rng = random.Random(seed)
    text = "x" * 60

    def random_quotes():
        quotes = []
        for _ in range(rng.randrange(10)):
            start = rng.randrange(50)
            quotes.append(quote(start, start + rng.choice([0, 1, 2, 4, 5, 10, 20]), text))
        return quotes + rng.sample(quotes, min(2, len(quotes)))  # some duplicates

    thresholds = (0.0, 0.3, 0.5, 0.8)
    for _ in range(30):
        gold, predicted = random_quotes(), random_quotes()
        assert ggt_counts(gold, predicted, thresholds) == [greedy_by_definition(gold, predicted, t) for t in thresholds]
    documents = [(random_quotes(), random_quotes()) for _ in range(5)]
    totals = ggt_totals(documents)
    for key, threshold in GGT_THRESHOLDS.items():
        sums = [sum(column) for column in zip(*(greedy_by_definition(g, p, threshold) for g, p in documents))]
        assert (totals[key].tp, totals[key].fp, totals[key].fn) == tuple(sums)


def test_the_result_json_and_markdown_carry_the_conventions_with_their_sources():
    text = QUOTE_TEXT
    gold = document(text, quotes=[quote(GOLD_START, GOLD_START + 100)])
    prediction = Prediction(id="d", quotes=(quote(GOLD_START + 69, GOLD_START + 100),))
    result = Result(SystemInfo("s"), "sha256:" + "0" * 64, "1.0", "0.1.0",
                    evaluate(gold=[gold], predictions={"d": prediction}, bootstrap_samples=10))
    data = json.loads(result.to_json())
    conventions = data["evaluation"]["layers"]["quotes"]["conventions"]
    assert {key: item["value"] for key, item in conventions.items()} == {"ggt_overlap_0.3": 1.0, "ggt_overlap_0.8": 0.0}
    assert conventions["ggt_overlap_0.3"]["source"].startswith("Gender Gap Tracker evaluator")
    assert data["evaluation"]["layers"]["quotes"]["ggt"]["ggt_overlap_0.8"] == {
        "tp": 0, "fp": 1, "fn": 1, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    again = Result.from_dict(json.loads(result.to_json()))
    assert again.evaluation.layers["quotes"].conventions == {"ggt_overlap_0.3": 1.0, "ggt_overlap_0.8": 0.0}
    markdown = render_markdown(result)
    assert "### quotes in the field's conventions (`frnewsbench docs metrics`)" in markdown
    assert "| GGT quote F1 > 0.3 | 1.000 | Gender Gap Tracker evaluator" in markdown
    assert "| GGT quote F1 > 0.8 | 0.000 |" in markdown
