"""Read and write annotation files: one JSON file per article, the source of truth.

The file is written for people and diffs: metadata first, the text as a list of lines
(``"\\n".join(text)`` gives the document text), then one span per line in each layer.
``document_from_dict`` trusts its input; run :func:`frnewsbench.validate.validate_files` first
(:func:`frnewsbench.gold.load_corpus` does).
"""

from __future__ import annotations

import codecs
import hashlib
import json
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Iterator, Sequence

from .gcpause import collector_paused
from .jsonread import loads
from .schema import SCHEMA_VERSION, Document, Entity, Quote, Span, TimeExpression
from .writes import Content, OutputError, write_all, write_atomic  # noqa: F401  (also imported from here)

ANNOTATION_GLOB = "*.json"
METADATA_KEYS = (
    "schema_version", "id", "title", "language", "source", "dct", "dct_evidence",
    "seed_file", "seed_segments", "text_sha256",
)


def annotation_files(directory: str | Path) -> list[Path]:
    """The annotation files of a folder, sorted (not recursive: sub-folders hold other versions)."""
    return sorted(Path(directory).glob(ANNOTATION_GLOB))


def read_raw(path: str | Path) -> dict[str, Any]:
    """The JSON value of an annotation file; raises :class:`frnewsbench.jsonread.JSONReadError`
    (bad UTF-8, malformed or too deeply nested JSON, a repeated key, a lone surrogate) or ``OSError``."""
    return loads(Path(path).read_bytes())


def document_text(raw: dict[str, Any]) -> str:
    return "\n".join(raw["text"])


def span_from_dict(raw: dict[str, Any] | None) -> Span | None:
    if raw is None:
        return None
    return Span(raw["start"], raw["end"], raw["text"])


def entity_from_dict(raw: dict[str, Any]) -> Entity:
    return Entity(
        start=raw["start"], end=raw["end"], text=raw["text"], label=raw["label"],
        entity_id=raw.get("entity_id"), canonical_name=raw.get("canonical_name"),
        id=raw.get("id", ""),
    )


def time_expression_from_dict(raw: dict[str, Any]) -> TimeExpression:
    return TimeExpression(
        start=raw["start"], end=raw["end"], text=raw["text"], type=raw["type"],
        value=raw["value"], mod=raw.get("mod"), id=raw.get("id", ""),
    )


def quote_from_dict(raw: dict[str, Any]) -> Quote:
    return Quote(
        content=span_from_dict(raw["content"]), type=raw["type"],
        speaker=span_from_dict(raw.get("speaker")),
        speaker_entity_id=raw.get("speaker_entity_id"),
        cue=span_from_dict(raw.get("cue")), id=raw.get("id", ""),
    )


def document_from_dict(raw: dict[str, Any]) -> Document:
    return Document(
        id=raw["id"], title=raw.get("title"), text=document_text(raw),
        language=raw["language"], source=raw.get("source"), dct=raw["dct"],
        dct_evidence=raw["dct_evidence"], seed_file=raw["seed_file"],
        text_sha256=raw["text_sha256"],
        seed_segments=tuple(tuple(segment) for segment in raw.get("seed_segments", ())),
        entities=tuple(entity_from_dict(item) for item in raw.get("entities", ())),
        dates=tuple(time_expression_from_dict(item) for item in raw.get("dates", ())),
        quotes=tuple(quote_from_dict(item) for item in raw.get("quotes", ())),
    )


def span_to_dict(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.text}


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id, "start": entity.start, "end": entity.end, "text": entity.text,
        "label": entity.label, "entity_id": entity.entity_id,
        "canonical_name": entity.canonical_name,
    }


def time_expression_to_dict(timex: TimeExpression) -> dict[str, Any]:
    return {
        "id": timex.id, "start": timex.start, "end": timex.end, "text": timex.text,
        "type": timex.type, "value": timex.value, "mod": timex.mod,
    }


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.id, "type": quote.type, "content": span_to_dict(quote.content),
        "speaker": span_to_dict(quote.speaker), "speaker_entity_id": quote.speaker_entity_id,
        "cue": span_to_dict(quote.cue),
    }


