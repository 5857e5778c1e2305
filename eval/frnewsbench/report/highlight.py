"""Text with nested, labelled marks, as HTML: the building block of the HTML page.

A :class:`Mark` is a stretch ``[start, end)`` of a text shown as one ``<span>`` element with
its CSS classes, an optional ``id`` and a *badge* (HTML shown at its start: label, value,
outcome). Marks nest as the spans do: a mark inside another is an element inside the other's
element, so each keeps its own colour and badge. Marks that cross (each holds part of the
other) cannot nest in HTML: the one that starts later is cut where the outer one ends and goes
on in a second element (class ``cont``, no badge, no id). The visible text, badges aside,
stays exactly the text.

:func:`blocks` cuts a text into sentences (or longer stretches) that no mark crosses, so the
gold and the system's sides can be shown row by row.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Sequence

# a sentence ends with . ! ? or … (and maybe a closing quote) before spaces and a capital or an opening quote
SENTENCE_END = re.compile(r"[.!?…](?:[ \u00a0\u202f]?[»”\"])?(?=\s+[«“\"A-ZÀ-ÖØ-Þ0-9])")


@dataclass(frozen=True)
class Mark:
    """A highlighted stretch ``[start, end)`` of a text: CSS classes, an id (or ``""``) and the
    badge's HTML (or ``""``)."""

    start: int
    end: int
    classes: tuple[str, ...]
    id: str = ""
    badge: str = ""


def _order(mark: Mark) -> tuple[int, int]:
    return mark.start, -mark.end  # outer (longer) marks first among those starting together


def highlight(text: str, marks: Sequence[Mark], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` as HTML with every mark inside it as a nested element (module
    docstring). Marks are clipped to ``[start, end)``; empty ones are left out."""
    end = len(text) if end is None else end
    marks = sorted((m for m in marks if m.start < m.end and m.start < end and start < m.end), key=_order)
    rank = {id(mark): number for number, mark in enumerate(marks)}
    cuts = sorted({start, end, *(max(start, m.start) for m in marks), *(min(end, m.end) for m in marks)})
    opened: set[int] = set()
    stack: list[Mark] = []
    pieces: list[str] = []
    for left, right in zip(cuts, cuts[1:]):
        covering = sorted((m for m in marks if m.start <= left and right <= m.end), key=lambda m: rank[id(m)])
        keep = 0
        while keep < len(stack) and keep < len(covering) and stack[keep] is covering[keep]:
            keep += 1
        while len(stack) > keep:
            stack.pop()
            pieces.append("</span>")
        for mark in covering[keep:]:
            first = id(mark) not in opened
            opened.add(id(mark))
            classes = " ".join(mark.classes + (() if first else ("cont",)))
            anchor = f' id="{mark.id}"' if first and mark.id else ""
            pieces.append(f'<span class="{classes}"{anchor}>')
            if first and mark.badge:
                pieces.append(mark.badge)
            stack.append(mark)
        pieces.append(html.escape(text[left:right], quote=False))
    pieces.append("</span>" * len(stack))
    return "".join(pieces)


def blocks(text: str, marks: Sequence[Mark]) -> list[tuple[int, int]]:
    """``[start, end)`` of the sentences of ``text``, merged so that no mark crosses from one to
    the next; stripped of the spaces around them; blank stretches left out. Lines always start a
    new block unless a mark crosses the line break."""
    crossing = [0] * (len(text) + 2)  # running sum at c: marks with start < c < end
    holding = [0] * (len(text) + 1)  # running sum at i: marks that hold the character text[i]
    for mark in marks:
        if mark.start < mark.end:
            crossing[mark.start + 1] += 1
            crossing[mark.end] -= 1
            holding[mark.start] += 1
            holding[mark.end] -= 1
    crossed, held, running, inside = [], [], 0, 0
    for position in range(len(text) + 1):
        running += crossing[position]
        inside += holding[position]
        crossed.append(running > 0)
        held.append(inside > 0)
    cuts = {len(text)}
    cuts.update(match.end() for match in SENTENCE_END.finditer(text))
    cuts.update(match.start() for match in re.finditer("\n", text))
    result = []
    previous = 0
    for cut in sorted(cuts):
        if cut == 0 or (cut < len(text) and crossed[cut]):
            continue
        start, stop = previous, cut
        while start < stop and text[start].isspace() and not held[start]:
            start += 1
        while stop > start and text[stop - 1].isspace() and not held[stop - 1]:
            stop -= 1
        if start < stop:
            result.append((start, stop))
        previous = cut
    return result
