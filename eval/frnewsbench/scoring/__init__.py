"""Scoring: pure functions from gold and predictions to counts that add, and derived figures.

``evaluate(gold=..., predictions=...)`` scores every predicted layer; ``paired_bootstrap``
compares two systems. Each layer has its own module (:mod:`.entities`, :mod:`.dates`,
:mod:`.quotes`, :mod:`.tokens` for the seqeval token view); :mod:`.counts` holds the count
records, :mod:`.matching` the exact tallies and the one-to-one optimal matching,
:mod:`.bootstrap` the intervals and :mod:`.errors` the one error type, :class:`ScoringError`.
The definitions, with examples, are in ``eval/METRICS.md``.
"""

from __future__ import annotations

from .bootstrap import Interval, PairedBootstrap
from .conventions import CONVENTIONS, Convention, ggt_quote_counts
from .counts import AccuracyCounts, Counts, PRFCounts, SchemeCounts
from .dates import DateCounts, score_dates
from .entities import SCHEMES, EntityCounts, MacroScores, score_entities, strict_counts, strict_entity_counts
from .errors import ScoringError
from .evaluate import (
    GIVEN,
    HEADLINE_ERRORS,
    HEADLINES,
    MISSING_DOCUMENT,
    MISSING_LAYER,
    DocumentEvaluation,
    Evaluation,
    Headline,
    LayerEvaluation,
    evaluate,
    match_records,
    paired_bootstrap,
)
from .quotes import QuoteCounts, score_quotes
from .records import DIFFERENCES, FALSE_NEGATIVE, FALSE_POSITIVE, MATCH, DocumentScore, MatchRecord, headline_counts
from .tokens import LeftOutSpan, TokenView

__all__ = [
    "AccuracyCounts", "CONVENTIONS", "Convention", "Counts", "DateCounts", "DocumentEvaluation", "DocumentScore", "EntityCounts",
    "DIFFERENCES", "Evaluation", "FALSE_NEGATIVE", "FALSE_POSITIVE", "GIVEN", "HEADLINE_ERRORS", "HEADLINES", "Headline", "Interval", "LayerEvaluation",
    "LeftOutSpan", "MATCH", "MISSING_DOCUMENT", "MISSING_LAYER", "MacroScores", "MatchRecord",
    "PRFCounts", "PairedBootstrap", "ggt_quote_counts", "QuoteCounts", "SCHEMES", "SchemeCounts", "ScoringError", "TokenView",
    "evaluate", "headline_counts", "match_records", "paired_bootstrap", "score_dates", "score_entities", "score_quotes", "strict_counts", "strict_entity_counts",
]