def document_to_dict(document: Document) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "id": document.id,
        "title": document.title,
        "language": document.language,
        "source": document.source,
        "dct": document.dct,
        "dct_evidence": document.dct_evidence,
        "seed_file": document.seed_file,
        "seed_segments": [list(segment) for segment in document.seed_segments],
        "text_sha256": document.text_sha256,
        "text": document.text.split("\n"),
        "entities": [entity_to_dict(item) for item in document.entities],
        "dates": [time_expression_to_dict(item) for item in document.dates],
        "quotes": [quote_to_dict(item) for item in document.quotes],
    }


def dumps_document(raw: dict[str, Any]) -> str:
    """Serialise an annotation dict: one key per line, one text line or span per line."""
    lines = ["{"]
    items = list(raw.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list) and value and key != "seed_segments":
            inner = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            lines.append(f"  {json.dumps(key)}: [\n{inner}\n  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_document(document: Document, path: str | Path) -> None:
    write_atomic(path, dumps_document(document_to_dict(document)))


class StoredDocuments(list):
    """Documents read from a built dataset, with the content hash ``frnewsbench build`` stored
    beside them. The hash stands for exactly these document objects (frozen values): it is used
    only while the list holds the very objects it was read with, in the same order."""

    def __init__(self, documents: Sequence[Document], content_hash: str | None):
        super().__init__(documents)
        self._stored = None if content_hash is None else (tuple(map(id, self)), content_hash)

    def stored_hash(self) -> str | None:
        """The stored content hash if the list still holds what was read, else ``None``."""
        if self._stored is None or tuple(map(id, self)) != self._stored[0]:
            return None
        return self._stored[1]


def corpus_hash(documents: Sequence[Document]) -> str:
    """The dataset content hash: sha256 of the documents' canonical JSON, sorted by id.

    Two corpora with the same texts, metadata and annotations have the same hash, however
    the files are laid out; results record it and refuse to mix revisions. Documents read from
    a built dataset carry the hash the build computed (:class:`StoredDocuments`): not computed
    again.
    """
    if isinstance(documents, StoredDocuments):
        stored = documents.stored_hash()
        if stored is not None:
            return stored
    digest = hashlib.sha256()
    for document in sorted(documents, key=lambda d: d.id):
        digest.update(json.dumps(document_to_dict(document), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()


DATASET_DOCUMENTS = Path("data") / "documents" / "test.parquet"
CONTENT_HASH_KEY = b"frnewsbench_content_hash"  # in the documents Parquet's metadata, written by build


class DatasetError(ValueError):
    """A built dataset that cannot be read: corrupt or truncated Parquet, another schema version, other columns."""


DATASET_COLUMNS = (*METADATA_KEYS, "text", "entities", "dates", "quotes")


READ_BATCH_ROWS = 250  # documents converted from Arrow to Python objects at a time
# The span fields of repeated values (ids, labels, names, TIMEX values, short texts), read as Arrow
# dictionaries: each distinct value decoded once (:class:`_Dictionaries`), not one string per row.
# A quote's content, seldom repeated, is not.
DICTIONARY_COLUMNS = tuple(f"{layer}.list.element.{field}" for layer, fields in (
    ("entities", ("id", "text", "label", "entity_id", "canonical_name")),
    ("dates", ("id", "text", "type", "value", "mod")),
    ("quotes", ("id", "type", "speaker.text", "speaker_entity_id", "cue.text")),
) for field in fields)


REBUILD = "rebuild it from the annotations (`frnewsbench build`) or restore the file (`git checkout -- dataset`)"


def _unreadable(path: Path, error: Exception) -> DatasetError:
    return DatasetError(f"{path}: not a readable Parquet file, corrupt or truncated ({error}); {REBUILD}")


def _open_dataset(directory: str | Path):
    """The documents Parquet of a built dataset: ``(path, metadata, ParquetFile, stored content
    hash or None)``, its span fields of repeated values read as dictionaries; the errors of
    :func:`read_dataset` for a folder that is not a readable dataset of this version."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(directory) / DATASET_DOCUMENTS
    if not path.is_file():
        raise FileNotFoundError(f"{directory}: not a built dataset (no {DATASET_DOCUMENTS}); run `frnewsbench build`")
    try:
        metadata = pq.read_metadata(path)
        present = {metadata.schema.column(index).path for index in range(metadata.num_columns)}
        parquet = pq.ParquetFile(path, metadata=metadata,
                                 read_dictionary=[column for column in DICTIONARY_COLUMNS if column in present])
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(path, error) from None
    if "schema_version" not in schema.names:
        raise DatasetError(f"{path}: no schema_version column: not a dataset of this frnewsbench (which reads schema "
                           f"{SCHEMA_VERSION!r}); {REBUILD}")
    stored = (schema.metadata or {}).get(CONTENT_HASH_KEY)
    return path, metadata, parquet, None if stored is None else stored.decode("ascii")


def read_dataset(directory: str | Path) -> list[Document]:
    """The documents of a built dataset folder (its ``documents`` Parquet), sorted by id.

    Raises ``FileNotFoundError`` for a folder that is not a built dataset and :class:`DatasetError`
    for one that cannot be read as this version's dataset. Read a batch of documents at a time
    (never the whole table in Arrow and Python at once) and column by column (each span type built
    straight from its columns, no row dicts: the same documents as :func:`document_from_dict`
    gives for each row, several times faster); a table the columns cannot be read from is read
    row by row, to name the document at fault.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path, metadata, parquet, stored = _open_dataset(directory)
    try:
        documents = _read_batches(parquet)
        if documents is not None:
            pa.default_memory_pool().release_unused()  # the batches' buffers, kept for reuse by Arrow's allocator
            return StoredDocuments(documents, stored)
        table = pq.ParquetFile(path, metadata=metadata).read()  # plain columns, whatever the row groups
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(path, error) from None
    columns = table.column_names
    rows = table.to_pylist()
    del table
    for row in rows:
        if row.get("schema_version") != SCHEMA_VERSION:
            raise DatasetError(
                f"{path}: document {row.get('id')!r} has schema version {row.get('schema_version')!r}, "
                f"this frnewsbench reads {SCHEMA_VERSION!r}; rebuild the dataset (`frnewsbench build`) or install the matching frnewsbench"
            )
    missing = [column for column in DATASET_COLUMNS if column not in columns]
    if missing:
        raise DatasetError(f"{path}: the columns {', '.join(missing)} are missing (found {', '.join(columns)}); {REBUILD}")
    documents = []
    for row in rows:
        try:
            row["text"] = row["text"].split("\n")
            documents.append(document_from_dict(row))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            found = f"no key {error}" if isinstance(error, KeyError) else str(error)
            raise DatasetError(f"{path}: document {row.get('id')!r} cannot be read ({found}); "
                               f"{REBUILD}") from None
    documents.sort(key=lambda d: d.id)
    return StoredDocuments(documents, stored)


def _read_batches(parquet) -> list[Document] | None:
    """The documents of a Parquet file, sorted by id, built a batch of rows at a time; ``None``
    when a batch cannot be read by columns (the row-by-row reading then names the problem)."""
    documents: list[Document] = []
    with collector_paused():  # many objects, no cycles
        for built in _column_batches(parquet, READ_BATCH_ROWS):
            if built is None:
                return None
            documents += built
        documents.sort(key=lambda d: d.id)
    return documents


def _column_batches(parquet, batch_rows: int) -> Iterator[list[Document] | None]:
    """The documents of each batch of at most ``batch_rows`` rows of a Parquet file, in its order,
    built by :func:`_read_columns` (``None`` for a batch it cannot read)."""
    dictionaries = _Dictionaries()
    for group in range(parquet.num_row_groups):  # a batch across row groups: dictionaries Arrow cannot join
        for batch in parquet.iter_batches(batch_size=batch_rows, row_groups=[group], use_threads=False):
            built = _read_columns(batch, dictionaries)
            del batch
            yield built


class NotInBatches(Exception):
    """An input that cannot be read a batch of documents at a time: read it whole (the whole
    reading names any problem it has)."""


class DatasetBatches:
    """A built dataset read a batch of documents at a time, in id order (:func:`dataset_batches`):
    of the gold, scoring a large corpus holds one batch of documents, never the whole corpus."""

    def __init__(self, path: Path, parquet, ids: list[str], content_hash: str, batch_rows: int) -> None:
        self.path, self.ids, self.content_hash = path, ids, content_hash
        self._parquet, self._batch_rows = parquet, batch_rows

    def __iter__(self) -> Iterator[list[Document]]:
        """The documents, a batch at a time; :class:`NotInBatches` if a batch cannot be read (by
        columns, or at all) or its ids are not the next ones (the whole reading then names the problem)."""
        import pyarrow as pa

        at = 0
        try:
            for built in _column_batches(self._parquet, self._batch_rows):
                if built is None or [document.id for document in built] != self.ids[at:at + len(built)]:
                    raise NotInBatches(self.path)
                at += len(built)
                yield built
        except (pa.ArrowException, OSError):  # damaged past the columns read first: the whole reading names it
            raise NotInBatches(self.path) from None
        finally:
            pa.default_memory_pool().release_unused()
        if at != len(self.ids):
            raise NotInBatches(self.path)


def dataset_batches(directory: str | Path, *, batch_rows: int = READ_BATCH_ROWS) -> DatasetBatches | None:
    """A built dataset to read a batch of ``batch_rows`` documents at a time, if its rows are in
    id order (as ``frnewsbench build`` writes them) and it holds its content hash; else ``None``
    (:func:`read_dataset` reads it whole, and names a document of another schema version). Raises
    as :func:`read_dataset` for a folder that is not a readable dataset."""
    import pyarrow as pa

    path, _, parquet, stored = _open_dataset(directory)
    if stored is None:
        return None
    try:
        columns = parquet.read(columns=["id", "schema_version"], use_threads=False)
        ids, versions = columns.column("id").to_pylist(), set(columns.column("schema_version").to_pylist())
    except (pa.ArrowException, OSError, KeyError) as error:
        raise _unreadable(path, error) from None
    if versions - {SCHEMA_VERSION} or not all(type(document_id) is str for document_id in ids) \
            or any(a >= b for a, b in zip(ids, ids[1:])):
        return None  # read whole: another version is named there
    return DatasetBatches(path, parquet, ids, stored, batch_rows)


def _read_columns(batch, dictionaries: _Dictionaries | None = None) -> list[Document] | None:
    """The documents of a record ``batch``, built column by column (its dictionary columns'
    values decoded by ``dictionaries``); ``None`` when a column is missing or not of the expected type."""
    try:
        column = dict(zip(batch.schema.names, batch.columns))
        ids = python_list(column["id"])
        if any(version != SCHEMA_VERSION for version in python_list(column["schema_version"])):
            return None  # the row-by-row reading names the document and its version
        plain = {name: python_list(column[name]) for name in (
            "title", "text", "dct", "dct_evidence", "seed_file", "text_sha256")}
        shared = {name: _shared_strings(column[name]) for name in ("language", "source")}
        segments = [() if row is None else tuple(map(tuple, row)) for row in column["seed_segments"].to_pylist()]
        entities = _per_row(column["entities"], partial(entities_of, dictionaries=dictionaries))
        dates = _per_row(column["dates"], partial(time_expressions_of, dictionaries=dictionaries))
        quotes = _per_row(column["quotes"], partial(quotes_of, dictionaries=dictionaries))
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        return None
    if not all(isinstance(text, str) for text in plain["text"]):
        return None
    return [
        Document(id=document_id, title=title, text=text, language=language, source=source, dct=dct,
                 dct_evidence=evidence, seed_file=seed_file, text_sha256=sha, seed_segments=segment,
                 entities=entity_row, dates=date_row, quotes=quote_row)
        for document_id, title, text, dct, evidence, seed_file, sha, language, source, segment, entity_row, date_row,
        quote_row in zip(ids, *plain.values(), *shared.values(), segments, entities, dates, quotes)
    ]


def _per_row(array, build) -> list[tuple]:
    """A ``list<struct>`` array as one tuple of built items per row (a null list: none, whatever
    its offsets cover). The items are built from the list's values, its slice of them: Arrow's
    ``flatten`` of a list imports ``pyarrow.compute``."""
    import numpy as np

    offsets = _values(array, np.int32, extra=1)
    first = int(offsets[0])
    items = iter(build(array.values.slice(first, int(offsets[-1]) - first)))
    lengths = np.diff(offsets).tolist()
    if not array.null_count:
        return [tuple(islice(items, length)) for length in lengths]
    return [row if present else () for row, present in
            zip([tuple(islice(items, length)) for length in lengths], valid_mask(array).tolist())]


def python_list(array) -> list:
    """``array.to_pylist()``, faster where the same values can be had another way: strings from
    their buffers (:func:`_strings`), integers without nulls through numpy."""
    import pyarrow as pa

    if pa.types.is_string(array.type):
        return _strings(array)
    if pa.types.is_integer(array.type) and array.null_count == 0:
        return _values(array, _integer_dtype(array.type)).tolist()
    return array.to_pylist()


def _integer_dtype(arrow_type) -> str:
    """The numpy dtype of an Arrow integer type."""
    import pyarrow as pa

    return f"{'int' if pa.types.is_signed_integer(arrow_type) else 'uint'}{arrow_type.bit_width}"


def _values(array, dtype, *, extra: int = 0):
    """The values (or offsets, with ``extra=1``) buffer of an Arrow array as a numpy view, for
    its slice. Arrow's own ``to_numpy`` and ``fill_null`` import pandas: a third of a second."""
    import numpy as np

    return np.frombuffer(array.buffers()[1], dtype=dtype)[array.offset:array.offset + len(array) + extra]


def valid_mask(array):
    """Per value of an Arrow array (its slice): not null, from its validity bitmap."""
    import numpy as np

    if array.null_count == 0:
        return np.ones(len(array), dtype=bool)
    bits = np.unpackbits(np.frombuffer(array.buffers()[0], dtype=np.uint8), bitorder="little")
    return bits[array.offset:array.offset + len(array)].astype(bool)


LONG_STRING_BYTES = 256  # from this mean length, a string column is read by Arrow's to_pylist


def _strings(array, *, shared: dict | None = None) -> list:
    """``array.to_pylist()`` of a string array, read from its buffers: its data decoded at once,
    each value a slice of it. Character offsets are the byte offsets less the UTF-8 continuation
    bytes before them (counted only when the data is not all ASCII). Four times faster than
    ``to_pylist``, as fast as ``to_numpy`` without its import of pandas; long values (texts) are
    left to ``to_pylist``, which decodes each once. With ``shared``, equal values are one object,
    the first kept in ``shared`` (at no cost: the copies freed at once)."""
    import numpy as np

    offsets = _values(array, np.int32, extra=1)
    if len(array) == 0:
        return []
    first = int(offsets[0])
    size = int(offsets[-1]) - first
    if shared is None and size > LONG_STRING_BYTES * len(array):  # long values (texts): Arrow decodes each once, quicker
        return array.to_pylist()
    raw = np.frombuffer(array.buffers()[2], dtype=np.uint8, count=size, offset=first) if size else np.zeros(0, np.uint8)
    text = codecs.utf_8_decode(raw, "strict", True)[0]
    offsets = offsets - first
    if len(text) != size:  # not all ASCII
        offsets = offsets - np.searchsorted(np.flatnonzero((raw & 0xC0) == 0x80), offsets)
    characters = offsets.tolist()
    if shared is None:
        values = [text[start:end] for start, end in zip(characters, characters[1:])]
    else:
        keep = shared.setdefault
        values = [keep(value := text[start:end], value) for start, end in zip(characters, characters[1:])]
    if array.null_count:
        for index in np.flatnonzero(~valid_mask(array)).tolist():
            values[index] = None
    return values


def _shared_strings(array, dictionaries: _Dictionaries | None = None) -> list:
    """:func:`python_list` for a column of repeated values (labels, ids, names, TIMEX values):
    each distinct string one object, shared by the rows of ``array`` that hold it (the documents
    of 5,000 synthetic articles take 31 MiB instead of 53, and are read no slower). A dictionary
    array's values are its dictionary's, decoded by ``dictionaries`` (once per distinct
    dictionary) or here."""
    import numpy as np
    import pyarrow as pa

    if pa.types.is_dictionary(array.type):
        values = (dictionaries or _Dictionaries()).values(array.dictionary)
        codes = _values(array.indices, _integer_dtype(array.type.index_type))
        if array.null_count:
            codes = np.where(valid_mask(array), codes, len(values) - 1)
        return list(map(values.__getitem__, codes.tolist()))
    return _strings(array, shared={}) if pa.types.is_string(array.type) else python_list(array)


class _Dictionaries:
    """The dictionaries of a file's dictionary columns, each decoded once: Arrow gives every batch
    a copy of its row group's whole dictionary, often longer than the batch."""

    def __init__(self) -> None:
        self._decoded: dict[tuple, list[tuple[Any, list]]] = {}  # (type, length, bytes): [(dictionary, values + [None])]

    def values(self, dictionary) -> list:
        """The Python values of ``dictionary``, then ``None`` (the value of a null index)."""
        known = self._decoded.setdefault((str(dictionary.type), len(dictionary), dictionary.nbytes), [])
        for seen, values in known:
            if seen.equals(dictionary):
                return values
        values = _shared_strings(dictionary) + [None]
        known.append((dictionary, values))
        return values


def _children(struct) -> dict[str, Any]:
    """The fields of a struct array by name (a null struct is null in each)."""
    return {struct.type.field(index).name: child for index, child in enumerate(struct.flatten())}


def _fields(struct, plain: tuple[str, ...], shared: tuple[str, ...] = (),
            dictionaries: _Dictionaries | None = None) -> dict[str, list]:
    """The fields ``plain`` and ``shared`` of a struct array as Python lists; the ``shared`` ones
    hold repeated values (:func:`_shared_strings`)."""
    children = _children(struct)
    return {**{name: python_list(children[name]) for name in plain},
            **{name: _shared_strings(children[name], dictionaries) for name in shared}}


def entities_of(struct, dictionaries: _Dictionaries | None = None) -> list[Entity]:
    """The entities of a struct array holding their fields (others are left alone): the gold's
    entity lists here, the items of a Parquet records file (:mod:`frnewsbench.report.records`)."""
    f = _fields(struct, ("start", "end"), ("text", "entity_id", "canonical_name", "id", "label"), dictionaries)
    return list(map(Entity, f["start"], f["end"], f["text"], f["label"], f["entity_id"], f["canonical_name"], f["id"]))


def time_expressions_of(struct, dictionaries: _Dictionaries | None = None) -> list[TimeExpression]:
    """The time expressions of a struct array holding their fields, as :func:`entities_of`."""
    f = _fields(struct, ("start", "end"), ("text", "id", "type", "value", "mod"), dictionaries)
    return list(map(TimeExpression, f["start"], f["end"], f["text"], f["type"], f["value"], f["mod"], f["id"]))


def _spans(struct, dictionaries: _Dictionaries | None = None) -> list[Span | None]:
    f = _fields(struct, ("start", "end"), ("text",), dictionaries)
    if struct.null_count == 0:
        return list(map(Span, f["start"], f["end"], f["text"]))
    valid = valid_mask(struct).tolist()
    return [Span(start, end, text) if present else None
            for present, start, end, text in zip(valid, f["start"], f["end"], f["text"])]


def quotes_of(struct, dictionaries: _Dictionaries | None = None) -> list[Quote]:
    """The quotes of a struct array holding their fields, as :func:`entities_of`."""
    f = _fields(struct, (), ("speaker_entity_id", "id", "type"), dictionaries)
    children = _children(struct)
    contents, speakers, cues = (_spans(children[role], dictionaries) for role in ("content", "speaker", "cue"))
    return list(map(Quote, contents, f["type"], speakers, f["speaker_entity_id"], cues, f["id"]))
