"""Uncertainty of the headline figures: paragraph bootstrap and paired bootstrap test.

*Unit.* The paragraphs of :func:`frnewsbench.schema.paragraph_spans`: each line of a gold
document that holds a non-space character (blank lines are not units). An item belongs to
the paragraph where it starts: a TP and a FN to the gold item's, a FP to the predicted
item's; an item that starts outside every paragraph (on a line break or a blank line) belongs
to the last paragraph before it (the first one if there is none before). So each paragraph
has its own (TP, FP, FN), and the corpus counts are their sum. A document without any
paragraph (blank text) is one unit if it holds an item.

*Interval.* Draw as many paragraphs as there are, with replacement, ``samples`` times
(seeded :func:`numpy.random.default_rng`), add their counts, compute F1 on each draw; the
95% interval is the 2.5th and 97.5th percentiles of the draws (percentile bootstrap). Draws
where F1 is undefined (nothing gold nor predicted) are left out and counted.

*Paired test* (Berg-Kirkpatrick, Burkett and Klein 2012): both systems are scored on the
same draws. With ``d`` the observed difference F1(A) - F1(B) and ``d_i`` its value on draw
``i``, the p-value of "the observed winner is not better" is the share of draws with
``d_i > 2d`` (``d_i < 2d`` when ``d < 0``); it is 1.0 when ``d == 0``. The interval is the
percentile interval of the ``d_i``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from numbers import Integral
from typing import Any, Mapping, Sequence

import numpy as np

from ..schema import paragraph_spans
from .errors import ScoringError
from .records import HeadlineAtoms, HeadlineColumns

UNIT = "paragraph"
LEVEL = 0.95
CELLS_PER_CHUNK = 100_000  # bounds the memory of one block of draws (0.4 MB of draws, 0.8 MB of counts)
_DRAW_TYPE = np.int32  # units are fewer than 2**31


@dataclass(frozen=True)
class Interval:
    low: float | None
    high: float | None
    level: float
    samples: int
    seed: int
    units: int
    undefined_samples: int
    unit: str = UNIT

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Interval:
        return cls(**{name: data[name] for name in INTERVAL_FIELDS})


INTERVAL_FIELDS = ("low", "high", "level", "samples", "seed", "units", "undefined_samples", "unit")


@dataclass(frozen=True)
class PairedBootstrap:
    layer: str
    metric: str
    a: float | None
    b: float | None
    difference: float | None
    interval: Interval
    p_value: float | None

    def to_dict(self) -> dict:
        return {
            "layer": self.layer, "metric": self.metric, "a": self.a, "b": self.b,
            "difference": self.difference, "interval": self.interval.to_dict(), "p_value": self.p_value,
        }


@dataclass(frozen=True)
class Paragraphs:
    """The units of a corpus on one line (document ``d`` from ``bases[d]``, each text followed by one
    position): each unit's start on that line, whether it stands for a document without paragraphs,
    and per document its first unit's start and its length (where its items are clipped to)."""

    starts: np.ndarray
    blank: np.ndarray
    bases: np.ndarray
    firsts: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str]) -> Paragraphs:
        starts: list[int] = []
        blank: list[bool] = []
        firsts: list[int] = []
        base = 0
        for text in texts:
            spans = paragraph_spans(text) or [(0, len(text))]
            starts.extend(base + start for start, _ in spans)
            blank.extend([not text.strip()] * len(spans))
            firsts.append(spans[0][0])
            base += len(text) + 1
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        return cls(np.asarray(starts, dtype=np.int64), np.asarray(blank, dtype=bool),
                   np.cumsum(lengths + 1) - (lengths + 1), np.asarray(firsts, dtype=np.int64), lengths)


def unit_table(paragraphs: Paragraphs, systems: Sequence[HeadlineColumns]) -> np.ndarray:
    """Rows of (TP, FP, FN) per unit, columns repeated for each system, of the headline positions
    ``systems`` (document indices into ``paragraphs``' texts): one ``searchsorted`` and one
    ``bincount`` per column. Units of blank documents without any item are left out."""
    table = np.zeros((len(paragraphs.starts), 3 * len(systems)), dtype=np.int64)
    for system, columns in enumerate(systems):
        for column, (documents, offsets) in enumerate(zip(columns.documents, columns.offsets)):
            if len(documents):
                # before the first paragraph: to the first one; outside the text (refused by the
                # predictions contract): kept in its document
                clipped = np.minimum(np.maximum(offsets, paragraphs.firsts[documents]), paragraphs.lengths[documents])
                rows = np.searchsorted(paragraphs.starts, paragraphs.bases[documents] + clipped, side="right") - 1
                table[:, 3 * system + column] = np.bincount(rows, minlength=len(paragraphs.starts))
    return table[~paragraphs.blank | table.any(axis=1)]


def paragraph_table(documents: Sequence[tuple[str, Sequence[HeadlineAtoms]]]) -> np.ndarray:
    """:func:`unit_table` of per-document atoms: ``documents`` holds ``(text, (atoms of system 1,
    atoms of system 2, ...))`` per document."""
    systems = len(documents[0][1]) if documents else 1
    return unit_table(Paragraphs.of([text for text, _ in documents]),
                      [HeadlineColumns.from_atoms([atoms[system] for _, atoms in documents]) for system in range(systems)])


