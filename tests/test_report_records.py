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
from frnewsbench.report.records import (
    HEADER_KEY, PARQUET, RecordsError, check_records_of, read_records, read_records_header, record_problem,
    records_format, records_header, write_records,
)
from frnewsbench.report.result import Result, SystemInfo, load_result, ResultError
from frnewsbench.schema import LAYERS, Entity, Prediction, Quote, Span, TimeExpression
from frnewsbench.scoring import FALSE_NEGATIVE, FALSE_POSITIVE, MATCH, MatchRecord, evaluate, match_records
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
    assert len(lines) == len(read_back) + 1 > 1  # the header line, then a record per line
    header = json.loads(lines[0])[HEADER_KEY]
    assert header == read_records_header(records_file) == records_header(result)
    assert header["system"]["versions"]["predictions_sha256"] == result.system.versions["predictions_sha256"]
    assert (header["dataset"]["hash"], header["layers"]) == (result.dataset_hash, ["entities", "dates", "quotes"])
    assert set(json.loads(lines[1])) == {"layer", "document", "outcome", "differences", "gold", "predicted", "overlap"}
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


HEADER = {"records_schema_version": "1.0", "harness": {"name": "frnewsbench", "version": "test"}}


def _write(path: Path, records, form: str | None = None) -> int:
    with open(path, "wb") as out:
        return write_records(out, iter(records), header=HEADER, form=form or records_format(path))


def _header_line() -> str:
    return json.dumps({HEADER_KEY: HEADER}) + "\n"


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
        assert _write(tmp_path / name, kept) == len(kept)
        read_back = list(read_records(tmp_path / name))
        assert read_back == kept and _ids(read_back) == ids, name  # ids are not compared by ==
        assert read_records_header(tmp_path / name) == HEADER
    assert (tmp_path / "r.parquet").read_bytes()[:4] == b"PAR1"
    assert (tmp_path / "r.parquet").read_bytes() == (tmp_path / "R.PARQUET").read_bytes()  # deterministic
    # JSON Lines: an item without an id has no id key (as in saved predictions)
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()[1:]]
    predicted = [line["predicted"] for line in lines if line["predicted"] is not None]
    assert {("id" in item) for item in predicted} == {True, False}
    assert all(item["id"] for item in predicted if "id" in item)
    # Parquet: the seven columns, one row per record, other layers' fields null, the header in the metadata
    table = pq.read_table(tmp_path / "r.parquet")
    assert table.column_names == ["layer", "document", "outcome", "differences", "gold", "predicted", "overlap"]
    assert json.loads(table.schema.metadata[HEADER_KEY.encode()]) == HEADER
    assert table.num_rows == len(kept)
    rows = table.to_pylist()
    entity_rows = [row for row in rows if row["layer"] == "entities" and row["predicted"] is not None]
    assert entity_rows and all(row["predicted"]["content"] is None and row["predicted"]["value"] is None
                               for row in entity_rows)
    assert [row["predicted"]["id"] for row in entity_rows] == [
        r.predicted.id for layer, _, r in kept if layer == "entities" and r.predicted is not None]
    quote_rows = [row for row in rows if row["layer"] == "quotes" and row["gold"] is not None]
    assert [(row["gold"]["content"]["start"], row["gold"]["speaker"]["text"]) for row in quote_rows] == [
        (r.gold.content.start, r.gold.speaker.text) for layer, _, r in kept if layer == "quotes" and r.gold is not None]


def test_the_parquet_item_struct_holds_every_field_of_every_layer_and_nothing_else():
    item = records_module.parquet_schema().field("gold").type
    union = {name for fields in records_module.LAYER_FIELDS.values() for name in fields}
    assert [field.name for field in item] and {field.name for field in item} == union
    assert records_module.LAYER_FIELDS["quotes"] == ("content", "type", "speaker", "speaker_entity_id", "cue", "id")


