"""Quotations: content, speaker and cue, per document.

Content spans are compared on *word tokens*: the tokens of :func:`frnewsbench.tokenize.tokenize`
that hold at least one letter or digit (punctuation and guillemets do not count). ``W(s)``
is the set of word tokens of the document that share at least one character with span ``s``
(a contiguous run). For a gold content ``g`` and a predicted content ``p``::

    overlap(g, p) = |W(g) & W(p)| / max(|W(g)|, |W(p)|)

so ``overlap >= t`` means the two share at least a share ``t`` of the longer one's words.

* *content exact*: equal character spans; *content overlap*: ``overlap > 0``; *overlap 0.3 /
  0.8*: ``overlap >= 0.3`` / ``>= 0.8``; each a one-to-one matching maximising the number of
  matches, then the shared tokens (tie-break);
* on the *overlap* matching (keys: matched, right speaker, right type, exact span, shared
  tokens): quote-type accuracy and *speaker accuracy*; the predicted speaker is right when
  any one of these holds: (1) it has the gold speaker's ``speaker_entity_id``; (2) its id
  and the gold one name the same canonical name (looked up, case-folded, in each side's
  entities); (3) its speaker span overlaps the gold speaker span. A gold quote without any
  speaker is right only against a quote without any speaker;
* *full attribution* (the headline): P/R/F1 where a TP is an overlap match with the right
  speaker;
* *cue*: P/R/F1 over the document's distinct cue spans, exact and overlap (one-to-one).

Per-type breakdowns add up: matched pairs and FN count under the gold quote type, FP under
the predicted type; a cue counts under the type of the first quote (by offsets) that has it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from re import Match
from collections import Counter
from dataclasses import dataclass, fields
from typing import Iterable, Mapping, Sequence

from ..schema import Entity, Quote, Span
from ..tokenize import WORD_TOKEN_RE
from .counts import AccuracyCounts, Counts, PRFCounts, total
from .matching import Interval, Pair, components, optimal_matching, overlapping_pairs
from .records import BOUNDARY, CUE, FALSE_NEGATIVE, FALSE_POSITIVE, MATCH, SPEAKER, TYPE, DocumentScore, HeadlineAtoms, MatchRecord

HEADLINE = "full attribution F1 (content overlap match with the right speaker)"
HEADLINE_ERRORS = frozenset({SPEAKER})  # a wrong boundary, type or cue alone leaves a TP of the headline
THRESHOLDS = {"content_overlap_30": (3, 10), "content_overlap_80": (8, 10)}  # exact fractions


@dataclass(frozen=True, slots=True)
class QuoteCounts(Counts):
    content_exact: PRFCounts = PRFCounts()
    content_overlap: PRFCounts = PRFCounts()
    content_overlap_30: PRFCounts = PRFCounts()
    content_overlap_80: PRFCounts = PRFCounts()
    type_accuracy: AccuracyCounts = AccuracyCounts()
    speaker_accuracy: AccuracyCounts = AccuracyCounts()
    cue: PRFCounts = PRFCounts()
    cue_overlap: PRFCounts = PRFCounts()
    attribution: PRFCounts = PRFCounts()

    @property
    def headline(self) -> PRFCounts:
        return self.attribution


class WordIndex:
    """Word-token positions of one text: spans to runs of word-token indices.

    Word tokens are :func:`frnewsbench.tokenize.tokenize`'s tokens with a letter or digit: the
    matches of its ``word`` and ``elision`` rules (its ``other`` rule matches one character that
    is neither). With ``spans``, only the stretches of text around them are tokenised (widened to
    whitespace, where tokens always break, so the tokens are those of the whole text); ``run``
    is then exact for those spans only.
    """

    def __init__(self, text: str, spans: Sequence[Span] | None = None):
        self._tokenise(text, None if spans is None else [(span.start, span.end) for span in spans])

    @classmethod
    def around(cls, text: str, intervals: Sequence[tuple[int, int]]) -> WordIndex:
        """The index of the stretches of ``text`` around ``(start, end)`` intervals."""
        index = cls.__new__(cls)
        index._tokenise(text, intervals)
        return index

    def _tokenise(self, text: str, intervals: Sequence[tuple[int, int]] | None) -> None:
        regions = [(0, len(text))] if intervals is None else _regions(text, intervals)
        matches = [match for first, last in regions for match in WORD_TOKEN_RE.finditer(text, first, last)]
        self.starts: list[int] = list(map(Match.start, matches))
        self.ends: list[int] = list(map(Match.end, matches))

    def run(self, span: Span) -> tuple[int, int]:
        """``[first, last)`` indices of the word tokens sharing a character with ``span``."""
        return bisect_right(self.ends, span.start), bisect_left(self.starts, span.end)

    def runs(self, intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """:meth:`run` of each ``(start, end)``."""
        starts, ends = self.starts, self.ends
        return [(bisect_right(ends, start), bisect_left(starts, end)) for start, end in intervals]


def _regions(text: str, intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``(start, end)`` intervals merged, widened to the whitespace around them, merged again, in order."""
    size = len(text)
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        start = 0 if start < 0 else size if start > size else start
        end = 0 if end < 0 else size if end > size else end
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1][1] = end
        else:
            merged.append([start, end])
    regions: list[tuple[int, int]] = []
    for first, last in merged:
        while first > 0 and not text[first - 1].isspace():
            first -= 1
        while last < size and not text[last].isspace():
            last += 1
        if regions and first <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], last))
        else:
            regions.append((first, last))
    return regions


