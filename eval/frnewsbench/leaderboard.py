"""The leaderboard: run every registered system over the gold, cache its predictions, rank them.

    frnewsbench leaderboard [--gold DIR] [--runs DIR] [--submissions DIR] [--output FILE] [--rerun] [--systems NAME ...]

*Runs.* Each registered system (:func:`frnewsbench.extractors.registered_names`) is run over the
gold with a progress bar; its folder ``<runs>/<system>/`` keeps ``predictions.jsonl`` (the
predictions contract of :mod:`frnewsbench.predictions`), ``result.json``
(:class:`frnewsbench.report.Result`) and ``metadata.json`` (system, source, dataset hash, layers,
versions, sha256 of the predictions, and what the run dropped).

*Dropped items.* What a run leaves out is never silent: after the run, the system's ``left_out``
counter (labels its adapter's table maps to nothing, see :mod:`frnewsbench.extractors.labels`)
and its ``skipped`` list (strings it found but did not predict, each with ``document_id``,
``text``, ``start``, ``reason`` and ``detail``, as :class:`frnewsbench.extractors.dates_dateparser.Skipped`;
the parts of a composite system are asked too) are recorded in ``metadata.json`` (``dropped``:
the labels with their counts, the count per reason and every string), the labels also in
``result.json``, and summarised in the board's systems table. ``None`` means the system keeps
no such record; a submission's drops are unknown.

*Cache.* A system's predictions are reused when its ``metadata.json`` names the same versioned
system and the same dataset content hash (:func:`frnewsbench.corpus.corpus_hash`) and the
predictions file still has the recorded sha256; they are checked against the gold again, then
rescored. Anything else (another metadata schema version included) runs the system afresh, and
``rerun=True`` (``--rerun``) always does.
The versioned name is the system's version: bump it (``.v2``) whenever its outputs may change.

*Submissions.* Each sub-folder of ``<submissions>`` is an outside system: ``predictions.jsonl``
and ``metadata.json`` with exactly the keys ``name`` (the folder's name), ``version``, ``link``
(a URL or null), ``layers`` (the layers predicted) and ``dataset_hash`` (the hash of the gold the
predictions were made on). A submission made on another dataset revision, or that breaks the
predictions contract, is refused with every problem listed, and then nothing is written.

*Ranking.* One table per layer, by the headline F1 (entities: strict micro F1; dates:
TempEval-3 value F1; quotes: full attribution F1), descending. Systems with exactly the same
headline F1 share a rank (standard competition ranking: 1, 1, 3) and are listed by name; an
undefined F1 comes last. Each row after the first is compared with the row just above by the
paired bootstrap test
(:func:`frnewsbench.scoring.paired_bootstrap`: both systems on the same paragraph resamples,
Berg-Kirkpatrick et al. 2012). The rows are *not separable* when ``p >= alpha`` (default 0.05),
or when the test has no p-value (an undefined F1).

Everything (predictions, results, the Markdown board and the PNG chart of the headline figures
with their 95% intervals) is computed first, then written all or nothing (:func:`write_files`):
a path that cannot be written raises :class:`OutputError` and leaves no file behind. The outputs
hold no time stamp and no absolute path, so running twice writes the same bytes.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from . import __version__
from .api import Gold, load_gold, predict, score
from .corpus import OutputError as CorpusOutputError
from .corpus import corpus_hash, write_all
from .extractors import get_extractor, registered_names
from .predictions import PredictionsError, dumps_predictions, read_predictions
from .report.markdown import NOT_DEFINED, interval, number, table
from .report.result import Result
from .schema import LAYERS, SCHEMA_VERSION, Document, Prediction
from .validate import Problem
from .scoring import Headline, LayerEvaluation, PairedBootstrap, paired_bootstrap

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
SUBMISSION_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")

FigureOf = Callable[[LayerEvaluation], "float | None"]
SECONDARY: dict[str, tuple[tuple[str, FigureOf], ...]] = {
    "entities": (
        ("P", lambda e: e.counts.strict.precision),
        ("R", lambda e: e.counts.strict.recall),
        ("exact-span F1", lambda e: e.counts.semeval_exact.f1),
        ("partial F1", lambda e: e.counts.semeval_partial.f1),
        ("type F1", lambda e: e.counts.semeval_type.f1),
        ("macro F1", lambda e: None if e.macro is None else e.macro.f1),
    ),
    "dates": (
        ("P", lambda e: e.counts.value.precision),
        ("R", lambda e: e.counts.value.recall),
        ("strict span F1", lambda e: e.counts.strict_span.f1),
        ("relaxed span F1", lambda e: e.counts.relaxed_span.f1),
        ("type acc.", lambda e: e.counts.type_accuracy.accuracy),
        ("value acc.", lambda e: e.counts.value_accuracy.accuracy),
    ),
    "quotes": (
        ("P", lambda e: e.counts.attribution.precision),
        ("R", lambda e: e.counts.attribution.recall),
        ("content exact F1", lambda e: e.counts.content_exact.f1),
        ("content overlap F1", lambda e: e.counts.content_overlap.f1),
        ("speaker acc.", lambda e: e.counts.speaker_accuracy.accuracy),
        ("cue F1", lambda e: e.counts.cue.f1),
    ),
}
"""The secondary figures of each layer's table, after the headline F1 and its interval."""


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


