"""``combined-baseline.v3``: the best registered system of each layer, as one system for the three layers.

Each layer comes from the registered single-layer system that ranks first on the leaderboard
(:data:`PARTS`; the board checks this and says so in its notes): the entities of
``spacy-fr-core-news-md.v1``, the dates of ``heideltime-fr.v1`` (HeidelTime, TempEval-3 value F1
0.683 against dateparser's 0.615), the quotes of ``quote-rules-fr.v2``. One ``fr_core_news_md``
parse per document gives the entities (through the spaCy adapter's
:func:`~frnewsbench.extractors.spacy_pipeline.entities_from_doc` and its label table) and the
quotes (:mod:`.quotes_rules`, whose last-resort speakers are the ``PER`` entities found), so each
layer is exactly what its part gives on its own. The board does not rank it (its rows would
repeat its parts'); it is the system that pre-annotates new articles in Label Studio.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Mapping

from ..schema import Document, Prediction
from .dates_heideltime import HeidelTimeExtractor
from .labels import DEFAULT_LABEL_MAP, check_label_map
from .quotes_rules import DEFAULT_MODEL, QuoteRulesExtractor, load_spacy
from .spacy_pipeline import entities_from_doc

if TYPE_CHECKING:
    from spacy.language import Language

NAME = "combined-baseline.v3"
PARTS: Mapping[str, str] = {
    "entities": "spacy-fr-core-news-md.v1",
    "dates": "heideltime-fr.v1",
    "quotes": "quote-rules-fr.v2",
}
"""The registered system each layer comes from (bump :data:`NAME`'s version when one changes)."""


class CombinedBaseline:
    """Entities from spaCy md, dates from HeidelTime, quotes from the rules, one spaCy parse per document."""

    name = NAME
    layers = ("entities", "dates", "quotes")

    def __init__(self, nlp: Language | None = None, *, label_map: Mapping[str, str | None] = DEFAULT_LABEL_MAP):
        check_label_map(label_map)
        self.nlp = nlp if nlp is not None else load_spacy(DEFAULT_MODEL)
        self.label_map = dict(label_map)
        self.dates = HeidelTimeExtractor()
        self.quotes = QuoteRulesExtractor(self.nlp)
        self.left_out: Counter[str] = Counter()  # spaCy labels that are not entities here, counted

    def extract(self, document: Document) -> Prediction:
        doc = self.nlp(document.text)
        entities = entities_from_doc(doc, self.label_map, system=self.name, left_out=self.left_out)
        persons = [entity.span for entity in entities if entity.label == "PER"]
        return Prediction(
            id=document.id,
            entities=entities,
            dates=self.dates.extract(document).dates,
            quotes=self.quotes.quotes_of(doc, document, persons=persons),
        )

    def versions(self) -> dict[str, str]:
        return {**self.quotes.versions(), **self.dates.versions()}
