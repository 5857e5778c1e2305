"""The one error type of scoring."""

from __future__ import annotations


class ScoringError(ValueError):
    """Gold and predictions that cannot be scored together, or scoring options that cannot be
    used (the message says why and what to do)."""