def overlap_ratio(gold_run: tuple[int, int], predicted_run: tuple[int, int]) -> float:
    shared = max(0, min(gold_run[1], predicted_run[1]) - max(gold_run[0], predicted_run[0]))
    longest = max(gold_run[1] - gold_run[0], predicted_run[1] - predicted_run[0])
    return shared / longest if longest > 0 else 0.0


def canonical_names(entities: Sequence[Entity]) -> dict[str, str]:
    """``entity_id -> canonical name`` (case-folded) for the entities that give both."""
    return {e.entity_id: e.canonical_name.casefold() for e in entities if e.entity_id and e.canonical_name}


def speaker_is_right(gold: Quote, predicted: Quote, gold_names: Mapping[str, str], predicted_names: Mapping[str, str]) -> bool:
    """Same entity id, or same canonical name, or overlapping speaker spans (module docstring)."""
    if gold.speaker is None and gold.speaker_entity_id is None:
        return predicted.speaker is None and predicted.speaker_entity_id is None
    gold_id, predicted_id = gold.speaker_entity_id, predicted.speaker_entity_id
    if gold_id is not None and gold_id == predicted_id:
        return True
    if gold.speaker is not None and predicted.speaker is not None and gold.speaker.overlaps(predicted.speaker):
        return True
    if not gold_id or predicted_id is None:  # the names are looked up last, and only when they decide
        return False
    gold_name = gold_names.get(gold_id)
    return gold_name is not None and gold_name == predicted_names.get(predicted_id)


class _NamesOnDemand(Mapping[str, str]):
    """:func:`canonical_names` of ``entities``, built on the first lookup (most speakers are
    decided by their ids or spans before any name is looked up), each name case-folded when it
    is looked up."""

    def __init__(self, entities: Sequence[Entity]):
        self._entities = entities
        self._names: dict[str, str] | None = None

    def _built(self) -> dict[str, str]:
        if self._names is None:  # as canonical_names, the last entity of an id giving its name
            self._names = {e.entity_id: e.canonical_name for e in self._entities if e.entity_id and e.canonical_name}
        return self._names

    def __getitem__(self, entity_id: str) -> str:
        return self._built()[entity_id].casefold()

    def get(self, entity_id: str, default: str | None = None) -> str | None:
        name = self._built().get(entity_id)
        return default if name is None else name.casefold()

    def __iter__(self):
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


