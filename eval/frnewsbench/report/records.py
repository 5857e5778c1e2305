"""Match records on disk: JSON Lines, one record per line, written as a stream, read back as one.

Each line is one :class:`~frnewsbench.scoring.MatchRecord` with where it belongs::

    {"layer": "entities", "document": "frnb-000", "outcome": "match", "differences": ["label"],
     "gold": {...}, "predicted": {...}, "overlap": null}

``gold`` and ``predicted`` are the items' fields (``null`` for the side that has none). Lines
come by layer, then document, in each document's record order: the order of
:func:`frnewsbench.scoring.match_records`. :func:`read_records` gives back the
``(layer, document id, record)`` stream the error reports take
(:func:`frnewsbench.report.errors.render_errors`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO, Iterator

import orjson

from ..schema import LAYERS
from ..scoring import MatchRecord
from .errors import RecordStream


class RecordsError(ValueError):
    """A records file that cannot be read back (the message names the file and the line)."""


def dumps_record(layer: str, document_id: str, record: MatchRecord) -> bytes:
    """One line of a records file, with its ``\\n``."""
    line = {"layer": layer, "document": document_id, **record.to_dict()}
    return orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE)


def write_records(out: BinaryIO, records: RecordStream) -> int:
    """Write ``records`` to the binary file ``out`` as they come; the number written."""
    written = 0
    lines: list[bytes] = []
    for layer, document_id, record in records:
        lines.append(dumps_record(layer, document_id, record))
        if len(lines) == 4096:
            out.write(b"".join(lines))
            lines.clear()
        written += 1
    out.write(b"".join(lines))
    return written


def read_records(path: str | Path) -> Iterator[tuple[str, str, MatchRecord]]:
    """The ``(layer, document id, record)`` of each line of a records file, one line at a time."""
    path = Path(path)
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise RecordsError(f"{path}: cannot read the records file ({error.strerror or error})") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                layer = data["layer"]
                if layer not in LAYERS:
                    raise ValueError(f"unknown layer {layer!r}")
                yield layer, data["document"], MatchRecord.from_dict(data, layer=layer)
            except (ValueError, KeyError, TypeError) as error:
                detail = f"the key {error} is missing" if isinstance(error, KeyError) else f"{type(error).__name__}: {error}"
                raise RecordsError(f"{path} line {number}: not a match record ({detail}); write the file with "
                                   "`frnewsbench score --records FILE`") from None
