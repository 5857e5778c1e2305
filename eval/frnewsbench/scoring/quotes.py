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
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..schema import Entity, Quote, Span
from ..tokenize import WORD_TOKEN_RE
from .counts import AccuracyCounts, Counts, PRFCounts, total
from .matching import optimal_matching, overlapping_pairs, tally_exact
from .records import BOUNDARY, CUE, FALSE_NEGATIVE, FALSE_POSITIVE, MATCH, SPEAKER, TYPE, DocumentScore, HeadlineAtoms, MatchRecord

HEADLINE = "full attribution F1 (content overlap match with the right speaker)"
HEADLINE_ERRORS = frozenset({SPEAKER})  # a wrong boundary, type or cue alone leaves a TP of the headline
THRESHOLDS = {"content_overlap_30": (3, 10), "content_overlap_80": (8, 10)}  # exact fractions


@dataclass(frozen=True)
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
        self.starts: list[int] = []
        self.ends: list[int] = []
        for first, last in ([(0, len(text))] if spans is None else _regions(text, spans)):
            spans = [match.span() for match in WORD_TOKEN_RE.finditer(text, first, last)]
            self.starts += [start for start, _ in spans]
            self.ends += [end for _, end in spans]

    def run(self, span: Span) -> tuple[int, int]:
        """``[first, last)`` indices of the word tokens sharing a character with ``span``."""
        return bisect_right(self.ends, span.start), bisect_left(self.starts, span.end)


