"""What a run of a registered system dropped: labels its adapter left out, strings it skipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, Sequence


@dataclass(frozen=True)
class SkippedString:
    """A string a system found in a document and left out of its predictions, and why."""

    document_id: str
    text: str
    start: int | None
    reason: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "text": self.text, "start": self.start, "reason": self.reason,
                "detail": self.detail}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SkippedString:
        return cls(data["document_id"], data["text"], data["start"], data["reason"], data["detail"])


@dataclass(frozen=True)
class Dropped:
    """What one run of a registered system dropped: ``labels`` its adapter left out (label ->
    count) and the ``strings`` it skipped; ``None`` when the system keeps no such record."""

    labels: Mapping[str, int] | None = None
    strings: tuple[SkippedString, ...] | None = None

    def by_reason(self) -> dict[str, int] | None:
        """The number of skipped strings per reason, sorted by reason."""
        if self.strings is None:
            return None
        return dict(sorted(Counter(item.reason for item in self.strings).items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "left_out_labels": None if self.labels is None else dict(sorted(self.labels.items())),
            "skipped_strings": None if self.strings is None else {
                "count": len(self.strings),
                "by_reason": self.by_reason(),
                "strings": [item.to_dict() for item in self.strings],
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Dropped:
        """Read :meth:`to_dict`'s output back; raise ``ValueError`` naming the first bad part."""
        labels, skipped = data["left_out_labels"], data["skipped_strings"]
        if labels is not None and not (isinstance(labels, dict) and all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v > 0 for k, v in labels.items())):
            raise ValueError(f"'left_out_labels' is not an object of label -> count: {labels!r}")
        strings = None if skipped is None else tuple(SkippedString.from_dict(item) for item in skipped["strings"])
        dropped = cls(labels, strings)
        if skipped is not None and (skipped.get("count") != len(strings) or skipped.get("by_reason") != dropped.by_reason()):
            raise ValueError("'skipped_strings' counts do not add up to its list of strings")
        return dropped


def _skipped_lists(extractor: Any) -> list[Sequence[Any]] | None:
    """The extractor's ``skipped`` list, or those of its parts (a composite system); ``None`` if none keeps one."""
    own = getattr(extractor, "skipped", None)
    if isinstance(own, (list, tuple)):
        return [own]
    parts = [getattr(part, "skipped") for part in getattr(extractor, "__dict__", {}).values()
             if part is not extractor and isinstance(getattr(part, "skipped", None), (list, tuple))]
    return parts or None


@dataclass(frozen=True)
class DropMarks:
    """Where an extractor's records of dropped items stood before a run (:func:`drop_marks`)."""

    left_out: Mapping[str, int] | None
    skipped_lengths: tuple[int, ...] | None


def drop_marks(extractor: Any) -> DropMarks:
    """Where the extractor's records of dropped items stand, before a run (see :func:`dropped_since`)."""
    left_out = getattr(extractor, "left_out", None)
    lists = _skipped_lists(extractor)
    return DropMarks(dict(left_out) if isinstance(left_out, Mapping) else None,
                     None if lists is None else tuple(len(items) for items in lists))


def dropped_since(extractor: Any, marks: DropMarks) -> Dropped:
    """What ``extractor`` dropped since :func:`drop_marks` gave ``marks`` (module docstring)."""
    left_out = getattr(extractor, "left_out", None)
    labels = None
    if isinstance(left_out, Mapping):
        labels = dict(sorted((Counter(left_out) - Counter(marks.left_out or {})).items()))
    lists = _skipped_lists(extractor)
    strings = None
    if lists is not None:
        lengths = marks.skipped_lengths
        starts = lengths if lengths is not None and len(lengths) == len(lists) else (0,) * len(lists)
        strings = tuple(SkippedString(item.document_id, item.text, item.start, item.reason, item.detail)
                        for items, start in zip(lists, starts) for item in items[start:])
    return Dropped(labels, strings)

