"""Match records on disk, written as a stream and read back as one: JSON Lines, or Parquet for a
path ending in ``.parquet``.

Each record is one :class:`~frnewsbench.scoring.MatchRecord` with where it belongs. A JSON Lines
file has one per line::

    {"layer": "entities", "document": "frnb-000", "outcome": "match", "differences": ["label"],
     "gold": {...}, "predicted": {...}, "overlap": null}

``gold`` and ``predicted`` are the items' fields (``null`` for the side that has none; an item
without an ``id`` has no ``id`` key). A Parquet file has the same seven columns, one row per
record (:func:`parquet_schema`): ``gold`` and ``predicted`` are one struct holding the fields of
every layer, null where the record's layer has no such field. Records come by layer, then
document, in each document's record order: the order of :func:`frnewsbench.scoring.match_records`.
:func:`read_records` reads either form (told apart by the file's first bytes) back into the
``(layer, document id, record)`` stream the error reports take
(:func:`frnewsbench.report.errors.render_errors`).
"""

from __future__ import annotations

import json
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, Iterator

import orjson

from ..schema import LAYERS, Entity, Quote, Span, TimeExpression
from ..scoring import HEADLINE_ERRORS, MatchRecord, PRFCounts, headline_counts
from .errors import RecordStream
from .result import Result

JSON_LINES, PARQUET = "JSON Lines", "Parquet"
PARQUET_MAGIC = b"PAR1"
BATCH = 4096  # records written at once: a JSON Lines chunk
PARQUET_BATCH = 65536  # a Parquet row group
COLUMNS = ("layer", "document", "outcome", "differences", "gold", "predicted", "overlap")


class RecordsError(ValueError):
    """A records file that cannot be read back (the message names the file and the line or row)."""


def records_format(path: str | Path) -> str:
    """The form :func:`write_records` gives the file ``path``: Parquet for a ``.parquet`` suffix
    (any case), else JSON Lines."""
    return PARQUET if Path(path).suffix.lower() == ".parquet" else JSON_LINES


def record_dict(layer: str, document_id: str, record: MatchRecord) -> dict[str, Any]:
    """One record as written: its layer, its document and :meth:`MatchRecord.to_dict`."""
    return {"layer": layer, "document": document_id, **record.to_dict()}


def dumps_record(layer: str, document_id: str, record: MatchRecord) -> bytes:
    """One line of a JSON Lines records file, with its ``\\n``."""
    return orjson.dumps(record_dict(layer, document_id, record), option=orjson.OPT_APPEND_NEWLINE)


def write_records(out: BinaryIO, records: RecordStream, *, form: str = JSON_LINES) -> int:
    """Write ``records`` to the binary file ``out`` as they come, in the form ``form``
    (:data:`JSON_LINES` or :data:`PARQUET`); the number written."""
    if form == PARQUET:
        return _write_parquet(out, records)
    if form != JSON_LINES:
        raise ValueError(f"unknown records form {form!r}: {JSON_LINES!r} or {PARQUET!r}")
    written = 0
    lines: list[bytes] = []
    for layer, document_id, record in records:
        lines.append(dumps_record(layer, document_id, record))
        if len(lines) == BATCH:
            out.write(b"".join(lines))
            lines.clear()
        written += 1
    out.write(b"".join(lines))
    return written


def parquet_schema():
    """The Arrow schema of a Parquet records file (one struct for the items of every layer)."""
    import pyarrow as pa

    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string())])
    item = pa.struct([
        ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),  # entities and dates
        ("label", pa.string()), ("entity_id", pa.string()), ("canonical_name", pa.string()),  # entities
        ("type", pa.string()), ("value", pa.string()), ("mod", pa.string()),  # dates (type: quotes too)
        ("content", span), ("speaker", span), ("speaker_entity_id", pa.string()), ("cue", span),  # quotes
        ("id", pa.string()),
    ])
    return pa.schema([("layer", pa.string()), ("document", pa.string()), ("outcome", pa.string()),
                      ("differences", pa.list_(pa.string())), ("gold", item), ("predicted", item),
                      ("overlap", pa.float64())])


# the item fields of each layer, in the struct's names
LAYER_FIELDS = {"entities": ("start", "end", "text", "label", "entity_id", "canonical_name", "id"),
                "dates": ("start", "end", "text", "type", "value", "mod", "id"),
                "quotes": ("content", "type", "speaker", "speaker_entity_id", "cue", "id")}
SPAN_FIELDS = ("content", "speaker", "cue")


