"""Named entities: strict P/R/F1 and the four SemEval-2013 task 9.1 schemes, per document.

*Strict* (the headline, CoNLL/seqeval's): a prediction is right when its span and label
equal a gold entity's; TP/FP/FN come from multiset intersection of ``(start, end, label)``
(a sort-free hash count, linear in the number of entities).

*SemEval schemes* (``strict``, ``exact``, ``partial``, ``type``): gold and predicted entities
that overlap are matched one-to-one, optimally for each scheme (see
:mod:`frnewsbench.scoring.matching`), with the per-pair outcome:

| scheme | same span | overlap only |
|---|---|---|
| strict | COR if same label, else INC | INC |
| exact | COR | INC |
| partial | COR | PAR |
| type | COR if same label, else INC | COR if same label, else INC |

Unmatched gold entities are MIS, unmatched predictions SPU. Keys of the matching objective,
in order: ``2 COR + PAR`` (the numerator of P and R, doubled), COR, matched (turns a SPU
plus a MIS into one INC), then the overlap length (tie-break only).

Per-label breakdowns add up to the totals: a matched pair (COR/INC/PAR) and a MIS count
under the gold label, a SPU under the predicted label; for strict P/R/F1 a TP counts under
its label, a FP under the predicted label and a FN under the gold label.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from typing import Any, Mapping, Sequence

import numpy as np

from ..schema import Entity
from .counts import Counts, PRFCounts, SchemeCounts, total
from .matching import components, optimal_matching, overlapping_pairs
from .records import BOUNDARY, FALSE_NEGATIVE, FALSE_POSITIVE, LABEL, MATCH, DocumentScore, HeadlineAtoms, MatchRecord

SCHEMES = ("strict", "exact", "partial", "type")
HEADLINE = "strict micro F1 (exact span and label)"
HEADLINE_ERRORS = frozenset({BOUNDARY, LABEL})  # a matched pair with either is a FP and a FN of the headline


@dataclass(frozen=True, slots=True)
class EntityCounts(Counts):
    strict: PRFCounts = PRFCounts()
    semeval_strict: SchemeCounts = SchemeCounts()
    semeval_exact: SchemeCounts = SchemeCounts()
    semeval_partial: SchemeCounts = SchemeCounts()
    semeval_type: SchemeCounts = SchemeCounts()

    @property
    def headline(self) -> PRFCounts:
        return self.strict

    def scheme(self, name: str) -> SchemeCounts:
        return getattr(self, f"semeval_{name}")


@dataclass(frozen=True)
class MacroScores:
    """Unweighted means over labels of the per-label strict figures.

    Each mean is over the labels where that figure is defined: precision over labels with a
    prediction, recall over labels with a gold entity, F1 over labels with either (seqeval's
    label set; seqeval counts an undefined precision or recall as 0 instead).
    """

    precision: float | None
    recall: float | None
    f1: float | None
    labels: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "labels": list(self.labels)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MacroScores:
        return cls(data["precision"], data["recall"], data["f1"], tuple(data["labels"]))


def _mean(values: list[float | None]) -> float | None:
    defined = [value for value in values if value is not None]
    return sum(defined) / len(defined) if defined else None


def macro_scores(by_label: dict[str, EntityCounts]) -> MacroScores:
    strict = {label: counts.strict for label, counts in sorted(by_label.items())}
    return MacroScores(
        precision=_mean([counts.precision for counts in strict.values()]),
        recall=_mean([counts.recall for counts in strict.values()]),
        f1=_mean([counts.f1 for counts in strict.values()]),
        labels=tuple(label for label, counts in strict.items() if counts.f1 is not None),
    )


_start, _end, _label = attrgetter("start"), attrgetter("end"), attrgetter("label")


def _key(entity: Entity) -> tuple[int, int, str]:
    return entity.start, entity.end, entity.label


def strict_counts(gold: Sequence[Entity], predicted: Sequence[Entity]) -> dict[str, PRFCounts]:
    """Strict TP/FP/FN per label for one document (multiset intersection, linear time)."""
    gold_keys, predicted_keys = Counter(map(_key, gold)), Counter(map(_key, predicted))
    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for key in gold_keys.keys() | predicted_keys.keys():
        hits = min(gold_keys[key], predicted_keys[key])
        tally = tallies[key[2]]
        tally[0] += hits
        tally[1] += predicted_keys[key] - hits
        tally[2] += gold_keys[key] - hits
    return {label: PRFCounts(*tally) for label, tally in tallies.items()}


def _scheme_keys(scheme: str, gold: Sequence[Entity], predicted: Sequence[Entity]):
    def keys(g: int, p: int) -> tuple[int, int, int, int]:
        a, b = gold[g], predicted[p]
        same_span = a.start == b.start and a.end == b.end
        same_label = a.label == b.label
        outcome = _outcome(scheme, same_span, same_label)
        overlap = min(a.end, b.end) - max(a.start, b.start)
        return (2 if outcome == "correct" else 1 if outcome == "partial" else 0,
                int(outcome == "correct"), 1, overlap)

    return keys


def _outcome(scheme: str, same_span: bool, same_label: bool) -> str:
    if scheme == "strict":
        return "correct" if same_span and same_label else "incorrect"
    if scheme == "exact":
        return "correct" if same_span else "incorrect"
    if scheme == "partial":
        return "correct" if same_span else "partial"
    if scheme == "type":
        return "correct" if same_label else "incorrect"
    raise ValueError(f"unknown SemEval scheme {scheme!r}: expected one of {', '.join(SCHEMES)}")


# flat layout of SchemeCounts: correct, incorrect, partial, missed, spurious
_OUTCOME_COLUMN = {"correct": 0, "incorrect": 1, "partial": 2}
_MISSED, _SPURIOUS, _SCHEME_WIDTH, _STRICT_WIDTH = 3, 4, 5, 3


def _scheme_tallies(gold: Sequence[Entity], predicted: Sequence[Entity], groups) -> dict[str, list[int]]:
    """Per label, the flat EntityCounts layout (strict TP/FP/FN left at 0, then the four
    SemEval schemes' counts). Singleton components need no solver; shared ones are solved
    once per scheme."""
    single = [group[0] for group in groups if len(group) == 1]
    shared = [group for group in groups if len(group) > 1]
    tallies: dict[str, list[int]] = defaultdict(lambda: [0] * (_STRICT_WIDTH + _SCHEME_WIDTH * len(SCHEMES)))
    for number, scheme in enumerate(SCHEMES):
        base = _STRICT_WIDTH + _SCHEME_WIDTH * number
        matched = single + (
            optimal_matching([], _scheme_keys(scheme, gold, predicted), tiebreak_keys=1, groups=shared) if shared else [])
        for g, p in matched:
            a, b = gold[g], predicted[p]
            outcome = _outcome(scheme, a.start == b.start and a.end == b.end, a.label == b.label)
            tallies[a.label][base + _OUTCOME_COLUMN[outcome]] += 1
        matched_gold, matched_predicted = {g for g, _ in matched}, {p for _, p in matched}
        for index, entity in enumerate(gold):
            if index not in matched_gold:
                tallies[entity.label][base + _MISSED] += 1
        for index, entity in enumerate(predicted):
            if index not in matched_predicted:
                tallies[entity.label][base + _SPURIOUS] += 1
    return tallies


def _error_keys(gold: Sequence[Entity], predicted: Sequence[Entity]):
    def keys(g: int, p: int) -> tuple[int, int, int, int, int]:
        a, b = gold[g], predicted[p]
        same_span = a.start == b.start and a.end == b.end
        same_label = a.label == b.label
        overlap = min(a.end, b.end) - max(a.start, b.start)
        return int(same_span and same_label), int(same_span), int(same_label), 1, overlap

    return keys


def pair_differences(gold: Entity, predicted: Entity) -> tuple[str, ...]:
    """How a matched pair differs: its boundary, its label (:data:`~.records.DIFFERENCES` names)."""
    return ((BOUNDARY,) if (gold.start, gold.end) != (predicted.start, predicted.end) else ()) + (
        (LABEL,) if gold.label != predicted.label else ())


def _records(gold, predicted, pairs, groups) -> tuple[MatchRecord, ...]:
    """The error analysis: strict hits first, then same span, then same label, then any overlap."""
    matched = optimal_matching(pairs, _error_keys(gold, predicted), tiebreak_keys=1, groups=groups)
    records = []
    for g, p in matched:
        a, b = gold[g], predicted[p]
        records.append(MatchRecord(MATCH, a, b, pair_differences(a, b)))
    matched_gold, matched_predicted = {g for g, _ in matched}, {p for _, p in matched}
    records += [MatchRecord(FALSE_NEGATIVE, gold=e) for i, e in enumerate(gold) if i not in matched_gold]
    records += [MatchRecord(FALSE_POSITIVE, predicted=e) for i, e in enumerate(predicted) if i not in matched_predicted]
    records.sort(key=_record_order)
    return tuple(records)


def _record_order(record: MatchRecord) -> tuple[int, int, int]:
    item = record.gold if record.gold is not None else record.predicted
    return item.start, item.end, 0 if record.gold is not None else 1


def _headline_atoms(gold: Sequence[Entity], predicted: Sequence[Entity]) -> HeadlineAtoms:
    gold_keys, predicted_keys = Counter(map(_key, gold)), Counter(map(_key, predicted))
    tp, fp, fn = [], [], []
    for key in sorted(gold_keys.keys() | predicted_keys.keys()):
        hits = min(gold_keys[key], predicted_keys[key])
        tp += [key[0]] * hits
        fp += [key[0]] * (predicted_keys[key] - hits)
        fn += [key[0]] * (gold_keys[key] - hits)
    return HeadlineAtoms(tuple(tp), tuple(fp), tuple(fn))


def score_entities(*, gold: Sequence[Entity], predicted: Sequence[Entity],
                   records: bool = True) -> DocumentScore[EntityCounts]:
    """Every entity figure of one document, per label, with its match records (``records=False``:
    the figures only, the records left empty)."""
    gold = sorted(gold, key=_key)
    predicted = sorted(predicted, key=_key)
    pairs = overlapping_pairs([(e.start, e.end) for e in gold], [(e.start, e.end) for e in predicted])
    groups = components(pairs)
    tallies = _scheme_tallies(gold, predicted, groups)
    for label, counts in strict_counts(gold, predicted).items():
        tallies[label][:_STRICT_WIDTH] = [counts.tp, counts.fp, counts.fn]
    by_label = {label: EntityCounts.from_flat(tallies[label]) for label in sorted(tallies)}
    return DocumentScore(
        by_label=by_label,
        counts=total(by_label.values(), EntityCounts()),
        records=_records(gold, predicted, pairs, groups) if records else (),
        headline=_headline_atoms(gold, predicted),
    )


def _columns(documents: Sequence[Sequence[Entity]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Document index, start and end arrays and the labels of every entity of a corpus."""
    flat = list(chain.from_iterable(documents))
    lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    return (
        np.repeat(np.arange(len(documents), dtype=np.int64), lengths),
        np.fromiter(map(_start, flat), dtype=np.int64, count=len(flat)),
        np.fromiter(map(_end, flat), dtype=np.int64, count=len(flat)),
        list(map(_label, flat)),
    )


def strict_entity_counts(
    *, gold: Sequence[Sequence[Entity]], predicted: Sequence[Sequence[Entity]]
) -> dict[str, PRFCounts]:
    """Strict TP/FP/FN per label over a whole corpus (documents paired by position): the fast
    path for large corpora, equal to summing :func:`strict_counts` over the documents.

    Each entity becomes one integer key packing (document, start, end, label); TP per label
    is the intersection of the two sorted key arrays (numpy). Corpora with duplicated spans
    (multiset counting) or too large for 63-bit keys take the hash-counting path.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold documents but {len(predicted)} predicted ones: pair them one to one")
    gold_docs, gold_starts, gold_ends, gold_labels = _columns(gold)
    predicted_docs, predicted_starts, predicted_ends, predicted_labels = _columns(predicted)
    labels = sorted(set(gold_labels) | set(predicted_labels))
    code = {label: number for number, label in enumerate(labels)}
    gold_codes = np.fromiter(map(code.__getitem__, gold_labels), dtype=np.int64, count=len(gold_labels))
    predicted_codes = np.fromiter(map(code.__getitem__, predicted_labels), dtype=np.int64, count=len(predicted_labels))
    gold_totals = np.bincount(gold_codes, minlength=len(labels))
    predicted_totals = np.bincount(predicted_codes, minlength=len(labels))
    span = int(max(gold_ends.max(initial=0), predicted_ends.max(initial=0), gold_starts.max(initial=0),
                   predicted_starts.max(initial=0))) + 1
    hits = None
    if min(gold_starts.min(initial=0), predicted_starts.min(initial=0)) >= 0 and \
            max(len(gold), 1) * span * span * max(len(labels), 1) < 2**62:
        gold_keys = ((gold_docs * span + gold_starts) * span + gold_ends) * len(labels) + gold_codes
        predicted_keys = ((predicted_docs * span + predicted_starts) * span + predicted_ends) * len(labels) + predicted_codes
        gold_unique, predicted_unique = np.unique(gold_keys), np.unique(predicted_keys)
        if len(gold_unique) == len(gold_keys) and len(predicted_unique) == len(predicted_keys):
            common = np.intersect1d(gold_unique, predicted_unique, assume_unique=True)
            hits = np.bincount(common % len(labels), minlength=len(labels)).tolist()
    if hits is None:
        hits_by_label: Counter = Counter()
        for key, count in (
            Counter((i, e.start, e.end, e.label) for i, document in enumerate(gold) for e in document)
            & Counter((i, e.start, e.end, e.label) for i, document in enumerate(predicted) for e in document)
        ).items():
            hits_by_label[key[3]] += count
        hits = [hits_by_label[label] for label in labels]
    return {
        label: PRFCounts(int(hits[n]), int(predicted_totals[n] - hits[n]), int(gold_totals[n] - hits[n]))
        for n, label in enumerate(labels)
    }
