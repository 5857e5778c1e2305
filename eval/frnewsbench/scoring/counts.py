"""Counts are the state, metrics are derived: plain frozen values that add with ``+``.

Documents, paragraphs and shards merge by adding their counts, so a figure computed on the
sum equals the figure computed on the whole. A metric with nothing to score is ``None``,
never 0 (spaCy's convention): precision with no prediction, recall with no gold item,
accuracy with no matched pair.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, Iterable, Mapping, Sequence, TypeVar

C = TypeVar("C", bound="Counts")
SHARED_LEAVES = 1 << 16  # at most this many distinct leaf records shared, per record type


def ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


def f1_of(tp: float, fp: float, fn: float) -> float | None:
    """F1 = 2TP / (2TP + FP + FN), the harmonic mean of P and R; ``None`` when all are 0."""
    return ratio(2 * tp, 2 * tp + fp + fn)


class Counts:
    """Base of every count record: field-wise ``+``, ``sum()`` support, ``to_dict()``.

    A record's fields are ints or other records; :meth:`flat` lays them out as one tuple of
    ints, so adding many records is one pass over columns (see :func:`total`). Record types are
    slotted frozen dataclasses (``@dataclass(frozen=True, slots=True)``): a result holds one
    record per document and layer, and a ``__dict__`` each would double their memory.
    """

    __slots__ = ("_flat",)  # a nested record's flat layout, once computed

    def __add__(self: C, other: C) -> C:
        if type(other) is not type(self):
            return NotImplemented
        return type(self).from_flat([a + b for a, b in zip(self.flat(), other.flat())])

    def __radd__(self: C, other: Any) -> C:
        if isinstance(other, int) and other == 0:  # so that sum() works without a start value
            return self
        return NotImplemented

    _plan_cache: _Plan | None = None  # a class attribute (not a field), one per record type

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._plan_cache = None

    @classmethod
    def _plan(cls) -> _Plan:
        if cls._plan_cache is None:
            cls._plan_cache = _Plan(cls)
        return cls._plan_cache

    def flat(self) -> tuple[int, ...]:
        plan = self._plan_cache or self._plan()
        if plan.leaf:
            return plan.getter(self)
        cached = getattr(self, "_flat", None)  # records are immutable: the layout is computed once
        if cached is None:
            cached = plan.values(self)
            object.__setattr__(self, "_flat", cached)
        return cached

    @classmethod
    def from_flat(cls: type[C], values: Sequence[int]) -> C:
        plan = cls._plan_cache or cls._plan()
        # built without the frozen dataclass's __init__ (one object.__setattr__ per field): the same
        # record, and the largest cost of scoring many small documents
        if plan.leaf:
            # records are immutable: equal leaves (most per-document counts are a few small
            # numbers) are one object
            values = tuple(values)
            record = plan.shared.get(values)
            if record is None:
                record = object.__new__(cls)
                for setter, value in zip(plan.setters, values):
                    setter(record, value)
                if len(plan.shared) < SHARED_LEAVES:
                    plan.shared[values] = record
            return record
        record = object.__new__(cls)
        for setter, (kind, first, last) in zip(plan.setters, plan.parts):
            setter(record, kind.from_flat(values[first:last]))
        return record

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _to_json(getattr(self, f.name)) for f in fields(self)}

    def counts_dict(self) -> dict[str, Any]:
        """The counts alone, without the derived figures: what :meth:`from_dict` reads, in a
        third of the space (the per-document entries of a result)."""
        plan = self._plan_cache or self._plan()
        if plan.leaf:
            return dict(zip(plan.names, plan.getter(self)))
        return {name: value.counts_dict() for name, value in zip(plan.names, plan.getter(self))}

    def counts_json(self) -> str:
        """``json.dumps(self.counts_dict(), ensure_ascii=False)``, the quick way when every count is
        a plain ``int`` (one format template per record type filled from :meth:`flat`)."""
        plan = self._plan_cache or self._plan()
        values = getattr(self, "_flat", None) or plan.values(self)  # flat(), not kept: a result holds many records
        if {*map(type, values)} <= _PLAIN_INT:  # an int subclass (a bool) may be written otherwise
            return (plan.template or plan.make_template()) % values
        return json.dumps(self.counts_dict(), ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_dict(cls: type[C], data: Mapping[str, Any]) -> C:
        """The record written by :meth:`to_dict`; the derived figures in ``data`` are not read."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in data:
                raise ValueError(f"{cls.__name__}: the count {item.name!r} is missing")
            value = data[item.name]
            if isinstance(item.default, Counts):
                values[item.name] = type(item.default).from_dict(value)
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{cls.__name__}.{item.name}: expected a count (a whole number >= 0), found {value!r}")
            else:
                values[item.name] = value
        return cls(**values)


