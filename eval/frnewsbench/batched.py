"""Score a predictions file against a built dataset a batch of documents at a time.

What ``frnewsbench score`` does with a predictions file and a built dataset: the file is indexed
by document id and hashed in one quick pass (:func:`~frnewsbench.predictions.index_predictions`),
then the gold is read a batch of documents at a time in id order, each batch's lines are read
again, checked and scored, and only their counts are kept
(:func:`~frnewsbench.scoring.evaluate.evaluate_batches`). What is held is one batch of documents
and predictions, not the corpus; every figure, the hashes and the result file are those of
reading both whole. An input this path cannot take as it is (a line to refuse, a file the index
cannot read plainly, a dataset out of id order) is read whole instead (:func:`score_in_batches`
returns ``None``), and that reading names its problems, as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from .align import AlignmentReport, document_decisions, report_of_decisions
from .corpus import DatasetBatches, NotInBatches
from .predictions import PredictionsError, index_predictions, read_predictions_batch
from .schema import LAYERS, Document, Prediction
from .scoring.evaluate import Evaluation, evaluate_batches


@dataclass(frozen=True)
class BatchedScore:
    evaluation: Evaluation
    predictions_sha256: str
    alignment: AlignmentReport | None


def score_in_batches(predictions: str | Path, dataset: DatasetBatches, *, layers: Sequence[str] | None,
                     bootstrap_samples: int, seed: int) -> BatchedScore | None:
    """Score the file ``predictions`` against ``dataset`` (``layers``: those asked, ``None`` for
    every layer the file gives); ``None`` when the inputs are to be read whole instead."""
    index = index_predictions(predictions, ids=dataset.ids)
    if index is None:
        return None
    decisions = []

    def batches() -> Iterator[tuple[list[Document], dict[str, Prediction]]]:
        for documents in dataset:
            checked = read_predictions_batch(index, documents)
            decisions.extend(document_decisions(checked))
            yield documents, checked

    scored = tuple(layer for layer in LAYERS if layer in index.layers and (layers is None or layer in layers))
    try:
        evaluation = evaluate_batches(batches(), layers=scored, bootstrap_samples=bootstrap_samples, seed=seed,
                                      records=False)
    except (NotInBatches, PredictionsError):
        return None
    finally:
        index.handle.close()
    return BatchedScore(evaluation, index.sha256, report_of_decisions(tuple(decisions)))
