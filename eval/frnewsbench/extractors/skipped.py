"""A string a baseline found and left out of its predictions, and why: reported, never dropped silently."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar, Mapping, Sequence


@dataclass(frozen=True)
class SkippedString:
    """One skipped string of ``document_id`` (``start`` is ``None`` when it could not be located).

    Each baseline subclasses it with its own :attr:`REASONS` (reason -> what it means) and the
    :attr:`WHAT` its messages call the string; ``detail`` says what was seen.
    """

    REASONS: ClassVar[Mapping[str, str]] = {}
    WHAT: ClassVar[str] = "string"

    document_id: str
    text: str
    start: int | None
    reason: str
    detail: str

    def __post_init__(self) -> None:
        if self.reason not in self.REASONS:
            raise ValueError(f"unknown skip reason {self.reason!r}: expected one of {', '.join(self.REASONS)}")

    def __str__(self) -> str:
        where = f"at {self.start}" if self.start is not None else "not located"
        return f"{self.document_id}: {self.WHAT} {self.text!r} ({where}) skipped ({self.reason}): {self.detail}"


def reasons_line(skipped: Sequence[SkippedString]) -> str:
    """``"abbreviation 2, overlap 1"``: the count of skipped strings per reason, most frequent first."""
    counts = Counter(item.reason for item in skipped)
    return ", ".join(f"{reason} {count}" for reason, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
