"""The seqeval token view: IOB2 over the project's tokens; spans IOB2 cannot carry are listed."""

from __future__ import annotations

import random

import pytest
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from frnewsbench.schema import Entity
from frnewsbench.scoring.counts import PRFCounts
from frnewsbench.scoring.tokens import MISALIGNED, OVERLAPPING, iob2_sequences, seqeval_strict_counts, token_view

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


# --- differential test: the harness's own token view against seqeval itself, on seeded random data --

WORDS = ("Le", "président", "l’Ukraine", "d'Olaf", "Scholz", "aujourd'hui", "Hong-Kong", "«", "»", ",", ".",
         "Kiev", "qu’il", "Xi", "Jinping", "2023", "(AFP)", "Jean-Yves", "Le", "Drian")


def _random_document(rng: random.Random, number: int) -> tuple[str, str, list[Entity], list[Entity]]:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30))) + rng.choice(("", ".", "\n", " »"))

    def entities() -> list[Entity]:
        found = []
        for _ in range(rng.randint(0, 8)):
            start = rng.randrange(len(text))
            end = min(len(text), start + rng.randint(1, 25))
            found.append(Entity(start, end, text[start:end], rng.choice(("PER", "LOC", "ORG"))))
        return found

    gold = entities()
    predicted = [e for e in gold if rng.random() < 0.6] + entities()  # shared spans make TPs
    return f"doc-{number}", text, gold, predicted


@pytest.mark.parametrize("seed", range(5))
def test_token_view_equals_seqeval_strict_iob2_on_random_documents(seed):
    rng = random.Random(seed)
    documents = [_random_document(rng, number) for number in range(60)]
    view = token_view(documents)
    gold_tags, predicted_tags, left_out = iob2_sequences(documents)
    assert view.by_label == seqeval_strict_counts(gold_tags, predicted_tags)
    assert view.left_out == tuple(left_out)
    report = classification_report(gold_tags, predicted_tags, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    assert view.counts.tp + view.counts.fn == report["micro avg"]["support"]
    assert view.counts.f1 == pytest.approx(report["micro avg"]["f1-score"], abs=1e-12)
    assert view.counts.tp > 0 and left_out  # the data exercises hits and both reasons to leave out
    assert {span.reason for span in left_out} == {MISALIGNED, OVERLAPPING}


# --- property test: every kind of span (shared starts, duplicates, empty, beyond the text, cut
# words and elisions) scored like the tag-building reference, on texts with every kind of edge -----

from hypothesis import given, settings
from hypothesis import strategies as st

EDGE_TEXT = st.text(alphabet="lLdjqusctae0' ’ʼ-.,«»\u00a0\u202f\n\tЖ", min_size=0, max_size=30)


@st.composite
def documents_with_spans(draw):
    text = draw(EDGE_TEXT)
    bound = len(text) + 2  # a few spans run past the end (or are empty, or reversed)
    span = st.tuples(st.integers(-1, bound), st.integers(-1, bound), st.sampled_from(("PER", "LOC")))

    def side():
        spans = draw(st.lists(span, max_size=8))
        return [Entity(start, end, text[max(start, 0):max(end, 0)], label) for start, end, label in spans]

    gold = side()
    predicted = draw(st.lists(st.sampled_from(gold), max_size=4)) + side() if gold else side()
    return "doc", text, gold, predicted


@settings(max_examples=500, deadline=None)
@given(st.lists(documents_with_spans(), min_size=1, max_size=3))
def test_token_view_equals_the_reference_on_any_spans(documents):
    documents = [(f"doc-{number}", text, gold, predicted) for number, (_, text, gold, predicted) in enumerate(documents)]
    view = token_view(documents)
    gold_tags, predicted_tags, left_out = iob2_sequences(documents)
    assert view.left_out == tuple(left_out)
    assert view.by_label == seqeval_strict_counts(gold_tags, predicted_tags)
