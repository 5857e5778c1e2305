"""The one error type of the adapters: an extractor that cannot be built or fails to run."""

from __future__ import annotations


class ExtractorError(RuntimeError):
    """An extractor could not be built, or failed while running; the message says why and what to do."""
