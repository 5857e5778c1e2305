"""The typed result of scoring one system: provenance plus the scorer's figures.

Provenance from day one: the result format's ``schema_version``, the dataset content hash
(:func:`frnewsbench.corpus.corpus_hash`) and annotation schema version, the harness version,
the system's name and the versions that determine its outputs. The figures are
:class:`frnewsbench.scoring.Evaluation`'s, unrounded (rounding happens only in reports).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..scoring import Evaluation

RESULT_SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class SystemInfo:
    """The scored system: its name and the package / model versions behind its outputs."""

    name: str
    versions: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "versions": dict(sorted(self.versions.items()))}


@dataclass(frozen=True)
class Result:
    """One system scored on one dataset revision."""

    system: SystemInfo
    dataset_hash: str
    dataset_schema_version: str
    harness_version: str
    evaluation: Evaluation
    layers_requested: tuple[str, ...] | None = None
    schema_version: str = RESULT_SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "harness": {"name": "frnewsbench", "version": self.harness_version},
            "dataset": {
                "hash": self.dataset_hash,
                "schema_version": self.dataset_schema_version,
                "documents": len(self.evaluation.document_ids),
            },
            "system": self.system.to_dict(),
            "layers_requested": None if self.layers_requested is None else list(self.layers_requested),
            "evaluation": self.evaluation.to_dict(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, allow_nan=False) + "\n"
