"""The field's published conventions, beside the harness's own figures (definitions in eval/METRICS.md).

* **HIPE** (CLEF HIPE 2020/2022, French historical newspapers; its scorer builds on nervaluate):
  entity micro F1 *strict* (same span, same type) and *fuzzy* (same type, at least one shared
  token). On character spans that never start or end on a space, sharing a character is sharing a
  token, so these are the SemEval ``strict`` and ``type`` schemes of :mod:`.entities`, read here
  under HIPE's names (one-to-one optimal matching where HIPE's scorer matches greedily).
* **TempEval-3** (UzZaman et al. 2013, the convention HeidelTime publishes): strict and relaxed
  span F1 and value F1 (:mod:`.dates`).
* **Gender Gap Tracker** (Asr et al. 2021; its evaluator ``NLP/evaluation/src/eval/evaluate_quotes.py``):
  quote F1 at character-overlap thresholds 0.3 and 0.8, reproduced by :func:`ggt_quote_counts`
  (:func:`ggt_totals` for a corpus, every threshold in one pass).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from operator import attrgetter
from typing import Callable, Iterable, Mapping, Sequence

from ..schema import Quote
from .counts import Counts, PRFCounts

_CONTENT = attrgetter("content.start", "content.end")

GGT_THRESHOLDS: Mapping[str, float] = {"ggt_overlap_0.3": 0.3, "ggt_overlap_0.8": 0.8}
"""The Gender Gap Tracker's thresholds (``QUOTE_MATCH_THRESHOLDS`` of its evaluator), by key."""


def ggt_overlap(gold: Quote, predicted: Quote) -> float:
    """The share of the gold content's characters that the predicted content covers (GGT's
    ``calc_index_match_score``, the gold quote as reference); 0 for an empty span."""
    length = gold.content.end - gold.content.start
    if length <= 0 or predicted.content.end <= predicted.content.start:
        return 0.0
    shared = min(gold.content.end, predicted.content.end) - max(gold.content.start, predicted.content.start)
    return max(0, shared) / length


def ggt_quote_counts(gold: Sequence[Quote], predicted: Sequence[Quote], threshold: float) -> PRFCounts:
    """TP/FP/FN of one document as the Gender Gap Tracker's evaluator counts them.

    Gold quotes are taken in text order; each takes, among the predictions not taken yet, the
    one with the highest :func:`ggt_overlap` *strictly above* ``threshold`` (the first such in
    text order on a tie); a gold quote that takes one is a TP, one that takes none a FN; the
    predictions left are FP. Greedy, as the evaluator is (not an optimal matching).
    """
    return PRFCounts.from_flat(ggt_counts(gold, predicted, (threshold,))[0])


def ggt_counts(gold: Sequence[Quote], predicted: Sequence[Quote], thresholds: Sequence[float]) -> list[tuple[int, int, int]]:
    """``(tp, fp, fn)`` of :func:`ggt_quote_counts` at each of ``thresholds`` (each at least 0), in one pass.

    Only a prediction that overlaps a gold quote can score above a threshold, so each gold
    quote looks at its overlapping predictions alone, the overlap computed once for every
    threshold: with both sides sorted, those that start before the gold quote ends (bisection)
    and end after it starts (a prediction that ends before a gold quote starts ends before every
    later one starts too, so the scan's front only moves on).
    """
    if any(not threshold >= 0 for threshold in thresholds):
        raise ValueError(f"GGT thresholds must be at least 0, found {list(thresholds)}")
    gold_spans = sorted(map(_CONTENT, gold))
    predicted_spans = sorted(map(_CONTENT, predicted))
    predicted_starts = [start for start, _ in predicted_spans]
    taken: list[set[int]] = [set() for _ in thresholds]  # per threshold: the predictions taken
    front, count = 0, len(predicted_spans)
    for start, end in gold_spans:
        if end <= start:
            continue  # an empty span overlaps nothing: a FN at every threshold
        while front < count and predicted_spans[front][1] <= start:
            front += 1
        options = []  # (prediction, overlap), in text order: the first of equal scores stays
        for p in range(front, bisect_left(predicted_starts, end, front)):
            other_start, other_end = predicted_spans[p]
            if other_end > start and other_start < other_end:
                options.append((p, (min(end, other_end) - max(start, other_start)) / (end - start)))
        if not options:
            continue
        for threshold, chosen in zip(thresholds, taken):
            best, best_score = -1, 0.0
            for p, score in options:
                if score > threshold and score > best_score and p not in chosen:
                    best, best_score = p, score
            if best >= 0:
                chosen.add(best)
    return [(len(chosen), count - len(chosen), len(gold_spans) - len(chosen)) for chosen in taken]


def ggt_totals(documents: Iterable[tuple[Sequence[Quote], Sequence[Quote]]]) -> dict[str, PRFCounts]:
    """The GGT counts of a corpus of ``(gold quotes, predicted quotes)`` documents, by key of
    :data:`GGT_THRESHOLDS`: the sums of :func:`ggt_quote_counts` over the documents."""
    thresholds = tuple(GGT_THRESHOLDS.values())
    sums = [[0, 0, 0] for _ in thresholds]
    for gold, predicted in documents:
        for row, counts in zip(sums, ggt_counts(gold, predicted, thresholds)):
            row[0] += counts[0]
            row[1] += counts[1]
            row[2] += counts[2]
    return {key: PRFCounts.from_flat(row) for key, row in zip(GGT_THRESHOLDS, sums)}


@dataclass(frozen=True)
class Convention:
    """One figure of a published convention: its name, the source it reproduces, how to read it."""

    key: str
    name: str
    source: str
    figure: Callable[[Counts, Mapping[str, PRFCounts]], "float | None"]


HIPE = "HIPE 2020/2022 scorer (Ehrmann et al.), entity micro F1"
TEMPEVAL = "TempEval-3 (UzZaman et al. 2013), as HeidelTime reports it"
GGT = "Gender Gap Tracker evaluator (Asr et al. 2021), evaluate_quotes.py"

CONVENTIONS: Mapping[str, tuple[Convention, ...]] = {
    "entities": (
        Convention("hipe_strict_micro_f1", "HIPE strict", HIPE, lambda counts, _: counts.semeval_strict.f1),
        Convention("hipe_fuzzy_micro_f1", "HIPE fuzzy", HIPE, lambda counts, _: counts.semeval_type.f1),
    ),
    "dates": (
        Convention("tempeval3_strict_span_f1", "TempEval-3 strict", TEMPEVAL, lambda counts, _: counts.strict_span.f1),
        Convention("tempeval3_relaxed_span_f1", "TempEval-3 relaxed", TEMPEVAL,
                   lambda counts, _: counts.relaxed_span.f1),
        Convention("tempeval3_value_f1", "TempEval-3 value", TEMPEVAL, lambda counts, _: counts.value.f1),
    ),
    "quotes": (
        Convention("ggt_overlap_0.3", "GGT quote F1 > 0.3", GGT, lambda _, ggt: ggt["ggt_overlap_0.3"].f1),
        Convention("ggt_overlap_0.8", "GGT quote F1 > 0.8", GGT, lambda _, ggt: ggt["ggt_overlap_0.8"].f1),
    ),
}
"""Per layer, the published figures the result carries beside the harness's own."""
