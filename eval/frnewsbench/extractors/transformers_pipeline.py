"""A transformers token-classification model as an extractor (entities only).

The text is cut into windows the model can read whole, so nothing is truncated silently:
one window per paragraph (a non-empty line, :func:`frnewsbench.schema.paragraph_spans`), and
a paragraph longer than the model's maximum length is cut after the last sentence-final token
(``.``, ``!``, ``?``, ``…``, ``»``) that fits, or at the maximum length if there is none (an
entity across that cut would be split). Each window goes through ``pipeline("token-classification",
aggregation_strategy=...)``; its character offsets are shifted back to the document and
whitespace at span edges is trimmed. Labels (``entity_group``, the B-/I- prefix removed by
the aggregation) are mapped by the table in :mod:`frnewsbench.extractors.labels`.
A fast tokenizer is required (it gives the character offsets). Models load from local
files only: nothing is downloaded at run time.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterator, Mapping

from ..schema import Document, Entity, Prediction, paragraph_spans
from .errors import ExtractorError
from .labels import DEFAULT_LABEL_MAP, check_label_map, map_label

SENTENCE_END = (".", "!", "?", "…", "»")


class TransformersExtractor:
    """Entities from a transformers token-classification ``pipeline``."""

    layers = ("entities",)

    def __init__(self, pipeline: Any, *, name: str | None = None,
                 label_map: Mapping[str, str | None] = DEFAULT_LABEL_MAP):
        check_label_map(label_map)
        tokenizer = pipeline.tokenizer
        if not getattr(tokenizer, "is_fast", False):
            raise ExtractorError(f"{type(tokenizer).__name__} is not a fast tokenizer: character offsets need one "
                             "(load the tokenizer with use_fast=True)")
        self.pipeline = pipeline
        self.label_map = dict(label_map)
        self.name = name or f"transformers:{pipeline.model.config.name_or_path or type(pipeline.model).__name__}"
        self.left_out: Counter[str] = Counter()
        limits = [tokenizer.model_max_length, getattr(pipeline.model.config, "max_position_embeddings", None)]
        self.max_tokens = min(limit for limit in limits if isinstance(limit, int) and limit > 0) \
            - tokenizer.num_special_tokens_to_add()

    def windows(self, text: str) -> Iterator[tuple[int, int]]:
        """``[start, end)`` of the pieces of ``text`` the model reads whole."""
        for start, end in paragraph_spans(text):
            paragraph = text[start:end]
            offsets = self.pipeline.tokenizer(paragraph, add_special_tokens=False, return_offsets_mapping=True,
                                                   verbose=False)["offset_mapping"]
            first = 0
            while first < len(offsets):
                last = min(first + self.max_tokens, len(offsets))
                if last < len(offsets):
                    ends = [k for k in range(last, first, -1) if paragraph[offsets[k - 1][0]:offsets[k - 1][1]].endswith(SENTENCE_END)]
                    last = ends[0] if ends else last
                while last > first + 1 and self._length(paragraph[offsets[first][0]:offsets[last - 1][1]]) > self.max_tokens:
                    last -= 1  # the piece re-tokenised alone came out longer: never let the pipeline truncate
                yield start + offsets[first][0], start + offsets[last - 1][1]
                first = last

    def _length(self, text: str) -> int:
        return len(self.pipeline.tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])

    def extract(self, document: Document) -> Prediction:
        text = document.text
        entities = []
        for start, end in self.windows(text):
            for found in self.pipeline(text[start:end]):
                label = map_label(found["entity_group"], self.label_map, system=self.name)
                if label is None:
                    self.left_out[found["entity_group"]] += 1
                    continue
                span_start, span_end = start + int(found["start"]), start + int(found["end"])
                while span_start < span_end and text[span_start].isspace():
                    span_start += 1
                while span_end > span_start and text[span_end - 1].isspace():
                    span_end -= 1
                if span_start < span_end:
                    entities.append(Entity(span_start, span_end, text[span_start:span_end], label))
        return Prediction(id=document.id, entities=tuple(entities))

    def versions(self) -> dict[str, str]:
        import torch
        import transformers

        config = self.pipeline.model.config
        return {
            "transformers": transformers.__version__,
            "torch": torch.__version__,
            "model": str(config.name_or_path or type(self.pipeline.model).__name__),
            "model_revision": str(getattr(config, "_commit_hash", None) or "local"),
        }


def load_transformers(model: str, *, name: str | None = None, aggregation_strategy: str = "simple",
                      label_map: Mapping[str, str | None] = DEFAULT_LABEL_MAP) -> TransformersExtractor:
    """A :class:`TransformersExtractor` over a model folder (or a model already in the local cache)."""
    from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

    try:
        tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=True)
        classifier = AutoModelForTokenClassification.from_pretrained(model, local_files_only=True).eval()
    except (OSError, ValueError) as error:
        raise ExtractorError(f"cannot load the token-classification model {model!r} from local files: {error}. "
                             "Give a folder saved with save_pretrained (nothing is downloaded at run time)") from None
    token_classifier = pipeline("token-classification", model=classifier, tokenizer=tokenizer,
                                aggregation_strategy=aggregation_strategy, device=-1)
    return TransformersExtractor(token_classifier, name=name, label_map=label_map)
