"""The benchmark's synthetic corpus generator (benchmarks/generate.py): deterministic, valid output."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest

from frnewsbench.gold import load_corpus
from frnewsbench.predictions import parse_predictions, prediction_to_record
from frnewsbench.scoring import strict_entity_counts
from frnewsbench.tokenize import iob2_tags, tokenize
from frnewsbench.validate import validate_files

GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def generate():
    spec = importlib.util.spec_from_file_location("benchmarks_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _records(predictions) -> list[str]:
    return [json.dumps(prediction_to_record(p), ensure_ascii=False, sort_keys=True) for p in predictions.values()]


def test_same_seed_same_corpus_and_predictions(generate):
    first = generate.generate_corpus(12, seed=3)
    second = generate.generate_corpus(12, seed=3)
    assert first == second
    predictions_a, ledger_a = generate.generate_predictions(first, seed=3)
    predictions_b, ledger_b = generate.generate_predictions(second, seed=3)
    assert _records(predictions_a) == _records(predictions_b)
    assert ledger_a.counts == ledger_b.counts


def test_another_seed_another_corpus_and_smaller_corpora_are_prefixes(generate):
    assert [d.text for d in generate.generate_corpus(5, seed=0)] != [d.text for d in generate.generate_corpus(5, seed=1)]
    assert generate.generate_corpus(4, seed=0) == generate.generate_corpus(9, seed=0)[:4]


def test_written_documents_validate_and_load_back(generate, tmp_path):
    documents = generate.generate_corpus(6, seed=0)
    assert generate.write_corpus(documents, tmp_path) == 6
    files = sorted(tmp_path.glob("*.json"))
    assert [path.stem for path in files] == [d.id for d in documents]
    assert validate_files(files) == []
    assert load_corpus(tmp_path) == documents


def test_predictions_pass_the_contract_and_are_token_aligned(generate):
    documents = generate.generate_corpus(20, seed=0)
    predictions, _ = generate.generate_predictions(documents, seed=0)
    lines = [json.dumps(prediction_to_record(p), ensure_ascii=False) for p in predictions.values()]
    assert parse_predictions(lines, documents=documents) == predictions
    for document in documents:
        tokens = tokenize(document.text)
        for entities in (document.entities, predictions[document.id].entities):
            iob2_tags(tokens, [(e.start, e.end, e.label) for e in entities], where=document.id)  # raises if misaligned
            ordered = sorted(entities, key=lambda e: e.start)
            assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:])), "entities must be flat"


def test_the_ledger_accounts_for_every_item(generate):
    documents = generate.generate_corpus(30, seed=0)
    predictions, ledger = generate.generate_predictions(documents, seed=0)
    for layer in ("entities", "dates", "quotes"):
        gold = sum(len(getattr(d, layer)) for d in documents)
        predicted = sum(len(getattr(p, layer)) for p in predictions.values())
        kinds = ledger.counts[layer]
        assert sum(number for kind, number in kinds.items() if kind != "spurious") == gold
        assert gold - kinds.get("drop", 0) + kinds.get("spurious", 0) == predicted
    # exact-span-and-label matches are the untouched entities; every other injected error is a FP, a FN or both
    counts = strict_entity_counts(gold=[d.entities for d in documents], predicted=[predictions[d.id].entities for d in documents])
    kinds = Counter(ledger.counts["entities"])
    assert sum(c.tp for c in counts.values()) == kinds["right"]
    assert sum(c.fp for c in counts.values()) == kinds["label"] + kinds["shift"] + kinds["spurious"]
    assert sum(c.fn for c in counts.values()) == kinds["drop"] + kinds["label"] + kinds["shift"]


def test_no_errors_asked_gives_the_gold_back(generate):
    documents = generate.generate_corpus(5, seed=0)
    none = generate.ErrorRates(**{name: 0.0 for name in asdict(generate.ErrorRates())})
    predictions, ledger = generate.generate_predictions(documents, seed=0, rates=none)
    for document in documents:
        prediction = predictions[document.id]
        assert [asdict(e) | {"id": ""} for e in document.entities] == [asdict(e) for e in prediction.entities]
        assert [asdict(t) | {"id": ""} for t in document.dates] == [asdict(t) for t in prediction.dates]
        assert [asdict(q) | {"id": ""} for q in document.quotes] == [asdict(q) for q in prediction.quotes]
    assert set(ledger.counts["entities"]) == {"right"}


def test_span_density_is_near_the_real_corpus(generate):
    figures = generate.corpus_figures(generate.generate_corpus(200, seed=0))
    real = generate.REAL_CORPUS
    for key, per in (("entity", "entities"), ("date", "dates"), ("quote", "quotes")):
        target = real["characters"] / real[per]
        assert 0.8 * target <= figures[f"characters_per_{key}"] <= 1.25 * target, key
