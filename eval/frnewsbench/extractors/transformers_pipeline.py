"""A transformers token-classification model as an extractor (entities only).

The text is cut into windows the model can read whole, so nothing is truncated silently:
one window per paragraph (a non-empty line, :func:`frnewsbench.schema.paragraph_spans`), and
a paragraph longer than the model's maximum length is cut after the last sentence-final token
(``.``, ``!``, ``?``, ``…``, ``»``) that fits, or at the maximum length if there is none (an
entity across that cut would be split). Each window goes through ``pipeline("token-classification",
aggregation_strategy=...)``; its character offsets are shifted back to the document and
whitespace at span edges is trimmed. Labels (``entity_group``, the B-/I- prefix removed by
the aggregation) are mapped by the table in :mod:`frnewsbench.extractors.labels`, or by the
user's own (``--label-map FILE``).
A fast tokenizer is required (it gives the character offsets). Models load from local
files only: nothing is downloaded at run time.

*Aggregation* (how sub-word tokens become entities; ``--aggregation``) defaults to ``first``:
a word takes the label of its first sub-word token, so entities always start and end at word
edges. ``simple`` groups tokens as tagged and cuts words whose sub-words disagree (``Mac``
PER + ``ron`` LOC); ``average`` and ``max`` also keep words whole, taking the label with the
highest mean score over the word's tokens, or the label of its most confident token.
:func:`load_transformers` refuses, naming the problem, a folder that does not exist, one
without tokenizer files, a model whose head is not token classification, and model labels
the label map does not cover. The run's versions record the aggregation and the device.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..schema import Document, Entity, Prediction, paragraph_spans
from .errors import ExtractorError
from .labels import DEFAULT_LABEL_MAP, UnknownLabelError, check_label_map, map_label

SENTENCE_END = (".", "!", "?", "…", "»")
AGGREGATIONS = ("simple", "first", "average", "max")
DEFAULT_AGGREGATION = "first"
DEFAULT_DEVICE = "cpu"
DEVICE_RE = re.compile(r"^(cpu|mps|cuda(:[0-9]+)?)$")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "vocab.json", "sentencepiece.bpe.model",
                   "spiece.model", "tokenizer.model")


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
        aggregation = _aggregation(pipeline)
        if aggregation not in AGGREGATIONS:
            raise ExtractorError(f"the pipeline's aggregation_strategy is {aggregation!r}: entities need one of "
                                 f"{', '.join(AGGREGATIONS)} (pipeline(..., aggregation_strategy='first'))")
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
            "aggregation": _aggregation(self.pipeline),
            "device": str(self.pipeline.device),
        }


def _aggregation(pipeline: Any) -> str:
    """The ``aggregation_strategy`` the pipeline actually uses, as a string (``none`` if unset)."""
    strategy = getattr(pipeline, "_postprocess_params", {}).get("aggregation_strategy", "none")
    return str(getattr(strategy, "value", strategy)).lower()


def check_device(device: str) -> str:
    """``device`` if it is ``cpu``, ``cuda``, ``cuda:N`` or ``mps`` and present on this machine."""
    if not isinstance(device, str) or not DEVICE_RE.match(device):
        raise ExtractorError(f"device {device!r}: expected cpu, cuda, cuda:N (N = 0, 1, ...) or mps")
    import torch

    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ExtractorError(f"device {device!r}: no CUDA device is available here (torch.cuda.is_available() is "
                                 "False); use the device cpu")
        index = int(device.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise ExtractorError(f"device {device!r}: this machine has {torch.cuda.device_count()} CUDA device(s), "
                                 f"numbered from 0")
    if device == "mps" and not torch.backends.mps.is_available():
        raise ExtractorError("device 'mps': Apple's Metal backend is not available here; use the device cpu")
    return device


def model_folder(model: str | Path) -> Path:
    """The folder of ``model``: a folder written by ``save_pretrained``, or a model in the local
    Hugging Face cache (never downloaded)."""
    path = Path(model)
    if path.is_dir():
        return path
    if path.exists():
        raise ExtractorError(f"{model}: not a folder; give the folder written by model.save_pretrained(...)")
    cached = _cached_snapshot(str(model))
    if cached is not None:
        return cached
    raise ExtractorError(f"{model}: no such folder (nor a model in the local Hugging Face cache). Give the folder "
                         "written by model.save_pretrained(...) and tokenizer.save_pretrained(...); nothing is "
                         "downloaded at run time")


def _cached_snapshot(model: str) -> Path | None:
    try:
        from huggingface_hub import try_to_load_from_cache
        from huggingface_hub.errors import HFValidationError
    except ImportError:
        return None
    try:
        found = try_to_load_from_cache(model, "config.json")
    except (HFValidationError, ValueError):
        return None  # not a model id either
    return Path(found).parent if isinstance(found, str) else None


def check_model_folder(folder: Path) -> dict[str, Any]:
    """The model's ``config.json``, after checking that the folder holds a token classifier
    with its tokenizer; raise :class:`ExtractorError` naming the problem."""
    config_path = folder / "config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtractorError(f"{folder}: no config.json, so not a transformers model folder; give the folder "
                             "written by model.save_pretrained(...)") from None
    except (OSError, ValueError) as error:
        raise ExtractorError(f"{config_path}: cannot read the model's configuration ({error})") from None
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise ExtractorError(
            f"{folder}: no tokenizer files (none of {', '.join(TOKENIZER_FILES)}): the model was saved without its "
            f"tokenizer, and any other tokenizer would read every word wrong. Save it beside the model: "
            f"tokenizer.save_pretrained({str(folder)!r})")
    heads = [name for name in config.get("architectures") or () if isinstance(name, str)]
    if heads and not any(name.endswith("ForTokenClassification") for name in heads):
        raise ExtractorError(
            f"{folder}: the model's head is {', '.join(heads)}, not token classification: it cannot tag entities. "
            "Give a model trained for named entities (an ...ForTokenClassification head)")
    return config


def _check_model_labels(config: Any, label_map: Mapping[str, str | None], folder: Path) -> None:
    """Every label the model can emit (B-/I- prefix removed) must be in the label map."""
    labels = {str(label) for label in (getattr(config, "id2label", None) or {}).values()}
    bare = {label[2:] if label[:2] in ("B-", "I-", "E-", "S-") else label for label in labels} - {"O"}
    unknown = sorted(label for label in bare if label not in label_map)
    if unknown:
        raise UnknownLabelError(
            f"{folder}: the model's labels {', '.join(map(repr, unknown))} are not in the label map. Give a label map "
            "(--label-map FILE, a JSON object such as {\"" + unknown[0] + "\": \"PER\"}, values PER, ORG, LOC, MISC or "
            "null to leave a label out; label_map={...} in Python); the default table is in "
            "frnewsbench/extractors/labels.py")


def load_transformers(model: str | Path, *, name: str | None = None, aggregation: str = DEFAULT_AGGREGATION,
                      device: str = DEFAULT_DEVICE, label_map: Mapping[str, str | None] | None = None,
                      ) -> TransformersExtractor:
    """A :class:`TransformersExtractor` over a model folder (or a model already in the local cache).

    ``aggregation``: ``first`` (default), ``simple``, ``average`` or ``max``; ``device``: ``cpu``
    (default), ``cuda``, ``cuda:N`` or ``mps``; ``label_map``: model label -> PER, ORG, LOC, MISC
    or ``None``, added to the default table (:mod:`frnewsbench.extractors.labels`).
    """
    if aggregation not in AGGREGATIONS:
        raise ExtractorError(f"aggregation {aggregation!r}: expected one of {', '.join(AGGREGATIONS)}")
    labels = {**DEFAULT_LABEL_MAP, **(label_map or {})}
    check_label_map(labels)
    check_device(device)
    folder = model_folder(model)
    check_model_folder(folder)
    from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        classifier, loading = AutoModelForTokenClassification.from_pretrained(
            folder, local_files_only=True, output_loading_info=True)
    except (OSError, ValueError) as error:
        raise ExtractorError(f"cannot load the token-classification model in {folder}: {error}") from None
    untrained = sorted(key for key in loading.get("missing_keys", ()) if "classifier" in key or "score" in key)
    if untrained:
        raise ExtractorError(f"{folder}: the weights of the token-classification head are missing "
                             f"({', '.join(untrained)}): this model was not trained to tag tokens")
    _check_model_labels(classifier.config, labels, folder)
    token_classifier = pipeline("token-classification", model=classifier.eval(), tokenizer=tokenizer,
                                aggregation_strategy=aggregation, device=device)
    return TransformersExtractor(token_classifier, name=name, label_map=labels)
