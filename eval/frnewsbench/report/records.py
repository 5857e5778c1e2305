"""Match records on disk, written as a stream and read back as one: JSON Lines, or Parquet for a
path ending in ``.parquet``.

Each record is one :class:`~frnewsbench.scoring.MatchRecord` with where it belongs. A JSON Lines
file starts with its header line, then has one record per line::

    {"frnewsbench_records": {"records_schema_version": "1.0", "harness": {...}, "dataset": {"hash": ...},
                             "system": {...}, "layers": ["entities", ...]}}
    {"layer": "entities", "document": "frnb-000", "outcome": "match", "differences": ["label"],
     "gold": {...}, "predicted": {...}, "overlap": null}

``gold`` and ``predicted`` are the items' fields (``null`` for the side that has none; an item
without an ``id`` has no ``id`` key). A Parquet file has the same seven columns, one row per
record (:func:`parquet_schema`): ``gold`` and ``predicted`` are one struct holding the fields of
every layer, null where the record's layer has no such field (an item without an id has the id
``""``); its header is the file's key-value metadata under ``frnewsbench_records``. The header
(:func:`records_header`) names the result the records belong to: the harness, the dataset's
content hash, the system with its versions (``predictions_sha256`` for a predictions file) and the
layers scored. Records come by layer, then document, in each document's record order: the order of
:func:`frnewsbench.scoring.match_records`.

:func:`read_records` reads either form (told apart by the file's first bytes) back into the
``(layer, document id, record)`` stream the error reports take
(:func:`frnewsbench.report.errors.render_errors`), checking every record
(:func:`record_problem`); :func:`check_records_of` checks a file against its result.
"""

from __future__ import annotations

import dataclasses
import json
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Mapping, Sequence

import orjson

from ..jsonread import json_type
from ..schema import LAYERS, Document, Entity, Quote, Span, TimeExpression
from ..scoring import (DIFFERENCES, FALSE_NEGATIVE, FALSE_POSITIVE, HEADLINE_ERRORS, MATCH, MatchRecord, PRFCounts,
                       headline_counts)
from ..scoring.dates import pair_differences as date_differences
from ..scoring.entities import pair_differences as entity_differences
from ..scoring.quotes import pair_differences as quote_differences
from ..scoring.records import CUE, SPEAKER
from .errors import RecordStream, describe
from .result import Result

RECORDS_SCHEMA_VERSION = "1.0"
HEADER_KEY = "frnewsbench_records"
JSON_LINES, PARQUET = "jsonl", "parquet"
PARQUET_MAGIC = b"PAR1"
BATCH = 4096  # records written at once: a JSON Lines chunk; records read at once from Parquet
PARQUET_BATCH = 65536  # a Parquet row group
COLUMNS = ("layer", "document", "outcome", "differences", "gold", "predicted", "overlap")
ITEM_TYPES = {"entities": Entity, "dates": TimeExpression, "quotes": Quote}
LAYER_FIELDS = {layer: tuple(field.name for field in dataclasses.fields(kind)) for layer, kind in ITEM_TYPES.items()}
SPAN_FIELDS = ("content", "speaker", "cue")
REWRITE = "write it with `frnewsbench score ... --output R.json --records FILE` (the result and its records together)"


class RecordsError(ValueError):
    """A records file that cannot be read back, or that is not its result's (the message names the
    file, and the line or row)."""


def records_format(path: str | Path) -> str:
    """The form :func:`write_records` gives the file ``path``: :data:`PARQUET` for a ``.parquet``
    suffix (any case), else :data:`JSON_LINES`."""
    return PARQUET if Path(path).suffix.lower() == ".parquet" else JSON_LINES


def records_header(result: Result) -> dict[str, Any]:
    """What a records file says of the result it belongs to."""
    return {"records_schema_version": RECORDS_SCHEMA_VERSION,
            "harness": {"name": "frnewsbench", "version": result.harness_version},
            "dataset": {"hash": result.dataset_hash}, "system": result.system.to_dict(),
            "layers": [layer for layer in LAYERS if result.evaluation.layers.get(layer) is not None]}


def record_dict(layer: str, document_id: str, record: MatchRecord) -> dict[str, Any]:
    """One record as written: its layer, its document and :meth:`MatchRecord.to_dict`."""
    return {"layer": layer, "document": document_id, **record.to_dict()}


