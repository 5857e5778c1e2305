"""Entity figures: a hand-worked example, and differential tests against seqeval and nervaluate."""

from __future__ import annotations

import random
import sys

import pytest
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from frnewsbench.schema import ENTITY_LABELS, Entity
from frnewsbench.scoring.counts import SchemeCounts
from frnewsbench.scoring.entities import SCHEMES, EntityCounts, macro_scores, score_entities, strict_entity_counts
from frnewsbench.scoring.records import BOUNDARY, FALSE_NEGATIVE, FALSE_POSITIVE, LABEL, MATCH

def nervaluate_evaluator():
    """nervaluate's Evaluator; nervaluate 1.x needs Python 3.11, so its parity tests skip on 3.10 only."""
    if sys.version_info < (3, 11):
        pytest.skip("nervaluate 1.x needs Python 3.11 or newer")
    from nervaluate import Evaluator

    return Evaluator


TEXT = "Emmanuel Macron a rencontré Olaf Scholz à Berlin avec la Commission européenne."


def ent(needle: str, label: str, text: str = TEXT) -> Entity:
    start = text.index(needle)
    return Entity(start, start + len(needle), needle, label)


GOLD = [ent("Emmanuel Macron", "PER"), ent("Olaf Scholz", "PER"), ent("Berlin", "LOC"), ent("Commission européenne", "ORG")]
PREDICTED = [
    ent("Macron", "PER"),  # shifted boundary
    ent("Olaf Scholz", "ORG"),  # wrong label
    ent("Berlin", "LOC"),  # correct
    ent("rencontré", "MISC"),  # spurious; "Commission européenne" is missed
]


def test_hand_worked_strict_figures():
    score = score_entities(gold=GOLD, predicted=PREDICTED)
    # TP: Berlin. FP: Macron/PER, Olaf Scholz/ORG, rencontré/MISC. FN: Emmanuel Macron, Olaf Scholz/PER, Commission européenne.
    assert (score.counts.strict.tp, score.counts.strict.fp, score.counts.strict.fn) == (1, 3, 3)
    assert score.counts.strict.precision == pytest.approx(1 / 4)
    assert score.counts.strict.recall == pytest.approx(1 / 4)
    assert score.counts.strict.f1 == pytest.approx(1 / 4)
    by_label = {label: (c.strict.tp, c.strict.fp, c.strict.fn) for label, c in score.by_label.items()}
    # PER: FP Macron, FN Emmanuel Macron + Olaf Scholz; ORG: FP Olaf Scholz/ORG, FN Commission; MISC: FP rencontré
    assert by_label == {"LOC": (1, 0, 0), "MISC": (0, 1, 0), "ORG": (0, 1, 1), "PER": (0, 1, 2)}
    assert score.by_label["MISC"].strict.recall is None  # no gold MISC: nothing to score


def test_hand_worked_macro_figures():
    macro = macro_scores(score_entities(gold=GOLD, predicted=PREDICTED).by_label)
    # F1 per label: LOC 1, MISC 0, ORG 0, PER 0 -> 1/4. Precision over predicted labels: same -> 1/4.
    # Recall over gold labels LOC 1, ORG 0, PER 0 -> 1/3 (seqeval would also average MISC's undefined recall as 0).
    assert macro.f1 == pytest.approx(1 / 4)
    assert macro.precision == pytest.approx(1 / 4)
    assert macro.recall == pytest.approx(1 / 3)
    assert macro.labels == ("LOC", "MISC", "ORG", "PER")


def test_hand_worked_semeval_schemes():
    counts = score_entities(gold=GOLD, predicted=PREDICTED).counts
    # Macron vs Emmanuel Macron: overlap, same label; Olaf Scholz: same span, other label.
    # strict: INC, INC, Berlin COR    exact: INC, COR, COR    partial: PAR, COR, COR    type: COR, INC, COR
    expected = {
        "strict": SchemeCounts(correct=1, incorrect=2, missed=1, spurious=1),
        "exact": SchemeCounts(correct=2, incorrect=1, missed=1, spurious=1),
        "partial": SchemeCounts(correct=2, partial=1, missed=1, spurious=1),
        "type": SchemeCounts(correct=2, incorrect=1, missed=1, spurious=1),
    }
    for scheme in SCHEMES:
        assert counts.scheme(scheme) == expected[scheme], scheme
    # POS = ACT = 4 everywhere: strict 1/4, exact 2/4, partial (2 + 0.5)/4, type 2/4
    assert counts.semeval_strict.f1 == pytest.approx(0.25)
    assert counts.semeval_exact.f1 == pytest.approx(0.5)
    assert counts.semeval_partial.precision == pytest.approx(0.625)
    assert counts.semeval_partial.recall == pytest.approx(0.625)
    assert counts.semeval_type.f1 == pytest.approx(0.5)


