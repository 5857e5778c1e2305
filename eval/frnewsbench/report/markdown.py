"""The result as Markdown tables: headlines with their intervals, every figure of each layer,
per label and per document. Figures are rounded in reports only (:mod:`.display`)."""

from __future__ import annotations

from dataclasses import fields
from typing import Mapping

from ..schema import LAYERS
from ..scoring import CONVENTIONS, AccuracyCounts, Counts, LayerEvaluation, PRFCounts, SchemeCounts
from ..align import alignment_line
from ..scoring.offset_free import DEFINITIONS as OFFSET_FREE
from .display import HEADLINE_HEADER, document_headline_counts, headline_rows, number, table
from .result import Result


def headline_table(result: Result) -> str:
    """One row per layer: the headline figure and its 95% bootstrap interval, or "not scored"."""
    return table(HEADLINE_HEADER, headline_rows(result.evaluation))


def _figure_rows(counts: Counts, prefix: str = "") -> list[tuple[str, ...]]:
    """Every figure of a layer's counts, one row each, in the scorer's field order."""
    rows = []
    for item in fields(counts):
        value = getattr(counts, item.name)
        name = prefix + item.name.replace("_", " ")
        if isinstance(value, PRFCounts):
            rows.append((name, number(value.precision), number(value.recall), number(value.f1),
                         f"TP {value.tp} · FP {value.fp} · FN {value.fn}"))
        elif isinstance(value, SchemeCounts):
            rows.append((name, number(value.precision), number(value.recall), number(value.f1),
                         f"COR {value.correct} · INC {value.incorrect} · PAR {value.partial} · "
                         f"MIS {value.missed} · SPU {value.spurious}"))
        elif isinstance(value, AccuracyCounts):
            rows.append((name, "", "", f"accuracy {number(value.accuracy)}", f"{value.correct} of {value.total}"))
        elif isinstance(value, Counts):
            rows += _figure_rows(value, prefix=f"{name} ")
    return rows


def conventions_section(evaluation: LayerEvaluation) -> str:
    """The layer's figures in the field's published conventions, each with the source it reproduces."""
    values = evaluation.conventions
    rows = [(convention.name, number(values[convention.key]), convention.source)
            for convention in CONVENTIONS[evaluation.layer]]
    return "\n".join([f"### {evaluation.layer} in the field's conventions (`frnewsbench docs metrics`)", "",
                      table(("convention", "F1", "reproduces"), rows)])


def figure_rows(evaluation: LayerEvaluation) -> list[tuple[str, ...]]:
    """Every figure of a layer as ``(figure, P, R, F1, counts)`` rows, rounded for people."""
    rows = _figure_rows(evaluation.counts)
    if evaluation.macro is not None:
        macro = evaluation.macro
        rows.append(("strict macro (mean over labels)", number(macro.precision), number(macro.recall), number(macro.f1),
                     ", ".join(macro.labels)))
    if evaluation.token_view is not None:
        view = evaluation.token_view
        rows.append((f"tokens {view.scheme} {view.mode} (seqeval)", number(view.counts.precision),
                     number(view.counts.recall), number(view.counts.f1),
                     f"TP {view.counts.tp} · FP {view.counts.fp} · FN {view.counts.fn} · "
                     f"{len(view.left_out)} span(s) left out"))
    if evaluation.offset_free is not None:
        free = evaluation.offset_free
        rows.append((f"offset-free: {OFFSET_FREE[evaluation.layer]}", number(free.precision), number(free.recall),
                     number(free.f1), f"TP {free.tp} · FP {free.fp} · FN {free.fn}"))
    return rows


def layer_section(evaluation: LayerEvaluation) -> str:
    parts = [f"## {evaluation.layer}", "", f"Headline: {evaluation.headline.metric}.", ""]
    parts += [table(("figure", "P", "R", "F1", "counts"), figure_rows(evaluation)), ""]
    parts += [conventions_section(evaluation), ""]
    parts += [f"### {evaluation.layer} by label (headline counts)", ""]
    label_rows = []
    for label, counts in evaluation.by_label.items():
        headline = counts.headline
        label_rows.append((label, number(headline.precision), number(headline.recall), number(headline.f1),
                           str(headline.tp), str(headline.fp), str(headline.fn)))
    parts += [table(("label", "P", "R", "F1", "TP", "FP", "FN"), label_rows), ""]
    return "\n".join(parts)


def document_section(result: Result) -> str:
    scored = [layer for layer in LAYERS if result.evaluation.layers.get(layer) is not None]
    by_document = {}
    for layer in scored:
        for document in result.evaluation.layers[layer].documents:
            by_document.setdefault(document.document_id, {})[layer] = document
    rows = []
    for document_id in result.evaluation.document_ids:
        cells = [document_id]
        for layer in scored:
            document = by_document[document_id][layer]
            cells.append(f"{number(document.counts.headline.f1)} {document_headline_counts(document)}")
        rows.append(cells)
    return "\n".join(["## by document (headline F1)", "", table(["document", *scored], rows), ""])


def dropped_labels_line(dropped: Mapping[str, int] | None) -> str | None:
    """What the adapter left out on purpose, e.g. "labels left out by the adapter (not scored):
    DATE 2, NORP 1"; ``None`` when the harness did not run the system."""
    if dropped is None:
        return None
    counts = ", ".join(f"{label} {count}" for label, count in sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"labels left out by the adapter (not scored): {counts or 'none'}"


def render_markdown(result: Result) -> str:
    """The whole result as a Markdown report."""
    evaluation = result.evaluation
    system = result.system
    versions = ", ".join(f"{name} {version}" for name, version in sorted(system.versions.items())) or "none given"
    missing = ", ".join(evaluation.missing_documents) or "none"
    dropped = dropped_labels_line(system.dropped_labels)
    aligned = alignment_line(result.alignment)
    parts = [
        f"# frnewsbench: {system.name}",
        "",
        f"- system versions: {versions}",
        *([f"- {dropped}"] if dropped else []),
        *([f"- {aligned}"] if aligned else []),
        f"- dataset: {result.dataset_hash} ({len(evaluation.document_ids)} documents, annotation schema "
        f"{result.annotation_schema_version}); harness frnewsbench {result.harness_version}; "
        f"result schema {result.result_schema_version}",
        f"- documents without predictions (scored as empty): {missing}",
        f"- intervals: 95% percentile bootstrap over paragraphs, {evaluation.bootstrap_samples} resamples, seed {evaluation.seed}",
        "",
        headline_table(result),
        "",
    ]
    for layer in LAYERS:
        if evaluation.layers.get(layer) is not None:
            parts.append(layer_section(evaluation.layers[layer]))
    parts.append(document_section(result))
    return "\n".join(parts)
