"""From a seed file (the article as scraped) to the stored text, keeping a map back.

The rule: a line whose whole content (spaces trimmed) is one of :data:`BOILERPLATE_LINES`
is scraping boilerplate, not article text. Such a line is removed together with the line
breaks that follow it; when nothing but boilerplate follows, the line breaks before it go
too, so the text does not end in blank lines. Nothing else changes:
every other character is kept verbatim, non-breaking spaces, curly apostrophes and blank
lines included. The removed stretches are recorded as segments so that every offset in the
stored text maps back to an offset in the seed file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .schema import Document, sha256_text

BOILERPLATE_LINES = (
    "[ad_1]",
    "[ad_2]",
    "Source link -31",
    "Bouton retour en haut de la page",
)


@dataclass(frozen=True)
class CleanText:
    text: str
    segments: tuple[tuple[int, int, int], ...]
    """``(text_start, seed_start, length)``: kept stretches of the seed, in order."""


def clean_seed(seed: str) -> CleanText:
    """Remove boilerplate lines from ``seed`` and keep the offset map."""
    removed: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]*(?:\n|$)", seed):
        line = match.group().rstrip("\n")
        if match.start() == match.end() or line.strip() not in BOILERPLATE_LINES:
            continue
        start, end = match.start(), match.end()
        while end < len(seed) and seed[end] == "\n":
            end += 1
        if removed and removed[-1][1] == start:
            start = removed.pop()[0]
        removed.append((start, end))
    if removed and removed[-1][1] == len(seed):
        start, end = removed.pop()
        while start > 0 and seed[start - 1] == "\n":
            start -= 1
        removed.append((start, end))
    segments = []
    text_parts = []
    seed_pos = text_pos = 0
    for start, end in removed + [(len(seed), len(seed))]:
        if start > seed_pos:
            segments.append((text_pos, seed_pos, start - seed_pos))
            text_parts.append(seed[seed_pos:start])
            text_pos += start - seed_pos
        seed_pos = end
    return CleanText("".join(text_parts), tuple(segments))


def to_seed_offset(segments: tuple[tuple[int, int, int], ...], offset: int) -> int:
    """Map a stored-text offset to the seed-file offset of the same character."""
    for text_start, seed_start, length in segments:
        if text_start <= offset < text_start + length:
            return seed_start + offset - text_start
    if segments:
        text_start, seed_start, length = segments[-1]
        if offset == text_start + length:
            return seed_start + length
    raise ValueError(f"offset {offset} is outside the stored text")


def read_seed(path: Path) -> str:
    """The text of a seed file, which must be UTF-8; otherwise ValueError naming the byte and the fix."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ValueError(
            f"{path}: not UTF-8: the byte 0x{data[error.start]:02X} at offset {error.start} (line {line}, "
            f"byte {column} of the line) cannot be read as UTF-8 ({error.reason}); save the seed as UTF-8, e.g. "
            f"`iconv -f WINDOWS-1252 -t UTF-8 {path} > {path.with_name(path.stem + '.utf8' + path.suffix)}` "
            "if it is Windows-1252"
        ) from None


def document_from_seed(
    seed_path: str | Path, *, id: str, title: str | None, source: str | None,
    dct: str, dct_evidence: str,
) -> Document:
    """A new, unannotated document from a seed file (boilerplate removed, map kept)."""
    seed_path = Path(seed_path)
    clean = clean_seed(read_seed(seed_path))
    if title is not None and title not in clean.text:
        raise ValueError(f"{seed_path}: the title {title!r} is not a line of the text")
    return Document(
        id=id, title=title, text=clean.text, language="fr", source=source, dct=dct,
        dct_evidence=dct_evidence, seed_file=seed_path.name,
        text_sha256=sha256_text(clean.text), seed_segments=clean.segments,
    )