def test_per_label_counts_add_up_to_the_totals():
    score = score_entities(gold=GOLD, predicted=PREDICTED)
    assert sum(score.by_label.values(), EntityCounts()) == score.counts
    # a matched pair counts under the gold label: Olaf Scholz/ORG is an INC of PER, not a SPU of ORG
    assert score.by_label["PER"].semeval_strict == SchemeCounts(incorrect=2)
    assert score.by_label["ORG"].semeval_strict == SchemeCounts(missed=1)
    assert score.by_label["MISC"].semeval_strict == SchemeCounts(spurious=1)


def test_records_list_every_error_with_its_spans():
    records = score_entities(gold=GOLD, predicted=PREDICTED).records
    summary = [(r.outcome, r.differences, r.gold and r.gold.text, r.predicted and r.predicted.text) for r in records]
    assert summary == [
        (MATCH, (BOUNDARY,), "Emmanuel Macron", "Macron"),
        (FALSE_POSITIVE, (), None, "rencontré"),
        (MATCH, (LABEL,), "Olaf Scholz", "Olaf Scholz"),
        (MATCH, (), "Berlin", "Berlin"),
        (FALSE_NEGATIVE, (), "Commission européenne", None),
    ]


def test_duplicate_predictions_count_once_as_right():
    berlin = ent("Berlin", "LOC")
    counts = score_entities(gold=[berlin], predicted=[berlin, berlin]).counts
    assert (counts.strict.tp, counts.strict.fp, counts.strict.fn) == (1, 1, 0)
    assert counts.semeval_strict == SchemeCounts(correct=1, spurious=1)


def test_oracle_and_empty_system():
    oracle = score_entities(gold=GOLD, predicted=GOLD).counts
    assert oracle.strict.f1 == 1.0 and all(oracle.scheme(s).f1 == 1.0 for s in SCHEMES)
    empty = score_entities(gold=GOLD, predicted=[]).counts
    assert empty.strict.recall == 0.0 and empty.strict.precision is None
    assert all(empty.scheme(s).recall == 0.0 for s in SCHEMES)
    assert score_entities(gold=[], predicted=[]).counts.strict.f1 is None


# ---------------------------------------------------------------- differential: seqeval

def random_tagged_document(rng: random.Random):
    """Words separated by one space, gold spans on word edges, and a perturbed prediction."""
    words = ["".join(rng.choice("abcdefgh") for _ in range(rng.randrange(1, 6))) for _ in range(rng.randrange(1, 30))]
    starts, position = [], 0
    for word in words:
        starts.append(position)
        position += len(word) + 1
    text = " ".join(words)

    def spans():
        result, index = [], 0
        while index < len(words):
            if rng.random() < 0.3:
                length = rng.randrange(1, 4)
                last = min(index + length, len(words)) - 1
                result.append((index, last, rng.choice(ENTITY_LABELS)))
                index = last + 2  # leave one word between spans
            else:
                index += 1
        return result

    gold = spans()
    predicted = []
    for first, last, label in gold:
        roll = rng.random()
        if roll < 0.15:
            continue  # missed
        if roll < 0.3:
            label = rng.choice(ENTITY_LABELS)
        elif roll < 0.45 and last > first:
            last -= 1  # shifted boundary
        predicted.append((first, last, label))
    if rng.random() < 0.5:  # an independent prediction, replacing whatever overlaps it
        extra = rng.choice(spans() or [(0, 0, "MISC")])
        predicted = [s for s in predicted if s[1] < extra[0] - 1 or s[0] > extra[1] + 1] + [extra]

    def as_entities(word_spans):
        return [
            Entity(starts[first], starts[last] + len(words[last]), text[starts[first]:starts[last] + len(words[last])], label)
            for first, last, label in word_spans
        ]

    def as_tags(word_spans):
        tags = ["O"] * len(words)
        for first, last, label in word_spans:
            tags[first] = f"B-{label}"
            for index in range(first + 1, last + 1):
                tags[index] = f"I-{label}"
        return tags

    return as_entities(gold), as_entities(predicted), as_tags(gold), as_tags(predicted)


