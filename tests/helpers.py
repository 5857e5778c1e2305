"""Small hand-made documents for tests (offsets computed with str.find, never typed)."""

from __future__ import annotations

import json
from pathlib import Path

from frnewsbench.corpus import dumps_document, document_to_dict, write_document
from frnewsbench.schema import Document, Entity, Quote, Span, TimeExpression, sha256_text

TEXT = (
    "Xi Jinping rencontrera Poutine à Moscou la semaine prochaine.\n"
    "« La paix est possible », a déclaré le porte-parole Wang Wenbin le 28 février."
)


def find(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def span(text: str, needle: str, occurrence: int = 1) -> Span:
    start, end = find(text, needle, occurrence)
    return Span(start, end, needle)


def entity(text: str, needle: str, label: str, entity_id: str, name: str, id: str = "", occurrence: int = 1) -> Entity:
    start, end = find(text, needle, occurrence)
    return Entity(start, end, needle, label, entity_id, name, id=id)


def small_document(doc_id: str = "doc-1", text: str = TEXT) -> Document:
    entities = (
        entity(text, "Xi Jinping", "PER", "xi_jinping", "Xi Jinping", "e1"),
        entity(text, "Poutine", "PER", "vladimir_poutine", "Vladimir Poutine", "e2"),
        entity(text, "Moscou", "LOC", "moscou", "Moscou", "e3"),
        entity(text, "Wang Wenbin", "PER", "wang_wenbin", "Wang Wenbin", "e4"),
    )
    week = span(text, "semaine prochaine")
    day = span(text, "28 février")
    dates = (
        TimeExpression(week.start, week.end, week.text, "DATE", "2023-W12", id="t1"),
        TimeExpression(day.start, day.end, day.text, "DATE", "2023-02-28", id="t2"),
    )
    quotes = (
        Quote(content=span(text, "La paix est possible"), type="direct",
              speaker=span(text, "le porte-parole Wang Wenbin"), speaker_entity_id="wang_wenbin",
              cue=span(text, "a déclaré"), id="q1"),
    )
    return Document(
        id=doc_id, title=None, text=text, language="fr", source="CNN", dct="2023-03-17",
        dct_evidence="test", seed_file="seed.txt", text_sha256=sha256_text(text),
        seed_segments=((0, 0, len(text)),), entities=entities, dates=dates, quotes=quotes,
    )


def write_small_corpus(directory: Path, count: int = 1) -> list[Path]:
    paths = []
    for index in range(count):
        # each article its own text (the validator refuses two articles with the same text)
        document = small_document(f"doc-{index + 1}", TEXT + (f" Dépêche {index + 1}." if index else ""))
        path = directory / f"{document.id}.json"
        write_document(document, path)
        paths.append(path)
    return paths


def raw_document(doc_id: str = "doc-1") -> dict:
    return json.loads(dumps_document(document_to_dict(small_document(doc_id))))


def write_raw(directory: Path, raw: dict, name: str | None = None) -> Path:
    path = directory / f"{name or raw['id']}.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


FIGURES = ("precision", "recall", "f1", "accuracy")


def figures(tree, path=""):
    """Every (path, value) of a precision/recall/f1/accuracy key in a to_dict() tree."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key in FIGURES and not isinstance(value, (dict, list)):
                yield f"{path}.{key}", value
            else:
                yield from figures(value, f"{path}.{key}")
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from figures(value, f"{path}[{index}]")


def after_gold_line(stderr: str, gold: Path) -> str:
    """What a command printed on stderr after its first line, which says which gold it used
    (checked: the folder ``gold``, given with --gold)."""
    first, _, rest = stderr.partition("\n")
    assert first.startswith(f"gold: {Path(gold).resolve()} (from --gold), "), first
    return rest