def dumps_record(layer: str, document_id: str, record: MatchRecord) -> bytes:
    """One line of a JSON Lines records file, with its ``\\n``."""
    return orjson.dumps(record_dict(layer, document_id, record), option=orjson.OPT_APPEND_NEWLINE)


def write_records(out: BinaryIO, records: RecordStream, *, header: Mapping[str, Any],
                  form: str = JSON_LINES) -> int:
    """Write ``header`` (:func:`records_header`), then ``records`` as they come, to the binary file
    ``out`` in the form ``form`` (:data:`JSON_LINES` or :data:`PARQUET`); the number of records."""
    if form == PARQUET:
        return _write_parquet(out, records, header)
    if form != JSON_LINES:
        raise ValueError(f"unknown records form {form!r}: {JSON_LINES!r} or {PARQUET!r}")
    out.write(orjson.dumps({HEADER_KEY: header}, option=orjson.OPT_APPEND_NEWLINE))
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


def _write_parquet(out: BinaryIO, records: RecordStream, header: Mapping[str, Any]) -> int:
    """Batches of one layer's records at most :data:`PARQUET_BATCH` long, each a row group, built
    column by column from the records' fields (no dict per record)."""
    import pyarrow.parquet as pq

    schema = parquet_schema().with_metadata({HEADER_KEY: json.dumps(header, ensure_ascii=False)})
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


# ------------------------------------------------------------------------------------------ reading


def read_records(path: str | Path) -> Iterator[tuple[str, str, MatchRecord]]:
    """The ``(layer, document id, record)`` of each record of a records file (JSON Lines or
    Parquet), one at a time, each checked (:func:`record_problem`)."""
    path = Path(path)
    with _open(path) as handle:
        if _is_parquet(handle):
            yield from _read_parquet(path, handle)
            return
        _json_header(path, handle.readline())
        for number, line in enumerate(handle, start=2):
            if not line.strip():
                continue
            where = f"line {number}"
            try:
                data = json.loads(line)
            except ValueError as error:
                raise RecordsError(f"{path} {where}: not JSON ({error}); {REWRITE}") from None
            if not isinstance(data, dict):
                raise _not_a_record(path, where, f"expected a JSON object, found {json_type(data)}")
            try:
                layer, document_id = data["layer"], data["document"]
                if layer not in LAYERS:
                    raise ValueError(f"the layer {layer!r} is none of {', '.join(LAYERS)}")
                record = MatchRecord.from_dict(data, layer=layer)
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise _not_a_record(path, where, f"the key {error} is missing" if isinstance(error, KeyError)
                                    else str(error)) from None
            yield _checked(path, where, layer, document_id, record)


def read_records_header(path: str | Path) -> dict[str, Any]:
    """The header of a records file (:func:`records_header`)."""
    path = Path(path)
    with _open(path) as handle:
        if _is_parquet(handle):
            return _parquet_header(path, _parquet_file(path, handle))
        return _json_header(path, handle.readline())


def _open(path: Path) -> BinaryIO:
    if path.exists() and not path.is_file():
        raise RecordsError(f"{path}: not a regular file (a folder, a pipe or a device): a records file is read more "
                           "than once; give the file written by --records")
    try:
        return open(path, "rb")
    except OSError as error:
        raise RecordsError(f"{path}: cannot read the records file ({error.strerror or error})") from None


def _is_parquet(handle: BinaryIO) -> bool:
    """Whether the file starts as Parquet does; read again from its start either way."""
    parquet = handle.read(len(PARQUET_MAGIC)) == PARQUET_MAGIC
    handle.seek(0)
    return parquet


def _not_a_record(path: Path, where: str, detail: str) -> RecordsError:
    return RecordsError(f"{path} {where}: not a match record ({detail}); {REWRITE}")


def _json_header(path: Path, line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line) if line.strip() else None
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get(HEADER_KEY), dict):
        return data[HEADER_KEY]
    if not line:
        found = "an empty file"
    elif isinstance(data, dict) and "result_schema_version" in data or line.strip() == b"{":
        found = "a result file (written by --output), not a records file"
    elif path.suffix.lower() == ".parquet":
        found = f"a file that does not start with {PARQUET_MAGIC.decode()}: not a Parquet file"
    else:
        found = f"line 1 is {line[:60].decode('utf-8', 'replace')!r}, not the header {{\"{HEADER_KEY}\": {{...}}}}"
    raise RecordsError(f"{path}: expected a records file, starting with its header line; found {found}; {REWRITE}")


