"""How figures are shown: rounding (here and in reports only), intervals, Markdown tables, the
headline table and the comparison table. Shared by the Markdown report, the ``compare`` command
and the ``repr`` of a result and of a comparison."""

from __future__ import annotations

from typing import Iterable

from ..schema import LAYERS
from ..scoring import GIVEN, DocumentEvaluation, Evaluation, PairedBootstrap

DIGITS = 3
NOT_DEFINED = "–"  # nothing to score: no prediction, no gold item, no matched pair


def number(value: float | None) -> str:
    return NOT_DEFINED if value is None else f"{value:.{DIGITS}f}"


def interval(low: float | None, high: float | None) -> str:
    return NOT_DEFINED if low is None or high is None else f"[{number(low)}, {number(high)}]"


def p_value(p: float | None, samples: int) -> str:
    """A paired test's p-value as the board and ``compare`` print it: ``p < 0.001`` when no draw
    of 1000 goes beyond (the smallest p the draws can show), else ``p = 0.042``; ``p undefined``."""
    if p is None:
        return "p undefined"
    return f"p < {1 / samples:g}" if p == 0 else f"p = {p:.3f}"


def document_headline_counts(document: DocumentEvaluation) -> str:
    """A document's headline counts, ``(TP 3 · FP 1 · FN 2)``, then why it was scored as empty
    when the system gave it nothing (``(missing document)``, ``(missing layer)``)."""
    headline = document.counts.headline
    note = "" if document.prediction == GIVEN else f" ({document.prediction.replace('_', ' ')})"
    return f"(TP {headline.tp} · FP {headline.fp} · FN {headline.fn}){note}"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def headline_rows(evaluation: Evaluation) -> list[tuple[str, str, str, str]]:
    """(layer, headline metric, value, 95% interval) per layer, rounded; "not scored" when absent."""
    rows = []
    for layer in LAYERS:
        scored = evaluation.layers.get(layer)
        if scored is None:
            rows.append((layer, "not scored", NOT_DEFINED, NOT_DEFINED))
        else:
            headline = scored.headline
            rows.append((layer, headline.metric, number(headline.value),
                         interval(headline.interval.low, headline.interval.high)))
    return rows


HEADLINE_HEADER = ("layer", "headline", "value", "95% interval")


COMPARISON_HEADER = ("layer", "headline", "A", "B", "A − B", "95% interval of A − B", "p-value")


def comparison_table(tests: Iterable[PairedBootstrap]) -> str:
    """The paired tests of two systems as a Markdown table, one row per layer."""
    return table(COMPARISON_HEADER, [
        (test.layer, test.metric, number(test.a), number(test.b), number(test.difference),
         interval(test.interval.low, test.interval.high), p_value(test.p_value, test.interval.samples))
        for test in tests])