@pytest.mark.parametrize("seed", range(25))
def test_strict_figures_equal_seqeval_strict_iob2(seed):
    rng = random.Random(seed)
    documents = [random_tagged_document(rng) for _ in range(rng.randrange(1, 8))]
    scores = [score_entities(gold=gold, predicted=predicted) for gold, predicted, _, _ in documents]
    total = sum((score.counts for score in scores), EntityCounts()).strict
    y_true = [gold_tags for _, _, gold_tags, _ in documents]
    y_pred = [predicted_tags for _, _, _, predicted_tags in documents]
    options = dict(mode="strict", scheme=IOB2, zero_division=0)
    if total.tp + total.fp + total.fn == 0:
        assert total.f1 is None
        return
    assert (total.precision or 0.0) == pytest.approx(precision_score(y_true, y_pred, **options))
    assert (total.recall or 0.0) == pytest.approx(recall_score(y_true, y_pred, **options))
    assert total.f1 == pytest.approx(f1_score(y_true, y_pred, **options))
    by_label: dict[str, EntityCounts] = {}
    for score in scores:
        for label, counts in score.by_label.items():
            by_label[label] = by_label.get(label, EntityCounts()) + counts
    labels = sorted(by_label)
    report = classification_report(y_true, y_pred, output_dict=True, **options)
    assert labels == sorted(key for key in report if not key.endswith(" avg"))
    for label in labels:
        counts = by_label[label].strict
        assert counts.f1 == pytest.approx(report[label]["f1-score"]), label
        assert counts.gold == report[label]["support"], label
        assert (counts.precision or 0.0) == pytest.approx(report[label]["precision"]), label
        assert (counts.recall or 0.0) == pytest.approx(report[label]["recall"]), label
    assert macro_scores(by_label).f1 == pytest.approx(f1_score(y_true, y_pred, average="macro", **options))


# ---------------------------------------------------------------- differential: nervaluate

NERVALUATE_SCHEMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def nervaluate_counts(gold_documents, predicted_documents) -> dict[str, SchemeCounts]:
    """nervaluate's overall counts; its ends are inclusive, ours half-open."""
    def convert(documents):
        return [[{"label": e.label, "start": e.start, "end": e.end - 1} for e in document] for document in documents]

    results = nervaluate_evaluator()(convert(gold_documents), convert(predicted_documents), tags=list(ENTITY_LABELS), loader="dict").evaluate()
    return {
        ours: SchemeCounts(*(getattr(results["overall"][theirs], name) for name in ("correct", "incorrect", "partial", "missed", "spurious")))
        for ours, theirs in NERVALUATE_SCHEMES.items()
    }


def one_to_one_document(rng: random.Random):
    """Gold and predicted entities where every overlap component is one gold and one prediction,
    so that greedy and optimal matching agree."""
    gold, predicted, position = [], [], 0
    for _ in range(rng.randrange(0, 10)):
        start, length = position + rng.randrange(0, 3), rng.randrange(2, 9)
        label = rng.choice(ENTITY_LABELS)
        case = rng.choice(["gold", "predicted", "same", "label", "shift", "shift+label"])
        if case != "predicted":
            gold.append(Entity(start, start + length, "x" * length, label))
        if case != "gold":
            p_start = start + (rng.choice([-1, 1]) if "shift" in case else 0)
            p_end = start + length + (rng.choice([-1, 0, 1]) if "shift" in case else 0)
            p_label = rng.choice([l for l in ENTITY_LABELS if l != label]) if "label" in case else label
            predicted.append(Entity(max(p_start, 0), p_end, "x" * (p_end - max(p_start, 0)), p_label))
        position = start + length + 3  # a gap: no overlap across slots
    return gold, predicted


