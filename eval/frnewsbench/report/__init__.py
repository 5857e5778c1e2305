"""Outputs of a scoring run: the typed result (JSON), a Markdown table, the error analysis and
an HTML page with gold and predicted spans side by side."""

from .result import RESULT_SCHEMA_VERSION, Result, ResultError, SystemInfo, load_result

__all__ = ["RESULT_SCHEMA_VERSION", "Result", "ResultError", "SystemInfo", "load_result"]
