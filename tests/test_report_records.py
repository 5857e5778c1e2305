"""Match records on their own file (``--records``): streamed out, read back as the same stream,
and the figures without them are the same."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from frnewsbench.api import score
from frnewsbench.cli import main
from frnewsbench.gold import load_corpus
from frnewsbench.report.errors import evaluation_records, render_errors
from frnewsbench.report.records import RecordsError, read_records
from frnewsbench.scoring import FALSE_NEGATIVE, FALSE_POSITIVE, MATCH, evaluate, match_records
from test_scoring_evaluate import random_document, random_prediction

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"
PREDICTIONS = Path(__file__).parent / "data" / "harness_predictions.jsonl"


def test_the_records_stream_is_the_one_evaluate_keeps_and_its_figures_do_not_depend_on_it():
    rng = random.Random(5)
    gold = [random_document(rng, f"d{index}") for index in range(12)]
    predictions = {d.id: random_prediction(rng, d) for d in gold[:10]}  # two documents missing
    kept = evaluate(gold=gold, predictions=predictions, bootstrap_samples=50)
    bare = evaluate(gold=gold, predictions=predictions, bootstrap_samples=50, records=False)
    assert bare.to_dict() == kept.to_dict()  # every figure, intervals included
    assert all(document.records is None for layer in bare.layers.values() if layer for document in layer.documents)
    streamed = list(match_records(gold=gold, predictions=predictions))
    assert streamed == list(evaluation_records(kept)) and streamed
    # each gold and each predicted item is in exactly one record
    for layer, evaluation in kept.layers.items():
        records = [record for record_layer, _, record in streamed if record_layer == layer]
        gold_items = sum(len(getattr(d, layer)) for d in gold)
        predicted_items = sum(len(getattr(p, layer) or ()) for p in predictions.values())
        assert sum(r.outcome in (MATCH, FALSE_NEGATIVE) for r in records) == gold_items
        assert sum(r.outcome in (MATCH, FALSE_POSITIVE) for r in records) == predicted_items


def test_score_writes_the_records_file_and_the_error_report_reads_it(tmp_path):
    records_file, errors_file = tmp_path / "records.jsonl", tmp_path / "errors.md"
    gold = load_corpus(GOLD_DIR)
    result = score(predictions=PREDICTIONS, gold=gold, records=records_file, errors=errors_file,
                   keep_records=False, bootstrap_samples=20)
    assert all(document.records is None for layer in result.evaluation.layers.values() if layer
               for document in layer.documents)
    kept = score(predictions=PREDICTIONS, gold=gold, bootstrap_samples=20)
    read_back = list(read_records(records_file))
    assert read_back == list(evaluation_records(kept.evaluation))
    lines = records_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(read_back) > 0
    first = json.loads(lines[0])
    assert set(first) == {"layer", "document", "outcome", "differences", "gold", "predicted", "overlap"}
    # the error report of the command (records scored again) = from the file = from the kept records
    assert errors_file.read_text(encoding="utf-8") == render_errors(result, gold, read_records(records_file)) \
        == render_errors(kept, gold)


def test_the_command_writes_records_only_when_asked(tmp_path, capsys):
    common = ["score", "--predictions", PREDICTIONS, "--gold", GOLD_DIR, "--bootstrap-samples", 20]
    assert main([*map(str, common), "--output", str(tmp_path / "a.json")]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.json"]
    assert "records" not in (tmp_path / "a.json").read_text(encoding="utf-8")
    assert main([*map(str, common), "--output", str(tmp_path / "b.json"), "--records", str(tmp_path / "r.jsonl")]) == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert f"wrote {tmp_path / 'r.jsonl'}" in capsys.readouterr().out
    assert list(read_records(tmp_path / "r.jsonl")) == list(evaluation_records(
        score(predictions=PREDICTIONS, gold=GOLD_DIR, bootstrap_samples=20).evaluation))


def test_a_records_file_that_is_not_one_is_refused_with_its_line(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text('{"layer": "entities", "document": "d", "outcome": "match"}\n', encoding="utf-8")
    with pytest.raises(RecordsError, match=r"records.jsonl line 1: not a match record \(the key 'gold' is missing\)"):
        list(read_records(path))
    path.write_text('\n{"layer": "people"}\n', encoding="utf-8")
    with pytest.raises(RecordsError, match=r"line 2: not a match record \(ValueError: unknown layer 'people'\)"):
        list(read_records(path))
    with pytest.raises(RecordsError, match="cannot read the records file"):
        list(read_records(tmp_path / "missing.jsonl"))
