"""Text-anchored spans: strings given without offsets are placed in the document text, and
every decision is reported.

Large language models answer with strings (``{"text": "Xi Jinping", "label": "PER"}``), not
offsets. A span of a predictions record may therefore give ``text`` alone; the predictions
reader hands it to :class:`DocumentAligner`, which places it by this procedure:

1. *Where to look.* The mentions of a layer are placed in the order given, each at the first
   occurrence that starts at or after the end of the previous mention of the same layer
   (given with offsets or placed from its text); if there is none, at the first occurrence in
   the document (``from_start``). A quote's speaker and cue are placed at the occurrence
   nearest its content, preferring, in this order, an occurrence in the paragraphs of the
   content, one that does not overlap the content, the smallest gap in characters, the
   earlier one (in ``« X », a déclaré Y, qui a déclaré ...`` the cue is the first ``a déclaré``).
2. *Whole words.* An occurrence counts only if it does not cut a word: the character before
   it and its first character are not both letters or digits, nor its last character and the
   one after it (``Paris`` is not found in ``Parisiens``; ``Ukraine`` is found in
   ``l’Ukraine``). Leading and trailing whitespace of the given string is ignored.
3. *How to match*, in this order, each step searching as in 1 before the next is tried:
   ``exact`` (the string as given), ``normalised`` (both sides normalised by the table of
   :mod:`frnewsbench.normalise`: apostrophes, quotation marks, dashes, no-break spaces, runs of
   whitespace), and for quote contents only ``fuzzy``: the stretch of the normalised text most
   similar to the normalised string by ``rapidfuzz.fuzz.partial_ratio_alignment``, accepted at a
   similarity of at least :data:`FUZZY_THRESHOLD` (out of 100), then widened to whole words.
4. *Not found.* A string that none of these places becomes an empty span at the end of the
   text, ``[len(text), len(text))``, keeping the string as its text: it overlaps nothing, so
   every figure counts it as a false positive, and the match records list it. (The seqeval
   token view cannot carry it and lists it among the spans it leaves out.)

Each decision is an :class:`~frnewsbench.schema.Alignment` kept in ``Prediction.alignments``;
:func:`alignment_report` sums them per layer for the result.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Iterator, Mapping

from .normalise import normalise, normalise_with_origins
from .schema import LAYERS, Alignment, Prediction, Span, paragraph_spans

EXACT, NORMALISED, FUZZY, NOT_FOUND = "exact", "normalised", "fuzzy", "not_found"
METHODS = (EXACT, NORMALISED, FUZZY, NOT_FOUND)
MENTION, CONTENT, SPEAKER, CUE = "mention", "content", "speaker", "cue"
FUZZY_THRESHOLD = 90.0


def _word(char: str) -> bool:
    return char.isalnum()


def whole_words(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts and ends at word edges (it cuts no word)."""
    if start > 0 and _word(text[start - 1]) and _word(text[start]):
        return False
    return not (end < len(text) and _word(text[end - 1]) and _word(text[end]))


def is_unaligned(span: Span | Any) -> bool:
    """Whether a span is a string that could not be placed (the empty span at the end of the text)."""
    return span.start == span.end


