"""Time expressions, the TempEval-3 way (UzZaman et al. 2013), per document.

* *strict span*: P/R/F1 of exact ``(start, end)`` matches (multiset intersection);
* *relaxed span*: P/R/F1 of a one-to-one matching of overlapping expressions;
* *type accuracy* and *value accuracy*: over the relaxed matches, the share with the gold
  TIMEX3 ``type`` / exact ``value`` string;
* *value* (the headline): P/R/F1 where a TP is a relaxed match with the exact value
  (TempEval-3's "value F1": relaxed F1 times value accuracy).

The relaxed matching is optimal with keys, in order: matched (so the relaxed figures count
the largest possible matching), same value, same type, same span, overlap length
(tie-break). Per-type breakdowns add up: matched pairs and FN count under the gold type, FP
under the predicted type.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

from ..schema import TimeExpression
from .counts import AccuracyCounts, Counts, PRFCounts, total
from .matching import optimal_matching, overlapping_pairs, tally_exact
from .records import BOUNDARY, FALSE_NEGATIVE, FALSE_POSITIVE, MATCH, TYPE, VALUE, DocumentScore, HeadlineAtoms, MatchRecord

HEADLINE = "TempEval-3 value F1 (relaxed match, exact TIMEX3 value)"
HEADLINE_ERRORS = frozenset({VALUE})  # a wrong boundary or type alone leaves a TP of the headline


@dataclass(frozen=True, slots=True)
class DateCounts(Counts):
    strict_span: PRFCounts = PRFCounts()
    relaxed_span: PRFCounts = PRFCounts()
    type_accuracy: AccuracyCounts = AccuracyCounts()
    value_accuracy: AccuracyCounts = AccuracyCounts()
    value: PRFCounts = PRFCounts()

    @property
    def headline(self) -> PRFCounts:
        return self.value


def _key(timex: TimeExpression) -> tuple[int, int, str, str]:
    return timex.start, timex.end, timex.type, timex.value


def _span(timex: TimeExpression) -> tuple[int, int]:
    return timex.start, timex.end


def _type(timex: TimeExpression) -> str:
    return timex.type


def _relaxed_keys(gold: Sequence[TimeExpression], predicted: Sequence[TimeExpression]):
    def keys(g: int, p: int) -> tuple[int, int, int, int, int]:
        a, b = gold[g], predicted[p]
        overlap = min(a.end, b.end) - max(a.start, b.start)
        return 1, int(a.value == b.value), int(a.type == b.type), int((a.start, a.end) == (b.start, b.end)), overlap

    return keys


def pair_differences(gold: TimeExpression, predicted: TimeExpression) -> tuple[str, ...]:
    """How a matched pair differs: its boundary, its type, its value (:data:`~.records.DIFFERENCES` names)."""
    return tuple(name for name, differs in (
        (BOUNDARY, (gold.start, gold.end) != (predicted.start, predicted.end)), (TYPE, gold.type != predicted.type),
        (VALUE, gold.value != predicted.value)) if differs)


def score_dates(*, gold: Sequence[TimeExpression], predicted: Sequence[TimeExpression],
                records: bool = True) -> DocumentScore[DateCounts]:
    """Every time-expression figure of one document, per TIMEX3 type, with its match records
    (``records=False``: the figures only, the records left empty)."""
    keep = records
    gold = sorted(gold, key=_key)
    predicted = sorted(predicted, key=_key)
    tallies: dict[str, Counter] = defaultdict(Counter)

    tally_exact("strict", gold, predicted, key=_span, label=_type, tallies=tallies)

    pairs = overlapping_pairs([(t.start, t.end) for t in gold], [(t.start, t.end) for t in predicted])
    matched = optimal_matching(pairs, _relaxed_keys(gold, predicted), tiebreak_keys=1)
    records: list[MatchRecord] = []
    tp, fp, fn = [], [], []
    for g, p in matched:
        a, b = gold[g], predicted[p]
        tally = tallies[a.type]
        tally["relaxed_tp"] += 1
        tally["type_total"] += 1
        tally["value_total"] += 1
        tally["type_correct"] += a.type == b.type
        tally["value_correct"] += a.value == b.value
        if a.value == b.value:
            tally["value_tp"] += 1
            tp.append(a.start)
        else:
            tally["value_fp_wrong"] += 1  # a FP and a FN of the value figure
            fp.append(b.start)
            fn.append(a.start)
        if keep:
            records.append(MatchRecord(MATCH, a, b, pair_differences(a, b)))
    matched_gold, matched_predicted = {g for g, _ in matched}, {p for _, p in matched}
    for index, timex in enumerate(gold):
        if index not in matched_gold:
            tallies[timex.type]["relaxed_fn"] += 1
            fn.append(timex.start)
            if keep:
                records.append(MatchRecord(FALSE_NEGATIVE, gold=timex))
    for index, timex in enumerate(predicted):
        if index not in matched_predicted:
            tallies[timex.type]["relaxed_fp"] += 1
            fp.append(timex.start)
            if keep:
                records.append(MatchRecord(FALSE_POSITIVE, predicted=timex))

    by_label = {type_: _counts(tallies[type_]) for type_ in sorted(tallies)}
    records.sort(key=lambda r: ((r.gold or r.predicted).start, (r.gold or r.predicted).end, r.gold is None))
    return DocumentScore(
        by_label=by_label,
        counts=total(by_label.values(), DateCounts()),
        records=tuple(records),
        headline=HeadlineAtoms(tuple(sorted(tp)), tuple(sorted(fp)), tuple(sorted(fn))),
    )


def _counts(tally: Counter) -> DateCounts:
    wrong_value = tally["value_fp_wrong"]
    return DateCounts(
        strict_span=PRFCounts(tally["strict_tp"], tally["strict_fp"], tally["strict_fn"]),
        relaxed_span=PRFCounts(tally["relaxed_tp"], tally["relaxed_fp"], tally["relaxed_fn"]),
        type_accuracy=AccuracyCounts(tally["type_correct"], tally["type_total"]),
        value_accuracy=AccuracyCounts(tally["value_correct"], tally["value_total"]),
        value=PRFCounts(
            tally["value_tp"], tally["relaxed_fp"] + wrong_value, tally["relaxed_fn"] + wrong_value,
        ),
    )
