"""The typed result of scoring one system: provenance plus the scorer's figures.

Provenance from day one: the result format's version (``result_schema_version``), the dataset
content hash (:func:`frnewsbench.corpus.corpus_hash`) and the version of the annotation schema
the gold follows (``dataset.annotation_schema_version``), the harness version, the system's name,
the versions that determine its outputs and the labels its adapter left out on purpose. The
figures are :class:`frnewsbench.scoring.Evaluation`'s, unrounded (rounding happens only in
reports). :func:`load_result` reads a result file back into the same typed object, and refuses
any other result schema version.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from ..align import AlignmentReport
from ..scoring import Evaluation

RESULT_SCHEMA_VERSION = "2.1"  # 2.0: result_schema_version / annotation_schema_version, system.dropped_labels
# 2.1: the match records are no longer in the result (``--records FILE`` writes them on their own)
READABLE_SCHEMA_VERSIONS = ("2.0", RESULT_SCHEMA_VERSION)  # 2.0 files are read with their records


class ResultError(ValueError):
    """A result file that cannot be read back (the message says where, what and what to do)."""


@dataclass(frozen=True)
class SystemInfo:
    """The scored system: its name, the package / model versions behind its outputs, and the
    system labels its adapter left out on purpose (``None``: the harness did not run the system,
    so it cannot know; ``{}``: none were left out)."""

    name: str
    versions: Mapping[str, str] = field(default_factory=dict)
    dropped_labels: Mapping[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "versions": dict(sorted(self.versions.items())),
            "dropped_labels": None if self.dropped_labels is None else dict(sorted(self.dropped_labels.items())),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SystemInfo:
        dropped = data["dropped_labels"]
        return cls(data["name"], dict(data["versions"]), None if dropped is None else dict(dropped))


@dataclass(frozen=True)
class Result:
    """One system scored on one dataset revision."""

    system: SystemInfo
    dataset_hash: str
    annotation_schema_version: str
    harness_version: str
    evaluation: Evaluation
    layers_requested: tuple[str, ...] | None = None
    result_schema_version: str = RESULT_SCHEMA_VERSION  # of the file it was read from; to_dict writes the current one
    alignment: AlignmentReport | None = None  # spans given by their text alone: how they were placed

    def to_dict(self) -> dict[str, Any]:
        return {
            "result_schema_version": RESULT_SCHEMA_VERSION,  # the format written here, whatever was read
            "harness": {"name": "frnewsbench", "version": self.harness_version},
            "dataset": {
                "hash": self.dataset_hash,
                "annotation_schema_version": self.annotation_schema_version,
                "documents": len(self.evaluation.document_ids),
            },
            "system": self.system.to_dict(),
            "layers_requested": None if self.layers_requested is None else list(self.layers_requested),
            "evaluation": self.evaluation.to_dict(),
            **({} if self.alignment is None else {"alignment": self.alignment.to_dict()}),
        }

    def to_json(self) -> str:
        # no indent: an indented dump runs Python's pure-Python encoder, 6x slower and the
        # largest cost of `score` on big corpora (benchmarks/RESULTS.md)
        return json.dumps(self.to_dict(), ensure_ascii=False, allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "the result") -> Result:
        """The result written by :meth:`to_dict`; raise :class:`ResultError` for another result
        schema version or a malformed result, naming ``source``."""
        if not isinstance(data, Mapping):
            raise ResultError(f"{source}: expected a JSON object (a frnewsbench result); found {type(data).__name__}")
        found = data.get("result_schema_version", data.get("schema_version"))  # 1.0 wrote "schema_version"
        if found not in READABLE_SCHEMA_VERSIONS:
            raise ResultError(
                f"{source}: result schema version {found!r}; this frnewsbench reads result schemas "
                f"{' and '.join(READABLE_SCHEMA_VERSIONS)} only. Score the predictions again with this version "
                "(frnewsbench score) to get a result it can read"
            )
        try:
            requested = data["layers_requested"]
            return cls(
                system=SystemInfo.from_dict(data["system"]),
                dataset_hash=data["dataset"]["hash"],
                annotation_schema_version=data["dataset"]["annotation_schema_version"],
                harness_version=data["harness"]["version"],
                evaluation=Evaluation.from_dict(data["evaluation"]),
                layers_requested=None if requested is None else tuple(requested),
                alignment=None if data.get("alignment") is None else AlignmentReport.from_dict(data["alignment"]),
                result_schema_version=found,
            )
        except KeyError as error:
            raise ResultError(f"{source}: not a complete result of schema {RESULT_SCHEMA_VERSION}: "
                              f"the key {error} is missing") from None
        except (TypeError, ValueError, AttributeError) as error:
            raise ResultError(f"{source}: not a valid result of schema {RESULT_SCHEMA_VERSION}: "
                              f"{type(error).__name__}: {error}") from None


def load_result(path: str | Path) -> Result:
    """Read a result JSON file written by ``frnewsbench score`` / ``run`` (``--output``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ResultError(f"{path}: cannot read the result file ({type(error).__name__}: {error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ResultError(f"{path}: not JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    return Result.from_dict(data, source=str(path))