def _checked(path: Path, where: str, layer: str, document_id: Any, record: MatchRecord) -> tuple[str, str, MatchRecord]:
    problem = (f"the document id {document_id!r} is not a string" if not isinstance(document_id, str)
               else record_problem(layer, record))
    if problem:
        raise _not_a_record(path, where, problem)
    return layer, document_id, record


def record_problem(layer: str, record: MatchRecord) -> str | None:
    """What makes ``record`` no match record of ``layer`` (``None`` when it is one): its outcome,
    the sides that outcome has, its differences, its overlap, each item's fields and their types."""
    sides = {MATCH: (True, True), FALSE_POSITIVE: (False, True), FALSE_NEGATIVE: (True, False)}.get(record.outcome)
    if sides is None:
        return f"the outcome {record.outcome!r} is none of {MATCH}, {FALSE_POSITIVE}, {FALSE_NEGATIVE}"
    for side, needed, item in (("gold", sides[0], record.gold), ("predicted", sides[1], record.predicted)):
        if needed != (item is not None):
            return f"a {record.outcome} record {'without' if needed else 'with'} a {side} item"
        problem = None if item is None else _item_problem(layer, item)
        if problem:
            return f"its {side} item: {problem}"
    if not isinstance(record.differences, tuple) or not all(d in DIFFERENCES for d in record.differences):
        return f"the differences {list(record.differences)!r} are not among {', '.join(DIFFERENCES)}"
    if record.differences and record.outcome != MATCH:
        return f"a {record.outcome} record with differences (only a matched pair has them)"
    if record.overlap is not None and (type(record.overlap) not in (float, int) or not 0 <= record.overlap <= 1):
        return f"the overlap {record.overlap!r} is not a number from 0 to 1"
    return None


def _item_problem(layer: str, item: Any) -> str | None:
    kind = ITEM_TYPES[layer]
    if type(item) is not kind:
        return f"expected {kind.__name__} fields, found {type(item).__name__}"
    if layer == "quotes":
        for role in SPAN_FIELDS:
            span = getattr(item, role)
            if span is None and role == "content":
                return "the content is missing"
            problem = None if span is None else _offsets_problem(span)
            if problem:
                return f"its {role}: {problem}"
        texts, optional = ("type",), ("speaker_entity_id",)
    else:
        problem = _offsets_problem(item)
        if problem:
            return problem
        texts, optional = (("label",), ("entity_id", "canonical_name")) if layer == "entities" else \
            (("type", "value"), ("mod",))
    for name in texts:
        if type(getattr(item, name)) is not str:
            return f"the {name} {getattr(item, name)!r} is not a string"
    for name in (*optional, "id"):
        value = getattr(item, name)
        if value is not None and type(value) is not str:
            return f"the {name} {value!r} is neither a string nor null"
    return None


def _offsets_problem(span: Span | Entity | TimeExpression) -> str | None:
    if type(span.start) is not int or type(span.end) is not int or not 0 <= span.start <= span.end:
        return f"the offsets [{span.start!r}, {span.end!r}) are not two whole numbers, 0 <= start <= end"
    if type(span.text) is not str:
        return f"the text {span.text!r} is not a string"
    return None


def _parquet_file(path: Path, handle: BinaryIO):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(handle)
    except (pa.ArrowException, OSError) as error:
        raise RecordsError(f"{path}: not a readable Parquet file ({error}); {REWRITE}") from None


def _parquet_header(path: Path, parquet) -> dict[str, Any]:
    metadata = parquet.schema_arrow.metadata or {}
    try:
        header = json.loads(metadata[HEADER_KEY.encode()])
    except (KeyError, ValueError):
        header = None
    if not isinstance(header, dict):
        raise RecordsError(f"{path}: a Parquet file without the header of a records file (its metadata has no "
                           f"{HEADER_KEY}); {REWRITE}")
    return header