def _write_parquet(out: BinaryIO, records: RecordStream) -> int:
    """Batches of one layer's records at most :data:`PARQUET_BATCH` long, each a row group, built
    column by column from the records' fields (no dict per record)."""
    import pyarrow.parquet as pq

    schema = parquet_schema()
    written = 0
    batch: list[tuple[str, MatchRecord]] = []
    batch_layer = None
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for layer, document_id, record in records:
            if batch and (layer != batch_layer or len(batch) == PARQUET_BATCH):
                writer.write_batch(_parquet_batch(schema, batch_layer, batch))
                batch = []
            batch_layer = layer
            batch.append((document_id, record))
            written += 1
        if batch or not written:
            writer.write_batch(_parquet_batch(schema, batch_layer or LAYERS[0], batch))
    return written


def _parquet_batch(schema, layer: str, batch: list[tuple[str, MatchRecord]]):
    import pyarrow as pa

    records = [record for _, record in batch]
    columns = [pa.array([layer] * len(batch), pa.string()), pa.array([document for document, _ in batch], pa.string()),
               pa.array([record.outcome for record in records], pa.string()),
               pa.array([list(record.differences) for record in records], schema.field("differences").type),
               _item_column(layer, [record.gold for record in records], schema.field("gold").type),
               _item_column(layer, [record.predicted for record in records], schema.field("predicted").type),
               pa.array([record.overlap for record in records], pa.float64())]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _item_column(layer: str, items: list, item_type):
    """The struct column of ``items`` (each ``None`` or an item of ``layer``): the layer's fields
    from the items, the other layers' fields null."""
    import pyarrow as pa

    names = LAYER_FIELDS[layer]
    by_name = dict(zip(names, _fields(items, names)))
    if "id" in by_name:
        by_name["id"] = [value or None for value in by_name["id"]]  # an item without an id has none
    children = []
    for field in item_type:
        found = by_name.get(field.name)
        if found is None:
            children.append(pa.nulls(len(items), field.type))
        elif field.name in SPAN_FIELDS:
            parts = _fields(found, ("start", "end", "text"))
            children.append(pa.StructArray.from_arrays(
                [pa.array(part, part_field.type) for part, part_field in zip(parts, field.type)],
                fields=list(field.type), mask=pa.array([span is None for span in found], pa.bool_())))
        else:
            children.append(pa.array(found, field.type))
    return pa.StructArray.from_arrays(children, fields=list(item_type),
                                      mask=pa.array([item is None for item in items], pa.bool_()))


def _fields(objects: list, names: tuple[str, ...]) -> list[tuple]:
    """The columns ``names`` of ``objects`` (``None`` where an object is ``None``)."""
    get, nothing = attrgetter(*names), (None,) * len(names)
    if not objects:
        return [()] * len(names)
    return list(zip(*[nothing if item is None else get(item) for item in objects]))


def read_records(path: str | Path) -> Iterator[tuple[str, str, MatchRecord]]:
    """The ``(layer, document id, record)`` of each record of a records file (JSON Lines or
    Parquet), one at a time."""
    path = Path(path)
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise RecordsError(f"{path}: cannot read the records file ({error.strerror or error})") from None
    with handle:
        if handle.read(len(PARQUET_MAGIC)) == PARQUET_MAGIC:
            yield from _read_parquet(path, handle)
            return
        handle.seek(0)
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as error:
                raise RecordsError(f"{path} line {number}: not JSON ({error}); write the file with "
                                   "`frnewsbench score --records FILE`") from None
            yield _record(data, path, f"line {number}")


def _record(data: Any, path: Path, where: str) -> tuple[str, str, MatchRecord]:
    try:
        layer = data["layer"]
        if layer not in LAYERS:
            raise ValueError(f"the layer {layer!r} is none of {', '.join(LAYERS)}")
        return layer, data["document"], MatchRecord.from_dict(data, layer=layer)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        detail = f"the key {error} is missing" if isinstance(error, KeyError) else str(error)
        raise RecordsError(f"{path} {where}: not a match record ({detail}); write the file with "
                           "`frnewsbench score --records FILE`") from None


