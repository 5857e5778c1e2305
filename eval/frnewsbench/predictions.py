"""The predictions contract: JSON Lines, one object per document; parse, check, explain errors.

One line per document (blank lines are ignored)::

    {"id": "frnb-000", "entities": [{"start": 0, "end": 5, "label": "PER"}], "dates": []}

``id`` is a document id of the gold; ``entities``, ``dates`` and ``quotes`` are optional.
A layer that is absent (or ``null``) is not scored; an empty list is scored (recall 0).
Gold documents missing from the file are scored as empty and counted in the result.
Spans use half-open character offsets ``[start, end)`` (Python code points) into the
document text; ``text`` is optional and checked against ``text[start:end]`` when given.
A span may instead give its ``text`` alone: it is placed in the document text by
:mod:`frnewsbench.align`, which reports each decision in ``Prediction.alignments``.
Optional keys may be absent or ``null``; unknown keys are errors, so a misspelt layer is
never ignored. The JSON Schema of one line is ``predictions.schema.json`` beside this
module; ``eval/PREDICTIONS.md`` has a worked example.

Every problem of a file is collected and raised at once as :class:`PredictionsError`,
each naming the line, the document and the span, what was expected, what was found and
how to fix it.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import reprlib
import stat
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Mapping, Sequence

from .align import CONTENT, CUE, MENTION, SPEAKER, DocumentAligner
from .corpus import NotInBatches, entity_to_dict, quote_to_dict, time_expression_to_dict, write_atomic
from .schema import (
    ENTITY_LABELS, LAYERS, QUOTE_TYPES, TIMEX_MODS, TIMEX_TYPES, Document, Entity, Prediction, Quote, Span,
    TimeExpression,
)
from .gcpause import collector_paused
from .jsonread import NOT_QUICK, JSONReadError, json_type, loads, quick_loads
from .spantext import mismatch_hint, normalisation_fix, normalisation_mismatch
from .timex import value_problem

SCHEMA_PATH = Path(__file__).with_name("predictions.schema.json")
RECORD_KEYS = ("id", *LAYERS)
MAX_PROBLEMS_IN_MESSAGE = 50

REQUIRED, OPTIONAL = True, False
_SPAN = {"start": (OPTIONAL, int), "end": (OPTIONAL, int), "text": (OPTIONAL, str)}  # offsets, or text alone
ITEM_FIELDS: dict[str, dict[str, tuple[bool, type]]] = {
    "entities": {
        **_SPAN, "label": (REQUIRED, str), "id": (OPTIONAL, str),
        "entity_id": (OPTIONAL, str), "canonical_name": (OPTIONAL, str),
    },
    "dates": {**_SPAN, "type": (REQUIRED, str), "value": (REQUIRED, str), "mod": (OPTIONAL, str), "id": (OPTIONAL, str)},
    "quotes": {
        "content": (REQUIRED, dict), "type": (REQUIRED, str), "speaker": (OPTIONAL, dict),
        "speaker_entity_id": (OPTIONAL, str), "cue": (OPTIONAL, dict), "id": (OPTIONAL, str),
    },
}
TYPE_NAMES = {str: "a string", int: "an integer", dict: "an object", list: "a list"}
JSON_TYPES = (str, int, float, bool, list, dict, type(None))

_short = reprlib.Repr()
_short.maxstring = 80
_short.maxother = 80
_short.maxlist = _short.maxdict = 4
_short.maxlevel = 3


def show(value: Any) -> str:
    """A short, printable representation of a value found in the input."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**60:
        return "a very large integer"
    return _short.repr(value)


def show_found(value: Any) -> str:
    """A value found in the input with its JSON type: ``null``, ``a list [1, 2]``, ``a string 'x'``."""
    kind = json_type(value)
    return kind if value is None or isinstance(value, bool) else f"{kind} {show(value)}"


@dataclass(frozen=True)
class PredictionProblem:
    """One problem of a predictions file: where it is, what was expected, what was found, the fix."""

    source: str
    line: int | None
    document: str | None
    where: str  # "" when the problem is the line's (or the file's) as a whole
    expected: str
    found: str
    fix: str
    unit: str = "line"  # what ``line`` counts: lines of a file, or items of a list given in Python

    def __str__(self) -> str:
        place = self.source if self.line is None else f"{self.source} {self.unit} {self.line}"
        document = "" if self.document is None else f" document {self.document!r}"
        where = f" {self.where}" if self.where else ""
        return f"{place}{document}{where}: expected {self.expected}; found {self.found}. Fix: {self.fix}"