def _read_parquet(path: Path, handle: BinaryIO) -> Iterator[tuple[str, str, MatchRecord]]:
    """The records of a Parquet file, read column by column (no dict per row); the columns must have
    :func:`parquet_schema`'s types."""
    import pyarrow as pa

    from ..corpus import python_list

    parquet = _parquet_file(path, handle)
    _parquet_header(path, parquet)
    found = parquet.schema_arrow
    missing = [column for column in COLUMNS if column not in found.names]
    if missing:
        raise RecordsError(f"{path}: a Parquet file without the column(s) {', '.join(missing)} of match records "
                           f"(it has {', '.join(found.names) or 'none'}); {REWRITE}")
    for field in parquet_schema():
        if found.field(field.name).type != field.type:
            raise RecordsError(f"{path}: the column {field.name} is {found.field(field.name).type}, where match records "
                               f"have {field.type}; {REWRITE}")
    row = 0
    batches = parquet.iter_batches(batch_size=BATCH, columns=list(COLUMNS), use_threads=False)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            return
        except (pa.ArrowException, OSError) as error:
            raise RecordsError(f"{path}: a damaged Parquet file, unreadable after row {row} ({error}); {REWRITE}") from None
        layers = python_list(batch.column("layer"))
        for offset, layer in enumerate(layers):
            if layer not in LAYERS:
                raise _not_a_record(path, f"row {row + offset + 1}", f"the layer {layer!r} is none of {', '.join(LAYERS)}")
        columns = zip(layers, python_list(batch.column("document")), python_list(batch.column("outcome")),
                      batch.column("differences").to_pylist(), _items(batch.column("gold"), layers),
                      _items(batch.column("predicted"), layers), batch.column("overlap").to_pylist())
        for offset, (layer, document, outcome, differences, gold, predicted, overlap) in enumerate(columns):
            if differences is None or None in differences:
                raise _not_a_record(path, f"row {row + offset + 1}", f"the differences are {differences!r}, not a list "
                                                                      "of names")
            yield _checked(path, f"row {row + offset + 1}", layer, document,
                           MatchRecord(outcome, gold, predicted, tuple(differences), overlap))
        row += len(layers)


def _items(column, layers: list[str]) -> list:
    """The item of each row of the struct ``column`` (``None`` where null), of the row's layer."""
    from ..corpus import entities_of, quotes_of, time_expressions_of, valid_mask

    readers = {"entities": entities_of, "dates": time_expressions_of, "quotes": quotes_of}
    built = {layer: readers[layer](column) for layer in set(layers)}
    return [built[layer][index] if present else None
            for index, (present, layer) in enumerate(zip(valid_mask(column).tolist(), layers))]


# ---------------------------------------------------------------------------- against the result


def check_records_of(result: Result, header: Mapping[str, Any], records: RecordStream, gold: Sequence[Document], *,
                     source: str = "the records") -> int:
    """Raise :class:`RecordsError` unless the records file of ``header`` and ``records`` belongs to
    ``result``, scored against ``gold`` (:class:`RecordsCheck`); the number of records."""
    check = RecordsCheck(result, header, gold, source=source)
    for _ in check.passing(records):
        pass
    return check.finish()