@pytest.mark.parametrize("seed", range(25))
def test_semeval_schemes_equal_nervaluate_when_greedy_is_not_at_fault(seed):
    rng = random.Random(seed)
    documents = [one_to_one_document(rng) for _ in range(rng.randrange(1, 6))]
    if not any(gold for gold, _ in documents):
        documents.append(([Entity(0, 4, "xxxx", "PER")], [Entity(0, 4, "xxxx", "LOC")]))
    ours = sum((score_entities(gold=g, predicted=p).counts for g, p in documents), EntityCounts())
    theirs = nervaluate_counts([g for g, _ in documents], [p for _, p in documents])
    for scheme in SCHEMES:
        assert ours.scheme(scheme) == theirs[scheme], scheme


def test_optimal_matching_differs_from_nervaluate_greedy_matching():
    text = "Olaf Scholz"
    gold = [Entity(0, 11, text, "PER")]
    predicted = [Entity(0, 4, "Olaf", "PER"), Entity(0, 11, text, "PER")]
    # nervaluate takes the predictions in order: "Olaf" grabs the gold span as INC, the exact
    # "Olaf Scholz" finds it taken and becomes SPU: strict P = R = 0.
    assert nervaluate_counts([gold], [predicted])["strict"] == SchemeCounts(incorrect=1, spurious=1)
    # optimal: the exact prediction is COR, "Olaf" SPU: P = 1/2, R = 1/1.
    ours = score_entities(gold=gold, predicted=predicted).counts.semeval_strict
    assert ours == SchemeCounts(correct=1, spurious=1)
    assert (ours.precision, ours.recall) == (0.5, 1.0)


@pytest.mark.parametrize("seed", range(20))
def test_optimal_matching_never_scores_below_greedy(seed):
    rng = random.Random(seed)
    documents = []
    for _ in range(rng.randrange(1, 5)):
        spans = [(s, s + rng.randrange(1, 8)) for s in (rng.randrange(40) for _ in range(rng.randrange(8)))]
        gold = [Entity(s, e, "x" * (e - s), rng.choice(ENTITY_LABELS)) for s, e in spans]
        shifted = [(max(0, s + rng.randrange(-2, 3)), e + rng.randrange(-2, 3)) for s, e in spans]
        predicted = [Entity(s, e, "x" * (e - s), rng.choice(ENTITY_LABELS)) for s, e in shifted if e > s]
        documents.append((gold, predicted))
    ours = sum((score_entities(gold=g, predicted=p).counts for g, p in documents), EntityCounts())
    theirs = nervaluate_counts([g for g, _ in documents], [p for _, p in documents])
    for scheme in SCHEMES:
        assert ours.scheme(scheme).credit >= theirs[scheme].credit, scheme


def test_nervaluate_per_type_counts_do_not_add_up_ours_do():
    gold, predicted = [Entity(0, 4, "Olaf", "PER")], [Entity(0, 4, "Olaf", "ORG")]
    results = nervaluate_evaluator()([[{"label": "PER", "start": 0, "end": 3}]], [[{"label": "ORG", "start": 0, "end": 3}]],
                        tags=["PER", "ORG"], loader="dict").evaluate()
    assert results["overall"]["strict"].incorrect == 1
    assert sum(results["entities"][label]["strict"].incorrect for label in ("PER", "ORG")) == 0
    score = score_entities(gold=gold, predicted=predicted)
    assert sum(counts.semeval_strict.incorrect for counts in score.by_label.values()) == 1


@pytest.mark.parametrize("seed", range(10))
def test_corpus_strict_counts_equal_the_sum_of_document_counts(seed):
    rng = random.Random(seed)
    documents = [random_tagged_document(rng)[:2] for _ in range(rng.randrange(1, 10))]
    if seed % 2:  # duplicates on both sides take the multiset path
        documents.append(([GOLD[2], GOLD[2], GOLD[0]], [GOLD[2], GOLD[2], GOLD[2]]))
    expected: dict[str, EntityCounts] = {}
    for gold, predicted in documents:
        for label, counts in score_entities(gold=gold, predicted=predicted).by_label.items():
            expected[label] = expected.get(label, EntityCounts()) + counts
    fast = strict_entity_counts(gold=[g for g, _ in documents], predicted=[p for _, p in documents])
    assert fast == {label: counts.strict for label, counts in sorted(expected.items())}
