"""Typographic normalisation: strings that differ only in apostrophes, quotation marks, dashes
or spaces compare equal. Case and accents are kept.

| in the text | becomes |
|---|---|
| ``’ ‘ ʼ ‛ ´ ` ′`` (apostrophes and look-alikes) | ``'`` |
| ``« » “ ” „ ‟ ‹ ›`` (quotation marks) | ``"`` |
| ``‐ ‑ ‒ – — −`` (hyphens, dashes, minus) | ``-`` |
| ``…`` | ``...`` |
| a run of whitespace: space, tab, line break, U+00A0 no-break space, U+202F narrow no-break space, U+2009 thin space, ... | one space |
| whitespace next to a quotation mark, before ``: ; ! ?``, at the start or at the end | nothing |

So ``« l’Alliance »`` and ``"l'Alliance"`` both become ``"l'Alliance"``, and ``déclaré :`` (with a
narrow no-break space) and ``déclaré:`` both become ``déclaré:``. :func:`normalise_with_origins`
also gives, for each character of the result, the index of the character of the input it comes
from, so a match in normalised text maps back to offsets in the original.
"""

from __future__ import annotations

from functools import lru_cache

APOSTROPHES = "’‘ʼ‛´`′"
QUOTATION_MARKS = "«»“”„‟‹›\""
DASHES = "‐‑‒–—−"
REPLACEMENTS = {
    **{char: "'" for char in APOSTROPHES},
    **{char: '"' for char in QUOTATION_MARKS},
    **{char: "-" for char in DASHES},
    "…": "...",
}
NO_SPACE_BEFORE = frozenset(':;!?"')
NO_SPACE_AFTER = frozenset('"')


def normalise_with_origins(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` normalised, and for each of its characters the index in ``text`` it comes from."""
    characters: list[str] = []
    origins: list[int] = []
    space: int | None = None  # where the current run of whitespace started
    for index, char in enumerate(text):
        if char.isspace():
            if space is None:
                space = index
            continue
        replacement = REPLACEMENTS.get(char, char)
        if space is not None:
            if characters and characters[-1] not in NO_SPACE_AFTER and replacement[0] not in NO_SPACE_BEFORE:
                characters.append(" ")
                origins.append(space)
            space = None
        for piece in replacement:
            characters.append(piece)
            origins.append(index)
    return "".join(characters), tuple(origins)


@lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """``text`` normalised by the table of this module (remembered: a corpus repeats its names)."""
    return normalise_with_origins(text)[0]
