"""One ranking per layer: headline F1 descending, shared ranks for ties, the paired test against the row above."""

from __future__ import annotations

from typing import Sequence

from ..schema import Document
from ..scoring import paired_bootstrap
from .model import ALPHA, Row, System


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

