"""Every check on annotation files, all problems reported in one run.

Each :class:`Problem` names the file, the document and span, what was expected, what was
found and how to fix it. ``validate_files`` never stops at the first problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .corpus import read_raw
from .jsonread import JSONReadError, json_type
from .schema import ENTITY_LABELS, QUOTE_TYPES, SCHEMA_VERSION, TIMEX_MODS, TIMEX_TYPES, sha256_text
from .seeds import clean_seed
from .spantext import mismatch_hint, normalisation_fix, normalisation_mismatch
from .timex import type_value_problem, value_problem


@dataclass(frozen=True)
class Problem:
    file: str
    where: str  # "" when the problem is the file's as a whole
    expected: str
    found: str
    fix: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        return f"{self.file}:{where} expected {self.expected}; found {self.found}. Fix: {self.fix}"


class ValidationError(ValueError):
    """Annotation files (or, as ``subject`` says, another input such as a Label Studio export)
    with problems; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem], *, subject: str = "the annotation files"):
        self.problems = problems
        self.subject = subject
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in {subject}:\n{listing}")


TOP_LEVEL = {
    "schema_version": str, "id": str, "title": (str, type(None)), "language": str,
    "source": (str, type(None)), "dct": str, "dct_evidence": str, "seed_file": str,
    "seed_segments": list, "text_sha256": str, "text": list, "entities": list, "dates": list,
    "quotes": list,
}
SPAN_KEYS = {"start": int, "end": int, "text": str}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ENTITY_ID = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
QUOTATION_MARKS = "«»“”„\""
DOCUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
LAYER_KEYS = {
    "entities": {"id": str, **SPAN_KEYS, "label": str, "entity_id": str, "canonical_name": str},
    "dates": {"id": str, **SPAN_KEYS, "type": str, "value": str, "mod": (str, type(None))},
    "quotes": {
        "id": str, "type": str, "content": dict, "speaker": (dict, type(None)),
        "speaker_entity_id": (str, type(None)), "cue": (dict, type(None)),
    },
}
TYPE_NAMES = {str: "a string", int: "an integer", list: "a list", dict: "an object", type(None): "null"}


def _type_name(expected: Any) -> str:
    options = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(TYPE_NAMES[option] for option in options)


def _is(value: Any, expected: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, expected)


