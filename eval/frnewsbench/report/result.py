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
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from ..align import AlignmentReport
from ..jsonread import JSONReadError, json_type, loads
from ..schema import LAYERS
from ..scoring import Evaluation
from .display import HEADLINE_HEADER, headline_rows, table

RESULT_SCHEMA_VERSION = "2.1"  # 2.0: result_schema_version / annotation_schema_version, system.dropped_labels
# 2.1: the match records are no longer in the result (``--records FILE`` writes them on their own)
READABLE_SCHEMA_VERSIONS = ("2.0", RESULT_SCHEMA_VERSION)  # 2.0 files are read with their records


FIGURE_COLUMNS = ("layer", "figure", "metric", "precision", "recall", "f1", "f1_low", "f1_high", "accuracy")


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

    def to_dict(self, *, documents: Callable[[str], Any] | None = None) -> dict[str, Any]:
        """``documents``: see :meth:`frnewsbench.scoring.evaluate.Evaluation.to_dict`."""
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
            "evaluation": self.evaluation.to_dict(documents=documents),
            **({} if self.alignment is None else {"alignment": self.alignment.to_dict()}),
        }

    def __repr__(self) -> str:
        """The headline figures with their intervals (the whole result: :meth:`to_dict`)."""
        headlines = "; ".join(f"{layer}: {metric} {value} {bounds}" if metric != "not scored" else f"{layer}: not scored"
                              for layer, metric, value, bounds in headline_rows(self.evaluation))
        return (f"<Result {self.system.name!r} on {len(self.evaluation.document_ids)} document(s), dataset "
                f"{self.dataset_hash[:19]}…; {headlines}>")

    def _repr_markdown_(self) -> str:
        """The headline table, for notebooks."""
        return (f"**{self.system.name}** on {len(self.evaluation.document_ids)} document(s), dataset "
                f"`{self.dataset_hash}`\n\n{table(HEADLINE_HEADER, headline_rows(self.evaluation))}\n")

    def to_pandas(self) -> Any:
        """Every figure as a ``pandas.DataFrame``, one row per layer and figure (unrounded).

        Columns: ``layer``, ``figure`` (the scorer's name: ``strict``, ``semeval_exact``,
        ``value``, ``attribution``, ...; ``headline`` for the headline F1, with its 95% interval in
        ``f1_low`` and ``f1_high``; ``token_view``, seqeval's strict IOB2 figure of entities;
        ``offset_free``, the distinct pairs per document of entities and dates), then the figure's
        measures (``precision``, ``recall``, ``f1``, ``accuracy``) and counts (``tp``, ``fp``, ``fn``, ``correct``, ...); a measure a figure does
        not have is empty (NaN), and an undefined measure (nothing to score) is ``None``.
        """
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for layer in LAYERS:
            scored = self.evaluation.layers.get(layer)
            if scored is None:
                continue
            headline = scored.headline
            rows.append({"layer": layer, "figure": "headline", "metric": headline.metric, "f1": headline.value,
                         "f1_low": headline.interval.low, "f1_high": headline.interval.high})
            rows += [{"layer": layer, "figure": name, **measures} for name, measures in _leaves(scored.counts.to_dict())]
            if scored.token_view is not None:
                rows.append({"layer": layer, "figure": "token_view", **scored.token_view.counts.to_dict()})
            if scored.offset_free is not None:
                rows.append({"layer": layer, "figure": "offset_free", **scored.offset_free.to_dict()})
        frame = pd.DataFrame(rows)
        first = [column for column in FIGURE_COLUMNS if column in frame.columns]
        return frame[first + [column for column in frame.columns if column not in first]]

    def to_json(self) -> str:
        return "".join(self.json_chunks())

    def json_chunks(self, per_chunk: int = 1000) -> Iterator[str]:
        """The text of :meth:`to_json` in pieces: the result without its documents' entries, and
        those entries ``per_chunk`` at a time (on a large corpus they are nearly all of it), so the
        whole text, or all its dictionaries, are never held at once. No indent: an indented dump
        runs Python's pure-Python encoder, 6x slower."""
        markers = {layer: f"\x00documents of {layer}\x00" for layer in self.evaluation.layers}
        text = _dumps(self.to_dict(documents=markers.__getitem__))
        for layer, scored in self.evaluation.layers.items():
            if scored is None:
                continue
            before, text = text.split(_dumps(markers[layer]), 1)
            yield before + "["
            for first in range(0, len(scored.documents), per_chunk):
                yield (", " if first else "") + ", ".join(
                    document.to_json() for document in scored.documents[first:first + per_chunk])
            yield "]"
        yield text + "\n"

    def write_json(self, handle: BinaryIO) -> None:
        """:meth:`to_json` written to a binary file as UTF-8, chunk by chunk."""
        for chunk in self.json_chunks():
            handle.write(chunk.encode("utf-8"))

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "the result") -> Result:
        """The result written by :meth:`to_dict`; raise :class:`ResultError` for another result
        schema version or a malformed result, naming ``source``."""
        if not isinstance(data, Mapping):
            raise ResultError(f"{source}: expected a JSON object (a frnewsbench result); found {json_type(data)}")
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
                              f"{error}") from None


def _leaves(counts: Mapping[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """The innermost count records of ``counts.to_dict()``, named by their path (``a.b``)."""
    leaves = []
    values = {key: value for key, value in counts.items() if not isinstance(value, Mapping)}
    if values:
        leaves.append((prefix.rstrip("."), values))
    for key, value in counts.items():
        if isinstance(value, Mapping):
            leaves += _leaves(value, f"{prefix}{key}.")
    return leaves


def load_result(path: str | Path) -> Result:
    """Read a result JSON file written by ``frnewsbench score`` / ``run`` (``--output``)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ResultError(f"{path}: cannot read the result file ({error.strerror or error})") from None
    if raw.startswith(b"PAR1") or raw.startswith(b'{"frnewsbench_records"'):
        raise ResultError(f"{path}: a match records file (written by --records), not a result file: the result is the "
                          "JSON file written by `frnewsbench score --output R.json`")
    try:
        data = loads(raw)
    except JSONReadError as error:
        raise ResultError(f"{path}: {error}") from None
    return Result.from_dict(data, source=str(path))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)
