"""The seqeval token view: IOB2 over the project's tokens; spans IOB2 cannot carry are listed."""

from __future__ import annotations

import pytest
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from frnewsbench.schema import Entity
from frnewsbench.scoring.counts import PRFCounts
from frnewsbench.scoring.tokens import MISALIGNED, OVERLAPPING, iob2_sequences, token_view

TEXT = "Le président de l’Ukraine a reçu Olaf Scholz à Kiev."


def ent(needle: str, label: str) -> Entity:
    start = TEXT.index(needle)
    return Entity(start, start + len(needle), needle, label)


def test_elided_article_is_its_own_token():
    gold_tags, predicted_tags, left_out = iob2_sequences([("d", TEXT, [ent("Ukraine", "LOC")], [])])
    # Le président de l’ Ukraine a reçu Olaf Scholz à Kiev .
    assert gold_tags == [["O", "O", "O", "O", "B-LOC", "O", "O", "O", "O", "O", "O", "O"]]
    assert predicted_tags == [["O"] * 12] and left_out == []


def test_token_view_scores_like_seqeval_and_lists_what_it_leaves_out():
    gold = [ent("Ukraine", "LOC"), ent("Olaf Scholz", "PER"), ent("Kiev", "LOC")]
    predicted = [
        ent("Ukraine", "LOC"),
        ent("Olaf Scholz", "ORG"),
        Entity(TEXT.index("Kie"), TEXT.index("Kie") + 3, "Kie", "LOC"),  # cuts a token: left out, not snapped
        ent("Olaf", "PER"),  # overlaps the earlier Olaf Scholz: IOB2 cannot carry both
    ]
    view = token_view([("doc-1", TEXT, gold, predicted)])
    assert [(s.side, s.text, s.reason) for s in view.left_out] == [
        ("predicted", "Olaf", OVERLAPPING), ("predicted", "Kie", MISALIGNED)]
    # kept predictions: Ukraine/LOC (TP), Olaf Scholz/ORG (FP for ORG, FN for PER); Kiev is FN
    assert view.counts == PRFCounts(1, 1, 2)
    assert view.by_label == {"LOC": PRFCounts(1, 0, 1), "ORG": PRFCounts(0, 1, 0), "PER": PRFCounts(0, 0, 1)}
    gold_tags, predicted_tags, _ = iob2_sequences([("doc-1", TEXT, gold, predicted)])
    report = classification_report(gold_tags, predicted_tags, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    assert view.counts.f1 == pytest.approx(report["micro avg"]["f1-score"])
    assert view.by_label["LOC"].recall == pytest.approx(report["LOC"]["recall"])
