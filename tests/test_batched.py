"""Scoring a predictions file against a built dataset a batch of documents at a time
(frnewsbench.batched): the result of reading both whole, byte for byte; any input it cannot take
as it is read whole, with the whole reading's messages."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from test_scoring_evaluate import random_document, random_prediction

from frnewsbench import api
from frnewsbench.align import alignment_report
from frnewsbench.batched import score_in_batches
from frnewsbench.build import build_files
from frnewsbench.corpus import DATASET_DOCUMENTS, NotInBatches, dataset_batches, read_dataset
from frnewsbench.gold import read_gold_batches
from frnewsbench.predictions import (PredictionsError, index_predictions, prediction_to_record, read_predictions_batch,
                                     read_predictions_with_hash)
from frnewsbench.scoring import evaluate


def _dataset(folder: Path, documents) -> Path:
    for name, content in build_files(list(documents)).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder


@pytest.fixture
def corpus(tmp_path):
    """A built dataset of 23 random documents and a predictions file: its lines shuffled, two
    documents without a line, some lines without dates, one entity given by its text alone."""
    rng = random.Random(5)
    gold = [random_document(rng, f"d{index:02d}") for index in range(23)]
    dataset = _dataset(tmp_path / "dataset", gold)
    records = []
    for document in gold[2:]:
        prediction = random_prediction(rng, document)
        if rng.random() < 0.3:
            prediction = replace(prediction, dates=None)
        record = _with_true_texts(prediction_to_record(prediction), document.text)
        if document.entities and "entities" in record:
            first = document.entities[0]
            record["entities"] = [*record["entities"], {"text": first.text, "label": first.label}]
        records.append(record)
    rng.shuffle(records)
    predictions = tmp_path / "system.jsonl"
    predictions.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" + ("\n" if n == 3 else "")
                                   for n, record in enumerate(records)), encoding="utf-8")
    return dataset, predictions


def _with_true_texts(record: dict, text: str) -> dict:
    """The record with each span's text its offsets' (the random spurious items come from another text)."""
    def fix(span):
        if isinstance(span, dict) and "start" in span:
            span["text"] = text[span["start"]:span["end"]]
        return span

    for layer in ("entities", "dates"):
        for item in record.get(layer) or ():
            fix(item)
    for quote in record.get("quotes") or ():
        for role in ("content", "speaker", "cue"):
            fix(quote.get(role))
    return record


def _whole(dataset: Path, predictions: Path, **options) -> api.Result:
    """The result of reading both inputs whole (the gold given as documents)."""
    return api.score(predictions=predictions, gold=read_dataset(dataset), keep_records=False, **options)


@pytest.mark.parametrize("batch_rows", [1, 2, 5, 250])
def test_every_figure_is_the_one_of_reading_both_whole(corpus, batch_rows):
    dataset, predictions = corpus
    gold = read_dataset(dataset)
    whole_predictions, sha256 = read_predictions_with_hash(predictions, documents=gold)
    batched = score_in_batches(predictions, dataset_batches(dataset, batch_rows=batch_rows), layers=None,
                               bootstrap_samples=300, seed=4)
    whole = evaluate(gold=gold, predictions=whole_predictions, bootstrap_samples=300, seed=4, records=False)
    assert json.dumps(batched.evaluation.to_dict()) == json.dumps(whole.to_dict())
    assert batched.predictions_sha256 == sha256
    assert batched.evaluation.missing_documents == ("d00", "d01")
    assert batched.alignment == alignment_report(whole_predictions)
    assert batched.alignment is not None and len(batched.alignment.decisions) >= 15


def test_the_result_file_is_byte_identical_and_says_the_same(corpus, tmp_path):
    dataset, predictions = corpus
    whole = _whole(dataset, predictions, layers="entities,quotes", output=tmp_path / "whole.json",
                   markdown=tmp_path / "whole.md")
    batched = api.score(predictions=predictions, gold=dataset, layers="entities,quotes", keep_records=False,
                        output=tmp_path / "batched.json", markdown=tmp_path / "batched.md")
    assert (tmp_path / "batched.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    assert (tmp_path / "batched.md").read_bytes() == (tmp_path / "whole.md").read_bytes()
    assert batched.evaluation.layers["dates"] is None and batched.layers_requested == ("entities", "quotes")
    assert batched.system == whole.system and batched.system.versions["predictions_sha256"].startswith("sha256:")


def test_the_command_scores_in_batches_and_writes_what_the_whole_reading_writes(corpus, tmp_path):
    dataset, predictions = corpus
    _whole(dataset, predictions, output=tmp_path / "whole.json")
    command = [sys.executable, "-m", "frnewsbench.cli", "score", "--gold", str(dataset), "--predictions", str(predictions),
               "--output", str(tmp_path / "cli.json")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cli.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    hash_ = read_gold_batches(dataset).dataset_hash
    assert done.stderr == f"gold: {dataset.resolve()} (from --gold), 23 document(s), dataset {hash_}\n"
    assert "text-anchored spans (placed by their text): entities" in done.stdout


@pytest.mark.parametrize("damage", ["unknown id", "duplicate", "bad span", "bad json", "bom", "missing", "folder"])
def test_an_input_it_cannot_take_is_read_whole_with_the_whole_readings_message(corpus, damage):
    dataset, predictions = corpus
    lines = predictions.read_bytes().split(b"\n")
    if damage == "unknown id":
        lines[5] = lines[5].replace(b'"id": "d', b'"id": "x', 1)
    elif damage == "duplicate":
        lines.append(lines[0])
    elif damage == "bad span":
        lines[7] = lines[7].replace(b'"start": ', b'"start": -', 1)
    elif damage == "bad json":
        lines[2] = lines[2][:-1]
    elif damage == "bom":
        lines[0] = b"\xef\xbb\xbf" + lines[0]
    predictions.write_bytes(b"\n".join(lines))
    if damage in ("missing", "folder"):
        predictions.unlink()
        if damage == "folder":
            predictions.mkdir()
    gold = read_dataset(dataset)
    assert index_predictions(predictions, ids=[d.id for d in gold]) is None or damage == "bad span"
    if damage == "bom":  # not a problem: read whole, scored
        assert api.score(predictions=predictions, gold=dataset, keep_records=False).to_dict() == \
            _whole(dataset, predictions).to_dict()
        return
    with pytest.raises(PredictionsError) as whole:
        read_predictions_with_hash(predictions, documents=gold)
    with pytest.raises(PredictionsError) as batched:
        api.score(predictions=predictions, gold=dataset, keep_records=False)
    assert str(batched.value) == str(whole.value)


def test_a_line_changed_after_it_was_hashed_is_not_scored(corpus):
    dataset, predictions = corpus
    batches = dataset_batches(dataset, batch_rows=50)
    index = index_predictions(predictions, ids=batches.ids)
    try:
        content = predictions.read_bytes()
        at = content.index(b'"label": "PER"')
        with predictions.open("r+b") as handle:  # the same file, the same length, other bytes
            handle.seek(at)
            handle.write(b'"label": "ORG"')
        with pytest.raises(NotInBatches):
            for documents in batches:
                read_predictions_batch(index, documents)
    finally:
        index.handle.close()


def test_a_dataset_out_of_id_order_is_read_whole(corpus, tmp_path):
    dataset, predictions = corpus
    path = dataset / DATASET_DOCUMENTS
    table = pq.read_table(path)
    pq.write_table(table.take(list(reversed(range(table.num_rows)))), path)  # the schema's metadata (hash) kept
    assert dataset_batches(dataset) is None and read_gold_batches(dataset) is None
    result = api.score(predictions=predictions, gold=dataset, keep_records=False)
    assert result.to_dict() == _whole(dataset, predictions).to_dict()


def test_a_dataset_without_its_stored_hash_is_read_whole(corpus):
    dataset, predictions = corpus
    path = dataset / DATASET_DOCUMENTS
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({}), path)
    assert dataset_batches(dataset) is None
    result = api.score(predictions=predictions, gold=dataset, keep_records=False)
    assert result.dataset_hash == _whole(dataset, predictions).dataset_hash


def test_the_index_reads_ids_and_layers_and_skips_blank_lines(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"id": "b", "dates": null, "entities": []}\n\n  \n{"quotes": [], "id": "a"}\n')
    index = index_predictions(path, ids=["a", "b"])
    index.handle.close()
    assert index.layers == ("entities", "quotes")
    assert {key: value[:3] for key, value in index.lines.items()} == {"b": (1, 0, 42), "a": (4, 47, 25)}
    assert index.sha256 == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("given", [None, "2"])
def test_the_score_command_runs_numpy_blas_on_one_thread_unless_told(corpus, tmp_path, given):
    dataset, predictions = corpus
    script = ("import sys, threadpoolctl; from frnewsbench.cli import main; "
              f"code = main(['score', '--gold', {str(dataset)!r}, '--predictions', {str(predictions)!r}]); "
              "print(code, [pool['num_threads'] for pool in threadpoolctl.threadpool_info() if pool['user_api'] == 'blas'])")
    env = {key: value for key, value in os.environ.items() if key not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"0 [{given or 1}]"


def test_a_pipe_is_read_once_whole(corpus, tmp_path):
    dataset, predictions = corpus
    _whole(dataset, predictions, output=tmp_path / "whole.json")
    command = [sys.executable, "-m", "frnewsbench.cli", "score", "--gold", str(dataset), "--predictions", "/dev/stdin",
               "--system", "system", "--output", str(tmp_path / "piped.json")]
    done = subprocess.run(command, input=predictions.read_bytes(), capture_output=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    piped, whole = (json.loads((tmp_path / name).read_text()) for name in ("piped.json", "whole.json"))
    assert piped == whole


def test_a_line_nested_past_msgspecs_limit_gets_the_whole_readings_message(corpus):
    dataset, predictions = corpus
    with predictions.open("a") as handle:
        handle.write('{"id": "d00", "entities": [' + "[" * 1000 + "]" * 1000 + "]}\n")
    with pytest.raises(PredictionsError) as whole:
        read_predictions_with_hash(predictions, documents=read_dataset(dataset))
    with pytest.raises(PredictionsError) as batched:
        api.score(predictions=predictions, gold=dataset, keep_records=False)
    assert str(batched.value) == str(whole.value) and "nested less deeply" in str(whole.value)


def test_a_dataset_damaged_past_its_id_column_gets_the_whole_readings_error(corpus):
    dataset, predictions = corpus
    path = dataset / DATASET_DOCUMENTS
    metadata = pq.read_metadata(path)
    chunk = next(metadata.row_group(0).column(index) for index in range(metadata.num_columns)
                 if metadata.row_group(0).column(index).path_in_schema == "text")
    content = bytearray(path.read_bytes())
    for at in range(chunk.data_page_offset + 60, chunk.data_page_offset + chunk.total_compressed_size - 10, 7):
        content[at] ^= 0x5A
    path.write_bytes(bytes(content))
    assert read_gold_batches(dataset) is not None  # its ids and versions are still read
    with pytest.raises(api.GoldError) as whole:
        api.score(predictions=predictions, gold=dataset)
    with pytest.raises(api.GoldError) as batched:
        api.score(predictions=predictions, gold=dataset, keep_records=False)
    assert str(batched.value) == str(whole.value) and "not a readable Parquet file" in str(whole.value)


def test_an_unknown_layer_with_a_missing_gold_names_the_gold_first(tmp_path):
    with pytest.raises(api.GoldError):
        api.score(predictions=tmp_path / "p.jsonl", gold=tmp_path / "nowhere", layers="bogus", keep_records=False)