def _regions(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """The spans widened to the whitespace around them, merged, in order."""
    regions: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        first, last = max(0, min(span.start, len(text))), max(0, min(span.end, len(text)))
        while first > 0 and not text[first - 1].isspace():
            first -= 1
        while last < len(text) and not text[last].isspace():
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
    same_id = gold_id is not None and gold_id == predicted_id
    gold_name = gold_names.get(gold_id) if gold_id else None
    same_name = gold_name is not None and predicted_id is not None and gold_name == predicted_names.get(predicted_id)
    overlapping = gold.speaker is not None and predicted.speaker is not None and gold.speaker.overlaps(predicted.speaker)
    return same_id or same_name or overlapping


def _key(quote: Quote) -> tuple:
    return (quote.content.start, quote.content.end, quote.type,
            (quote.speaker.start, quote.speaker.end) if quote.speaker else (-1, -1),
            quote.speaker_entity_id or "", (quote.cue.start, quote.cue.end) if quote.cue else (-1, -1))


def _same_cue(a: Quote, b: Quote) -> bool:
    if a.cue is None or b.cue is None:
        return a.cue is None and b.cue is None
    return (a.cue.start, a.cue.end) == (b.cue.start, b.cue.end)


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
    if words is None:
        words = WordIndex(text, [q.content for q in (*gold, *predicted)])
    gold_runs = [words.run(q.content) for q in gold]
    predicted_runs = [words.run(q.content) for q in predicted]
    tallies: dict[str, Counter] = defaultdict(Counter)

    tally_exact("content_exact", gold, predicted, key=_content_span, label=_type, tallies=tallies)
    pairs = overlapping_pairs(gold_runs, predicted_runs)

    def shared(g: int, p: int) -> int:
        return min(gold_runs[g][1], predicted_runs[p][1]) - max(gold_runs[g][0], predicted_runs[p][0])

    for name, (numerator, denominator) in THRESHOLDS.items():
        kept = [
            (g, p) for g, p in pairs
            if shared(g, p) * denominator >= numerator * max(gold_runs[g][1] - gold_runs[g][0], predicted_runs[p][1] - predicted_runs[p][0])
        ]
        _tally_matching(name, optimal_matching(kept, lambda g, p: (1, shared(g, p)), tiebreak_keys=1), gold, predicted, tallies)

    gold_names, predicted_names = canonical_names(gold_entities), canonical_names(predicted_entities)
    right_speaker = {(g, p): speaker_is_right(gold[g], predicted[p], gold_names, predicted_names) for g, p in pairs}

    def keys(g: int, p: int) -> tuple[int, int, int, int, int]:
        a, b = gold[g], predicted[p]
        exact = (a.content.start, a.content.end) == (b.content.start, b.content.end)
        return 1, int(right_speaker[(g, p)]), int(a.type == b.type), int(exact), shared(g, p)

    matched = optimal_matching(pairs, keys, tiebreak_keys=1)
    _tally_matching("content_overlap", matched, gold, predicted, tallies)
    keep = records
    records: list[MatchRecord] = []
    tp, fp, fn = [], [], []
    for g, p in matched:
        a, b = gold[g], predicted[p]
        tally = tallies[a.type]
        tally["type_accuracy_total"] += 1
        tally["type_accuracy_correct"] += a.type == b.type
        tally["speaker_accuracy_total"] += 1
        if right_speaker[(g, p)]:
            tally["speaker_accuracy_correct"] += 1
            tally["attribution_tp"] += 1
            tp.append(a.content.start)
        else:
            tally["attribution_fp"] += 1
            tally["attribution_fn"] += 1
            fp.append(b.content.start)
            fn.append(a.content.start)
        if keep:
            differences = tuple(name for name, differs in (
                (BOUNDARY, (a.content.start, a.content.end) != (b.content.start, b.content.end)),
                (TYPE, a.type != b.type), (SPEAKER, not right_speaker[(g, p)]), (CUE, not _same_cue(a, b)),
            ) if differs)
            records.append(MatchRecord(MATCH, a, b, differences, overlap_ratio(gold_runs[g], predicted_runs[p])))
    matched_gold, matched_predicted = {g for g, _ in matched}, {p for _, p in matched}
    for index, quote in enumerate(gold):
        if index not in matched_gold:
            tallies[quote.type]["attribution_fn"] += 1
            fn.append(quote.content.start)
            if keep:
                records.append(MatchRecord(FALSE_NEGATIVE, gold=quote))
    for index, quote in enumerate(predicted):
        if index not in matched_predicted:
            tallies[quote.type]["attribution_fp"] += 1
            fp.append(quote.content.start)
            if keep:
                records.append(MatchRecord(FALSE_POSITIVE, predicted=quote))

    _cues(gold, predicted, tallies)
    by_label = {type_: _counts(tallies[type_]) for type_ in sorted(tallies)}
    records.sort(key=lambda r: ((r.gold or r.predicted).start, (r.gold or r.predicted).end, r.gold is None))
    return DocumentScore(
        by_label=by_label,
        counts=total(by_label.values(), QuoteCounts()),
        records=tuple(records),
        headline=HeadlineAtoms(tuple(sorted(tp)), tuple(sorted(fp)), tuple(sorted(fn))),
    )


def _content_span(quote: Quote) -> tuple[int, int]:
    return quote.content.start, quote.content.end


def _type(quote: Quote) -> str:
    return quote.type


def _tally_matching(name: str, matched, gold, predicted, tallies: dict[str, Counter]) -> None:
    for g, _ in matched:
        tallies[gold[g].type][f"{name}_tp"] += 1
    matched_gold, matched_predicted = {g for g, _ in matched}, {p for _, p in matched}
    for index, quote in enumerate(gold):
        if index not in matched_gold:
            tallies[quote.type][f"{name}_fn"] += 1
    for index, quote in enumerate(predicted):
        if index not in matched_predicted:
            tallies[quote.type][f"{name}_fp"] += 1


def _distinct_cues(quotes: Sequence[Quote]) -> list[tuple[int, int, str]]:
    """``(start, end, quote type)`` of each distinct cue span, typed by its first quote."""
    seen: dict[tuple[int, int], str] = {}
    for quote in quotes:
        if quote.cue is not None and quote.cue.start < quote.cue.end:
            seen.setdefault((quote.cue.start, quote.cue.end), quote.type)
    return [(start, end, type_) for (start, end), type_ in sorted(seen.items())]


def _cues(gold: Sequence[Quote], predicted: Sequence[Quote], tallies: dict[str, Counter]) -> None:
    gold_cues, predicted_cues = _distinct_cues(gold), _distinct_cues(predicted)
    predicted_spans = {(start, end) for start, end, _ in predicted_cues}
    gold_spans = {(start, end) for start, end, _ in gold_cues}
    for start, end, type_ in gold_cues:
        tallies[type_]["cue_tp" if (start, end) in predicted_spans else "cue_fn"] += 1
    for start, end, type_ in predicted_cues:
        if (start, end) not in gold_spans:
            tallies[type_]["cue_fp"] += 1
    pairs = overlapping_pairs([c[:2] for c in gold_cues], [c[:2] for c in predicted_cues])

    def keys(g: int, p: int) -> tuple[int, int]:
        (a, b, _), (c, d, _) = gold_cues[g], predicted_cues[p]
        return 1, min(b, d) - max(a, c)

    matched = optimal_matching(pairs, keys, tiebreak_keys=1)
    matched_gold, matched_predicted = {g for g, _ in matched}, {p for _, p in matched}
    for index, (_, _, type_) in enumerate(gold_cues):
        tallies[type_]["cue_overlap_tp" if index in matched_gold else "cue_overlap_fn"] += 1
    for index, (_, _, type_) in enumerate(predicted_cues):
        if index not in matched_predicted:
            tallies[type_]["cue_overlap_fp"] += 1


_PRF_KEYS = {name: (f"{name}_tp", f"{name}_fp", f"{name}_fn") for name in (
    "content_exact", "content_overlap", "content_overlap_30", "content_overlap_80", "cue", "cue_overlap", "attribution")}


def _prf(tally: Counter, name: str) -> PRFCounts:
    tp, fp, fn = _PRF_KEYS[name]
    return PRFCounts.from_flat((tally[tp], tally[fp], tally[fn]))


def _counts(tally: Counter) -> QuoteCounts:
    return QuoteCounts(
        content_exact=_prf(tally, "content_exact"),
        content_overlap=_prf(tally, "content_overlap"),
        content_overlap_30=_prf(tally, "content_overlap_30"),
        content_overlap_80=_prf(tally, "content_overlap_80"),
        type_accuracy=AccuracyCounts(tally["type_accuracy_correct"], tally["type_accuracy_total"]),
        speaker_accuracy=AccuracyCounts(tally["speaker_accuracy_correct"], tally["speaker_accuracy_total"]),
        cue=_prf(tally, "cue"),
        cue_overlap=_prf(tally, "cue_overlap"),
        attribution=_prf(tally, "attribution"),
    )
