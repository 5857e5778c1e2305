"""A predictions file (JSON Lines, see ``eval/PREDICTIONS.md``) as an extractor.

The file is read and checked once against the gold ``documents`` (the contract needs their
texts). Documents without a line are scored as empty, per the contract: ``extract_many``
leaves them out (the scorer counts them as missing) and ``extract`` returns them with the
file's layers empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from ..predictions import read_predictions_with_hash
from ..schema import LAYERS, Document, Prediction


class FileExtractor:
    """Serves the predictions of one JSON Lines file, checked against ``documents``."""

    def __init__(self, path: str | Path, *, documents: Sequence[Document], name: str | None = None):
        self.path = Path(path)
        self.name = name or f"file:{self.path.name}"
        self.predictions, self._sha256 = read_predictions_with_hash(self.path, documents=documents)
        self.layers = tuple(layer for layer in LAYERS
                            if any(getattr(prediction, layer) is not None for prediction in self.predictions.values()))

    def versions(self) -> dict[str, str]:
        return {"predictions_file": self.path.name, "predictions_sha256": self._sha256}

    def extract(self, document: Document) -> Prediction:
        if document.id in self.predictions:
            return self.predictions[document.id]
        return Prediction(id=document.id, **{layer: () for layer in self.layers})

    def extract_many(self, documents: Sequence[Document], *,
                     progress: Callable[[int], None] | None = None) -> dict[str, Prediction]:
        """The file's predictions for ``documents``; documents without a line are left out (missing)."""
        found = {d.id: self.predictions[d.id] for d in documents if d.id in self.predictions}
        if progress is not None:
            progress(len(documents))
        return found
