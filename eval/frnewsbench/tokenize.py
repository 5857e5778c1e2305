"""The one French tokenizer of the project, and character spans <-> IOB2 tags.

Scoring happens on character offsets; tokens are only the CoNLL view (the ``ner`` config)
that seqeval and token-classification models use. Rules, in order, at each position:

1. whitespace of any kind (space, ``\\n``, U+00A0, U+202F, ...) separates tokens;
2. an elided word with its apostrophe (``'``, ``’``, ``‘``, ``ʼ``) is a token:
   ``l’``, ``d'``, ``qu'``, ``jusqu’``, ``c'``... (``l’Ukraine`` -> ``l’`` ``Ukraine``);
3. a run of letters and digits is a token; a hyphen splits words
   (``Hong-Kong`` -> ``Hong`` ``-`` ``Kong``, ``a-t-il`` -> ``a`` ``-`` ``t`` ``-`` ``il``);
   an apostrophe between letters that is not an elision stays inside (``aujourd'hui``);
4. any other character (punctuation, guillemets, hyphens, dashes) is a token of its own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple, Sequence

APOSTROPHES = "'’‘ʼ"
ELISIONS = ("jusqu", "lorsqu", "puisqu", "quoiqu", "qu", "l", "d", "j", "m", "n", "s", "t", "c")
_ELISION = rf"(?P<elision>\b(?:{'|'.join(ELISIONS)})[{APOSTROPHES}](?=[^\W\d_]))"
_WORD_RUN = rf"[^\W_]+(?:[{APOSTROPHES}][^\W_]+)*"
_WORD = rf"(?P<word>{_WORD_RUN})"
TOKEN_RE = re.compile(rf"{_ELISION}|{_WORD}|(?P<other>\S)", re.IGNORECASE)
# the tokens that hold a letter or digit, alone: the same matches as TOKEN_RE's elision and word
# rules (a lone punctuation mark is one character that neither rule can start on), found in C. The
# same rules spelt for speed (30% less time than TOKEN_RE's spelling): both start on a letter or
# digit (a leading lookahead skips other characters at once), an elision on one of a few letters;
# its one-letter words are a character class; no named groups
_ELISION_FIRST = "".join(sorted({word[0] for word in ELISIONS}))
_ELISION_ONE_LETTER = "".join(word for word in ELISIONS if len(word) == 1)
_ELISION_LONGER = "|".join(word for word in ELISIONS if len(word) > 1)
WORD_TOKEN_RE = re.compile(
    rf"(?=[^\W_])(?:(?=[{_ELISION_FIRST}])\b(?:[{_ELISION_ONE_LETTER}]|{_ELISION_LONGER})[{APOSTROPHES}](?=[^\W\d_])"
    rf"|{_WORD_RUN})", re.IGNORECASE)


class Token(NamedTuple):
    """A token and its ``[start, end)`` character offsets (a named tuple: cheap to make in bulk)."""

    start: int
    end: int
    text: str


class AlignmentError(ValueError):
    """Character spans that do not start and end on token boundaries."""

    def __init__(self, misaligned: list[tuple[str, int, int, str]]):
        self.misaligned = misaligned  # (where: document and span id, start, end, span text)
        listing = "; ".join(f"{where} {text!r} [{start}, {end})" for where, start, end, text in misaligned)
        super().__init__(
            f"{len(misaligned)} span(s) do not fall on token boundaries: {listing}. "
            "Fix the span offsets (annotations stop at word edges) or the tokenizer rule in frnewsbench.tokenize"
        )


def tokenize(text: str) -> list[Token]:
    return [Token(match.start(), match.end(), match.group()) for match in TOKEN_RE.finditer(text)]


_NON_SPACES = re.compile(r"\S*")
_UP_TO_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def _chunk_around(text: str, position: int) -> tuple[int, str]:
    """The whitespace-delimited stretch of ``text`` around ``position``: where it starts, and
    its text (tokens never cross whitespace, so its tokens are exactly the whole text's there)."""
    first = text.rfind(" ", 0, position) + 1
    other_space = _UP_TO_LAST_SPACE.match(text, first, position)  # a tab, line break, no-break space...
    if other_space is not None:
        first = other_space.end()
    return first, text[first:_NON_SPACES.match(text, position).end()]


@lru_cache(maxsize=1 << 14)
def _chunk_edges(chunk: str) -> tuple[frozenset[int], frozenset[int]]:
    """The token starts and ends of a whitespace-delimited ``chunk``, as offsets in it
    (remembered: a corpus repeats its words, and elided names)."""
    spans = [match.span() for match in TOKEN_RE.finditer(chunk)]
    return frozenset(start for start, _ in spans), frozenset(end for _, end in spans)


def starts_token(text: str, position: int) -> bool:
    """Whether a token of :func:`tokenize` starts at ``position``, without tokenising the text.

    Decided from the two characters around ``position`` when the rules leave no doubt (after
    whitespace, after a lone punctuation mark, inside a run of letters and digits); otherwise
    the whitespace-delimited stretch around it is tokenised.
    """
    if not 0 <= position < len(text):
        return False
    here = text[position]
    if here.isspace():
        return False
    if position == 0:
        return True
    before = text[position - 1]
    if before.isspace():
        return True
    if before not in APOSTROPHES and here not in APOSTROPHES:  # (U+02BC is a letter too)
        if not before.isalnum():
            return True  # a punctuation mark is a token of its own
        return not here.isalnum()  # a run of letters and digits is one token
    first, chunk = _chunk_around(text, position)
    return position - first in _chunk_edges(chunk)[0]


def ends_token(text: str, position: int) -> bool:
    """Whether a token of :func:`tokenize` ends at ``position`` (see :func:`starts_token`)."""
    if not 0 < position <= len(text):
        return False
    last = text[position - 1]
    if last.isspace():
        return False
    if position == len(text):
        return True
    after = text[position]
    if after.isspace():
        return True
    if last not in APOSTROPHES and after not in APOSTROPHES:
        if not last.isalnum():
            return True  # a punctuation mark is a token of its own
        return not after.isalnum()
    first, chunk = _chunk_around(text, position - 1)
    return position - first in _chunk_edges(chunk)[1]


_PAIR_MEMO_LIMIT = 1 << 16
STARTS_BETWEEN: dict[str, bool] = {}
"""What :func:`starts_between` has decided, by pair (a hot loop may read it first, then call it)."""
ENDS_BETWEEN: dict[str, bool] = {}
"""What :func:`ends_between` has decided, by pair."""


def edge_pair(padded: str, position: int) -> str:
    """The two characters around ``position`` of a text, read from ``padded`` (the text with a
    space before and after it): ``position - 1`` and ``position``, a space off either end."""
    return padded[position:position + 2]


def starts_between(pair: str) -> bool | None:
    """Whether a token starts between the two characters of ``pair`` (an :func:`edge_pair`), or
    ``None`` when that takes more context (an apostrophe: elision or not). Remembered by pair."""
    decided = STARTS_BETWEEN.get(pair)
    if decided is None and not (pair[0] in APOSTROPHES or pair[1] in APOSTROPHES):
        decided = starts_token(pair, 1)  # decided by the two characters alone (see starts_token)
        if len(STARTS_BETWEEN) < _PAIR_MEMO_LIMIT:
            STARTS_BETWEEN[pair] = decided
    return decided


def ends_between(pair: str) -> bool | None:
    """Whether a token ends between the two characters of ``pair`` (see :func:`starts_between`)."""
    decided = ENDS_BETWEEN.get(pair)
    if decided is None and not (pair[0] in APOSTROPHES or pair[1] in APOSTROPHES):
        decided = ends_token(pair, 1)
        if len(ENDS_BETWEEN) < _PAIR_MEMO_LIMIT:
            ENDS_BETWEEN[pair] = decided
    return decided


def iob2_tags(tokens: Sequence[Token], spans: Iterable[tuple], *, where: str = "", text: str | None = None) -> list[str]:
    """IOB2 tags for ``tokens`` from ``(start, end, label)`` or ``(start, end, label, span_id)``
    character spans of ``text``.

    Raises :class:`AlignmentError` naming every span (document ``where``, span id, text and
    offsets) whose edges are not token edges.
    """
    starts = {token.start: index for index, token in enumerate(tokens)}
    ends = {token.end: index for index, token in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    misaligned = []
    for start, end, label, *span_id in sorted(spans):
        first, last = starts.get(start), ends.get(end)
        if first is None or last is None or last < first:
            name = " ".join([where, *span_id, label]).strip()
            misaligned.append((name, start, end, text[start:end] if text is not None else ""))
            continue
        tags[first] = f"B-{label}"
        for index in range(first + 1, last + 1):
            tags[index] = f"I-{label}"
    if misaligned:
        raise AlignmentError(misaligned)
    return tags


def _split_tag(tag: str) -> tuple[str, str]:
    """``(prefix, type)`` as conlleval splits a tag: at the first ``-``; no ``-`` means no type
    (``"B"`` -> ``("B", "")``, ``"B-PER-X"`` -> ``("B", "PER-X")``)."""
    prefix, _, kind = tag.partition("-")
    return prefix, kind


def spans_from_iob2(tokens: Sequence[Token], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Character spans ``(start, end, label)`` from IOB2 tags, read as conlleval reads them.

    A chunk ends at an ``O``, at a ``B``, or where the type changes; an ``I`` that does not
    continue a chunk of its type starts one. A bare ``B`` or ``I`` (no ``-TYPE``) has the empty
    type: ``B I`` is one chunk labelled ``""``, ``B-PER I`` two (``PER`` then ``""``), as
    conlleval.pl and seqeval's default mode count them (seqeval names the empty type ``_``).
    """
    spans: list[tuple[int, int, str]] = []
    current: list | None = None
    for token, tag in zip(tokens, tags):
        prefix, kind = _split_tag(tag)
        if prefix == "I" and current is not None and current[2] == kind:
            current[1] = token.end
            continue
        if current is not None:
            spans.append(tuple(current))
            current = None
        if prefix != "O":
            current = [token.start, token.end, kind]
    if current is not None:
        spans.append(tuple(current))
    return spans