def test_parquet_records_are_written_a_row_group_at_a_time_within_one_layer(tmp_path, monkeypatch):
    rng = random.Random(3)
    gold = [random_document(rng, f"d{index}") for index in range(10)]
    kept = list(match_records(gold=gold, predictions={d.id: random_prediction(rng, d) for d in gold}))
    monkeypatch.setattr(records_module, "PARQUET_BATCH", 4)
    _write(tmp_path / "r.parquet", kept)
    per_layer = {layer: sum(1 for record_layer, _, _ in kept if record_layer == layer) for layer in LAYERS}
    groups = pq.ParquetFile(tmp_path / "r.parquet").metadata.num_row_groups
    assert groups == sum(-(-count // 4) for count in per_layer.values())  # ceil(count / 4) per layer
    monkeypatch.setattr(records_module, "BATCH", 7)  # batches read across row groups and layers
    assert list(read_records(tmp_path / "r.parquet")) == kept
    assert _write(tmp_path / "empty.parquet", []) == 0 and _write(tmp_path / "empty.jsonl", []) == 0
    assert list(read_records(tmp_path / "empty.parquet")) == list(read_records(tmp_path / "empty.jsonl")) == []


A_MATCH = MatchRecord(MATCH, Entity(0, 3, "abc", "PER"), Entity(0, 3, "abc", "ORG"), ("label",))


@pytest.mark.parametrize(("record", "problem"), [
    (A_MATCH, None),
    (MatchRecord("banana", Entity(0, 3, "abc", "PER")), "the outcome 'banana' is none of match, false_positive, false_negative"),
    (MatchRecord(MATCH), "a match record without a gold item"),
    (MatchRecord(FALSE_POSITIVE, Entity(0, 3, "abc", "PER"), Entity(0, 3, "abc", "PER")), "a false_positive record with a gold item"),
    (MatchRecord(FALSE_NEGATIVE, None, Entity(0, 3, "abc", "PER")), "a false_negative record without a gold item"),
    (dataclasses.replace(A_MATCH, gold=Entity(None, 3, "abc", "PER")), "its gold item: the offsets [None, 3) are not"),
    (dataclasses.replace(A_MATCH, gold=Entity("0", 3, "abc", "PER")), "its gold item: the offsets ['0', 3) are not"),
    (dataclasses.replace(A_MATCH, gold=Entity(4, 3, "abc", "PER")), "0 <= start <= end"),
    (dataclasses.replace(A_MATCH, predicted=Entity(0, 3, "abc", None)), "its predicted item: the label None is not a string"),
    (dataclasses.replace(A_MATCH, predicted=TimeExpression(0, 3, "abc", "DATE", "2023")), "expected Entity fields, found TimeExpression"),
    (dataclasses.replace(A_MATCH, differences=("colour",)), "the differences ['colour'] are not among boundary"),
    (MatchRecord(FALSE_POSITIVE, None, Entity(0, 3, "abc", "PER"), ("label",)), "a false_positive record with differences"),
    (dataclasses.replace(A_MATCH, overlap=1.5), "the overlap 1.5 is not a number from 0 to 1"),
])
def test_record_problem_names_what_makes_a_record_no_match_record(record, problem):
    found = record_problem("entities", record)
    assert found is None if problem is None else problem in found, found


def test_record_problem_checks_the_quotes_spans_and_the_dates_fields():
    quote = Quote(Span(0, 5, "hello"), "direct", Span(6, 9, "Ann"), None, Span(10, 13, "dit"))
    assert record_problem("quotes", MatchRecord(FALSE_NEGATIVE, quote)) is None
    assert record_problem("quotes", MatchRecord(FALSE_NEGATIVE, dataclasses.replace(quote, content=None))) \
        == "its gold item: the content is missing"
    assert record_problem("quotes", MatchRecord(FALSE_NEGATIVE, dataclasses.replace(quote, cue=Span(3, 1, "x")))) \
        .startswith("its gold item: its cue: the offsets [3, 1) are not")
    assert record_problem("dates", MatchRecord(FALSE_NEGATIVE, TimeExpression(0, 4, "2023", "DATE", None))) \
        == "its gold item: the value None is not a string"
    assert record_problem("dates", MatchRecord(FALSE_NEGATIVE, TimeExpression(0, 4, "2023", "DATE", "2023", 5))) \
        == "its gold item: the mod 5 is neither a string nor null"


def test_a_json_lines_records_file_that_is_not_one_is_refused_with_its_line(tmp_path):
    path = tmp_path / "records.jsonl"
    cases = [
        ("", "expected a records file, starting with its header line; found an empty file"),
        ('{"layer": "entities"}\n', "found line 1 is '{\"layer\": \"entities\"}\\n', not the header"),
        (_header_line() + '{"layer": "entities", "document": "d", "outcome": "match"}\n',
         "records.jsonl line 2: not a match record (the key 'gold' is missing)"),
        (_header_line() + '\n{"layer": "people", "document": "d"}\n',
         "records.jsonl line 3: not a match record (the layer 'people' is none of entities, dates, quotes)"),
        (_header_line() + "[1, 2]\n", "line 2: not a match record (expected a JSON object, found a list)"),
        (_header_line() + "{not json\n", "line 2: not JSON"),
        (_header_line() + json.dumps({"layer": "entities", "document": "d", "outcome": "banana", "differences": [],
                                      "gold": None, "predicted": None, "overlap": None}) + "\n",
         "line 2: not a match record (the outcome 'banana' is none of match, false_positive, false_negative)"),
        (_header_line() + json.dumps({"layer": "entities", "document": "d", "outcome": "false_negative", "differences": [],
                                      "gold": {"start": "0", "end": 3, "text": "abc", "label": "PER", "entity_id": None,
                                               "canonical_name": None}, "predicted": None, "overlap": None}) + "\n",
         "line 2: not a match record (its gold item: the offsets ['0', 3) are not two whole numbers"),
        (_header_line() + json.dumps({"layer": "entities", "document": "d", "outcome": "match", "differences": None,
                                      "gold": None, "predicted": None, "overlap": None}) + "\n",
         "line 2: not a match record ('NoneType' object is not iterable)"),
    ]
    for content, message in cases:
        path.write_text(content, encoding="utf-8")
        with pytest.raises(RecordsError) as raised:
            list(read_records(path))
        assert message in str(raised.value) and str(raised.value).startswith(str(path)), (content, str(raised.value))
    with pytest.raises(RecordsError, match="cannot read the records file"):
        list(read_records(tmp_path / "missing.jsonl"))
    with pytest.raises(RecordsError, match="not a regular file"):
        list(read_records(tmp_path))


def test_a_parquet_file_that_holds_no_match_records_is_refused_with_its_row(tmp_path):
    import pyarrow as pa

    path = tmp_path / "other.parquet"
    metadata = {HEADER_KEY: json.dumps(HEADER)}
    pq.write_table(pa.table({"layer": ["entities"], "document": ["d"]}), path)
    with pytest.raises(RecordsError, match="other.parquet: a Parquet file without the header of a records file"):
        list(read_records(path))
    pq.write_table(pa.table({"layer": ["entities"], "document": ["d"]}).replace_schema_metadata(metadata), path)
    with pytest.raises(RecordsError, match=r"other.parquet: a Parquet file without the column\(s\) outcome, differences, "
                                           r"gold, predicted, overlap of match records \(it has layer, document\)"):
        list(read_records(path))
    rng = random.Random(4)
    gold = [random_document(rng, f"d{index}") for index in range(6)]
    kept = list(match_records(gold=gold, predictions={d.id: random_prediction(rng, d) for d in gold}))
    schema = records_module.parquet_schema().with_metadata(metadata)
    table = pa.Table.from_batches([records_module._parquet_batch(schema, "entities", [
        (document, record) for layer, document, record in kept if layer == "entities"])])
    rows = table.num_rows
    assert rows >= 2 and table.column("gold").null_count < rows

    def refused(column: int, name: str, values, message: str) -> None:
        pq.write_table(table.set_column(column, name, values), path)
        with pytest.raises(RecordsError, match=message):
            list(read_records(path))

    last = rf"other.parquet row {rows}: not a match record"
    refused(0, "layer", pa.array(["entities"] * (rows - 1) + ["people"]), rf"{last} \(the layer 'people' is none")
    refused(2, "outcome", pa.array(table.column("outcome").to_pylist()[:-1] + [None], pa.string()),
            rf"{last} \(the outcome None is none")
    refused(3, "differences", pa.array(table.column("differences").to_pylist()[:-1] + [None], pa.list_(pa.string())),
            rf"{last} \(the differences are None, not a list of names\)")
    golds = table.column("gold").combine_chunks()
    fields = {field.name: golds.field(field.name) for field in golds.type}
    fields["start"] = pa.nulls(rows, pa.int64())
    first_gold = 1 + golds.is_valid().to_pylist().index(True)
    refused(4, "gold", pa.StructArray.from_arrays(list(fields.values()), fields=list(golds.type), mask=golds.is_null()),
            rf"other.parquet row {first_gold}: not a match record \(its gold item: the offsets \[None, ")
    refused(6, "overlap", pa.array(["0.5"] * rows), r"other.parquet: the column overlap is string, where match records have double")
    # the bytes of a data page damaged, the footer intact
    pq.write_table(table, path, compression="none")
    data = bytearray(path.read_bytes())
    data[8:200] = b"\xff" * 192
    path.write_bytes(bytes(data))
    with pytest.raises(RecordsError, match=r"other.parquet: a damaged Parquet file, unreadable after row 0"):
        list(read_records(path))
    path.write_bytes(b"PAR1 and then no Parquet at all")
    with pytest.raises(RecordsError, match="other.parquet: not a readable Parquet file"):
        list(read_records(path))
    path.write_bytes(b"")
    with pytest.raises(RecordsError, match="found an empty file"):
        list(read_records(path))
    path.write_bytes(b"ceci n'est pas une pipe\n")
    with pytest.raises(RecordsError, match=r"found a file that does not start with PAR1: not a Parquet file"):
        list(read_records(path))


def _scored(gold, predictions, name="s", versions=None) -> Result:
    return Result(SystemInfo(name, versions or {}), "sha256:x", "1", "0",
                  evaluate(gold=gold, predictions=predictions, bootstrap_samples=5))


def test_records_of_another_result_are_refused_by_their_header_or_their_counts():
    rng = random.Random(8)
    gold = [random_document(rng, f"d{index}") for index in range(6)]
    first = {d.id: random_prediction(rng, d) for d in gold}
    second = dict(first, d2=Prediction("d2", entities=(), dates=first["d2"].dates, quotes=first["d2"].quotes))
    scored = _scored(gold, first, versions={"predictions_sha256": "aa"})
    header = records_header(scored)
    assert check_records_of(scored, header, match_records(gold=gold, predictions=first), gold) == len(list(
        evaluation_records(scored.evaluation)))
    for key, value, name in (("dataset", {"hash": "sha256:y"}, "dataset"), ("layers", ["entities"], "scored layers"),
                             ("system", records_header(_scored(gold, first, versions={"predictions_sha256": "bb"}))["system"],
                              "system"), ("harness", {"name": "frnewsbench", "version": "9"}, "harness")):
        with pytest.raises(RecordsError, match=rf"R: the records of another result: their {name}: .*; the result's: "):
            check_records_of(scored, {**header, key: value}, match_records(gold=gold, predictions=first), gold,
                             source="R")
    assert gold[2].entities  # so that the two differ there
    counts = scored.evaluation.layers["entities"].documents[2].counts.headline
    with pytest.raises(RecordsError, match=rf"R: not the match records of this result: in entities, document 'd2', they "
                                           rf"add up to TP 0, FP 0, FN {len(gold[2].entities)} where the result has "
                                           rf"TP {counts.tp}, FP {counts.fp}, FN {counts.fn}; write it with"):
        check_records_of(scored, header, match_records(gold=gold, predictions=second), gold, source="R")
    with pytest.raises(RecordsError, match=r"R: the record number 1 \(entities\) is for the document 'elsewhere', which "
                                           r"the result does not have"):
        check_records_of(scored, header, iter([("entities", "elsewhere", A_MATCH)]), gold, source="R")


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
    said = capsys.readouterr()
    assert f"wrote {tmp_path / 'h2.html'}" in said.out
    assert f"gold: {GOLD_DIR.resolve()} (from --gold), 2 document(s), dataset sha256:" in said.err  # which gold
    # a system that differs from it only where the headline does not look (a date's type): same headline counts
    predictions = [json.loads(line) for line in PREDICTIONS.read_text(encoding="utf-8").splitlines()]
    date = next(date for line in predictions for date in line.get("dates", []))
    date["type"] = "TIME" if date["type"] != "TIME" else "DATE"
    retyped = tmp_path / "retyped.jsonl"
    retyped.write_text("".join(json.dumps(line) + "\n" for line in predictions), encoding="utf-8")
    other = tmp_path / f"other{records.suffix}"
    assert main(["score", "--predictions", str(retyped), "--gold", str(GOLD_DIR), "--system", "harness_predictions",
                 "--bootstrap-samples", "5", "--records", str(other)]) == 0
    capsys.readouterr()
    before = sorted(path.name for path in tmp_path.iterdir())
    # what cannot be rendered is refused with the reason, and nothing is written
    refusals = [
        (["report", str(tmp_path / "r.json"), "--gold", str(GOLD_DIR), "--errors", str(tmp_path / "x.md")],
         "the error analysis and the HTML page are made of the match records, which the result does not hold"),
        ([*later[:4], "--errors", str(tmp_path / "x.md")], "the result was scored against dataset sha256:"),
        ([*later], "nothing to write: ask for --markdown FILE, --errors FILE or --html FILE"),
        ([*later, "--html", str(records)], f"--html {records} is the records file"),
        ([*later, "--markdown", str(tmp_path / "r.json")], "is the result file"),
        ([*later[:3], str(other), *later[4:], "--errors", str(tmp_path / "x.md")],
         f"{other}: the records of another result: their system: "),
        ([*later[:3], str(other), *later[4:], "--markdown", str(tmp_path / "x.md")],  # checked though no report reads them
         f"{other}: the records of another result: their system: "),
        (["report", str(records), "--records", str(tmp_path / "r.json"), "--gold", str(GOLD_DIR), "--errors",
          str(tmp_path / "x.md")], f"{records}: a match records file (written by --records), not a result file"),
        ([*later[:3], str(tmp_path / "r.json"), *later[4:], "--errors", str(tmp_path / "x.md")],
         "found a result file (written by --output), not a records file"),
    ]
    for argv, message in refusals:
        assert main(argv) == 1, argv
        error = capsys.readouterr().err
        assert message in error and "Traceback" not in error, (argv, error)
    assert sorted(path.name for path in tmp_path.iterdir()) == before


def test_write_reports_takes_a_result_object_and_writes_the_markdown_without_records(tmp_path):
    from frnewsbench.api import write_reports

    result = score(predictions=PREDICTIONS, gold=GOLD_DIR, bootstrap_samples=20, keep_records=False)
    assert write_reports(result=result, gold=GOLD_DIR, markdown=tmp_path / "m.md") is result
    assert (tmp_path / "m.md").read_text(encoding="utf-8") == render_markdown(result)


@pytest.mark.parametrize("outputs", [("errors",), ("markdown",), ("errors", "html")])
def test_write_reports_refuses_records_that_do_not_add_up_though_their_header_is_the_results(tmp_path, outputs):
    from frnewsbench.api import write_reports

    gold = load_corpus(GOLD_DIR)
    result = score(predictions=PREDICTIONS, gold=gold, bootstrap_samples=5, keep_records=False)
    nothing = {document.id: Prediction(document.id, entities=(), dates=(), quotes=()) for document in gold}
    forged = tmp_path / "forged.parquet"
    with open(forged, "wb") as out:  # the result's header over another system's records
        write_records(out, match_records(gold=gold, predictions=nothing), header=records_header(result), form=PARQUET)
    with pytest.raises(RecordsError, match=r"forged.parquet: not the match records of this result: in entities, "
                                           r"document 't-001', they add up to TP 0, FP 0, FN \d+ where the result has TP"):
        write_reports(result=result, records_from=forged, gold=GOLD_DIR,
                      **{name: tmp_path / f"out.{name}" for name in outputs})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["forged.parquet"]  # nothing written


def test_records_that_contradict_the_gold_are_refused_with_what_does_not_fit():
    rng = random.Random(21)
    gold = [random_document(rng, f"d{index}") for index in range(8)]
    predictions = {d.id: random_prediction(rng, d) for d in gold}
    scored = _scored(gold, predictions)
    header = records_header(scored)
    records = list(match_records(gold=gold, predictions=predictions))
    assert check_records_of(scored, header, iter(records), gold) == len(records)

    def refused(index: int, changed: MatchRecord, message: str, at: int | None = None) -> None:
        """``records`` with ``changed`` in place of record ``index``, refused at record ``at`` (``index``)."""
        at = index if at is None else at
        forged = [*records[:index], (records[index][0], records[index][1], changed), *records[index + 1:]]
        with pytest.raises(RecordsError, match=rf"R: the record number {at + 1} \({records[at][0]}, document "
                                               rf"'{records[at][1]}'\) does not fit the gold: {message}"):
            check_records_of(scored, header, iter(forged), gold, source="R")

    # an entity match right in every respect: its predicted start moved, its differences left empty
    gold_entities = {d.id: len(d.entities) for d in gold}
    where = next(i for i, (layer, document, r) in enumerate(records) if layer == "entities" and r.correct
                 and r.predicted.end - r.predicted.start > 1 and gold_entities[document] >= 2)
    record = records[where][2]
    refused(where, dataclasses.replace(record, predicted=dataclasses.replace(record.predicted, start=record.predicted.start + 1)),
            r"its differences \[\] are not those of its items \(\['boundary'\]")
    # its gold label changed: no longer a gold item
    refused(where, dataclasses.replace(record, gold=dataclasses.replace(record.gold, label="MISC" if record.gold.label != "MISC" else "PER")),
            r"its gold item .* is none of the gold's items left")
    # its gold item given again in place of the next gold record of the same document and layer
    again = next(i for i, (layer, document, r) in enumerate(records) if i != where and layer == "entities"
                 and document == records[where][1] and r.gold is not None)
    refused(again, dataclasses.replace(records[again][2], gold=record.gold, predicted=None, outcome=FALSE_NEGATIVE,
                                       differences=()), r"its gold item .* is none of the gold's items left",
            at=max(again, where))  # the second record to hold it
    # a predicted span past the end of the text
    spurious = next(i for i, (layer, _, r) in enumerate(records) if r.outcome == FALSE_POSITIVE and layer == "entities")
    length = len(next(d for d in gold if d.id == records[spurious][1]).text)
    refused(spurious, dataclasses.replace(records[spurious][2], predicted=dataclasses.replace(
        records[spurious][2].predicted, start=length + 5, end=length + 9)),
            rf"the span \[{length + 5}, {length + 9}\) ends after the text, which has {length} characters")
    # a quote match whose type differs without the difference said
    quote = next(i for i, (layer, _, r) in enumerate(records) if layer == "quotes" and r.outcome == MATCH
                 and "type" not in r.differences)
    other_type = "indirect" if records[quote][2].predicted.type == "direct" else "direct"
    refused(quote, dataclasses.replace(records[quote][2], predicted=dataclasses.replace(records[quote][2].predicted,
                                                                                       type=other_type)),
            r"its differences .* are not those of its items \(.*'type'")