class _FileChecker:
    def __init__(self, path: Path, raw: dict[str, Any], problems: list[Problem]):
        self.path, self.raw, self.problems = path, raw, problems
        self.doc_id = raw.get("id") if isinstance(raw.get("id"), str) else path.stem
        self.text = ""

    def problem(self, where: str, expected: str, found: str, fix: str) -> None:
        self.problems.append(Problem(str(self.path), f"{self.doc_id} {where}".strip(), expected, found, fix))

    def keys(self, where: str, value: dict[str, Any], spec: dict[str, Any]) -> bool:
        ok = True
        for key, expected in spec.items():
            if key not in value:
                self.problem(where, f"the key {key!r}", "no such key", f"add {key!r} ({_type_name(expected)})")
                ok = False
            elif not _is(value[key], expected):
                self.problem(where, f"{key!r} to be {_type_name(expected)}", repr(value[key]), f"give {key!r} as {_type_name(expected)}")
                ok = False
        for key in sorted(set(value) - set(spec)):
            self.problem(where, f"only the keys {', '.join(spec)}", f"the unknown key {key!r}", f"remove {key!r} or correct its spelling")
            ok = False
        return ok

    def span(self, where: str, span: dict[str, Any]) -> bool:
        start, end, text = span["start"], span["end"], span["text"]
        if not 0 <= start < end <= len(self.text):
            self.problem(where, f"0 <= start < end <= {len(self.text)} (the text length)", f"start={start}, end={end}",
                         "recompute the offsets from the text with code")
            return False
        actual = self.text[start:end]
        if actual != text:
            fix = ("recompute the offsets by searching the span text in the document, or correct the span text"
                   if normalisation_mismatch(actual, text) is None else normalisation_fix(actual))
            self.problem(where, f"text[{start}:{end}] == {text!r}", f"{actual!r}{mismatch_hint(self.text, start, end, text)}", fix)
            return False
        if text != text.strip():
            self.problem(where, "a span without spaces at its edges", repr(text), "move start/end inside the spaces")
            return False
        return True

    def check(self) -> tuple[list[tuple[str, dict]], list[tuple[str, str]]]:
        """Check the file; return its entity mentions and speaker references for corpus checks."""
        raw = self.raw
        if not self.keys("", raw, TOP_LEVEL):
            if not all(_is(raw.get(key), TOP_LEVEL[key]) for key in ("text",)):
                return [], []
        if raw.get("schema_version") != SCHEMA_VERSION:
            self.problem("schema_version", repr(SCHEMA_VERSION), repr(raw.get("schema_version")),
                         "migrate the file to the current schema")
        if raw.get("id") != self.path.stem:
            self.problem("id", f"the file name without .json ({self.path.stem!r})", repr(raw.get("id")),
                         "rename the file or correct its id")
        if raw.get("language") != "fr":
            self.problem("language", "'fr'", repr(raw.get("language")), "set language to 'fr'")
        if isinstance(raw.get("dct"), str) and not is_iso_date(raw["dct"]):
            self.problem("dct", "an ISO date YYYY-MM-DD", repr(raw.get("dct")), "give the document creation date as YYYY-MM-DD")
        lines = raw.get("text")
        if not isinstance(lines, list) or not all(isinstance(line, str) and "\n" not in line for line in lines):
            self.problem("text", "a list of lines (strings without line breaks)", repr(lines)[:80], "split the text on '\\n'")
            return [], []
        self.text = "\n".join(lines)
        if raw.get("text_sha256") != sha256_text(self.text):
            self.problem("text_sha256", sha256_text(self.text), repr(raw.get("text_sha256")),
                         "the text changed: restore it from the seed file, or update the hash if the change is intended")
        title = raw.get("title")
        if isinstance(title, str) and title not in lines:
            self.problem("title", "a line of the text", repr(title), "copy the title line from the text or set it to null")
        self._segments()
        mentions = self._entities()
        self._dates()
        speakers = self._quotes()
        return mentions, speakers

    def _segments(self) -> None:
        segments = self.raw.get("seed_segments")
        if not isinstance(segments, list):
            return
        position = 0
        for index, segment in enumerate(segments):
            if not (isinstance(segment, list) and len(segment) == 3 and all(_is(x, int) for x in segment)) or segment[0] != position:
                self.problem(f"seed_segments[{index}]", f"[text_start={position}, seed_start, length]", repr(segment),
                             "rebuild the document from its seed file (frnewsbench.seeds.document_from_seed)")
                return
            position += segment[2]
        if position != len(self.text):
            self.problem("seed_segments", f"segments covering the {len(self.text)} characters of the text",
                         f"{position} characters", "rebuild the document from its seed file")

    def _layer(self, layer: str) -> Iterable[tuple[str, dict[str, Any]]]:
        seen: set[str] = set()
        items = self.raw.get(layer)
        if not isinstance(items, list):  # reported by the key check
            return
        for index, item in enumerate(items):
            where = f"{layer}[{index}]"
            if not isinstance(item, dict):
                self.problem(where, "an object", repr(item)[:60], "write the span as a JSON object")
                continue
            if isinstance(item.get("id"), str):
                where = f"{layer}[{index}] id={item['id']}"
                if item["id"] in seen:
                    self.problem(where, "a span id unique in the document", f"{item['id']!r} used twice", "renumber the spans")
                seen.add(item["id"])
            if self.keys(where, item, LAYER_KEYS[layer]):
                yield where, item

    def _entities(self) -> list[tuple[str, dict]]:
        """Check the entities; return every mention with well-formed keys (for the corpus checks)."""
        mentions, aligned = [], []
        for where, item in self._layer("entities"):
            mentions.append((where, item))
            if not ENTITY_ID.match(item["entity_id"]):
                self.problem(where, "an entity_id in lower-case ASCII snake case (xi_jinping)", repr(item["entity_id"]),
                             "derive the id from the canonical name: lower case, accents removed, words joined by '_'")
            if not item["canonical_name"].strip():
                self.problem(where, "a canonical_name", "an empty string", "give the entity's fullest usual name")
            if item["label"] not in ENTITY_LABELS:
                self.problem(where, f"a label in {', '.join(ENTITY_LABELS)}", repr(item["label"]), "use one of the four labels")
            if self.span(where, item):
                aligned.append((where, item))
        self.people = [(item["start"], item["end"], item["entity_id"]) for _, item in aligned if item["label"] == "PER"]
        ordered = sorted(aligned, key=lambda pair: (pair[1]["start"], pair[1]["end"]))
        for (_, first), (where, second) in zip(ordered, ordered[1:]):
            if second["start"] < first["end"]:
                self.problem(where, "entities that do not overlap (flat annotation)",
                             f"{second['text']!r} [{second['start']}, {second['end']}) overlaps {first.get('id')} "
                             f"{first['text']!r} [{first['start']}, {first['end']})",
                             "keep the maximal name only")
        return mentions

    def _dates(self) -> None:
        seen: dict[tuple[int, int], str] = {}
        for where, item in self._layer("dates"):
            if self.span(where, item):
                key = (item["start"], item["end"])
                if key in seen:
                    self.problem(where, "one time expression per span", f"the same span as {seen[key]}", "remove the duplicate")
                seen.setdefault(key, item["id"])
            if item["type"] not in TIMEX_TYPES:
                self.problem(where, f"a type in {', '.join(TIMEX_TYPES)}", repr(item["type"]), "use a TIMEX3 type")
                continue
            problem = value_problem(item["value"]) or type_value_problem(item["type"], item["value"])
            if problem:
                self.problem(where, "a TIMEX3 value that fits the type", problem, "see the value grammar in annotations/GUIDELINES.md")
            if item["mod"] is not None and item["mod"] not in TIMEX_MODS:
                self.problem(where, f"mod null or one of {', '.join(TIMEX_MODS)}", repr(item["mod"]), "use a TimeML mod")

    def _quotes(self) -> list[tuple[str, str]]:
        speakers = []
        for where, item in self._layer("quotes"):
            if item["type"] not in QUOTE_TYPES:
                self.problem(where, f"a type in {', '.join(QUOTE_TYPES)}", repr(item["type"]), "use direct, indirect or mixed")
            aligned = {}
            for role in ("content", "speaker", "cue"):
                if item[role] is not None and self.keys(f"{where} {role}", item[role], SPAN_KEYS):
                    aligned[role] = self.span(f"{where} {role}", item[role])
            if aligned.get("content"):
                self._content_rules(where, item)
            if aligned.get("speaker") and item["speaker_entity_id"] is None:
                self._speaker_rule(where, item["speaker"])
            if item["speaker_entity_id"] is not None:
                speakers.append((where, item["speaker_entity_id"]))
        return speakers


    def _content_rules(self, where: str, quote: dict[str, Any]) -> None:
        """The guidelines' content extent rules, and quotation marks that fit the quote type."""
        content = quote["content"]
        text = content["text"]
        where = f"{where} content"
        if text.endswith(".") and not text.endswith(".."):
            self.problem(where, "content without its final full stop", repr(text[-30:]), "end the content before the full stop")
        if re.match(r"(?i)qu(?:e\s|['’])", text) and quote["type"] != "direct":
            self.problem(where, "a reported clause without the complementiser", repr(text[:30]), "start the content after 'que'/'qu''")
        has_marks = any(mark in text for mark in QUOTATION_MARKS)
        if quote["type"] == "indirect" and has_marks:
            self.problem(where, "an indirect quote without quotation marks", repr(text[:60]),
                         "make it 'mixed' if it contains quoted words, or 'direct' if it is all quoted")
        if quote["type"] == "mixed" and not has_marks:
            self.problem(where, "a mixed quote that contains quoted words", repr(text[:60]), "make it 'indirect'")
        if quote["type"] == "direct":
            before = self.text[max(0, content["start"] - 3):content["start"]]
            after = self.text[content["end"]:content["end"] + 4]
            if not any(mark in before for mark in QUOTATION_MARKS) or not any(mark in after for mark in QUOTATION_MARKS):
                self.problem(where, "a direct quote between quotation marks", f"{before!r} ... {after!r} around it",
                             "put the content just inside the marks, or make the quote 'indirect'")

    def _speaker_rule(self, where: str, speaker: dict[str, Any]) -> None:
        """A speaker span holding exactly one person's name is that person."""
        inside = [entity_id for start, end, entity_id in getattr(self, "people", [])
                  if speaker["start"] <= start and end <= speaker["end"]]
        if len(inside) == 1:
            self.problem(f"{where} speaker", f"speaker_entity_id {inside[0]!r} (the one PER mention in {speaker['text']!r})",
                         "null", f"set speaker_entity_id to {inside[0]!r}")


