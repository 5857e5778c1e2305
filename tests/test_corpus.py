"""Reading the built dataset a batch of documents at a time gives what reading it whole gives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from helpers import small_document

from frnewsbench import corpus
from frnewsbench.build import build_files
from frnewsbench.corpus import DATASET_DOCUMENTS, document_from_dict, document_to_dict, read_dataset
from frnewsbench.gold import dataset_path, load_corpus
from frnewsbench.schema import Quote

REPOSITORY = Path(__file__).resolve().parent.parent


def whole_table(dataset: Path) -> list[dict]:
    """The reference: every row of the table, whole, through ``document_from_dict`` (the annotation
    files' reader), written back as dicts (which, unlike ``==``, compare the items' ids too)."""
    rows = pq.read_table(dataset / DATASET_DOCUMENTS).to_pylist()
    documents = [document_from_dict({**row, "text": row["text"].split("\n")}) for row in rows]
    return [document_to_dict(document) for document in sorted(documents, key=lambda d: d.id)]


def as_dicts(documents) -> list[dict]:
    return [document_to_dict(document) for document in documents]


@pytest.mark.parametrize("batch", [1, 2, 3, 1000])
def test_the_real_dataset_read_in_batches_equals_the_whole_table_and_the_annotations(monkeypatch, batch):
    monkeypatch.setattr(corpus, "READ_BATCH_ROWS", batch)
    documents = read_dataset(dataset_path())
    assert len(documents) >= 5 and sum(len(d.entities) for d in documents) > 100
    assert as_dicts(documents) == whole_table(dataset_path()) == as_dicts(load_corpus(REPOSITORY / "annotations"))


def test_nulls_and_empty_layers_read_in_batches_as_whole(tmp_path, monkeypatch):
    plain = small_document("doc-1")
    bare = dataclasses.replace(small_document("doc-2"), title=None, source=None, entities=(), dates=(),
                               quotes=(Quote(plain.quotes[0].content, "indirect", id="q9"),))  # no speaker, no cue
    titled = dataclasses.replace(small_document("doc-3"), title="Un titre", quotes=())
    for path, content in build_files([titled, bare, plain]).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    for batch in (1, 2, 1000):
        monkeypatch.setattr(corpus, "READ_BATCH_ROWS", batch)
        documents = read_dataset(tmp_path)
        assert as_dicts(documents) == whole_table(tmp_path) == as_dicts([plain, bare, titled])
        assert documents.stored_hash() is not None
