"""``LEADERBOARD.md``: one ranked table per layer, the rules, the dataset hash and the versions used."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Mapping, Sequence

from ..extractors.combined import NAME as COMBINED
from ..extractors.combined import PARTS as COMBINED_PARTS
from ..report.display import NOT_DEFINED, interval, number, p_value, table
from ..schema import LAYERS
from ..scoring import LayerEvaluation
from .dropped import Dropped
from .model import METADATA_FILE, REGISTERED, RESULT_FILE, SUBMISSION, Board, Row, System


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


def _link(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


def _comparison(row: Row, alpha: float) -> str:
    """The paired test against the row above: its p-value, marked when the rows are not separable."""
    if row.comparison is None:
        return NOT_DEFINED
    shown = p_value(row.comparison.p_value, row.comparison.interval.samples)
    if row.comparison.p_value is None:
        return f"**not separable** ({shown})"
    return shown if row.separable else f"**not separable** ({shown} ≥ {alpha:g})"


CONVENTION_COLUMNS: dict[str, str] = {
    "entities": "HIPE F1 strict / fuzzy",
    "dates": "TempEval-3 F1 strict / relaxed / value",
    "quotes": "GGT quote F1 > 0.3 / > 0.8",
}
"""The last column of each layer's table: its figures in the field's conventions
(:data:`frnewsbench.scoring.CONVENTIONS`, defined in eval/METRICS.md)."""


ANCHORS: dict[str, str] = {
    "dates": "*Published on another corpus, not comparable with this table*: HeidelTime on French TimeBank 1.1 "
             "(TempEval-3 convention, HeidelTime's published evaluation): strict 0.860, relaxed 0.910, value F1 0.736.",
    "quotes": "*Published on another corpus, not comparable with this table*: the Gender Gap Tracker's French quote "
              "extractor on its own French evaluation articles (its evaluator's convention): quote F1 0.817 (> 0.3) "
              "and 0.726 (> 0.8).",
}
"""Figures the anchors of each layer published on their own data, quoted under the layer's table."""


def convention_cell(evaluation: LayerEvaluation) -> str:
    return " / ".join(number(value) for value in evaluation.conventions.values())


def layer_table(rows: Sequence[Row], *, layer: str, alpha: float, result_links: Mapping[str, str]) -> str:
    header = ["rank", "system", "F1", "95% interval", "vs. the row above",
              *(label for label, _ in SECONDARY[layer]), CONVENTION_COLUMNS[layer]]
    cells = []
    for row in rows:
        evaluation = row.system.result.evaluation.layers[layer]
        name = row.system.name + (" (submission)" if row.system.source == SUBMISSION else "") + (
            " (stale cache)" if row.system.stale else "")
        link = result_links.get(row.system.name)
        cells.append([
            str(row.rank), f"[{name}]({link})" if link else name, number(row.headline.value),
            interval(row.headline.interval.low, row.headline.interval.high), _comparison(row, alpha),
            *(number(figure(evaluation)) for _, figure in SECONDARY[layer]), convention_cell(evaluation),
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
        if system.stale:
            versions += f"; **stale cache** (--offline-cache): {system.stale}"
        rows.append([system.name, system.source, ", ".join(system.layers), versions, system.link or NOT_DEFINED,
                     dropped_cell(system.dropped), missing_cell(system)])
    return table(["system", "source", "layers", "versions", "link", "dropped", "documents without predictions"], rows)


def _ordinal(rank: int) -> str:
    return f"{rank}{'st' if rank == 1 else 'nd' if rank == 2 else 'rd' if rank == 3 else 'th'}"


def combined_note(board: Board) -> str | None:
    """Where each layer of the combined baseline comes from, and whether that part ranks first here;
    ``None`` when none of its parts is on the board."""
    if not any(system.name in COMBINED_PARTS.values() for system in board.systems):
        return None
    parts = []
    for layer, name in COMBINED_PARTS.items():
        rows = board.rankings.get(layer, ())
        row = next((row for row in rows if row.system.name == name), None)
        if row is None:
            parts.append(f"{layer} from `{name}` (not on this board)")
            continue
        first = next((r for r in rows if r.system.source == REGISTERED), row)
        where = f"ranked {_ordinal(row.rank)}"
        if first.system.name != name and first.headline.value != row.headline.value:
            where += (f"; `{first.system.name}` ranks above it: the combined baseline needs a new version "
                      f"taking its {layer}")
        parts.append(f"{layer} from `{name}` ({where})")
    return (f"`{COMBINED}`, the system that pre-annotates new articles in Label Studio, is the registered system "
            f"ranked first for each layer: {'; '.join(parts)}. It is not ranked: its rows would repeat those.")


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
        parts += [f"Headline: {rows[0].headline.metric}. P and R are the headline's precision and recall. "
                  f"{CONVENTION_COLUMNS[layer]}: the same predictions scored in the field's convention "
                  "(eval/METRICS.md).", ""]
        if layer in ANCHORS:
            parts += [ANCHORS[layer], ""]
        parts += [layer_table(rows, layer=layer, alpha=board.alpha, result_links=links), ""]
    note = combined_note(board)
    parts += [] if note is None else [note, ""]
    parts += ["## Systems and versions", "",
              "*dropped*: what each run left out: entities whose system label the adapter's label table maps to "
              "nothing (eval/frnewsbench/extractors/labels.py), and strings the system found but did not predict, "
              f"by reason (every string is listed in `{_link(runs, base)}/<system>/{METADATA_FILE}`). "
              "*documents without predictions*: documents the predictions leave out, scored as empty.",
              "", versions_table(board), ""]
    return "\n".join(parts)