class PredictionsError(ValueError):
    """Predictions that break the contract; ``problems`` lists every one of them."""

    def __init__(self, problems: list[PredictionProblem]):
        self.problems = list(problems)
        shown = self.problems[:MAX_PROBLEMS_IN_MESSAGE]
        listing = "\n".join(f"  - {problem}" for problem in shown)
        more = len(self.problems) - len(shown)
        tail = f"\n  ... and {more} more problem(s)" if more else ""
        super().__init__(f"{len(self.problems)} problem(s) in the predictions:\n{listing}{tail}")


@lru_cache(maxsize=1 << 16)
def _timex_value(value: str) -> str | None:
    """``value`` if it is a valid TIMEX3 value, else ``None``; remembered (a corpus repeats its
    values), so each value is one string object shared by the items that give it."""
    return value if value_problem(value) is None else None


_ITEM_KEYS = {layer: frozenset(spec) for layer, spec in ITEM_FIELDS.items()}
_SPAN_KEYS = frozenset(_SPAN)


def _is(value: Any, expected: type) -> bool:
    return isinstance(value, expected) and not isinstance(value, bool)


def _did_you_mean(value: Any, options: Iterable[str]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _RecordChecker:
    """Checks one parsed line against the contract and builds its :class:`Prediction`."""

    def __init__(self, source: str, line: int | None, raw: Any, documents: Mapping[str, Document],
                 problems: list[PredictionProblem]):
        self.source, self.line, self.raw, self.documents, self.problems = source, line, raw, documents, problems
        self.doc_id: str | None = None
        self.text: str | None = None
        self.length = 0
        self.aligner: DocumentAligner | None = None
        self.ok = True

    def problem(self, where: str, expected: str, found: str, fix: str) -> None:
        self.ok = False
        self.problems.append(PredictionProblem(self.source, self.line, self.doc_id, where, expected, found, fix))

    def check(self) -> Prediction | None:
        raw = self.raw
        if not isinstance(raw, dict):
            self.problem("", 'one JSON object per line, e.g. {"id": "frnb-000", "entities": [...]}',
                         show_found(raw), "write each document's predictions as one JSON object")
            return None
        self._check_id(raw)
        for key in sorted(set(raw) - set(RECORD_KEYS)):
            self.problem("", f"only the keys {', '.join(RECORD_KEYS)}", f"the unknown key {key!r}{_did_you_mean(key, RECORD_KEYS)}",
                         "remove the key or correct its spelling (an absent layer is not scored)")
        layers: dict[str, tuple | None] = {}
        for layer in LAYERS:
            value = raw.get(layer)
            if value is None:
                continue
            if not isinstance(value, list):
                self.problem(layer, "a list of spans (or the key left out: not scored)", show_found(value),
                             f"give {layer!r} as a JSON list; [] means 'predicted nothing'")
                continue
            layers[layer] = self._layer(layer, value)
        if not self.ok or self.doc_id is None or self.text is None:
            return None
        alignments = () if self.aligner is None else tuple(self.aligner.decisions)
        return Prediction(id=self.doc_id, **layers, alignments=alignments)

    def _check_id(self, raw: dict[str, Any]) -> None:
        if "id" not in raw:
            self.problem("id", "the key 'id' with a document id of the gold", "no 'id' key", 'add "id": "<document id>"')
            return
        doc_id = raw["id"]
        if not isinstance(doc_id, str):
            self.problem("id", "a document id (a string)", show(doc_id), "give the id as a JSON string")
            return
        self.doc_id = doc_id
        if doc_id not in self.documents:
            known = sorted(self.documents)
            listing = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
            self.problem("id", f"a document id of the gold ({listing or 'the gold is empty'})",
                         f"the unknown id {doc_id!r}{_did_you_mean(doc_id, known)}",
                         "use the ids of the gold documents, or score against the right gold (--gold)")
            return
        self.text = self.documents[doc_id].text
        self.length = len(self.text)
        self.aligner = DocumentAligner(self.text)

    def _fields(self, where: str, item: dict[str, Any], spec: Mapping[str, tuple[bool, type]]) -> bool:
        ok = True
        for key, (required, expected) in spec.items():
            value = item.get(key)
            if value is None:
                if required:
                    self.problem(where, f"the key {key!r} ({TYPE_NAMES[expected]})", "no such key" if key not in item else "null",
                                 f"add {key!r}")
                    ok = False
            elif not _is(value, expected):
                found = show(value) if type(value) in JSON_TYPES else f"{show(value)} of type {type(value).__name__}"
                self.problem(where, f"{key!r} to be {TYPE_NAMES[expected]}{'' if required else ' or null'}", found,
                             f"give {key!r} as {TYPE_NAMES[expected]}")
                ok = False
        for key in sorted(set(item) - set(spec)):
            self.problem(where, f"only the keys {', '.join(spec)}", f"the unknown key {key!r}{_did_you_mean(key, spec)}",
                         "remove the key or correct its spelling")
            ok = False
        return ok

    def _span(self, where: str, raw: dict[str, Any], *, layer: str, item: int, role: str = MENTION,
              content: Span | None = None) -> Span | None:
        """The span of ``raw`` (already type-checked) against the document text, or None. A span
        given by its text alone is placed by the aligner (``content``: its quote's content)."""
        start, end, given = raw.get("start"), raw.get("end"), raw.get("text")
        if self.text is None or self.aligner is None:
            return None
        if start is None and end is None:
            if given is None or not given.strip():
                self.problem(where, "offsets 'start' and 'end', or the span's 'text' alone (placed in the document text)",
                             "neither" if given is None else f"the blank text {show(given)}",
                             'give "start" and "end", or "text" with the words of the span')
                return None
            if role in (SPEAKER, CUE):
                return self.aligner.attached(item, role, given, content)
            return self.aligner.mention(layer, item, given, role)
        if start is None or end is None:
            self.problem(where, "both 'start' and 'end' (or neither, with 'text', to place the span by its text)",
                         f"only {'start' if end is None else 'end'}", "give both offsets, or leave both out and give 'text'")
            return None
        length = len(self.text)
        if not 0 <= start < end <= length:
            self.problem(where, f"0 <= start < end <= {length} (the length of the document text)",
                         f"start={show(start)}, end={show(end)}",
                         "use half-open [start, end) character offsets (Python code points) into the document text")
            return None
        actual = self.text[start:end]
        if given is not None and given != actual:
            fix = ("offsets count code points, not bytes or UTF-16 units: correct start/end or the text, or leave 'text' out"
                   if normalisation_mismatch(actual, given) is None else normalisation_fix(actual))
            self.problem(where, f"text[{start}:{end}] == {show(given)}",
                         f"{show(actual)}{mismatch_hint(self.text, start, end, given)}", fix)
            return None
        span = Span(start, end, actual)
        if role in (MENTION, CONTENT):
            self.aligner.given(layer, span)
        return span

    def _where(self, layer: str, index: int, item: Any) -> str:
        where = f"{layer}[{index}]"
        if isinstance(item, dict):
            if isinstance(item.get("id"), str) and item["id"]:
                where += f" id={item['id']!r}"
            span = item.get("content") if layer == "quotes" else item
            if isinstance(span, dict) and _is(span.get("start"), int) and _is(span.get("end"), int):
                where += f" [{show(span['start'])}, {show(span['end'])})"
            elif isinstance(span, dict) and isinstance(span.get("text"), str):
                where += f" text={show(span['text'])}"
        return where

    def _layer(self, layer: str, values: list) -> tuple:
        """The items of one layer. Each item that is well-formed in every respect is built straight
        away (:meth:`_fast_entity`, :meth:`_fast_date`, :meth:`_fast_quote`); any other goes to the
        full check, which builds it or names each of its problems. The fast builders never accept
        what the full check would refuse: the same conditions, tested on random items."""
        if self.text is None or self.aligner is None:  # not a gold document: the full check names the problems
            return tuple(self._item(layer, index, item) for index, item in enumerate(values))
        fast = _FAST_BUILDERS[layer]
        built: list = []
        cursor = None  # the end of the last item built fast: where the aligner looks for the next text-anchored one
        for index, item in enumerate(values):
            made = fast(self, item) if type(item) is dict else None
            if made is not None:
                built.append(made)
                cursor = made.end
                continue
            if cursor is not None:
                self.aligner.given_end(layer, cursor)
                cursor = None
            built.append(self._item(layer, index, item))
        if cursor is not None:
            self.aligner.given_end(layer, cursor)
        return tuple(built)

    def _fast_span(self, raw: Any) -> Span | None:
        """The span of ``raw`` when it is a well-formed span of the text, else ``None``."""
        if type(raw) is not dict or not raw.keys() <= _SPAN_KEYS:
            return None
        get = raw.get
        start, end, given = get("start"), get("end"), get("text")
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= self.length:
            return None
        actual = self.text[start:end]  # type: ignore[index]
        if given is not None and given != actual:
            return None
        return Span(start, end, actual)

    def _fast_entity(self, item: dict) -> Entity | None:
        if not item.keys() <= _ENTITY_KEYS:
            return None
        get = item.get
        start, end, label = get("start"), get("end"), get("label")
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= self.length or type(label) is not str:
            return None
        label = _ENTITY_LABEL.get(label)  # the one string object of each label
        actual = self.text[start:end]  # type: ignore[index]
        given, item_id, entity_id, name = get("text"), get("id"), get("entity_id"), get("canonical_name")
        if (label is None or (given is not None and given != actual) or (item_id is not None and type(item_id) is not str)
                or (entity_id is not None and type(entity_id) is not str) or (name is not None and type(name) is not str)):
            return None
        return Entity(start, end, actual, label, entity_id, name, item_id or "")

    def _fast_date(self, item: dict) -> TimeExpression | None:
        if not item.keys() <= _DATE_KEYS:
            return None
        get = item.get
        start, end, type_, value = get("start"), get("end"), get("type"), get("value")
        if (type(start) is not int or type(end) is not int or not 0 <= start < end <= self.length
                or type(type_) is not str or type(value) is not str):
            return None
        type_, value = _TIMEX_TYPE.get(type_), _timex_value(value)
        actual = self.text[start:end]  # type: ignore[index]
        given, item_id, mod = get("text"), get("id"), get("mod")
        if mod is not None:
            mod = _TIMEX_MOD.get(mod) if type(mod) is str else None
            if mod is None:
                return None
        if (type_ is None or value is None or (given is not None and given != actual)
                or (item_id is not None and type(item_id) is not str)):
            return None
        return TimeExpression(start, end, actual, type_, value, mod, item_id or "")

    def _fast_quote(self, item: dict) -> Quote | None:
        if not item.keys() <= _QUOTE_KEYS:
            return None
        get = item.get
        type_, item_id, speaker_id = get("type"), get("id"), get("speaker_entity_id")
        if (type(type_) is not str or (item_id is not None and type(item_id) is not str)
                or (speaker_id is not None and type(speaker_id) is not str)):
            return None
        type_ = _QUOTE_TYPE.get(type_)
        content, speaker, cue = get("content"), get("speaker"), get("cue")
        content_span = self._fast_span(content)
        speaker_span = None if speaker is None else self._fast_span(speaker)
        cue_span = None if cue is None else self._fast_span(cue)
        if type_ is None or content_span is None or (speaker is not None and speaker_span is None) or (cue is not None and cue_span is None):
            return None
        return Quote(content_span, type_, speaker_span, speaker_id, cue_span, item_id or "")

    def _item(self, layer: str, index: int, item: Any) -> Entity | TimeExpression | Quote | None:
        """The full check of one item: builds it, or names each of its problems."""
        where = self._where(layer, index, item)
        if not isinstance(item, dict):
            self.problem(where, "a span object", show_found(item), f"write each {layer} span as a JSON object")
            return None
        if not self._fields(where, item, ITEM_FIELDS[layer]):
            return None
        return {"entities": self._entity, "dates": self._time_expression, "quotes": self._quote}[layer](where, index, item)

    def _entity(self, where: str, index: int, item: dict[str, Any]) -> Entity | None:
        span = self._span(where, item, layer="entities", item=index)
        if item["label"] not in ENTITY_LABELS:
            self.problem(where, f"a label in {', '.join(ENTITY_LABELS)}", f"{show(item['label'])}{_did_you_mean(item['label'], ENTITY_LABELS)}",
                         "map the system's labels to these four (see frnewsbench/extractors/labels.py)")
            return None
        if span is None:
            return None
        return Entity(span.start, span.end, span.text, item["label"], item.get("entity_id"), item.get("canonical_name"),
                      id=item.get("id") or "")

    def _time_expression(self, where: str, index: int, item: dict[str, Any]) -> TimeExpression | None:
        span = self._span(where, item, layer="dates", item=index)
        ok = span is not None
        if item["type"] not in TIMEX_TYPES:
            self.problem(where, f"a type in {', '.join(TIMEX_TYPES)}", f"{show(item['type'])}{_did_you_mean(item['type'], TIMEX_TYPES)}",
                         "use a TIMEX3 type")
            ok = False
        problem = value_problem(item["value"])
        if problem:
            self.problem(where, "a TIMEX3 value", problem, "see the value grammar in frnewsbench/timex.py")
            ok = False
        mod = item.get("mod")
        if mod is not None and mod not in TIMEX_MODS:
            self.problem(where, f"mod null or one of {', '.join(TIMEX_MODS)}", show(mod), "use a TimeML mod or leave it out")
            ok = False
        if not ok or span is None:
            return None
        return TimeExpression(span.start, span.end, span.text, item["type"], item["value"], mod, id=item.get("id") or "")

    def _quote(self, where: str, index: int, item: dict[str, Any]) -> Quote | None:
        ok = True
        if item["type"] not in QUOTE_TYPES:
            self.problem(where, f"a quote type in {', '.join(QUOTE_TYPES)}", f"{show(item['type'])}{_did_you_mean(item['type'], QUOTE_TYPES)}",
                         "use direct, indirect or mixed")
            ok = False
        spans: dict[str, Span | None] = {}
        for role in ("content", "speaker", "cue"):
            value = item.get(role)
            if value is None:
                spans[role] = None
            elif self._fields(f"{where} {role}", value, _SPAN):
                spans[role] = self._span(f"{where} {role}", value, layer="quotes", item=index, role=role,
                                         content=spans.get("content"))
                ok = ok and spans[role] is not None
            else:
                ok = False
        if not ok:
            return None
        return Quote(spans["content"], item["type"], spans["speaker"], item.get("speaker_entity_id"), spans["cue"],
                     id=item.get("id") or "")


_FAST_BUILDERS = {"entities": _RecordChecker._fast_entity, "dates": _RecordChecker._fast_date,
                  "quotes": _RecordChecker._fast_quote}
_ENTITY_KEYS, _DATE_KEYS, _QUOTE_KEYS = (_ITEM_KEYS[layer] for layer in LAYERS)
# each vocabulary word as one string object, shared by every item that uses it (and a dict lookup)
_ENTITY_LABEL, _TIMEX_TYPE, _TIMEX_MOD, _QUOTE_TYPE = ({word: word for word in words}
                                                      for words in (ENTITY_LABELS, TIMEX_TYPES, TIMEX_MODS, QUOTE_TYPES))


def _decode(number: int, line: str | bytes, source: str, problems: list[PredictionProblem]) -> Any:
    """The JSON value of one line, or ``_BLANK`` / ``_BAD``."""
    def bad(expected: str, found: str, fix: str) -> Any:
        problems.append(PredictionProblem(source, number, None, "", expected, found, fix))
        return _BAD

    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as error:
            return bad("UTF-8 text", f"the byte {line[error.start]:#04x}, which is not UTF-8 (at byte {error.start + 1})",
                       "save the file as UTF-8")
    if number == 1:
        line = line.removeprefix("\ufeff")
    if not line.strip():
        return _BLANK
    try:
        return loads(line)
    except JSONReadError as error:
        if error.column is not None:  # malformed
            return bad("one JSON object per line (JSON Lines)", f"{error.found} at column {error.column}",
                       "fix the JSON syntax; each document's object must be on one line")
        where = f" (at {error.where})" if error.where else ""
        return bad(error.expected, error.found + where, error.fix)


_BLANK, _BAD = object(), object()


def parse_predictions(lines: Iterable[str | bytes], *, documents: Iterable[Document],
                      source: str = "<predictions>") -> dict[str, Prediction]:
    """Check JSON Lines ``lines`` against the gold ``documents``; the predictions keyed by id, sorted.

    Raises :class:`PredictionsError` listing every problem found.
    """
    problems: list[PredictionProblem] = []
    return _check_records(_read_lines(lines, source, problems), documents=documents, source=source, problems=problems)


def _read_lines(lines: Iterable[str | bytes], source: str,
                problems: list[PredictionProblem]) -> Iterator[tuple[int, Any, str | bytes | None]]:
    """``(number, record, line)`` for each line holding JSON, one line at a time: read by
    :func:`~frnewsbench.jsonread.quick_loads` (``line`` kept, to read again with the strict reader
    if the record is refused: its messages are the strict reader's), else by :func:`_decode`
    (``line`` is ``None``; a line it cannot read is a problem, a blank line is skipped)."""
    for number, line in enumerate(lines, start=1):
        record = quick_loads(_without_bom(line) if number == 1 else line)
        if record is not NOT_QUICK:
            yield number, record, line
            continue
        record = _decode(number, line, source, problems)
        if record is not _BLANK and record is not _BAD:
            yield number, record, None


def _without_bom(line: str | bytes) -> str | bytes:
    return line.removeprefix(b"\xef\xbb\xbf") if isinstance(line, bytes) else line.removeprefix("\ufeff")


def parse_records(records: Sequence[Any], *, documents: Iterable[Document],
                  source: str = "predictions list") -> dict[str, Prediction]:
    """Check predictions records given in Python (dicts as the lines of a predictions file, or
    :class:`Prediction` objects) against the gold ``documents``: the same checks and messages as
    a file, each problem numbered by the record's item in the list (from 1)."""
    items = ((number, prediction_to_record(record) if isinstance(record, Prediction) else record, None)
             for number, record in enumerate(records, start=1))
    return _check_records(items, documents=documents, source=source, problems=[], unit="item")


def _check_records(items: Iterable[tuple[int, Any, str | bytes | None]], *, documents: Iterable[Document], source: str,
                   problems: list[PredictionProblem], unit: str = "line") -> dict[str, Prediction]:
    """Check each ``(number, record, line)``; a record refused that was read quickly from ``line``
    is read again by the strict reader, so that its problems are named from what that one reads."""
    by_id = {document.id: document for document in documents}
    predictions: dict[str, Prediction] = {}
    first: dict[str, int] = {}
    with collector_paused():
        for number, raw, line in items:
            start = len(problems)
            checker = _RecordChecker(source, number, raw, by_id, problems)
            prediction = checker.check()
            if line is not None and not checker.ok:
                del problems[start:]
                raw = _decode(number, line, source, problems)
                if raw is _BAD or raw is _BLANK:
                    continue
                checker = _RecordChecker(source, number, raw, by_id, problems)
                prediction = checker.check()
            doc_id = checker.doc_id
            if doc_id is not None and doc_id in first:
                checker.problem("id", f"one {unit} per document", f"{doc_id!r} also on {unit} {first[doc_id]}",
                                f"merge the two {unit}s into one")
            elif doc_id is not None:
                first[doc_id] = number
                if prediction is not None:
                    predictions[prediction.id] = prediction
            if unit != "line" and len(problems) > start:
                problems[start:] = [replace(problem, unit=unit) for problem in problems[start:]]
    if problems:
        raise PredictionsError(problems)
    return dict(sorted(predictions.items()))


def read_predictions(path: str | Path, *, documents: Iterable[Document]) -> dict[str, Prediction]:
    """Read and check a predictions file (JSON Lines, UTF-8) against the gold ``documents``."""
    return read_predictions_with_hash(path, documents=documents)[0]


def read_predictions_with_hash(path: str | Path, *, documents: Iterable[Document]) -> tuple[dict[str, Prediction], str]:
    """:func:`read_predictions`, and the ``sha256:`` hash of the very bytes that were checked
    (the file is read once, so the hash always describes what was scored). The file is read in
    chunks, each hashed, split into lines and checked line by line: never held whole in memory."""
    path = Path(path)
    digest = hashlib.sha256()
    expected, fix = "a readable predictions file", "check the file's path and that it can be read"
    try:
        with path.open("rb") as handle:
            predictions = parse_predictions(_file_lines(handle, digest), documents=documents, source=str(path))
    except OSError as error:
        raise _unreadable(path, error, expected, fix) from None
    return predictions, "sha256:" + digest.hexdigest()


CHUNK_BYTES = 1 << 20


def _file_lines(handle: BinaryIO, digest: Any) -> Iterator[bytes]:
    """The lines of a binary file (``content.split(b"\\n")``, the last one included even if
    empty), read a chunk at a time, each chunk added to ``digest`` as it is read."""
    pending: list[bytes] = []  # the pieces of a line that began in an earlier chunk
    while chunk := handle.read(CHUNK_BYTES):
        digest.update(chunk)
        if b"\n" not in chunk:
            pending.append(chunk)
            continue
        lines = chunk.split(b"\n")
        if pending:
            pending.append(lines[0])
            lines[0] = b"".join(pending)
        pending = [lines.pop()]
        yield from lines
    yield b"".join(pending)


@dataclass(frozen=True)
class PredictionsIndex:
    """Where each document's line is in a predictions file, found without building its record
    (:func:`index_predictions`): the file is then read a batch of documents at a time
    (:func:`read_predictions_batch`), in the gold's order, never held whole."""

    path: Path
    handle: BinaryIO  # kept open from the indexing to the last batch: the same file throughout
    lines: dict[str, tuple[int, int, int, int]]  # document id -> (line number, byte offset, length, CRC-32)
    layers: tuple[str, ...]  # the layers at least one line gives (present and not null)
    sha256: str


def index_predictions(path: str | Path, *, ids: Iterable[str]) -> PredictionsIndex | None:
    """Index a predictions file by document id (hashing it as it is read), each line's ``id`` and
    layers read by msgspec without building the rest (ten times quicker than parsing it).

    ``None`` when a line is not plainly one JSON object with a gold ``id`` of its own, the file
    opens with a byte order mark or is not a regular file (a pipe is read once): :func:`read_predictions_with_hash` then reads the file whole and
    names every problem, as it always has. The caller closes ``handle``."""
    import msgspec

    # a line's id and its layers' raw JSON: the rest is skipped, not built
    head_type = msgspec.defstruct("Head", [("id", Any, None), *((layer, msgspec.Raw | msgspec.UnsetType, msgspec.UNSET)
                                                                for layer in LAYERS)])
    known = set(ids)
    decode, null = msgspec.json.Decoder(head_type).decode, msgspec.Raw(b"null")
    digest = hashlib.sha256()
    lines: dict[str, tuple[int, int, int, int]] = {}
    given: set[str] = set()
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError:  # the whole reading says why
        return None
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # a pipe cannot be read twice: read it once, whole
        handle.close()
        return None
    indexed = False
    try:
        offset = 0
        for number, line in enumerate(_file_lines(handle, digest), start=1):
            at, offset = offset, offset + len(line) + 1
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                raise _NotIndexed
            if not line.strip():
                continue
            try:
                head = decode(line)
            except (msgspec.DecodeError, RecursionError):  # msgspec's own limit on nesting: the whole reading's message
                raise _NotIndexed from None
            if type(head.id) is not str or head.id not in known or head.id in lines:
                raise _NotIndexed
            lines[head.id] = (number, at, len(line), zlib.crc32(line))
            given.update(layer for layer in LAYERS if getattr(head, layer) not in (msgspec.UNSET, null))
        indexed = True
    except (_NotIndexed, OSError):
        return None
    finally:
        if not indexed:
            handle.close()
    return PredictionsIndex(path, handle, lines, tuple(layer for layer in LAYERS if layer in given),
                            "sha256:" + digest.hexdigest())


class _NotIndexed(Exception):
    pass


def read_predictions_batch(index: PredictionsIndex, documents: Sequence[Document]) -> dict[str, Prediction]:
    """The checked predictions of ``documents`` (a batch of the gold) from an indexed file: each
    line read again at its offset. Raises :class:`PredictionsError` for a line the checks refuse
    (with its line number, but only this batch's problems: read the file whole to have them all,
    in the file's order) and :class:`~frnewsbench.corpus.NotInBatches` for a line whose bytes are not
    the ones indexed and hashed (the file changed) or that orjson cannot read as the strict reader would."""
    items = []
    for document in documents:
        where = index.lines.get(document.id)
        if where is None:
            continue
        number, offset, length, crc = where
        try:
            index.handle.seek(offset)
            line = index.handle.read(length)
        except OSError:  # the whole reading says what
            raise NotInBatches(index.path) from None
        record = quick_loads(line)
        if len(line) != length or zlib.crc32(line) != crc or record is NOT_QUICK:
            raise NotInBatches(index.path)  # changed since it was hashed, or for the strict reader
        items.append((number, record, line))
    return _check_records(items, documents=documents, source=str(index.path), problems=[])


def read_input_bytes(path: Path, *, expected: str, fix: str) -> bytes:
    """The bytes of an input file; a file that cannot be read is a :class:`PredictionsError` naming it."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error, expected, fix) from None


def _unreadable(path: Path, error: OSError, expected: str, fix: str) -> PredictionsError:
    return PredictionsError([PredictionProblem(str(path), None, None, "", expected,
                                               error.strerror or str(error), fix)])


def sha256_of_bytes(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def check_prediction(prediction: Prediction, document: Document, *, source: str) -> Prediction:
    """Check a system's in-memory ``prediction`` for ``document`` against the same contract.

    Returns the prediction rebuilt from the document text; raises :class:`PredictionsError`.
    """
    if not isinstance(prediction, Prediction):
        raise PredictionsError([PredictionProblem(source, None, document.id, "", "a frnewsbench.schema.Prediction",
                                                  f"{type(prediction).__name__} {show(prediction)}",
                                                  "return Prediction(id=document.id, entities=(...), ...)")])
    if prediction.id != document.id:
        raise PredictionsError([PredictionProblem(source, None, document.id, "id", f"the id of the document given ({document.id!r})",
                                                  show(prediction.id), "return Prediction(id=document.id, ...)")])
    try:
        record = _record_as_given(prediction)
    except (IndexError, KeyError) as error:
        raise PredictionsError([PredictionProblem(source, None, document.id, "alignments",
                                                  "alignments naming items of the prediction's layers",
                                                  f"{type(error).__name__}: {error}",
                                                  "leave Prediction.alignments empty: the harness fills it")]) from None
    except (AttributeError, TypeError) as error:
        raise PredictionsError([PredictionProblem(source, None, document.id, "", "layers of Entity, TimeExpression and Quote",
                                                  f"{type(error).__name__}: {error}", "build the layers from frnewsbench.schema types")]) from None
    return prediction_from_record(record, document, source=source)


def prediction_from_record(record: Any, document: Document, *, source: str, line: int | None = None) -> Prediction:
    """Check one decoded record (a dict) for ``document``; raise :class:`PredictionsError`."""
    problems: list[PredictionProblem] = []
    checker = _RecordChecker(source, line, record, {document.id: document}, problems)
    prediction = checker.check()
    if problems or prediction is None:
        raise PredictionsError(problems)
    return prediction


def prediction_to_record(prediction: Prediction) -> dict[str, Any]:
    """The JSON Lines record of ``prediction``: layers that are ``None`` are left out, and so is
    the ``id`` of an item the system gave none (an empty id); a string that could not be placed in
    the text (:func:`frnewsbench.align.is_unaligned`) is written by its text alone."""
    writers = {"entities": entity_to_dict, "dates": time_expression_to_dict, "quotes": quote_to_dict}
    record: dict[str, Any] = {"id": prediction.id}
    for layer in LAYERS:
        items = getattr(prediction, layer)
        if items is not None:
            record[layer] = [writers[layer](item) for item in items]
            for raw in record[layer]:
                if not raw["id"]:
                    del raw["id"]
                for span in ((raw,) if layer != "quotes" else (raw[role] for role in ("content", "speaker", "cue"))):
                    if span is not None and span["start"] == span["end"]:
                        del span["start"], span["end"]
    return record


def _record_as_given(prediction: Prediction) -> dict[str, Any]:
    """The record of ``prediction`` with each text-anchored span given by its text alone again,
    so that checking it places the spans (and reports the decisions) as the first time."""
    record = prediction_to_record(prediction)
    for decision in prediction.alignments:
        raw = record[decision.layer][decision.item]
        span = raw if decision.role == MENTION else raw[decision.role]
        span.pop("start", None)
        span.pop("end", None)
        span["text"] = decision.text
    return record


def dumps_predictions(predictions: Iterable[Prediction]) -> str:
    """Predictions as JSON Lines, one document per line, sorted by id."""
    ordered = sorted(predictions, key=lambda prediction: prediction.id)
    return "".join(json.dumps(prediction_to_record(p), ensure_ascii=False) + "\n" for p in ordered)


def write_predictions(path: str | Path, predictions: Iterable[Prediction]) -> None:
    write_atomic(path, dumps_predictions(predictions))


def missing_documents(predictions: Mapping[str, Prediction], documents: Iterable[Document]) -> list[str]:
    """Ids of the gold documents that have no line in the predictions (scored as empty)."""
    return sorted(document.id for document in documents if document.id not in predictions)
