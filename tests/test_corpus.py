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


@pytest.mark.parametrize("layout", [
    {"row_group_size": 2},  # a batch never spans two row groups: Arrow cannot join their dictionaries
    {"row_group_size": 3, "dictionary_pagesize_limit": 64, "data_page_size": 64},  # dictionaries overflow to plain pages
])
def test_a_dataset_written_in_several_row_groups_reads_as_whole(tmp_path, monkeypatch, layout):
    import pyarrow as pa

    table = pq.read_table(dataset_path() / DATASET_DOCUMENTS)
    (tmp_path / DATASET_DOCUMENTS).parent.mkdir(parents=True)
    pq.write_table(table, tmp_path / DATASET_DOCUMENTS, **layout)
    assert pq.ParquetFile(tmp_path / DATASET_DOCUMENTS).metadata.num_row_groups > 1
    for batch in (1, 3, 1000):
        monkeypatch.setattr(corpus, "READ_BATCH_ROWS", batch)
        assert as_dicts(read_dataset(tmp_path)) == whole_table(dataset_path())
    # the row-by-row reading (here for another schema version) reads such a file too, and names the document
    column = table.schema.get_field_index("schema_version")
    older = table.set_column(column, "schema_version", pa.array(["0.9"] * table.num_rows))
    pq.write_table(older, tmp_path / DATASET_DOCUMENTS, **layout)
    with pytest.raises(corpus.DatasetError, match=f"document '{table['id'][0].as_py()}' has schema version '0.9'"):
        read_dataset(tmp_path)


@pytest.mark.parametrize("seed", range(4))
def test_columns_read_from_arrow_buffers_equal_to_pylist(seed):
    """The readers that take values from Arrow's buffers (strings, integers, list lengths, null
    structs) give ``to_pylist``'s values: non-ASCII and 4-byte characters, empty strings, nulls,
    sliced arrays."""
    import random

    import pyarrow as pa

    rng = random.Random(seed)
    for _ in range(100):
        size = rng.randrange(0, 20)
        lists = pa.array([None if rng.random() < 0.2 else [{"a": rng.randrange(5)} for _ in range(rng.randrange(4))]
                          for _ in range(size)], type=pa.list_(pa.struct([("a", pa.int64())])))
        integers = pa.array([rng.randrange(-9, 9) for _ in range(size)], type=rng.choice([pa.int8(), pa.int32(), pa.int64()]))
        alphabet = rng.choice(["ab ", "aé€😀 ’«"])  # all ASCII (no continuation bytes to count) or not
        longest = rng.choice([4, 2000])  # short values (spans) or long ones (texts, read by Arrow value by value)
        strings = pa.array([None if rng.random() < 0.2 else "".join(rng.choices(alphabet, k=rng.randrange(longest)))
                            for _ in range(size)], type=rng.choice([pa.string(), pa.large_string()]))
        encoded = strings.dictionary_encode()  # as the repeated span fields are read (DICTIONARY_COLUMNS)
        spans = pa.array([None if rng.random() < 0.3 else {"start": 1, "end": 3, "text": rng.choice(["ab", "é"])}
                          for _ in range(size)],
                         type=pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())]))
        if size > 2 and rng.random() < 0.5:
            first = rng.randrange(size)
            length = rng.randrange(size - first + 1)
            lists, integers, strings, encoded, spans = (array.slice(first, length)
                                                         for array in (lists, integers, strings, encoded, spans))
        assert corpus._per_row(lists, lambda struct: struct.field("a").to_pylist()) == [
            () if row is None else tuple(item["a"] for item in row) for row in lists.to_pylist()]
        assert corpus.python_list(integers) == integers.to_pylist()
        assert corpus.python_list(strings) == corpus._shared_strings(strings) == strings.to_pylist()
        assert corpus._shared_strings(encoded) == corpus._shared_strings(encoded, corpus._Dictionaries()) == strings.to_pylist()
        if strings.type == pa.string():  # equal values one object (large strings, from other writers, are not shared)
            shared = [value for value in corpus._shared_strings(strings) if value is not None]
            assert len({id(value) for value in shared}) == len(set(shared))
        assert [None if span is None else (span.start, span.end, span.text) for span in corpus._spans(spans)] == [
            None if span is None else (span["start"], span["end"], span["text"]) for span in spans.to_pylist()]


def test_a_dictionary_is_decoded_once_however_many_batches_carry_it():
    """Arrow gives each batch a copy of its row group's whole dictionary: equal copies are decoded
    once (the same value objects), another dictionary on its own."""
    import pyarrow as pa

    first = pa.DictionaryArray.from_arrays(pa.array([1, 0, None, 1], type=pa.int32()), pa.array(["é€", "b"]))
    copy = pa.DictionaryArray.from_arrays(pa.array([0, 0], type=pa.int32()), pa.array(["é€", "b"]))
    other = pa.DictionaryArray.from_arrays(pa.array([0, 1], type=pa.int32()), pa.array(["b", "é€"]))
    dictionaries = corpus._Dictionaries()
    read = [corpus._shared_strings(array, dictionaries) for array in (first, copy, other)]
    assert read == [["b", "é€", None, "b"], ["é€", "é€"], ["b", "é€"]]
    assert read[1][0] is read[0][1] and read[2][1] is not read[0][1]
    assert dictionaries.values(copy.dictionary) is dictionaries.values(first.dictionary)


def test_the_repeated_span_fields_are_read_as_dictionaries_and_shared(monkeypatch):
    monkeypatch.setattr(corpus, "READ_BATCH_ROWS", 2)
    documents = read_dataset(dataset_path())
    labels = [entity.label for document in documents for entity in document.entities]
    assert len({id(label) for label in labels}) == len(set(labels))  # one object per label, across batches
    names = pq.ParquetFile(dataset_path() / DATASET_DOCUMENTS).schema
    paths = {names.column(index).path for index in range(len(names))}
    assert set(corpus.DICTIONARY_COLUMNS) <= paths  # every one names a column of the built dataset


def test_a_null_list_holds_no_item_even_where_its_offsets_cover_some():
    """Arrow lets a null list's offsets cover values (another writer's file may): they belong to
    no row, and the rows after it keep their own items."""
    import pyarrow as pa

    values = pa.array([{"a": number} for number in range(6)], type=pa.struct([("a", pa.int64())]))
    lists = pa.ListArray.from_arrays(pa.array([0, 2, 4, 6], type=pa.int32()), values, mask=pa.array([False, True, False]))
    items = lambda struct: struct.field("a").to_pylist()  # noqa: E731
    assert corpus._per_row(lists, items) == [(0, 1), (), (4, 5)]
    assert corpus._per_row(lists.slice(1), items) == [(), (4, 5)]
    assert corpus._per_row(lists.slice(0, 2), items) == [(0, 1), ()]


def test_reading_the_dataset_does_not_import_pandas_or_arrow_compute():
    """pyarrow's to_numpy and fill_null import pandas (a third of a second of every command),
    pyarrow.compute a twelfth of a second and 9 MB."""
    import subprocess
    import sys

    code = ("import sys; from frnewsbench.corpus import read_dataset; from frnewsbench.gold import dataset_path; "
            "assert read_dataset(dataset_path()); print(sorted({'pandas', 'pyarrow.compute'} & set(sys.modules)))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