def _key(quote: Quote) -> tuple:
    return (quote.content.start, quote.content.end, quote.type,
            (quote.speaker.start, quote.speaker.end) if quote.speaker else (-1, -1),
            quote.speaker_entity_id or "", (quote.cue.start, quote.cue.end) if quote.cue else (-1, -1))


def _same_cue(a: Quote, b: Quote) -> bool:
    if a.cue is None or b.cue is None:
        return a.cue is None and b.cue is None
    return (a.cue.start, a.cue.end) == (b.cue.start, b.cue.end)


def pair_differences(gold: Quote, predicted: Quote, *, right_speaker: bool) -> tuple[str, ...]:
    """How a matched pair differs: its content's boundary, its type, its speaker (``right_speaker``:
    :func:`speaker_is_right`, which needs the documents' entities), its cue."""
    return tuple(name for name, differs in (
        (BOUNDARY, (gold.content.start, gold.content.end) != (predicted.content.start, predicted.content.end)),
        (TYPE, gold.type != predicted.type), (SPEAKER, not right_speaker), (CUE, not _same_cue(gold, predicted)),
    ) if differs)


def score_quotes(
    *,
    gold: Sequence[Quote],
    predicted: Sequence[Quote],
    text: str,
    gold_entities: Sequence[Entity] = (),
    predicted_entities: Sequence[Entity] = (),
    words: WordIndex | None = None,
    records: bool = True,
) -> DocumentScore[QuoteCounts]:
    """Every quote figure of one document, per quote type, with its match records
    (``records=False``: the figures only, the records left empty).

    ``gold_entities`` / ``predicted_entities`` resolve speaker ids to canonical names;
    ``words`` may be passed to reuse the tokenisation of ``text``.
    """
    gold = sorted(gold, key=_key)
    predicted = sorted(predicted, key=_key)
    gold_spans = [(q.content.start, q.content.end) for q in gold]
    predicted_spans = [(q.content.start, q.content.end) for q in predicted]
    if words is None:
        words = WordIndex.around(text, gold_spans + predicted_spans)
    gold_runs, predicted_runs = words.runs(gold_spans), words.runs(predicted_spans)
    gold_types, predicted_types = [q.type for q in gold], [q.type for q in predicted]
    tallies = _Tallies({*gold_types, *predicted_types})

    _tally_exact(gold_spans, predicted_spans, gold_types, predicted_types, tallies)
    pairs = overlapping_pairs(gold_runs, predicted_runs)
    shared, longest = {}, {}
    for g, p in pairs:
        (a, b), (c, d) = gold_runs[g], predicted_runs[p]
        shared[(g, p)] = min(b, d) - max(a, c)
        longest[(g, p)] = max(b - a, d - c)
    groups = components(pairs)

    def shared_keys(g: int, p: int) -> tuple[int, int]:
        return 1, shared[(g, p)]

    for name, (numerator, denominator) in THRESHOLDS.items():
        matched, larger = [], []
        for group in groups:
            if len(group) == 1:  # a pair alone stays alone, and is matched if it passes
                pair = group[0]
                if shared[pair] * denominator >= numerator * longest[pair]:
                    matched.append(pair)
            else:
                passing = [pair for pair in group if shared[pair] * denominator >= numerator * longest[pair]]
                if passing:
                    larger += components(passing)
        if larger:
            matched += optimal_matching((), shared_keys, tiebreak_keys=1, groups=larger)
        tallies.matching(name, matched, gold_types, predicted_types)

    gold_names, predicted_names = _NamesOnDemand(gold_entities), _NamesOnDemand(predicted_entities)
    right_speaker = {pair: speaker_is_right(gold[pair[0]], predicted[pair[1]], gold_names, predicted_names) for pair in pairs}

    def keys(g: int, p: int) -> tuple[int, int, int, int, int]:
        return (1, int(right_speaker[(g, p)]), int(gold_types[g] == predicted_types[p]),
                int(gold_spans[g] == predicted_spans[p]), shared[(g, p)])

    matched = optimal_matching((), keys, tiebreak_keys=1, groups=groups)
    is_matched_gold, is_matched_predicted = tallies.matching("content_overlap", matched, gold_types, predicted_types)
    keep = records
    records: list[MatchRecord] = []
    tp, fp, fn = [], [], []
    for g, p in matched:
        row = tallies.rows[gold_types[g]]
        row[_TYPE_TOTAL] += 1
        row[_TYPE_CORRECT] += gold_types[g] == predicted_types[p]
        row[_SPEAKER_TOTAL] += 1
        if right_speaker[(g, p)]:
            row[_SPEAKER_CORRECT] += 1
            row[_ATTRIBUTION_TP] += 1
            tp.append(gold_spans[g][0])
        else:
            row[_ATTRIBUTION_FP] += 1
            row[_ATTRIBUTION_FN] += 1
            fp.append(predicted_spans[p][0])
            fn.append(gold_spans[g][0])
        if keep:
            a, b = gold[g], predicted[p]
            records.append(MatchRecord(MATCH, a, b, pair_differences(a, b, right_speaker=right_speaker[(g, p)]),
                                       overlap_ratio(gold_runs[g], predicted_runs[p])))
    for index, quote in enumerate(gold):
        if not is_matched_gold[index]:
            tallies.rows[quote.type][_ATTRIBUTION_FN] += 1
            fn.append(gold_spans[index][0])
            if keep:
                records.append(MatchRecord(FALSE_NEGATIVE, gold=quote))
    for index, quote in enumerate(predicted):
        if not is_matched_predicted[index]:
            tallies.rows[quote.type][_ATTRIBUTION_FP] += 1
            fp.append(predicted_spans[index][0])
            if keep:
                records.append(MatchRecord(FALSE_POSITIVE, predicted=quote))

    _cues(gold, predicted, tallies)
    by_label = tallies.by_label()
    records.sort(key=lambda r: ((r.gold or r.predicted).start, (r.gold or r.predicted).end, r.gold is None))
    tp.sort()
    fp.sort()
    fn.sort()
    return DocumentScore(
        by_label=by_label,
        counts=total(by_label.values(), QuoteCounts()),
        records=tuple(records),
        headline=HeadlineAtoms(tuple(tp), tuple(fp), tuple(fn)),
    )