@dataclass(frozen=True)
class System:
    """One system on the board: where it comes from, its checked predictions and its result.

    ``cached`` says whether the predictions came from the runs folder; ``note`` why they did not.
    ``dropped`` is what its run dropped (``None`` for a submission: not run here).
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


# --- the cache of a registered system ---------------------------------------------------------

@dataclass(frozen=True)
class CachedRun:
    predictions: dict[str, Prediction]
    versions: dict[str, str]
    predictions_sha256: str
    dropped: Dropped


def read_cache(folder: Path, *, system: str, dataset_hash: str, documents: Sequence[Document]) -> tuple[CachedRun | None, str]:
    """The cached predictions of ``system`` in ``folder`` if they are for this dataset, else why not."""
    metadata_path, predictions_path = folder / METADATA_FILE, folder / PREDICTIONS_FILE
    if not metadata_path.is_file() or not predictions_path.is_file():
        return None, "no cached predictions"
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, f"{metadata_path} is unreadable ({type(error).__name__}: {error})"
    if not isinstance(metadata, dict):
        return None, f"{metadata_path} is not a JSON object"
    if metadata.get("schema_version") != RUN_SCHEMA_VERSION:
        return None, f"{metadata_path} has schema version {metadata.get('schema_version')!r}, not {RUN_SCHEMA_VERSION!r}"
    if metadata.get("system") != system or metadata.get("source") != REGISTERED:
        return None, f"{metadata_path} is for {metadata.get('system')!r}, not {system!r}"
    if metadata.get("dataset_hash") != dataset_hash:
        return None, f"cached predictions are for dataset {metadata.get('dataset_hash')}, not {dataset_hash}"
    content = predictions_path.read_bytes()
    if sha256_of(content) != metadata.get("predictions_sha256"):
        return None, f"{predictions_path} changed since it was written (sha256 differs from {metadata_path})"
    versions = metadata.get("versions")
    if not isinstance(versions, dict) or not all(isinstance(v, str) for v in versions.values()):
        return None, f"{metadata_path} has no 'versions' object"
    try:
        dropped = Dropped.from_dict(metadata["dropped"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return None, f"{metadata_path} has no readable 'dropped' record ({type(error).__name__}: {error})"
    try:
        predictions = read_predictions(predictions_path, documents=documents)
    except PredictionsError as error:
        return None, f"{predictions_path} no longer passes the predictions checks ({len(error.problems)} problem(s))"
    return CachedRun(predictions, dict(versions), sha256_of(content), dropped), ""


def run_registered(name: str, *, documents: Sequence[Document], dataset_hash: str, folder: Path, rerun: bool,
                   bootstrap_samples: int, seed: int, progress: bool) -> System:
    """Predictions of the registered system ``name`` (cached, or run afresh with a progress bar), scored."""
    cached, note = (None, "--rerun asked") if rerun else read_cache(folder, system=name, dataset_hash=dataset_hash,
                                                                      documents=documents)
    if cached is not None:
        predictions, versions, digest = cached.predictions, cached.versions, cached.predictions_sha256
        dropped = cached.dropped
    else:
        from tqdm import tqdm

        extractor = get_extractor(name)
        marks = drop_marks(extractor)
        with tqdm(total=len(documents), desc=name, unit="doc", file=sys.stderr, disable=not progress) as bar:
            predictions = predict(extractor, documents, progress=bar.update)
        versions = {key: str(value) for key, value in extractor.versions().items()}
        digest = sha256_of(dumps_predictions(predictions.values()))
        dropped = dropped_since(extractor, marks)
    layers = predicted_layers(predictions)
    result = score(predictions=predictions, gold=documents, layers=layers or None, system=name,
                   system_versions=versions, dropped_labels=dropped.labels, bootstrap_samples=bootstrap_samples,
                   seed=seed)
    return System(name, REGISTERED, layers, versions, predictions, digest, result, cached=cached is not None, note=note,
                  dropped=dropped)


# --- submissions ------------------------------------------------------------------------------

def submission_folders(submissions: Path) -> list[Path]:
    """The sub-folders of ``submissions`` (each one a submission), sorted; none if it does not exist."""
    if not submissions.is_dir():
        return []
    return sorted(path for path in submissions.iterdir() if path.is_dir() and not path.name.startswith("."))


def _check_metadata(path: Path, raw: Any, *, folder_name: str, dataset_hash: str, registered: Sequence[str],
                    problems: list[Problem | str]) -> bool:
    """Check a submission's metadata; ``False`` when its predictions cannot be checked against this gold."""
    def problem(where: str, expected: str, found: str, fix: str) -> None:
        problems.append(Problem(str(path), where, expected, found, fix))

    if not isinstance(raw, dict):
        problem("(file)", "a JSON object with the keys " + ", ".join(SUBMISSION_KEYS), type(raw).__name__,
                "write metadata.json as one JSON object")
        return False
    for key in SUBMISSION_KEYS:
        if key not in raw:
            problem(key, f"the key {key!r}", "no such key", f"add {key!r} (see leaderboard/submissions/README.md)")
    for key in sorted(set(raw) - set(SUBMISSION_KEYS)):
        close = difflib.get_close_matches(key, SUBMISSION_KEYS, n=1)
        problem(key, "only the keys " + ", ".join(SUBMISSION_KEYS),
                f"the unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                "remove the key or correct its spelling")
    name = raw.get("name")
    if "name" in raw:
        if not isinstance(name, str) or not SUBMISSION_NAME_RE.match(name):
            problem("name", "a name of letters, digits, '.', '_' and '-'", repr(name), "rename the system")
        elif name != folder_name:
            problem("name", f"the submission folder's name {folder_name!r}", repr(name),
                    "name the folder after the system (one folder per system version)")
        elif name in registered:
            problem("name", "a name that is not a registered system's", repr(name), "pick another name")
    if "version" in raw and (not isinstance(raw["version"], str) or not raw["version"].strip()):
        problem("version", "a non-empty string", repr(raw["version"]), 'give the system\'s version, e.g. "1.0"')
    if "link" in raw and raw["link"] is not None and (not isinstance(raw["link"], str) or not raw["link"].strip()):
        problem("link", "a URL (string) or null", repr(raw["link"]), "give a link to the system's code or paper, or null")
    layers = raw.get("layers")
    if "layers" in raw and (not isinstance(layers, list) or not layers or len(set(map(str, layers))) != len(layers)
                            or not all(layer in LAYERS for layer in layers)):
        problem("layers", f"a non-empty list of distinct layers among {', '.join(LAYERS)}", repr(layers),
                "list the layers the predictions give")
    found = raw.get("dataset_hash")
    if "dataset_hash" in raw and found != dataset_hash:
        problem("dataset_hash", f"{dataset_hash} (the current gold)",
                f"{found!r}: the predictions were made on another dataset revision",
                "run the system on the current dataset and put its hash (frnewsbench.corpus.corpus_hash) in metadata.json")
        return False
    return "dataset_hash" in raw


@dataclass(frozen=True)
class Submission:
    name: str
    version: str
    link: str | None
    layers: tuple[str, ...]
    predictions: dict[str, Prediction]
    predictions_sha256: str


def read_submission(folder: Path, *, documents: Sequence[Document], dataset_hash: str,
                    registered: Sequence[str]) -> Submission:
    """Check one submission folder (module docstring); raise :class:`SubmissionError` with every problem."""
    metadata_path, predictions_path = folder / METADATA_FILE, folder / PREDICTIONS_FILE
    problems: list[Problem | str] = []
    raw: Any = None
    same_dataset = False
    if not metadata_path.is_file():
        problems.append(Problem(str(metadata_path), "(file)", "a metadata.json beside the predictions",
                                          "no such file", "add metadata.json (see leaderboard/submissions/README.md)"))
    else:
        try:
            raw = json.loads(metadata_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            problems.append(Problem(str(metadata_path), "(file)", "a UTF-8 JSON object",
                                              f"{type(error).__name__}: {error}", "fix the JSON syntax"))
        else:
            same_dataset = _check_metadata(metadata_path, raw, folder_name=folder.name, dataset_hash=dataset_hash,
                                           registered=registered, problems=problems)
    predictions: dict[str, Prediction] | None = None
    digest = ""
    if not predictions_path.is_file():
        problems.append(Problem(str(predictions_path), "(file)", "the predictions as JSON Lines",
                                          "no such file", "add predictions.jsonl (see eval/PREDICTIONS.md)"))
    elif same_dataset:
        digest = sha256_of(predictions_path.read_bytes())
        try:
            predictions = read_predictions(predictions_path, documents=documents)
        except PredictionsError as error:
            problems += [str(item) for item in error.problems]
    declared_layers = raw.get("layers") if isinstance(raw, dict) else None
    if predictions is not None and isinstance(declared_layers, list) and all(layer in LAYERS for layer in declared_layers):
        given, declared = predicted_layers(predictions), tuple(declared_layers)
        extra = [layer for layer in given if layer not in declared]
        absent = [layer for layer in declared if layer not in given]
        if extra or absent:
            problems.append(Problem(
                str(metadata_path), "layers", f"the layers the predictions give ({', '.join(given) or 'none'})",
                repr(list(declared)), "list in 'layers' exactly the layers present in predictions.jsonl"))
    if problems or predictions is None:  # the predictions go unread only when the metadata has a problem
        raise SubmissionError(problems)
    return Submission(raw["name"], raw["version"], raw["link"], tuple(l for l in LAYERS if l in raw["layers"]),
                      predictions, digest)


def score_submission(submission: Submission, *, documents: Sequence[Document], bootstrap_samples: int,
                     seed: int) -> System:
    versions = {"version": submission.version, "predictions_sha256": submission.predictions_sha256}
    result = score(predictions=submission.predictions, gold=documents, layers=submission.layers, system=submission.name,
                   system_versions=versions, bootstrap_samples=bootstrap_samples, seed=seed)
    return System(submission.name, SUBMISSION, submission.layers, versions, submission.predictions,
                  submission.predictions_sha256, result, version=submission.version, link=submission.link)


# --- ranking ----------------------------------------------------------------------------------

def _order(system: System, layer: str) -> tuple[float, str]:
    value = system.result.evaluation.layers[layer].headline.value
    return (1.0 if value is None else -value, system.name)


def rank_layer(systems: Sequence[System], *, layer: str, documents: Sequence[Document], bootstrap_samples: int,
               seed: int, alpha: float = ALPHA) -> tuple[Row, ...]:
    """The systems that score ``layer``, by headline F1 descending (undefined F1 last), each
    compared with the row above by the paired bootstrap test. Exactly equal headline F1 share a
    rank (competition ranking: 1, 1, 3) and are listed by name."""
    scored = sorted((s for s in systems if s.result.evaluation.layers.get(layer) is not None),
                    key=lambda s: _order(s, layer))
    rows: list[Row] = []
    for position, system in enumerate(scored, start=1):
        headline = system.result.evaluation.layers[layer].headline
        if not rows:
            rows.append(Row(position, system, headline))
            continue
        rank = rows[-1].rank if headline.value == rows[-1].headline.value else position
        comparison = paired_bootstrap(gold=documents, predictions_a=rows[-1].system.predictions,
                                      predictions_b=system.predictions, layer=layer,
                                      samples=bootstrap_samples, seed=seed)
        separable = comparison.p_value is not None and comparison.p_value < alpha
        rows.append(Row(rank, system, headline, comparison, separable))
    return tuple(rows)


def _select(requested: Sequence[str] | None, registered: Sequence[str], submitted: Sequence[str]) -> tuple[list[str], list[str]]:
    if requested is None:
        return list(registered), list(submitted)
    known = sorted(set(registered) | set(submitted))
    unknown = [name for name in requested if name not in known]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=3)
            hints.append(f"{name!r}" + (f" (did you mean {', '.join(map(repr, close))}?)" if close else ""))
        raise LeaderboardError(f"no registered system or submission named {', '.join(hints)}; "
                               f"known: {', '.join(known) or 'none'}")
    return [n for n in registered if n in requested], [n for n in submitted if n in requested]


def build_board(*, gold: Gold = None, runs: str | Path = DEFAULT_RUNS, submissions: str | Path = DEFAULT_SUBMISSIONS,
                rerun: bool = False, systems: Sequence[str] | None = None, bootstrap_samples: int = 1000,
                seed: int = 0, alpha: float = ALPHA, progress: bool = True) -> Board:
    """Compute the whole board; nothing is written (see :func:`board_files` and :func:`leaderboard`).

    ``systems`` keeps only those registered systems and submissions (by name) on the board.
    Raises :class:`SubmissionError` if any selected submission is refused.
    """
    if not 0 < alpha < 1:
        raise LeaderboardError(f"alpha must be between 0 and 1, found {alpha}")
    documents = load_gold(gold)
    dataset_hash = corpus_hash(documents)
    runs, submissions = Path(runs), Path(submissions)
    registered = registered_names()
    folders = {folder.name: folder for folder in submission_folders(submissions)}
    chosen_registered, chosen_submitted = _select(systems, registered, sorted(folders))
    read: list[Submission] = []
    problems: list[Problem | str] = []
    for name in chosen_submitted:  # every submission is checked before any system runs
        try:
            read.append(read_submission(folders[name], documents=documents, dataset_hash=dataset_hash,
                                        registered=registered))
        except SubmissionError as error:
            problems += error.problems
    if problems:
        raise SubmissionError(problems)
    entries = [run_registered(name, documents=documents, dataset_hash=dataset_hash, folder=runs / name, rerun=rerun,
                              bootstrap_samples=bootstrap_samples, seed=seed, progress=progress)
               for name in chosen_registered]
    entries += [score_submission(item, documents=documents, bootstrap_samples=bootstrap_samples, seed=seed)
                for item in read]
    rankings = {layer: rank_layer(entries, layer=layer, documents=documents, bootstrap_samples=bootstrap_samples,
                                  seed=seed, alpha=alpha) for layer in LAYERS}
    on_board = {entry.name for entry in entries}
    unranked = tuple(sorted(path.name for path in runs.iterdir() if path.is_dir() and path.name not in on_board)) \
        if runs.is_dir() else ()
    return Board(dataset_hash, SCHEMA_VERSION, tuple(d.id for d in documents), __version__, tuple(entries), rankings,
                 bootstrap_samples, seed, alpha, unranked)


# --- outputs ----------------------------------------------------------------------------------

def run_metadata(system: System, board: Board) -> dict[str, Any]:
    """``metadata.json`` of a system's run folder: what the cache is keyed on, and provenance."""
    data: dict[str, Any] = {
        "schema_version": RUN_SCHEMA_VERSION,
        "system": system.name,
        "source": system.source,
        "dataset_hash": board.dataset_hash,
        "dataset_schema_version": board.dataset_schema_version,
        "harness_version": board.harness_version,
        "layers": list(system.layers),
        "versions": dict(sorted(system.versions.items())),
        "predictions_sha256": system.predictions_sha256,
        "dropped": None if system.dropped is None else system.dropped.to_dict(),
    }
    if system.source == SUBMISSION:
        data.update(version=system.version, link=system.link)
    return data


def _link(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


def _comparison(row: Row, alpha: float) -> str:
    """The paired test against the row above: its p-value, marked when the rows are not separable."""
    if row.comparison is None:
        return NOT_DEFINED
    p_value = row.comparison.p_value
    if p_value is None:
        return "**not separable** (p undefined)"
    shown = f"p < {1 / row.comparison.interval.samples:g}" if p_value == 0 else f"p = {p_value:.3f}"
    return shown if row.separable else f"**not separable** ({shown} ≥ {alpha:g})"


def layer_table(rows: Sequence[Row], *, layer: str, alpha: float, result_links: Mapping[str, str]) -> str:
    header = ["rank", "system", "F1", "95% interval", "vs. the row above",
              *(label for label, _ in SECONDARY[layer])]
    cells = []
    for row in rows:
        evaluation = row.system.result.evaluation.layers[layer]
        name = row.system.name + (" (submission)" if row.system.source == SUBMISSION else "")
        link = result_links.get(row.system.name)
        cells.append([
            str(row.rank), f"[{name}]({link})" if link else name, number(row.headline.value),
            interval(row.headline.interval.low, row.headline.interval.high), _comparison(row, alpha),
            *(number(figure(evaluation)) for _, figure in SECONDARY[layer]),
        ])
    return table(header, cells)


def _counts(counts: Mapping[str, int]) -> str:
    """``"DATE 12, CARDINAL 3"``: most frequent first, then by name."""
    return ", ".join(f"{key} {value}" for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def dropped_cell(dropped: Dropped | None) -> str:
    """The systems table's summary of what a run dropped (the strings are in its metadata.json)."""
    if dropped is None:
        return "unknown (not run here)"
    parts = []
    if dropped.labels is not None:
        total = sum(dropped.labels.values())
        parts.append(f"{total} entit{'y' if total == 1 else 'ies'} with a left-out label ({_counts(dropped.labels)})"
                     if total else "no label left out")
    if dropped.strings is not None:
        count = len(dropped.strings)
        parts.append(f"{count} string(s) skipped ({_counts(dropped.by_reason() or {})})" if count else "no string skipped")
    return "; ".join(parts) or "none recorded (the system keeps no count)"


def missing_cell(system: System) -> str:
    missing = system.result.evaluation.missing_documents
    return f"{len(missing)} ({', '.join(missing)})" if missing else "none"


def versions_table(board: Board) -> str:
    rows = []
    for system in sorted(board.systems, key=lambda s: (s.source != REGISTERED, s.name)):
        versions = ", ".join(f"{key} {value}" for key, value in sorted(system.versions.items())) or NOT_DEFINED
        rows.append([system.name, system.source, ", ".join(system.layers), versions, system.link or NOT_DEFINED,
                     dropped_cell(system.dropped), missing_cell(system)])
    return table(["system", "source", "layers", "versions", "link", "dropped", "documents without predictions"], rows)


def render_markdown(board: Board, *, output: Path, runs: Path, chart: Path | None) -> str:
    """``LEADERBOARD.md``: one ranked table per layer, the rules, the dataset hash and the versions used."""
    base = output.parent
    links = {s.name: _link(runs / s.name / RESULT_FILE, base) for s in board.systems}
    samples = f"{board.bootstrap_samples} resamples, seed {board.seed}"
    parts = [
        "# frnewsbench leaderboard",
        "",
        "<!-- Generated by `frnewsbench leaderboard`: do not edit by hand. -->",
        "",
        "The registered systems run over the gold and the submissions, ranked per layer by the headline "
        "F1 (descending; systems with exactly the same F1 share a rank and are listed by name). Each system's "
        f"predictions, result and versions are in `{_link(runs, base)}/<system>/`; a submission's predictions "
        "stay in its submission folder.",
        "",
        f"- dataset: `{board.dataset_hash}` ({len(board.document_ids)} documents, annotation schema "
        f"{board.dataset_schema_version}); harness frnewsbench {board.harness_version}",
        f"- intervals: 95% percentile bootstrap over paragraphs, {samples}",
        f"- *not separable*: the paired bootstrap test (Berg-Kirkpatrick et al. 2012; both systems scored on "
        f"the same paragraph resamples, {samples}) of the headline F1 against the system ranked just above "
        f"gives p ≥ {board.alpha:g}, i.e. the observed difference is not significant at alpha = {board.alpha:g}",
        "",
    ]
    if chart is not None:
        parts += [f"![Headline F1 of each system with its 95% interval]({_link(chart, base)})", ""]
    for layer in LAYERS:
        rows = board.rankings.get(layer, ())
        parts += [f"## {layer}", ""]
        if not rows:
            parts += ["No system on this board predicts this layer.", ""]
            continue
        parts += [f"Headline: {rows[0].headline.metric}. P and R are the headline's precision and recall.", "",
                  layer_table(rows, layer=layer, alpha=board.alpha, result_links=links), ""]
    parts += ["## Systems and versions", "",
              "*dropped*: what each run left out: entities whose system label the adapter's label table maps to "
              "nothing (eval/frnewsbench/extractors/labels.py), and strings the system found but did not predict, "
              f"by reason (every string is listed in `{_link(runs, base)}/<system>/{METADATA_FILE}`). "
              "*documents without predictions*: documents the predictions leave out, scored as empty.",
              "", versions_table(board), ""]
    return "\n".join(parts)


CHART_WIDTH = 8.0  # inches
CHART_ROW_HEIGHT = 0.32
CHART_PANEL_HEIGHT = 0.9
CHART_DPI = 100
COLOURS = {REGISTERED: "#1f5fa6", SUBMISSION: "#c2410c"}


def render_chart(board: Board) -> bytes:
    """A PNG of the headline F1 of every ranked row with its 95% interval, one panel per layer.

    Deterministic: Agg canvas, fixed width and dpi (height from the number of rows), no metadata.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    layers = [layer for layer in LAYERS if board.rankings.get(layer)]
    heights = [CHART_PANEL_HEIGHT + CHART_ROW_HEIGHT * len(board.rankings[layer]) for layer in layers] or [1.0]
    figure = Figure(figsize=(CHART_WIDTH, sum(heights) + 0.5), dpi=CHART_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    legend = "; blue: registered, orange: submission" if any(s.source == SUBMISSION for s in board.systems) else ""
    figure.suptitle(f"frnewsbench: headline F1 with 95% bootstrap interval (≈ not separable from the row above{legend})",
                    fontsize=9)
    axes = figure.subplots(max(1, len(layers)), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
    for axis, layer in zip(axes, layers):
        rows = board.rankings[layer]
        for y, row in enumerate(rows):
            value, low, high = row.headline.value, row.headline.interval.low, row.headline.interval.high
            if value is None:
                continue
            colour = COLOURS[row.system.source]
            error = None if low is None or high is None else [[max(0.0, value - low)], [max(0.0, high - value)]]
            axis.errorbar([value], [y], xerr=error, fmt="o", color=colour, ecolor=colour, capsize=3, markersize=5)
            axis.annotate(f"{value:.3f}", (high if high is not None else value, y), xytext=(6, 0),
                          textcoords="offset points", va="center", fontsize=8)
        axis.set_yticks(range(len(rows)))
        axis.set_yticklabels([f"{'≈ ' if row.separable is False else ''}{row.rank}. {row.system.name}" for row in rows],
                             fontsize=8)
        axis.set_ylim(len(rows) - 0.5, -0.5)
        axis.set_xlim(0.0, 1.1)
        axis.set_xticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
        axis.tick_params(axis="x", labelsize=8)
        axis.grid(axis="x", color="#dddddd", linewidth=0.6)
        axis.set_axisbelow(True)
        axis.set_title(f"{layer}: {rows[0].headline.metric}", fontsize=9, loc="left")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buffer.getvalue()


def chart_path(output: str | Path) -> Path:
    """The chart beside the board: ``LEADERBOARD.md`` -> ``LEADERBOARD.png``."""
    return Path(output).with_suffix(".png")


def board_files(board: Board, *, runs: str | Path = DEFAULT_RUNS, output: str | Path = DEFAULT_OUTPUT,
                chart: str | Path | None = None) -> list[tuple[Path, str | bytes]]:
    """Every file of the board and its content, rendered in memory (nothing written)."""
    runs, output = Path(runs), Path(output)
    chart = chart_path(output) if chart is None else Path(chart)
    files: list[tuple[Path, str | bytes]] = []
    for system in board.systems:
        folder = runs / system.name
        if system.source == REGISTERED:
            files.append((folder / PREDICTIONS_FILE, dumps_predictions(system.predictions.values())))
        files.append((folder / RESULT_FILE, system.result.to_json()))
        files.append((folder / METADATA_FILE, _dumps(run_metadata(system, board))))
    files.append((chart, render_chart(board)))
    files.append((output, render_markdown(board, output=output, runs=runs, chart=chart)))
    return files


def write_files(files: Sequence[tuple[Path, str | bytes]]) -> None:
    """Write every output of the board or none (:func:`frnewsbench.corpus.write_all`)."""
    try:
        write_all(files, hint="give --output and --runs paths in folders you can write to (the chart goes beside "
                              "the board, with the suffix .png)")
    except CorpusOutputError as error:
        raise OutputError(str(error)) from None


def leaderboard(*, gold: Gold = None, runs: str | Path = DEFAULT_RUNS, submissions: str | Path = DEFAULT_SUBMISSIONS,
                output: str | Path = DEFAULT_OUTPUT, chart: str | Path | None = None, rerun: bool = False,
                systems: Sequence[str] | None = None, bootstrap_samples: int = 1000, seed: int = 0,
                alpha: float = ALPHA, progress: bool = True) -> tuple[Board, list[Path]]:
    """Build the board, render every output, then write them all or none (:func:`write_files`);
    the board and the files written."""
    board = build_board(gold=gold, runs=runs, submissions=submissions, rerun=rerun, systems=systems,
                        bootstrap_samples=bootstrap_samples, seed=seed, alpha=alpha, progress=progress)
    files = board_files(board, runs=runs, output=output, chart=chart)
    write_files(files)
    return board, [path for path, _ in files]
