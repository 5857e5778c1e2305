"""Agreement between the annotators of one task, measured with the harness's own metrics.

For every pair of annotations ``(a, b)`` of a task, ``a`` is scored as the gold and ``b`` as a
system with :func:`frnewsbench.scoring.evaluate`; the agreement of a layer is that layer's
headline figure (entities: strict F1; dates: TIMEX3 value F1; quotes: attribution F1).
Swapping gold and system swaps precision and recall and leaves F1 unchanged, so each unordered
pair is reported once: the annotation that became gold first, then the others in export order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import TYPE_CHECKING, Sequence

from ..schema import LAYERS, Document, Prediction

if TYPE_CHECKING:
    from .convert import Layers


@dataclass(frozen=True)
class Agreement:
    reference: str
    other: str
    headline: dict[str, float | None]
    """layer -> the headline figure of ``other`` scored against ``reference`` (None: nothing to score)."""

    def __str__(self) -> str:
        figures = ", ".join(f"{layer} {'n/a' if value is None else f'{value:.3f}'}"
                            for layer, value in self.headline.items())
        return f"{self.reference} vs {self.other}: {figures}"


def pair_agreement(reference: Document, other: Document) -> dict[str, float | None]:
    """Headline figure of each layer, ``other`` scored against ``reference``."""
    from ..scoring import evaluate

    prediction = Prediction(id=reference.id, entities=other.entities, dates=other.dates, quotes=other.quotes)
    # One bootstrap draw: the interval is not reported here, only the point figure.
    evaluation = evaluate(gold=[reference], predictions={reference.id: prediction}, layers=LAYERS,
                          bootstrap_samples=1, token_view=False)
    return {layer: headline.value if headline is not None else None
            for layer, headline in evaluation.headlines.items()}


def annotation_agreement(document: Document, annotations: Sequence[tuple[str, Layers]], *,
                         chosen: str) -> tuple[Agreement, ...]:
    """Agreement between every pair of a task's annotations (``(name, layers)``) on ``document``'s
    text, the ``chosen`` annotation first."""
    ordered = sorted(annotations, key=lambda pair: pair[0] != chosen)
    documents = [(name, replace(document, entities=layers.entities, dates=layers.dates, quotes=layers.quotes))
                 for name, layers in ordered]
    return tuple(Agreement(a_name, b_name, pair_agreement(a, b))
                 for (a_name, a), (b_name, b) in combinations(documents, 2))