def _slots() -> dict[str, int]:
    """``{"content_exact_tp": 0, ...}``: each count's position in :meth:`QuoteCounts.flat`."""
    names = [f"{item.name}_{part.name}" for item in fields(QuoteCounts) for part in fields(type(item.default))]
    return {name: position for position, name in enumerate(names)}


_SLOTS = _slots()
_TYPE_CORRECT, _TYPE_TOTAL = _SLOTS["type_accuracy_correct"], _SLOTS["type_accuracy_total"]
_SPEAKER_CORRECT, _SPEAKER_TOTAL = _SLOTS["speaker_accuracy_correct"], _SLOTS["speaker_accuracy_total"]
_ATTRIBUTION_TP, _ATTRIBUTION_FP, _ATTRIBUTION_FN = (_SLOTS[f"attribution_{part}"] for part in ("tp", "fp", "fn"))


class _Tallies:
    """The counts of one document per quote type, as flat rows in :meth:`QuoteCounts.flat`'s layout."""

    def __init__(self, types: Iterable[str]) -> None:
        self.rows: dict[str, list[int]] = {type_: [0] * len(_SLOTS) for type_ in types}

    def by_label(self) -> dict[str, QuoteCounts]:
        """The counts of each type that counts anything, by type in sorted order."""
        return {type_: QuoteCounts.from_flat(row) for type_, row in sorted(self.rows.items()) if any(row)}

    def matching(self, name: str, matched: Sequence[Pair], gold_types: Sequence[str],
                 predicted_types: Sequence[str]) -> tuple[list[bool], list[bool]]:
        """``{name}_tp`` / ``_fn`` under each gold quote's type, ``_fp`` under each unmatched
        prediction's; returns which gold and which predicted quotes are matched."""
        tp, fp, fn = _SLOTS[f"{name}_tp"], _SLOTS[f"{name}_fp"], _SLOTS[f"{name}_fn"]
        matched_gold, matched_predicted = [False] * len(gold_types), [False] * len(predicted_types)
        for g, p in matched:
            matched_gold[g] = matched_predicted[p] = True
        for is_matched, type_ in zip(matched_gold, gold_types):
            self.rows[type_][tp if is_matched else fn] += 1
        for is_matched, type_ in zip(matched_predicted, predicted_types):
            if not is_matched:
                self.rows[type_][fp] += 1
        return matched_gold, matched_predicted