_PLAIN_INT = {int}


class _Plan:
    """How a record type lays out its fields as flat ints: all ints (a leaf) or all records."""

    template: str | None = None  # the JSON text of counts_dict() with a %s per flat value (make_template)

    def __init__(self, cls: type[Counts]):
        items = fields(cls)
        kinds = [type(item.default) if isinstance(item.default, Counts) else None for item in items]
        getter = attrgetter(*(item.name for item in items))
        self.names = tuple(item.name for item in items)
        self.shared: dict[tuple[int, ...], Counts] = {}  # leaf records by values (Counts.from_flat)
        # each field's slot, set directly (the frozen dataclass's __setattr__ refuses)
        self.setters = tuple(getattr(cls, name).__set__ for name in self.names)
        self.getter = getter if len(items) > 1 else (lambda record: (getter(record),))
        self.leaf = all(kind is None for kind in kinds)
        if not self.leaf and any(kind is None for kind in kinds):
            raise TypeError(f"{cls.__name__}: count fields must be all ints or all count records")
        self.parts: list[tuple[type[Counts], int, int]] = []
        position = 0
        for kind, item in zip(kinds, items):
            if kind is not None:
                width = len(item.default.flat())
                self.parts.append((kind, position, position + width))
                position += width
        # every int of the record in flat() order, read in one call (dotted paths into the nested records)
        paths = self.names if self.leaf else tuple(f"{name}.{path}" for name, (kind, _, _) in zip(self.names, self.parts)
                                                    for path in kind._plan().paths)
        self.paths: tuple[str, ...] = paths
        values = attrgetter(*paths)
        self.values = values if len(paths) > 1 else (lambda record: (values(record),))

    def make_template(self) -> str:
        """``counts_dict()``'s JSON text with ``%s`` for each value of :meth:`Counts.flat`, in order."""
        if self.template is None:
            if self.leaf:
                items = [f"{json.dumps(name)}: %s" for name in self.names]
            else:
                items = [f"{json.dumps(name)}: {kind._plan().make_template()}"
                         for name, (kind, _, _) in zip(self.names, self.parts)]
            self.template = "{" + ", ".join(items) + "}"
        return self.template


def _to_json(value: Any) -> Any:
    return value.to_dict() if isinstance(value, Counts) else value


def total(counts: Iterable[C], zero: C) -> C:
    """The sum of ``counts`` (all of ``zero``'s type), ``zero`` when there is none: one pass per column."""
    items = list(counts)
    if len(items) <= 1:
        return items[0] if items else zero
    rows = [item.flat() for item in items]
    return type(zero).from_flat([sum(column) for column in zip(*rows)])


@dataclass(frozen=True, slots=True)
class PRFCounts(Counts):
    """True positives, false positives and false negatives; P, R and F1 derived."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.predicted)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.gold)

    @property
    def f1(self) -> float | None:
        return f1_of(self.tp, self.fp, self.fn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
        }


@dataclass(frozen=True, slots=True)
class SchemeCounts(Counts):
    """The SemEval-2013 task 9.1 outcome counts of one matching scheme (as nervaluate names them).

    ``possible`` = COR + INC + PAR + MIS (gold items), ``actual`` = COR + INC + PAR + SPU
    (predicted items); P = (COR + 0.5 PAR) / ACT and R = (COR + 0.5 PAR) / POS. Only the
    ``partial`` scheme produces PAR, so for strict, exact and type this is COR / ACT, COR / POS.
    """

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    @property
    def possible(self) -> int:
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def actual(self) -> int:
        return self.correct + self.incorrect + self.partial + self.spurious

    @property
    def credit(self) -> float:
        return self.correct + 0.5 * self.partial

    @property
    def precision(self) -> float | None:
        return ratio(self.credit, self.actual)

    @property
    def recall(self) -> float | None:
        return ratio(self.credit, self.possible)

    @property
    def f1(self) -> float | None:
        precision, recall = self.precision, self.recall
        if precision is None or recall is None:
            # one side is empty: F1 is 0 if the other side has items, None if both are empty
            return None if self.actual == 0 and self.possible == 0 else 0.0
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)

    def to_dict(self) -> dict[str, Any]:
        return {
            "correct": self.correct, "incorrect": self.incorrect, "partial": self.partial,
            "missed": self.missed, "spurious": self.spurious,
            "possible": self.possible, "actual": self.actual,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
        }


@dataclass(frozen=True, slots=True)
class AccuracyCounts(Counts):
    """Right answers over the matched pairs they are asked of."""

    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return ratio(self.correct, self.total)

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}
