"""The board's data: file names, the two sources of a system, errors, and the frozen types
:class:`System`, :class:`Row` and :class:`Board`."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..report.result import Result
from ..schema import LAYERS, Prediction
from ..scoring import Headline, PairedBootstrap
from ..validate import Problem
from .dropped import Dropped


DEFAULT_RUNS = Path("leaderboard") / "runs"
DEFAULT_SUBMISSIONS = Path("leaderboard") / "submissions"
DEFAULT_OUTPUT = Path("LEADERBOARD.md")
PREDICTIONS_FILE = "predictions.jsonl"
RESULT_FILE = "result.json"
METADATA_FILE = "metadata.json"
RUN_SCHEMA_VERSION = "2.0"  # 2.0: "dropped" (labels left out, strings skipped)
ALPHA = 0.05
REGISTERED = "registered"
SUBMISSION = "submission"
SUBMISSION_KEYS = ("name", "version", "link", "layers", "dataset_hash")
SUBMISSION_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")


class LeaderboardError(ValueError):
    """A board that cannot be built as asked: bad submissions, unknown system names."""


class OutputError(LeaderboardError):
    """An output of the board that cannot be written; nothing was written."""


class SubmissionError(LeaderboardError):
    """Refused submissions; ``problems`` lists every problem found (nothing was written)."""

    def __init__(self, problems: Sequence[Problem | str]):
        self.problems = list(problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the submissions; nothing was written:\n{listing}")


@dataclass(frozen=True)
class System:
    """One system on the board: where it comes from, its checked predictions and its result.

    ``cached`` says whether the predictions came from the runs folder; ``note`` why they did not.
    ``dropped`` is what its run dropped (``None`` for a submission: not run here). ``stale`` says
    how the versions of a cached run differ from the installed ones, when ``--offline-cache`` used
    it anyway (``None``: not stale).
    """

    name: str
    source: str  # REGISTERED or SUBMISSION
    layers: tuple[str, ...]
    versions: Mapping[str, str]
    predictions: Mapping[str, Prediction]
    predictions_sha256: str
    result: Result
    cached: bool = False
    note: str = ""
    version: str | None = None  # a submission's declared version
    link: str | None = None  # a submission's link
    dropped: Dropped | None = None
    stale: str | None = None


@dataclass(frozen=True)
class Row:
    """One ranked row of a layer; ``comparison`` is the paired test against the row above."""

    rank: int
    system: System
    headline: Headline
    comparison: PairedBootstrap | None = None
    separable: bool | None = None  # None for the first row


@dataclass(frozen=True)
class Board:
    """The whole leaderboard: every system, one ranking per layer, and the provenance."""

    dataset_hash: str
    dataset_schema_version: str
    document_ids: tuple[str, ...]
    harness_version: str
    systems: tuple[System, ...]
    rankings: Mapping[str, tuple[Row, ...]]
    bootstrap_samples: int
    seed: int
    alpha: float
    unranked_runs: tuple[str, ...] = field(default=())  # folders of the runs folder not on this board


def sha256_of(content: str | bytes) -> str:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return "sha256:" + hashlib.sha256(data).hexdigest()


def predicted_layers(predictions: Mapping[str, Prediction]) -> tuple[str, ...]:
    """The layers that at least one prediction gives, in :data:`LAYERS` order."""
    return tuple(layer for layer in LAYERS if any(getattr(p, layer) is not None for p in predictions.values()))


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"