def _tally_exact(gold_spans: Sequence[Interval], predicted_spans: Sequence[Interval], gold_types: Sequence[str],
                 predicted_types: Sequence[str], tallies: _Tallies) -> None:
    """*content exact* as a multiset intersection of the spans (:func:`.matching.tally_exact`): of
    ``k`` gold and ``m`` predicted quotes with one span, the first ``min(k, m)`` of each match."""
    tp, fp, fn = _SLOTS["content_exact_tp"], _SLOTS["content_exact_fp"], _SLOTS["content_exact_fn"]
    left = Counter(predicted_spans)
    for span, type_ in zip(gold_spans, gold_types):
        if left.get(span, 0) > 0:
            left[span] -= 1
            tallies.rows[type_][tp] += 1
        else:
            tallies.rows[type_][fn] += 1
    left = Counter(gold_spans)
    for span, type_ in zip(predicted_spans, predicted_types):
        if left.get(span, 0) > 0:
            left[span] -= 1
        else:
            tallies.rows[type_][fp] += 1


def _distinct_cues(quotes: Sequence[Quote]) -> list[tuple[int, int, str]]:
    """``(start, end, quote type)`` of each distinct cue span, typed by its first quote."""
    seen: dict[tuple[int, int], str] = {}
    for quote in quotes:
        if quote.cue is not None and quote.cue.start < quote.cue.end:
            seen.setdefault((quote.cue.start, quote.cue.end), quote.type)
    return [(start, end, type_) for (start, end), type_ in sorted(seen.items())]


def _cues(gold: Sequence[Quote], predicted: Sequence[Quote], tallies: _Tallies) -> None:
    gold_cues, predicted_cues = _distinct_cues(gold), _distinct_cues(predicted)
    predicted_spans = {(start, end) for start, end, _ in predicted_cues}
    gold_spans = {(start, end) for start, end, _ in gold_cues}
    exact_tp, exact_fp, exact_fn = _SLOTS["cue_tp"], _SLOTS["cue_fp"], _SLOTS["cue_fn"]
    for start, end, type_ in gold_cues:
        tallies.rows[type_][exact_tp if (start, end) in predicted_spans else exact_fn] += 1
    for start, end, type_ in predicted_cues:
        if (start, end) not in gold_spans:
            tallies.rows[type_][exact_fp] += 1
    pairs = overlapping_pairs([c[:2] for c in gold_cues], [c[:2] for c in predicted_cues])

    def keys(g: int, p: int) -> tuple[int, int]:
        (a, b, _), (c, d, _) = gold_cues[g], predicted_cues[p]
        return 1, min(b, d) - max(a, c)

    matched = optimal_matching(pairs, keys, tiebreak_keys=1)
    tallies.matching("cue_overlap", matched, [c[2] for c in gold_cues], [c[2] for c in predicted_cues])