class DocumentAligner:
    """Places the text-anchored spans of one document's prediction, keeping every decision."""

    def __init__(self, text: str):
        self.text = text
        self.cursors: dict[str, int] = {layer: 0 for layer in LAYERS}
        self.decisions: list[Alignment] = []
        self._normalised: tuple[str, tuple[int, ...]] | None = None

    @property
    def normalised(self) -> tuple[str, tuple[int, ...]]:
        if self._normalised is None:
            self._normalised = normalise_with_origins(self.text)
        return self._normalised

    def given(self, layer: str, span: Span) -> None:
        """A mention given with offsets: the next mention of ``layer`` is looked for after it."""
        self.cursors[layer] = span.end

    def given_end(self, layer: str, end: int) -> None:
        """Mentions given with offsets, the last ending at ``end``: :meth:`given` for many at once."""
        self.cursors[layer] = end

    def mention(self, layer: str, item: int, given: str, role: str = MENTION) -> Span:
        """Place a mention of ``layer`` (or a quote's content) from its text alone."""
        needle = given.strip()
        cursor = self.cursors[layer]
        starts = (cursor, 0) if cursor > 0 else (0,)
        for method, search in ((EXACT, self._exact), (NORMALISED, self._normalised_matches)):
            for begin in starts:
                found = next(search(needle, begin), None)
                if found is not None:
                    return self._placed(layer, item, role, given, method, found, from_start=begin < cursor)
        if layer == "quotes" and role == CONTENT:
            for begin in starts:
                found, score = self._fuzzy(needle, begin)
                if found is not None:
                    return self._placed(layer, item, role, given, FUZZY, found, from_start=begin < cursor, score=score)
        return self._not_found(layer, item, role, given)

    def attached(self, item: int, role: str, given: str, content: Span | None) -> Span:
        """Place a quote's speaker or cue at the occurrence nearest its ``content``."""
        needle = given.strip()
        for method, search in ((EXACT, self._exact), (NORMALISED, self._normalised_matches)):
            found = list(search(needle, 0))
            if found:
                if content is not None and not is_unaligned(content):
                    best = min(found, key=self._nearness(content))
                else:
                    best = found[0]
                return self._placed("quotes", item, role, given, method, best, from_start=False, track=False)
        return self._not_found("quotes", item, role, given)

    def _nearness(self, content: Span):
        """The sort key of an occurrence ``(start, end)``: nearest to ``content`` first."""
        paragraphs = paragraph_spans(self.text) or [(0, len(self.text))]
        first = max((start for start, _ in paragraphs if start <= content.start), default=0)
        last = min((end for _, end in paragraphs if end >= content.end), default=len(self.text))

        def key(edges: tuple[int, int]) -> tuple[bool, bool, int, int]:
            start, end = edges
            outside_paragraphs = start < first or end > last
            overlapping = start < content.end and content.start < end
            return outside_paragraphs, overlapping, max(0, content.start - end, start - content.end), start

        return key

    def _placed(self, layer: str, item: int, role: str, given: str, method: str, edges: tuple[int, int], *,
                from_start: bool, score: float | None = None, track: bool = True) -> Span:
        start, end = edges
        if track:
            self.cursors[layer] = end
        self.decisions.append(Alignment(layer, item, role, given, method, start, end, score, from_start))
        return Span(start, end, self.text[start:end])

    def _not_found(self, layer: str, item: int, role: str, given: str) -> Span:
        self.decisions.append(Alignment(layer, item, role, given, NOT_FOUND))
        return Span(len(self.text), len(self.text), given.strip())

    def _exact(self, needle: str, begin: int) -> Iterator[tuple[int, int]]:
        text = self.text
        position = text.find(needle, begin)
        while position >= 0:
            if whole_words(text, position, position + len(needle)):
                yield position, position + len(needle)
            position = text.find(needle, position + 1)

    def _normalised_matches(self, needle: str, begin: int) -> Iterator[tuple[int, int]]:
        normalised, origins = self.normalised
        pattern = normalise(needle)
        if not pattern:
            return
        position = normalised.find(pattern, bisect_left(origins, begin))
        while position >= 0:
            start, end = origins[position], origins[position + len(pattern) - 1] + 1
            if whole_words(self.text, start, end):
                yield start, end
            position = normalised.find(pattern, position + 1)

    def _fuzzy(self, needle: str, begin: int) -> tuple[tuple[int, int] | None, float | None]:
        from rapidfuzz.fuzz import partial_ratio_alignment

        normalised, origins = self.normalised
        pattern = normalise(needle)
        first = bisect_left(origins, begin)
        haystack = normalised[first:]
        if not pattern or len(pattern) > len(haystack):
            return None, None
        found = partial_ratio_alignment(pattern, haystack, score_cutoff=FUZZY_THRESHOLD)
        if found is None or found.dest_end <= found.dest_start:
            return None, None
        start, end = origins[first + found.dest_start], origins[first + found.dest_end - 1] + 1
        return self._widened(start, end), found.score

    def _widened(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` widened to whole words, whitespace at its edges left out."""
        text = self.text
        while start > 0 and _word(text[start - 1]) and _word(text[start]):
            start -= 1
        while end < len(text) and _word(text[end - 1]) and _word(text[end]):
            end += 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return start, end




@dataclass(frozen=True)
class AlignmentReport:
    """The alignment decisions of a scored run: per layer, how many strings were placed
    ``exact``, ``normalised``, ``fuzzy`` or ``not_found``, and every decision by document."""

    counts: Mapping[str, Mapping[str, int]]
    decisions: tuple[tuple[str, Alignment], ...]

    @property
    def not_found(self) -> tuple[tuple[str, Alignment], ...]:
        return tuple((document, decision) for document, decision in self.decisions if decision.method == NOT_FOUND)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fuzzy_threshold": FUZZY_THRESHOLD,
            "counts": {layer: dict(counts) for layer, counts in self.counts.items()},
            "decisions": [{"document": document, **asdict(decision)} for document, decision in self.decisions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlignmentReport:
        decisions = []
        for raw in data["decisions"]:
            fields = dict(raw)
            document = fields.pop("document")
            decisions.append((document, Alignment(**fields)))
        return cls({layer: dict(counts) for layer, counts in data["counts"].items()}, tuple(decisions))


def alignment_report(predictions: Mapping[str, Prediction]) -> AlignmentReport | None:
    """The decisions of every prediction summed per layer; ``None`` when no span was text-anchored."""
    return report_of_decisions(tuple(document_decisions(predictions)))


def document_decisions(predictions: Mapping[str, Prediction]) -> Iterator[tuple[str, Alignment]]:
    """``(document id, decision)`` of every text-anchored span, by document id."""
    return ((document_id, decision) for document_id, prediction in sorted(predictions.items())
            for decision in prediction.alignments)


def report_of_decisions(decisions: tuple[tuple[str, Alignment], ...]) -> AlignmentReport | None:
    """The ``(document id, decision)`` pairs summed per layer; ``None`` when there is none."""
    if not decisions:
        return None
    tallies: dict[str, Counter[str]] = {}
    for _, decision in decisions:
        tallies.setdefault(decision.layer, Counter())[decision.method] += 1
    counts = {layer: {method: tallies[layer][method] for method in METHODS}
              for layer in LAYERS if layer in tallies}
    return AlignmentReport(counts, decisions)


def alignment_line(report: AlignmentReport | None) -> str | None:
    """One line for people: ``text-anchored spans: entities 40 exact, 2 normalised, ...``."""
    if report is None:
        return None
    parts = []
    for layer, counts in report.counts.items():
        shown = ", ".join(f"{counts[method]} {method.replace('_', ' ')}" for method in METHODS
                          if counts[method] or method in (EXACT, NOT_FOUND))
        parts.append(f"{layer} {shown}")
    return "text-anchored spans (placed by their text): " + "; ".join(parts)