def f1_values(counts: np.ndarray) -> np.ndarray:
    """F1 = 2TP / (2TP + FP + FN) of each row of (TP, FP, FN); NaN where undefined."""
    tp, fp, fn = counts[..., 0].astype(float), counts[..., 1].astype(float), counts[..., 2].astype(float)
    denominator = 2 * tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 2 * tp / denominator, np.nan)


def resampled_sums(table: np.ndarray, *, samples: int, seed: int) -> np.ndarray:
    """``samples`` draws of ``len(table)`` rows with replacement, summed: shape (samples, columns)."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    units = len(table)
    sums = np.zeros((samples, table.shape[1]), dtype=np.int64)
    if units == 0:
        return sums
    chunk = max(1, CELLS_PER_CHUNK // units)
    # the products below are exact in float64 (whole numbers far below 2**53), and run in BLAS
    weights = table.astype(np.float64)
    # one BLAS thread: on these thin products OpenBLAS's threads spin more than they compute
    # (10x the CPU time of one thread on 20,000 units)
    with threadpool_limits(limits=1, user_api="blas"):
        for first in range(0, samples, chunk):
            size = min(chunk, samples - first)
            # 32-bit draws: the same integers as 64-bit ones below 2**32 (numpy draws both from
            # the generator's 32-bit stream), in half the memory and time
            drawn = rng.integers(0, units, size=(size, units), dtype=_DRAW_TYPE)
            # how often each unit was drawn, times its counts: the sums of the drawn rows, read
            # sequentially instead of gathered at random (the same integers)
            times = np.empty((size, units), dtype=np.float64)
            for row in range(size):
                times[row] = np.bincount(drawn[row], minlength=units)
            sums[first:first + size] = np.rint(times @ weights).astype(np.int64)
    return sums


def _percentiles(values: np.ndarray, level: float) -> tuple[float | None, float | None, int]:
    defined = values[~np.isnan(values)]
    undefined = int(len(values) - len(defined))
    if len(defined) == 0:
        return None, None, undefined
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high), undefined


def check_resampling(samples: int, seed: int) -> None:
    """Refuse a number of resamples that gives no interval, or a seed numpy cannot use."""
    if isinstance(samples, bool) or not isinstance(samples, Integral) or samples < 1:
        raise ScoringError(f"bootstrap samples: expected a whole number of at least 1, found {samples!r}; "
                           "use the default 1000 or more for a stable 95% interval")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ScoringError(f"bootstrap seed: expected a whole number of at least 0, found {seed!r}")


def bootstrap_interval(table: np.ndarray, *, samples: int, seed: int, level: float = LEVEL) -> Interval:
    """Percentile interval of the F1 of ``table``'s (TP, FP, FN) rows."""
    check_resampling(samples, seed)
    low, high, undefined = _percentiles(f1_values(resampled_sums(table, samples=samples, seed=seed)), level)
    return Interval(low, high, level, samples, seed, len(table), undefined)


def bootstrap_intervals(tables: Mapping[str, np.ndarray], *, samples: int, seed: int,
                        level: float = LEVEL) -> dict[str, Interval]:
    """:func:`bootstrap_interval` of each table, the same intervals: the draws depend only on the
    seed, the number of samples and the number of units, so tables with as many units share
    one set of draws (one pass instead of one per layer)."""
    check_resampling(samples, seed)
    by_units: dict[int, list[str]] = {}
    for name, table in tables.items():
        by_units.setdefault(len(table), []).append(name)
    intervals = {}
    for units, names in by_units.items():
        sums = resampled_sums(np.hstack([tables[name] for name in names]), samples=samples, seed=seed)
        for number, name in enumerate(names):
            low, high, undefined = _percentiles(f1_values(sums[:, 3 * number:3 * number + 3]), level)
            intervals[name] = Interval(low, high, level, samples, seed, units, undefined)
    return intervals


def _scalar_f1(counts: np.ndarray) -> float | None:
    value = f1_values(counts.sum(axis=0))
    return None if np.isnan(value) else float(value)


def paired_test(
    table: np.ndarray, *, layer: str, metric: str, samples: int, seed: int, level: float = LEVEL
) -> PairedBootstrap:
    """The paired bootstrap test on a table whose columns are (TP, FP, FN) of A then of B."""
    check_resampling(samples, seed)
    a, b = _scalar_f1(table[:, :3]), _scalar_f1(table[:, 3:])
    sums = resampled_sums(table, samples=samples, seed=seed)
    differences = f1_values(sums[:, :3]) - f1_values(sums[:, 3:])
    low, high, undefined = _percentiles(differences, level)
    interval = Interval(low, high, level, samples, seed, len(table), undefined)
    if a is None or b is None:
        return PairedBootstrap(layer, metric, a, b, None, interval, None)
    observed = a - b
    defined = differences[~np.isnan(differences)]
    if observed == 0 or len(defined) == 0:
        p_value = 1.0 if observed == 0 else None
    elif observed > 0:
        p_value = float(np.mean(defined > 2 * observed))
    else:
        p_value = float(np.mean(defined < 2 * observed))
    return PairedBootstrap(layer, metric, a, b, observed, interval, p_value)
