"""Why a span's text differs from the document at its offsets: the hints of the error messages.

Every reader that checks ``text[start:end] == span text`` (annotation files, predictions, Label
Studio exports) explains a mismatch the same way: the same characters in another Unicode
normalisation form (NFD ``e`` + U+0301 against NFC ``é``) are named as such, since no offset
fix can cure them; otherwise the occurrence of the given text nearest to the given offsets is
shown.
"""

from __future__ import annotations

import re
import unicodedata


def nearest_occurrence(text: str, needle: str, position: int) -> int | None:
    """Start of the occurrence of ``needle`` in ``text`` nearest to ``position`` (the earlier one
    on a tie), or ``None``."""
    if not needle:
        return None
    starts = [match.start() for match in re.finditer(f"(?={re.escape(needle)})", text)]
    return min(starts, key=lambda start: (abs(start - position), start)) if starts else None


def normalisation_form(text: str) -> str:
    """``"NFC"``, ``"NFD"`` (both when the text has no composable character) or ``"neither NFC nor NFD"``."""
    forms = [form for form in ("NFC", "NFD") if unicodedata.is_normalized(form, text)]
    return " and ".join(forms) if forms else "neither NFC nor NFD"


def normalisation_mismatch(actual: str, given: str) -> str | None:
    """When ``given`` differs from ``actual`` only by Unicode normalisation, say so; else ``None``."""
    if given == actual or unicodedata.normalize("NFC", given) != unicodedata.normalize("NFC", actual):
        return None
    return (f"the same characters in another Unicode normalisation form (the document's text is "
            f"{normalisation_form(actual)}, the given text {normalisation_form(given)})")


def normalisation_fix(actual: str) -> str:
    form = "NFC" if unicodedata.is_normalized("NFC", actual) else "NFD"
    return (f"normalise the text to the document's form (unicodedata.normalize({form!r}, text)) before "
            "computing offsets and span texts")


def mismatch_hint(text: str, start: int, end: int, given: str) -> str:
    """A parenthesised hint for ``text[start:end] != given``: a normalisation difference, or where
    the given text (or its normalised form) occurs nearest to ``start``; ``""`` if nothing helps."""
    actual = text[start:end]
    difference = normalisation_mismatch(actual, given)
    if difference:
        return f" ({difference})"
    nearest = nearest_occurrence(text, given, start)
    if nearest is not None:
        return f" (the given text occurs at [{nearest}, {nearest + len(given)}), {nearest - start:+d} characters away)"
    for form in ("NFC", "NFD"):
        normalised = unicodedata.normalize(form, given)
        nearest = nearest_occurrence(text, normalised, start) if normalised != given else None
        if nearest is not None:
            return (f" (the given text occurs in {form} at [{nearest}, {nearest + len(normalised)}): "
                    f"the given text is {normalisation_form(given)}, the document's text is not)")
    return ""