def _read_parquet(path: Path, handle: BinaryIO) -> Iterator[tuple[str, str, MatchRecord]]:
    """The records of a Parquet file, read column by column (no dict per row); the columns must have
    :func:`parquet_schema`'s types."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    handle.seek(0)
    try:
        parquet = pq.ParquetFile(handle)
    except (pa.ArrowException, OSError) as error:
        raise RecordsError(f"{path}: not a readable Parquet file ({error})") from None
    found = parquet.schema_arrow
    missing = [column for column in COLUMNS if column not in found.names]
    if missing:
        raise RecordsError(f"{path}: a Parquet file without the column(s) {', '.join(missing)} of match records "
                           f"(it has {', '.join(found.names) or 'none'}); write the file with "
                           "`frnewsbench score --records FILE.parquet`")
    for field in parquet_schema():
        if found.field(field.name).type != field.type:
            raise RecordsError(f"{path}: the column {field.name} is {found.field(field.name).type}, where match records "
                               f"have {field.type}; write the file with `frnewsbench score --records FILE.parquet`")
    row = 0
    for batch in parquet.iter_batches(batch_size=BATCH, columns=list(COLUMNS), use_threads=False):
        layers = _values(batch.column("layer"))
        for layer in set(layers):
            if layer not in LAYERS:
                bad = row + layers.index(layer) + 1
                raise RecordsError(f"{path} row {bad}: not a match record (the layer {layer!r} is none of "
                                   f"{', '.join(LAYERS)}); write the file with `frnewsbench score --records FILE`")
        golds = _items(batch.column("gold"), layers)
        predicted = _items(batch.column("predicted"), layers)
        for layer, document, outcome, differences, gold, prediction, overlap in zip(
                layers, _values(batch.column("document")), _values(batch.column("outcome")),
                batch.column("differences").to_pylist(), golds, predicted, batch.column("overlap").to_pylist()):
            yield layer, document, MatchRecord(outcome, gold, prediction, tuple(differences), overlap)
        row += len(layers)


def _items(column, layers: list[str]) -> list:
    """The item of each row of the struct ``column`` (``None`` where null), of the row's layer."""
    def field(name: str) -> list:
        return _values(column.field(name))

    null = _values(column.is_null())
    ids = [value or "" for value in field("id")]
    built: dict[str, list] = {}
    if "entities" in layers:
        built["entities"] = [Entity(*fields) for fields in zip(
            field("start"), field("end"), field("text"), field("label"), field("entity_id"), field("canonical_name"), ids)]
    if "dates" in layers:
        built["dates"] = [TimeExpression(*fields) for fields in zip(
            field("start"), field("end"), field("text"), field("type"), field("value"), field("mod"), ids)]
    if "quotes" in layers:
        content, speaker, cue = (_spans(column.field(name)) for name in SPAN_FIELDS)
        built["quotes"] = [Quote(*fields) for fields in zip(
            content, field("type"), speaker, field("speaker_entity_id"), cue, ids)]
    return [None if absent else built[layer][index] for index, (absent, layer) in enumerate(zip(null, layers))]


def _spans(column) -> list:
    parts = [_values(column.field(name)) for name in ("start", "end", "text")]
    return [None if absent else Span(*fields) for absent, *fields in zip(_values(column.is_null()), *parts)]


def _values(array) -> list:
    """``array.to_pylist()``; strings and booleans through numpy, which makes their Python objects
    several times faster (integers stay with ``to_pylist``: numpy would turn nulls into floats)."""
    import pyarrow as pa

    if pa.types.is_string(array.type) or (pa.types.is_boolean(array.type) and array.null_count == 0):
        return array.to_numpy(zero_copy_only=False).tolist()
    return array.to_pylist()


def check_records_of(result: Result, records: RecordStream, *, source: str = "the records") -> int:
    """Raise :class:`RecordsError` unless ``records`` are the match records ``result`` was scored
    from: every record's layer scored and its document in the result, and the records of each
    layer and document adding up to that document's headline TP, FP and FN. The number of records."""
    tallies: dict[tuple[str, str], list[int]] = {}  # TP, FP, FN
    errors = {layer: frozenset(HEADLINE_ERRORS[layer]) for layer in LAYERS}
    documents = {layer: {document.document_id: document for document in scored.documents}
                 for layer, scored in result.evaluation.layers.items() if scored is not None}
    fix = "write the result and its records with one command: `frnewsbench score ... --output R.json --records FILE`"
    count = 0
    for layer, document_id, record in records:
        count += 1
        if document_id not in documents.get(layer, ()):
            what = f"the document {document_id!r}, which is not" if layer in documents else "the layer, which is not"
            raise RecordsError(f"{source}: record {count} ({layer}) is for {what} in the result; {fix}")
        counts = headline_counts(record, errors[layer])
        tally = tallies.setdefault((layer, document_id), [0, 0, 0])
        tally[0] += counts.tp
        tally[1] += counts.fp
        tally[2] += counts.fn
    mismatches = [(layer, document_id, PRFCounts(*tallies.get((layer, document_id), (0, 0, 0))), document.counts.headline)
                  for layer, by_id in documents.items() for document_id, document in by_id.items()
                  if PRFCounts(*tallies.get((layer, document_id), (0, 0, 0))) != document.counts.headline]
    if mismatches:
        layer, document_id, found, expected = mismatches[0]
        others = f" (and {len(mismatches) - 1} other document(s))" if len(mismatches) > 1 else ""
        raise RecordsError(f"{source}: not the match records of this result: in {layer}, document {document_id!r}, "
                           f"they add up to TP {found.tp}, FP {found.fp}, FN {found.fn} where the result has "
                           f"TP {expected.tp}, FP {expected.fp}, FN {expected.fn}{others}; {fix}")
    return count
