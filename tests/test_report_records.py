"""Match records on their own file (``--records``, JSON Lines or Parquet): streamed out, read back
as the same stream, checked against their result, and the figures without them are the same; the
``report`` command renders the error reports from them later."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from frnewsbench.api import score
from frnewsbench.cli import main
from frnewsbench.gold import load_corpus
from frnewsbench.report.errors import evaluation_records, render_errors
from frnewsbench.report import records as records_module
from frnewsbench.report.markdown import render_markdown
from frnewsbench.report.records import PARQUET, RecordsError, check_records_of, read_records, write_records
from frnewsbench.schema import LAYERS, Prediction
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
    with pytest.raises(RecordsError, match=r"line 2: not a match record \(the layer 'people' is none of entities, dates, quotes\)"):
        list(read_records(path))
    with pytest.raises(RecordsError, match="cannot read the records file"):
        list(read_records(tmp_path / "missing.jsonl"))


def _with_some_ids(rng: random.Random, prediction):
    """``prediction`` with an id on about half of its items (the others keep none)."""
    def named(items, prefix):
        return tuple(dataclasses.replace(item, id=f"{prefix}{index}") if rng.random() < 0.5 else item
                     for index, item in enumerate(items))

    return dataclasses.replace(prediction, entities=named(prediction.entities, "p-e"),
                               dates=named(prediction.dates, "p-t"), quotes=named(prediction.quotes, "p-q"))


def _ids(stream):
    return [(layer, document, None if r.gold is None else r.gold.id, None if r.predicted is None else r.predicted.id)
            for layer, document, r in stream]


def test_parquet_and_json_lines_records_read_back_as_the_evaluations_records_ids_included(tmp_path):
    rng = random.Random(11)
    gold = [random_document(rng, f"d{index}") for index in range(15)]
    predictions = {d.id: _with_some_ids(rng, random_prediction(rng, d)) for d in gold[:13]}
    kept = list(evaluation_records(evaluate(gold=gold, predictions=predictions, bootstrap_samples=10)))
    ids = _ids(kept)
    assert any(i[3] == "" for i in ids) and any(i[3] and i[3].startswith("p-") for i in ids)  # both kinds present
    for name in ("r.jsonl", "r.parquet", "R.PARQUET"):
        with open(tmp_path / name, "wb") as out:
            written = write_records(out, iter(kept), form=records_module.records_format(name))
        assert written == len(kept)
        read_back = list(read_records(tmp_path / name))
        assert read_back == kept and _ids(read_back) == ids, name  # ids are not compared by ==
    assert (tmp_path / "r.parquet").read_bytes()[:4] == (tmp_path / "R.PARQUET").read_bytes()[:4] == b"PAR1"
    assert (tmp_path / "r.parquet").read_bytes() == (tmp_path / "R.PARQUET").read_bytes()  # deterministic
    # JSON Lines: an item without an id has no id key (as in saved predictions)
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    predicted = [line["predicted"] for line in lines if line["predicted"] is not None]
    assert {("id" in item) for item in predicted} == {True, False}
    assert all(item["id"] for item in predicted if "id" in item)
    # Parquet: the seven columns, one row per record, other layers' fields null, a missing id null
    table = pq.read_table(tmp_path / "r.parquet")
    assert table.column_names == ["layer", "document", "outcome", "differences", "gold", "predicted", "overlap"]
    assert table.num_rows == len(kept)
    rows = table.to_pylist()
    entity_rows = [row for row in rows if row["layer"] == "entities" and row["predicted"] is not None]
    assert entity_rows and all(row["predicted"]["content"] is None and row["predicted"]["value"] is None
                               for row in entity_rows)
    assert [row["predicted"]["id"] for row in entity_rows] == [
        r.predicted.id or None for layer, _, r in kept if layer == "entities" and r.predicted is not None]
    quote_rows = [row for row in rows if row["layer"] == "quotes" and row["gold"] is not None]
    assert [(row["gold"]["content"]["start"], row["gold"]["speaker"]["text"]) for row in quote_rows] == [
        (r.gold.content.start, r.gold.speaker.text) for layer, _, r in kept if layer == "quotes" and r.gold is not None]


def test_parquet_records_are_written_a_row_group_at_a_time_within_one_layer(tmp_path, monkeypatch):
    rng = random.Random(3)
    gold = [random_document(rng, f"d{index}") for index in range(10)]
    kept = list(match_records(gold=gold, predictions={d.id: random_prediction(rng, d) for d in gold}))
    monkeypatch.setattr(records_module, "PARQUET_BATCH", 4)
    with open(tmp_path / "r.parquet", "wb") as out:
        write_records(out, iter(kept), form=PARQUET)
    per_layer = {layer: sum(1 for record_layer, _, _ in kept if record_layer == layer) for layer in LAYERS}
    groups = pq.ParquetFile(tmp_path / "r.parquet").metadata.num_row_groups
    assert groups == sum(-(-count // 4) for count in per_layer.values())  # ceil(count / 4) per layer
    assert list(read_records(tmp_path / "r.parquet")) == kept
    with open(tmp_path / "empty.parquet", "wb") as out:
        assert write_records(out, iter(()), form=PARQUET) == 0
    assert list(read_records(tmp_path / "empty.parquet")) == []


def test_a_parquet_file_that_holds_no_match_records_is_refused_with_its_row(tmp_path):
    import pyarrow as pa

    path = tmp_path / "other.parquet"
    pq.write_table(pa.table({"layer": ["entities"], "document": ["d"]}), path)
    with pytest.raises(RecordsError, match=r"other.parquet: a Parquet file without the column\(s\) outcome, differences, "
                                           r"gold, predicted, overlap of match records \(it has layer, document\)"):
        list(read_records(path))
    rng = random.Random(4)
    gold = [random_document(rng, "d0")]
    kept = list(match_records(gold=gold, predictions={"d0": random_prediction(rng, gold[0])}))
    table = pa.Table.from_batches([records_module._parquet_batch(records_module.parquet_schema(), "entities", [
        ("d0", record) for layer, _, record in kept if layer == "entities"])])
    rows = table.num_rows
    assert rows >= 2
    bad = table.set_column(0, "layer", pa.array(["entities"] * (rows - 1) + ["people"]))
    pq.write_table(bad, path)
    with pytest.raises(RecordsError, match=rf"other.parquet row {rows}: not a match record \(the layer 'people' is none"):
        list(read_records(path))
    pq.write_table(table.set_column(6, "overlap", pa.array(["0.5"] * rows)), path)
    with pytest.raises(RecordsError, match=r"other.parquet: the column overlap is string, where match records have double"):
        list(read_records(path))
    path.write_bytes(b"PAR1 and then no Parquet at all")
    with pytest.raises(RecordsError, match="other.parquet: not a readable Parquet file"):
        list(read_records(path))


def test_records_of_another_result_are_refused_with_the_document_and_the_counts(tmp_path):
    rng = random.Random(8)
    gold = [random_document(rng, f"d{index}") for index in range(6)]
    first = {d.id: random_prediction(rng, d) for d in gold}
    second = dict(first, d2=Prediction("d2", entities=(), dates=first["d2"].dates, quotes=first["d2"].quotes))
    result = evaluate(gold=gold, predictions=first, bootstrap_samples=5)
    assert gold[2].entities  # so that the two differ there
    from frnewsbench.report.result import Result, SystemInfo

    scored = Result(SystemInfo("s"), "sha256:x", "1", "0", result)
    assert check_records_of(scored, match_records(gold=gold, predictions=first)) == len(list(evaluation_records(result)))
    counts = result.layers["entities"].documents[2].counts.headline
    with pytest.raises(RecordsError, match=rf"R: not the match records of this result: in entities, document 'd2', they "
                                           rf"add up to TP 0, FP 0, FN {len(gold[2].entities)} where the result has "
                                           rf"TP {counts.tp}, FP {counts.fp}, FN {counts.fn}; write the result and its"):
        check_records_of(scored, match_records(gold=gold, predictions=second), source="R")
    with pytest.raises(RecordsError, match=r"R: record 1 \(entities\) is for the document 'elsewhere', which is not in"):
        check_records_of(scored, iter([("entities", "elsewhere", next(iter(match_records(gold=gold, predictions=first)))[2])]),
                         source="R")


@pytest.mark.parametrize("records_name", ["records.jsonl", "records.parquet"])
def test_the_report_command_renders_what_score_wrote_from_the_result_and_its_records(tmp_path, capsys, records_name):
    common = ["score", "--predictions", PREDICTIONS, "--gold", GOLD_DIR, "--bootstrap-samples", 20]
    records = tmp_path / records_name
    assert main([*map(str, common), "--output", str(tmp_path / "r.json"), "--records", str(records),
                 "--markdown", str(tmp_path / "m1.md"), "--errors", str(tmp_path / "e1.md"),
                 "--html", str(tmp_path / "h1.html")]) == 0
    later = ["report", str(tmp_path / "r.json"), "--records", str(records), "--gold", str(GOLD_DIR)]
    assert main([*later, "--markdown", str(tmp_path / "m2.md"), "--errors", str(tmp_path / "e2.md"),
                 "--html", str(tmp_path / "h2.html")]) == 0
    for first, second in (("m1.md", "m2.md"), ("e1.md", "e2.md"), ("h1.html", "h2.html")):
        assert (tmp_path / first).read_bytes() == (tmp_path / second).read_bytes(), first
    assert f"wrote {tmp_path / 'h2.html'}" in capsys.readouterr().out
    before = sorted(path.name for path in tmp_path.iterdir())
    # what cannot be rendered is refused with the reason, and nothing is written
    refusals = [
        (["report", str(tmp_path / "r.json"), "--gold", str(GOLD_DIR), "--errors", str(tmp_path / "x.md")],
         "the error analysis and the HTML page are made of the match records, which the result does not hold"),
        ([*later[:4], "--errors", str(tmp_path / "x.md")], "the result was scored against dataset sha256:"),
        ([*later], "nothing to write: ask for --markdown FILE, --errors FILE or --html FILE"),
        ([*later, "--html", str(records)], f"--html {records} is the records file"),
        ([*later, "--markdown", str(tmp_path / "r.json")], "is the result file"),
    ]
    for argv, message in refusals:
        assert main(argv) == 1, argv
        assert message in capsys.readouterr().err, argv
    # records of another system: refused, with the first document where they do not add up
    other = tmp_path / f"other{records.suffix}"
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"id": "t-001", "entities": []}\n', encoding="utf-8")
    assert main(["score", "--predictions", str(empty), "--gold", str(GOLD_DIR), "--bootstrap-samples", "5",
                 "--records", str(other)]) == 0
    capsys.readouterr()
    assert main([*later[:3], str(other), "--gold", str(GOLD_DIR), "--errors", str(tmp_path / "x.md")]) == 1
    assert "not the match records of this result" in capsys.readouterr().err
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*before, other.name, "empty.jsonl"])


def test_render_reports_takes_a_result_object_and_writes_the_markdown_without_records(tmp_path):
    from frnewsbench.api import render_reports

    result = score(predictions=PREDICTIONS, gold=GOLD_DIR, bootstrap_samples=20, keep_records=False)
    assert render_reports(result=result, gold=GOLD_DIR, markdown=tmp_path / "m.md") is result
    assert (tmp_path / "m.md").read_text(encoding="utf-8") == render_markdown(result)