def is_iso_date(value: str) -> bool:
    """``YYYY-MM-DD`` and a real day (the same answer on every Python version)."""
    if not ISO_DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate_raw(path: Path, raw: Any, problems: list[Problem]):
    if not isinstance(raw, dict):
        problems.append(Problem(str(path), path.stem, "a JSON object", json_type(raw), "write the annotation file as one object"))
        return [], []
    return _FileChecker(path, raw, problems).check()


def validate_files(paths: Iterable[str | Path], *, seeds_dir: str | Path | None = None,
                   read: dict[Path, Any] | None = None) -> list[Problem]:
    """All problems of the annotation files ``paths``, checked one by one and as a corpus.
    ``read``: filled with each readable file's parsed JSON, so that a caller reads each file once."""
    problems: list[Problem] = []
    names: dict[str, dict[str, str]] = defaultdict(dict)  # entity_id -> canonical name -> where
    speakers: list[tuple[str, str, str]] = []
    doc_ids: dict[str, str] = {}
    texts: dict[str, str] = {}  # sha256 of the text -> the first article with it
    for path in map(Path, paths):
        try:
            raw = read_raw(path)
        except JSONReadError as error:
            problems.append(Problem(str(path), error.where, error.expected, error.found, error.fix))
            continue
        except OSError as error:
            problems.append(Problem(str(path), "", "a readable file", error.strerror or str(error), "check the path"))
            continue
        if read is not None:
            read[path] = raw
        mentions, references = validate_raw(path, raw, problems)
        doc_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(doc_id, str):
            if doc_id in doc_ids:
                problems.append(Problem(str(path), doc_id, "a document id unique in the corpus", f"also in {doc_ids[doc_id]}", "give each article its own id"))
            doc_ids[doc_id] = str(path)
        lines = raw.get("text") if isinstance(raw, dict) else None
        if isinstance(lines, list) and all(isinstance(line, str) for line in lines):
            digest = sha256_text("\n".join(lines))
            if digest in texts:
                problems.append(Problem(str(path), f"{doc_id} text", "a text unique in the corpus (one file per article)",
                                        f"the same text as {texts[digest]}",
                                        "delete the copy, or restore its own text (a doc_id changed in Label Studio makes such copies)"))
            texts.setdefault(digest, f"{raw.get('id')} ({path})")
        for where, item in mentions:
            names[item["entity_id"]].setdefault(item["canonical_name"], f"{path}: {doc_id} {where}")
        speakers.extend((str(path), f"{doc_id} {where}", entity_id) for where, entity_id in references)
        if seeds_dir is not None and isinstance(raw, dict) and isinstance(raw.get("seed_file"), str):
            _check_seed(path, raw, Path(seeds_dir), problems)
    for entity_id, canonical in sorted(names.items()):
        if len(canonical) > 1:
            listing = "; ".join(f"{name!r} ({where})" for name, where in canonical.items())
            problems.append(Problem("(corpus)", f"entity_id={entity_id}", "one canonical_name per entity_id",
                                    listing, "use the same canonical_name for every mention of the entity"))
    for file, where, entity_id in speakers:
        if entity_id not in names:
            problems.append(Problem(file, where, "a speaker_entity_id used by an entity mention in the corpus",
                                    repr(entity_id), "use the entity_id of the speaker's mentions, or null"))
    return problems


def _check_seed(path: Path, raw: dict[str, Any], seeds_dir: Path, problems: list[Problem]) -> None:
    seed_path = seeds_dir / raw["seed_file"]
    if not seed_path.is_file():
        problems.append(Problem(str(path), f"{raw.get('id')} seed_file", f"a seed file {seed_path}", "no such file",
                                "point --seeds at the folder of the seed articles"))
        return
    try:
        clean = clean_seed(seed_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        problems.append(Problem(str(path), f"{raw.get('id')} seed_file", "a UTF-8 seed file", str(error),
                                f"convert {seed_path} to UTF-8"))
        return
    text = "\n".join(raw["text"]) if isinstance(raw.get("text"), list) else None
    if text != clean.text or [list(s) for s in clean.segments] != raw.get("seed_segments"):
        problems.append(Problem(str(path), f"{raw.get('id')} text", f"the text of {seed_path.name} with boilerplate lines removed",
                                "a different text or segment map", "restore the text from the seed file"))
