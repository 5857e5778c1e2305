"""evaluate() and paired_bootstrap(): oracle, empty system, null layers, missing documents, merge law."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from helpers import figures, small_document

from frnewsbench.schema import LAYERS, TIMEX_TYPES, Document, Entity, Prediction, Quote, Span, TimeExpression, gold_as_prediction, sha256_text
from frnewsbench.scoring import (
    GIVEN,
    MISSING_DOCUMENT,
    MISSING_LAYER,
    DocumentEvaluation,
    ScoringError,
    evaluate,
    paired_bootstrap,
)
from frnewsbench.scoring.counts import PRFCounts
from frnewsbench.scoring.evaluate import ZERO, evaluate_batches


def corpus():
    return [small_document("doc-1"), small_document("doc-2")]


def test_oracle_scores_one_on_every_figure():
    gold = corpus()
    result = evaluate(gold=gold, predictions={d.id: gold_as_prediction(d) for d in gold}, bootstrap_samples=200)
    tree = result.to_dict()
    found = dict(figures(tree["layers"]))
    assert len(found) > 100  # counts, by_label, documents, macro and token view of three layers
    assert {path: value for path, value in found.items() if value != 1.0} == {}
    for layer, headline in tree["headlines"].items():
        assert (headline["value"], headline["interval"]["low"], headline["interval"]["high"]) == (1.0, 1.0, 1.0), layer
    assert result.missing_documents == ()


def test_empty_system_scores_zero_recall():
    gold = corpus()
    empty = {d.id: Prediction(d.id, entities=(), dates=(), quotes=()) for d in gold}
    result = evaluate(gold=gold, predictions=empty, bootstrap_samples=50)
    recalls = {path: value for path, value in figures(result.to_dict()["layers"]) if path.endswith(".recall")}
    assert recalls and set(recalls.values()) == {0.0}
    assert all(headline.value == 0.0 for headline in result.headlines.values())
    assert result.layers["entities"].counts.strict == PRFCounts(0, 0, 8)
    assert result.layers["entities"].counts.strict.precision is None


def test_a_layer_nobody_predicts_is_null_and_an_empty_gold_layer_is_none():
    document = small_document()
    bare = Document(**{**document.__dict__, "quotes": ()})
    predictions = {bare.id: Prediction(bare.id, entities=bare.entities, quotes=())}
    result = evaluate(gold=[bare], predictions=predictions, bootstrap_samples=20)
    assert result.layers["dates"] is None and result.to_dict()["layers"]["dates"] is None
    quotes = result.layers["quotes"]
    assert quotes.headline.value is None and quotes.counts.attribution.f1 is None  # nothing to score, not 0
    assert (quotes.headline.interval.low, quotes.headline.interval.high) == (None, None)
    only_entities = evaluate(gold=[bare], predictions=predictions, layers=["entities"], bootstrap_samples=20)
    assert only_entities.layers["quotes"] is None and only_entities.layers["entities"].headline.value == 1.0


def test_missing_documents_and_layers_are_scored_as_empty_and_listed():
    gold = [small_document("doc-1"), small_document("doc-2"), small_document("doc-3")]
    predictions = {
        "doc-1": gold_as_prediction(gold[0]),
        "doc-2": Prediction("doc-2", dates=gold[1].dates),  # no entities
    }
    result = evaluate(gold=gold, predictions=predictions, bootstrap_samples=20)
    assert result.missing_documents == ("doc-3",)
    entities = result.layers["entities"]
    assert [d.prediction for d in entities.documents] == ["given", MISSING_LAYER, MISSING_DOCUMENT]
    assert entities.documents_without_layer == ("doc-2",)
    # doc-1 right (4 TP); doc-2 and doc-3 scored as empty (4 FN each)
    assert entities.counts.strict == PRFCounts(4, 0, 8)
    assert result.layers["dates"].counts.value == PRFCounts(4, 0, 2)
    assert result.to_dict()["missing_documents"] == ["doc-3"]


def test_bad_inputs_are_refused_with_a_reason():
    gold = corpus()
    with pytest.raises(ScoringError, match="not in the gold: doc-9"):
        evaluate(gold=gold, predictions={"doc-9": Prediction("doc-9", entities=())})
    with pytest.raises(ScoringError, match="holds the prediction of document 'doc-2'"):
        evaluate(gold=gold, predictions={"doc-1": Prediction("doc-2", entities=())})
    with pytest.raises(ScoringError, match="unknown layer.*'events'.*entities, dates, quotes"):
        evaluate(gold=gold, predictions={}, layers=["events"])
    with pytest.raises(ScoringError, match="duplicate document ids: doc-1"):
        evaluate(gold=[gold[0], gold[0]], predictions={})


# ------------------------------------------------------------------- random corpora

WORDS = ["le", "ministre", "Paris", "a", "dit", "que", "la", "paix", "viendra", "demain", "selon", "Kiev", "lundi"]


def random_document(rng: random.Random, doc_id: str) -> Document:
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 15))) for _ in range(rng.randrange(1, 5))]
    text = "\n".join(paragraphs)
    bounds = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]

    def random_span(max_words=3):
        first = rng.randrange(len(bounds))
        last = min(len(bounds) - 1, first + rng.randrange(max_words))
        start, end = bounds[first][0], bounds[last][1]
        return Span(start, end, text[start:end])

    entities = tuple(sorted({Entity(s.start, s.end, s.text, rng.choice(["PER", "LOC", "ORG"]), f"e{rng.randrange(3)}", f"n{rng.randrange(3)}")
                            for s in (random_span() for _ in range(rng.randrange(0, 6)))}, key=lambda e: (e.start, e.end, e.label)))
    dates = tuple(TimeExpression(s.start, s.end, s.text, rng.choice(TIMEX_TYPES), rng.choice(["2023-02-28", "P3D", "XXXX-WXX-1"]))
                  for s in (random_span(2) for _ in range(rng.randrange(0, 4))))
    quotes = tuple(Quote(random_span(6), rng.choice(["direct", "indirect"]), random_span(2), None, random_span(1))
                   for _ in range(rng.randrange(0, 3)))
    return Document(doc_id, None, text, "fr", None, "2023-03-01", "test", "seed.txt", sha256_text(text),
                    entities=entities, dates=dates, quotes=quotes)


def random_prediction(rng: random.Random, gold: Document) -> Prediction:
    def jitter(items):
        kept = [item for item in items if rng.random() < 0.7]
        return tuple(kept + [rng.choice(items)] if items and rng.random() < 0.3 else kept)

    noise = random_document(rng, gold.id)  # spurious items: spans of another random text that fit in this one
    return Prediction(
        gold.id,
        entities=jitter(gold.entities) + tuple(e for e in noise.entities if e.end <= len(gold.text))[:2],
        dates=jitter(gold.dates) + tuple(t for t in noise.dates if t.end <= len(gold.text))[:1],
        quotes=jitter(gold.quotes),
    )


@pytest.mark.parametrize("seed", range(5))
def test_merge_law_two_halves_add_up_to_the_whole(seed):
    rng = random.Random(seed)
    gold = [random_document(rng, f"d{index:02d}") for index in range(12)]
    predictions = {d.id: random_prediction(rng, d) for d in gold if rng.random() < 0.9}
    whole = evaluate(gold=gold, predictions=predictions, bootstrap_samples=10)
    halves = [
        evaluate(gold=part, predictions={k: v for k, v in predictions.items() if k in {d.id for d in part}}, bootstrap_samples=10)
        for part in (gold[:6], gold[6:])
    ]
    for layer in ("entities", "dates", "quotes"):
        first, second = (half.layers[layer] for half in halves)
        assert first.counts + second.counts == whole.layers[layer].counts, layer
        for label, counts in whole.layers[layer].by_label.items():
            parts = [half.by_label[label] for half in (first, second) if label in half.by_label]
            assert sum(parts[1:], parts[0]) == counts, (layer, label)
        # per-document and per-label counts add up to the totals too
        documents = whole.layers[layer].documents
        assert sum((d.counts for d in documents[1:]), documents[0].counts) == whole.layers[layer].counts
        labels = list(whole.layers[layer].by_label.values())
        assert sum(labels[1:], labels[0]) == whole.layers[layer].counts


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("batch", [1, 3, 7])
def test_a_corpus_scored_in_batches_has_every_figure_of_the_whole(seed, batch):
    """evaluate_batches is evaluate: the same JSON, intervals included (the paragraph rows of the
    batches are the whole's), with documents and layers missing, the records kept or not."""
    rng = random.Random(seed)
    gold = [random_document(rng, f"d{index:02d}") for index in range(15)]
    predictions = {d.id: random_prediction(rng, d) for d in gold if rng.random() < 0.8}
    predictions = {key: replace(p, dates=None) if rng.random() < 0.2 else p for key, p in predictions.items()}
    for records in (False, True):
        whole = evaluate(gold=gold, predictions=predictions, bootstrap_samples=200, seed=seed, records=records)
        batches = [(gold[at:at + batch], {d.id: predictions[d.id] for d in gold[at:at + batch] if d.id in predictions})
                   for at in range(0, len(gold), batch)]
        batched = evaluate_batches(batches, layers=LAYERS, bootstrap_samples=200, seed=seed, records=records)
        assert json.dumps(batched.to_dict(), sort_keys=True) == json.dumps(whole.to_dict(), sort_keys=True)
        assert [d.records for d in batched.layers["entities"].documents] == \
            [d.records for d in whole.layers["entities"].documents]


def test_no_batch_scores_an_empty_corpus():
    empty = evaluate_batches([], layers=LAYERS, bootstrap_samples=10).to_dict()
    assert empty == evaluate_batches([([], {})], layers=LAYERS, bootstrap_samples=10).to_dict()
    assert empty["documents"] == 0 and empty["layers"]["entities"]["counts"]["strict"] == {"tp": 0, "fp": 0, "fn": 0, "precision": None, "recall": None, "f1": None}


def test_result_is_json_and_deterministic():
    rng = random.Random(11)
    gold = [random_document(rng, f"d{index}") for index in range(6)]
    predictions = {d.id: random_prediction(rng, d) for d in gold}
    first = evaluate(gold=gold, predictions=predictions, bootstrap_samples=100, seed=3).to_dict()
    second = evaluate(gold=gold, predictions=predictions, bootstrap_samples=100, seed=3).to_dict()
    assert json.dumps(first, allow_nan=False, sort_keys=True) == json.dumps(second, allow_nan=False, sort_keys=True)
    assert first["bootstrap"] == {"samples": 100, "seed": 3, "unit": "paragraph", "level": 0.95}
    # the match records are not part of the result: they go to their own file (report.records)
    assert all("records" not in document for document in first["layers"]["entities"]["documents"])


def test_paired_bootstrap_between_an_oracle_and_an_empty_system():
    gold = corpus()
    oracle = {d.id: gold_as_prediction(d) for d in gold}
    empty = {d.id: Prediction(d.id, entities=()) for d in gold}
    result = paired_bootstrap(gold=gold, predictions_a=oracle, predictions_b=empty, layer="entities", samples=200)
    # F1 1 against 0 on every draw: d = 1, no draw has d_i > 2
    assert (result.a, result.b, result.difference, result.p_value) == (1.0, 0.0, 1.0, 0.0)
    assert (result.interval.low, result.interval.high) == (1.0, 1.0)
    with pytest.raises(ScoringError, match="system B predicts no dates"):
        paired_bootstrap(gold=gold, predictions_a=oracle, predictions_b=empty, layer="dates")


@given(document_id=st.text(), prediction=st.sampled_from([GIVEN, MISSING_DOCUMENT, MISSING_LAYER]),
       layer=st.sampled_from(LAYERS), data=st.data())
def test_a_document_entry_as_json_is_json_dumps_of_to_dict(document_id, prediction, layer, data):
    """Any id (quotes, backslashes, control characters, non-ASCII) and any counts:
    the text a result file holds is json.dumps of the entry's dictionary."""
    width = len(ZERO[layer].flat())
    values = data.draw(st.lists(st.integers(min_value=0, max_value=10**6), min_size=width, max_size=width))
    entry = DocumentEvaluation(document_id, prediction, type(ZERO[layer]).from_flat(values))
    assert entry.to_json() == json.dumps(entry.to_dict(), ensure_ascii=False, allow_nan=False)


def test_document_entries_with_awkward_ids_are_written_as_json_writes_them():
    counts = ZERO["entities"].from_flat(range(len(ZERO["entities"].flat())))
    for document_id in ('l’"Élysée"', "tab\there\\back", "\u2028é\x00", "😀 emoji", "lone \ud800"):
        entry = DocumentEvaluation(document_id, GIVEN, counts)
        assert entry.to_json() == json.dumps(entry.to_dict(), ensure_ascii=False, allow_nan=False)
        assert json.loads(entry.to_json())["id"] == document_id
    assert DocumentEvaluation('a"b', GIVEN, PRFCounts(1, 2, 3)).to_json() == (
        '{"id": "a\\"b", "prediction": "given", "counts": {"tp": 1, "fp": 2, "fn": 3}}')