class RecordsCheck:
    """Whether a records file belongs to ``result``, scored against ``gold``: its header names the
    same harness version, dataset hash, system (name and versions, ``predictions_sha256`` included)
    and layers (checked at once); each record fits the gold (its gold item one of the document's,
    each in one record only; every span inside the text; a matched pair's boundary, label, type and
    value differences those of its items); and the records of each layer and document add up to that
    document's headline TP, FP and FN in the result (tallied by :meth:`passing` as the records go by,
    checked by :meth:`finish`). Two results whose systems carry no ``predictions_sha256``
    (predictions given in Python) and share their name, versions and every document's headline
    counts cannot be told apart by their records' predicted side."""

    def __init__(self, result: Result, header: Mapping[str, Any], gold: Sequence[Document], *,
                 source: str = "the records") -> None:
        expected = records_header(result)
        for key, name in (("records_schema_version", "records schema version"), ("dataset", "dataset"),
                          ("system", "system"), ("layers", "scored layers"), ("harness", "harness")):
            if header.get(key) != expected[key]:
                raise RecordsError(f"{source}: the records of another result: their {name}: "
                                   f"{_shown(header.get(key))}; the result's: {_shown(expected[key])}; {REWRITE}")
        self.source = source
        self.gold = {document.id: document for document in gold}
        self.unused_gold: dict[tuple[str, str], list] = {}  # (layer, document): its gold items not yet in a record
        self.documents = {layer: {document.document_id: document for document in scored.documents}
                          for layer, scored in result.evaluation.layers.items() if scored is not None}
        self.tallies: dict[tuple[str, str], list[int]] = {}  # TP, FP, FN
        self.count = 0
        self.started = False

    def passing(self, records: RecordStream) -> Iterator[tuple[str, str, MatchRecord]]:
        """``records``, tallied as they pass (once: a second stream would count twice)."""
        if self.started:
            raise ValueError("a RecordsCheck tallies one stream of records")
        self.started = True
        errors = {layer: frozenset(HEADLINE_ERRORS[layer]) for layer in LAYERS}
        for layer, document_id, record in records:
            self.count += 1
            if document_id not in self.documents[layer] or document_id not in self.gold:
                raise RecordsError(f"{self.source}: the record number {self.count} ({layer}) is for the document "
                                   f"{document_id!r}, which the result does not have; {REWRITE}")
            problem = self._against_gold(layer, document_id, record)
            if problem:
                raise RecordsError(f"{self.source}: the record number {self.count} ({layer}, document {document_id!r}) "
                                   f"does not fit the gold: {problem}; {REWRITE}")
            counts = headline_counts(record, errors[layer])
            tally = self.tallies.setdefault((layer, document_id), [0, 0, 0])
            tally[0] += counts.tp
            tally[1] += counts.fp
            tally[2] += counts.fn
            yield layer, document_id, record

    def _against_gold(self, layer: str, document_id: str, record: MatchRecord) -> str | None:
        """What in ``record`` the gold document contradicts: a gold item that is not one of its own (or
        one already in another record), an item outside its text, differences other than the items'."""
        document = self.gold[document_id]
        unused = self.unused_gold.get((layer, document_id))
        if unused is None:
            unused = self.unused_gold[(layer, document_id)] = [(item, item.id) for item in getattr(document, layer)]
        if record.gold is not None:
            try:
                unused.remove((record.gold, record.gold.id))
            except ValueError:
                return f"its gold item {describe(record.gold)} (id {record.gold.id!r}) is none of the gold's items left"
        for side in (record.gold, record.predicted):
            for span in (() if side is None else _spans_of(side)):
                if span.end > len(document.text):
                    return (f"the span [{span.start}, {span.end}) ends after the text, which has "
                            f"{len(document.text)} characters")
        if record.outcome == MATCH:
            differences = _differences(layer, record.gold, record.predicted)
            if not differences <= set(record.differences) or (
                    set(record.differences) - differences - DERIVED_ELSEWHERE.get(layer, set())):
                return (f"its differences {list(record.differences)} are not those of its items "
                        f"({sorted(differences)} for the boundary, label, type and value)")
        return None

    def finish(self) -> int:
        """Raise :class:`RecordsError` where the records tallied do not add up to the result's
        headline counts; the number of records."""
        mismatches = [(layer, document_id, found, document.counts.headline)
                      for layer, by_id in self.documents.items() for document_id, document in by_id.items()
                      if (found := PRFCounts(*self.tallies.get((layer, document_id), (0, 0, 0))))
                      != document.counts.headline]
        if mismatches:
            layer, document_id, found, wanted = mismatches[0]
            others = f" (and in {len(mismatches) - 1} other layer and document pair(s))" if len(mismatches) > 1 else ""
            raise RecordsError(f"{self.source}: not the match records of this result: in {layer}, document "
                               f"{document_id!r}, they add up to TP {found.tp}, FP {found.fp}, FN {found.fn} where the "
                               f"result has TP {wanted.tp}, FP {wanted.fp}, FN {wanted.fn}{others}; {REWRITE}")
        return self.count


# the differences a matched pair's items alone decide are computed as the scorers do; the quotes'
# speaker depends on the documents' entities (and their cue is left unchecked as well)
DERIVED_ELSEWHERE = {"quotes": {SPEAKER, CUE}}


def _differences(layer: str, gold: Any, predicted: Any) -> set[str]:
    if layer == "quotes":
        return set(quote_differences(gold, predicted, right_speaker=True)) - DERIVED_ELSEWHERE[layer]
    return set((entity_differences if layer == "entities" else date_differences)(gold, predicted))


def _spans_of(item: Any) -> tuple:
    if type(item) is Quote:
        return tuple(span for span in (item.content, item.speaker, item.cue) if span is not None)
    return (item,)


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 200 else text[:197] + "..."
