"""The dateparser baseline for the ``dates`` layer (``dateparser-fr.v1``).

How a document becomes TIMEX3 spans:

1. ``dateparser.search.search_dates`` finds date strings in the text (``languages=["fr"]``,
   ``RELATIVE_BASE`` = the document's DCT at midnight, ``PREFER_DATES_FROM="current_period"``, so
   a month or a day without a year is in the DCT's year; news text refers to past and future
   alike, so neither ``past`` nor ``future`` is preferred. dateparser resolves a bare weekday to
   its last occurrence on or before the DCT whatever the setting).
2. Each string is mapped back to character offsets in order: the search starts where the previous
   match ended, so a repeated string maps to the right occurrence. A string that cannot be found
   is reported (:class:`Skipped`), never guessed.
3. The extent follows annotations/GUIDELINES.md: trailing function words, punctuation and the
   one-letter unit abbreviations that dateparser swallows ("samedi le", "vendredi, le",
   "le 24 février à", "28 février, a" where "a" is its abbreviation of *an*) are cut, and a leading
   preposition or article is left out ("le 28 février" -> "28 février", "En septembre" ->
   "septembre", "d’un an" -> "un an"). Two extensions: "a un an" preceded by "Il y " becomes
   "Il y a un an" (dateparser drops "Il y"), and a bare unit preceded by "des", "quelques" or
   "plusieurs" takes that word in ("années" -> "des années").
4. The value comes from dateparser's own period detection (``DateDataParser.get_date_data`` on
   the cleaned string): period ``day`` -> ``2023-02-28``, ``week`` -> ``2023-W09``, ``month`` ->
   ``2023-03``, ``year`` -> ``2023``, ``time`` -> ``2023-02-28T14:30`` (type TIME).
5. dateparser reads a bare quantity of a unit ("trois jours", "un an", "des mois") as a date that
   long ago; when the string is exactly a quantity and a unit, with no "il y a" or "dans"
   before it, it is a DURATION instead (``P3D``, ``P1Y``, ``PXM``).

Reported and skipped (:class:`Skipped`, each with a reason among :data:`SKIP_REASONS`): strings
not found in the text; a lone weekday or month abbreviation from dateparser's French data ("sa"
the possessive read as *samedi*, "lu", "sept"); a bare unit with no quantity ("années"); strings
dateparser finds but cannot parse once cleaned; spans overlapping the previous one. Every
document with skipped strings gets one WARNING log record with their count, the count per
reason and each string (and one INFO record per string with the detail); the extractor keeps
them all in ``skipped`` for the run's metadata.

Known limits (dateparser does not find them, nothing is faked): "dernier"/"prochain" after a
month ("septembre dernier" gives only "septembre", valued in the DCT's year), "début"/"fin"
modifiers ("début avril" gives "avril", no ``mod``), "plus tôt ce mois-ci" (only "ce mois-ci"),
"il y a plus d’un an" (only "d’un an", read as a duration), "la semaine prochaine" / "la semaine
dernière" and "depuis des mois" (not found by ``search_dates``, although ``DateDataParser`` parses
the first two on their own), vague references (PRESENT_REF ...), SETs and parts of days
("ce matin"). A weekday is always valued on or before the DCT, so a coming "lundi" gets the
past Monday.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..schema import Document, Prediction, TimeExpression
from ..timex import type_value_problem, value_problem
from .skipped import SkippedString, reasons_line

NAME = "dateparser-fr.v1"
LANGUAGES = ["fr"]
PREFER_DATES_FROM = "current_period"

log = logging.getLogger(__name__)

_APOSTROPHE = "['’]"
_LEADING = re.compile(
    rf"(?:(?:le|la|les|en|à|au|aux|du|de|dès|depuis|pour|vers|lors\s+de)\s+|(?:l|d|lors\s+d){_APOSTROPHE}\s*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    rf"(?:[\s,;:.!?]+|(?<=\s)(?:le|la|les|l{_APOSTROPHE}|un|une|à|en|de|du|des|d{_APOSTROPHE}|et|au|aux|a|j|m))+$",
    re.IGNORECASE,
)
_QUANTITY_WORDS = {
    "un": "1", "une": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6",
    "sept": "7", "huit": "8", "neuf": "9", "dix": "10", "onze": "11", "douze": "12",
    "des": "X", "quelques": "X", "plusieurs": "X",
}
_VAGUE_QUANTITIES = ("des", "quelques", "plusieurs")
_UNITS = {
    "jour": "D", "jours": "D", "semaine": "W", "semaines": "W", "mois": "M",
    "an": "Y", "ans": "Y", "année": "Y", "années": "Y",
    "heure": "TH", "heures": "TH", "minute": "TM", "minutes": "TM",
}
_DURATION = re.compile(
    rf"^(?P<quantity>\d+|{'|'.join(_QUANTITY_WORDS)})\s+(?P<unit>{'|'.join(_UNITS)})$", re.IGNORECASE
)
_AGO_OR_IN_BEFORE = re.compile(r"(?:\bil\s+y\s+a|\bdans)\s+$", re.IGNORECASE)
_IL_Y_BEFORE = re.compile(r"\bil\s+y\s+$", re.IGNORECASE)
_VAGUE_QUANTITY_BEFORE = re.compile(rf"\b({'|'.join(_VAGUE_QUANTITIES)})\s+$", re.IGNORECASE)
_CALENDAR_KEYS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)


SKIP_REASONS: dict[str, str] = {
    "not-located": "dateparser's string is not in the text after the previous one",
    "nothing-left": "nothing is left once prepositions, articles and punctuation are removed",
    "abbreviation": "a lone weekday or month abbreviation, most often another French word",
    "bare-unit": "a time unit with no quantity and no date",
    "overlap": "overlaps the previous time expression",
    "unparseable": "dateparser cannot parse the cleaned string on its own",
    "invalid-value": "the value is not a valid TIMEX3 value for its type",
}
"""Why a dateparser string gives no prediction: the filter rules of the module docstring, then
the failures of dateparser itself (:data:`UNEXPECTED_REASONS`)."""
UNEXPECTED_REASONS = frozenset({"not-located", "unparseable", "invalid-value"})


class Skipped(SkippedString):
    """A dateparser string that gives no prediction, and why (reported, never silently dropped).

    ``reason`` is a key of :data:`SKIP_REASONS`; ``detail`` says what was seen.
    """

    REASONS = SKIP_REASONS
    WHAT = "dateparser string"

    @property
    def unexpected(self) -> bool:
        """True when dateparser's string cannot be located or parsed (not a documented filter)."""
        return self.reason in UNEXPECTED_REASONS


@dataclass(frozen=True)
class DateparserOutput:
    """The time expressions kept for one document and the strings skipped, with reasons."""

    dates: tuple[TimeExpression, ...]
    skipped: tuple[Skipped, ...]


def relative_base(document: Document) -> datetime:
    """The document's DCT as a datetime at midnight; a DCT that is not ``YYYY-MM-DD`` is an error."""
    try:
        return datetime.strptime(document.dct, "%Y-%m-%d")
    except (TypeError, ValueError):
        raise ValueError(
            f"document {document.id}: DCT {document.dct!r} is not a calendar date YYYY-MM-DD; "
            "fix the 'dct' field of its annotation file"
        ) from None


def dateparser_settings(base: datetime) -> dict[str, Any]:
    return {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": PREFER_DATES_FROM,
        "RETURN_TIME_AS_PERIOD": True,
        "DATE_ORDER": "DMY",
    }


def abbreviations() -> frozenset[str]:
    """Weekday and month abbreviations of dateparser's French data ("sa", "lu", "sept", "avr"):
    every listed form except the full name (the longest one)."""
    from dateparser.data.date_translation_data import fr

    short: set[str] = set()
    for key in _CALENDAR_KEYS:
        forms = fr.info[key]
        full = max(forms, key=len)
        short.update(form.lower() for form in forms if form != full)
    return frozenset(short)


def timex_value(moment: datetime, period: str) -> tuple[str, str]:
    """``(type, value)`` at the granularity of dateparser's ``period``."""
    year = f"{moment.year:04d}"
    if period == "year":
        return "DATE", year
    if period == "month":
        return "DATE", f"{year}-{moment.month:02d}"
    if period == "week":
        iso_year, iso_week, _ = moment.isocalendar()
        return "DATE", f"{iso_year:04d}-W{iso_week:02d}"
    if period == "time":
        return "TIME", f"{year}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}"
    if period == "day":
        return "DATE", f"{year}-{moment.month:02d}-{moment.day:02d}"
    raise ValueError(f"unknown dateparser period {period!r}: expected year, month, week, day or time")


def duration_value(span_text: str) -> str | None:
    """``P3D`` for "trois jours", ``PXM`` for "des mois"; ``None`` if not a quantity and a unit."""
    match = _DURATION.match(span_text)
    if not match:
        return None
    quantity = match["quantity"].lower()
    number = quantity if quantity.isdigit() else _QUANTITY_WORDS[quantity]
    unit = _UNITS[match["unit"].lower()]
    return f"PT{number}{unit[1]}" if unit.startswith("T") else f"P{number}{unit}"


def _clean_extent(text: str, start: int, found: str) -> tuple[int, int, int]:
    """``(parse_end, span_start, span_end)`` for a dateparser string found at ``start``."""
    parse_end = start + len(_TRAILING.sub("", found))
    leading = _LEADING.match(text, start, parse_end)
    span_start = leading.end() if leading else start
    span_end = parse_end
    before = text[:span_start]
    if re.match(r"a\s", text[span_start:span_end]) and _IL_Y_BEFORE.search(before):
        span_start = _IL_Y_BEFORE.search(before).start()
    elif text[span_start:span_end].lower() in _UNITS and _VAGUE_QUANTITY_BEFORE.search(before):
        span_start = _VAGUE_QUANTITY_BEFORE.search(before).start(1)
    return parse_end, span_start, span_end


def find_time_expressions(document: Document) -> DateparserOutput:
    """Run dateparser over ``document.text`` (module docstring) and map its finds to TIMEX3 spans."""
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    text, doc_id = document.text, document.id
    settings = dateparser_settings(relative_base(document))
    parser = DateDataParser(languages=LANGUAGES, settings=settings)
    short_forms = abbreviations()
    found = search_dates(text, languages=LANGUAGES, settings=settings) or []

    dates: list[TimeExpression] = []
    skipped: list[Skipped] = []
    cursor = 0
    for string, _moment in found:
        start = text.find(string, cursor)
        if start < 0:
            earlier = text.find(string)
            reason = (
                f"not found after offset {cursor} (it occurs earlier, at {earlier}: dateparser's order differs)"
                if earlier >= 0 else "not found in the text (dateparser changed the string)"
            )
            skipped.append(Skipped(doc_id, string, None, "not-located", reason))
            continue
        cursor = start + len(string)
        parse_end, span_start, span_end = _clean_extent(text, start, string)
        span_text = text[span_start:span_end]

        def skip(reason: str, detail: str) -> None:
            skipped.append(Skipped(doc_id, string, start, reason, detail))

        if span_end <= span_start:
            skip("nothing-left", "nothing left after removing prepositions, articles and punctuation")
            continue
        if span_text.lower() in short_forms:
            skip("abbreviation", f"{span_text!r} alone is a weekday or month abbreviation, most often another French word")
            continue
        if span_text.lower() in _UNITS:
            skip("bare-unit", f"{span_text!r} is a time unit with no quantity and no date")
            continue
        if dates and span_start < dates[-1].end:
            skip("overlap", f"overlaps the previous expression {dates[-1].text!r}")
            continue
        duration = duration_value(span_text)
        if duration is not None and not _AGO_OR_IN_BEFORE.search(text[:span_start]):
            timex_type, value = "DURATION", duration
        else:
            data = parser.get_date_data(text[start:parse_end])
            if data.date_obj is None:
                data = parser.get_date_data(span_text)
            if data.date_obj is None:
                skip("unparseable", f"dateparser cannot parse {text[start:parse_end]!r} on its own")
                continue
            timex_type, value = timex_value(data.date_obj, data.period)
        problem = value_problem(value) or type_value_problem(timex_type, value)
        if problem:
            skip("invalid-value", f"value {value!r} is not a valid TIMEX3 {timex_type}: {problem}")
            continue
        dates.append(TimeExpression(start=span_start, end=span_end, text=span_text, type=timex_type, value=value))
    return DateparserOutput(tuple(dates), tuple(skipped))


class DateparserExtractor:
    """``dateparser-fr.v1``: TIMEX3 dates from ``dateparser.search.search_dates`` (module docstring).

    Every string it skips, filtered by a documented rule or not understood, is kept in
    :attr:`skipped` (for the run's metadata) and logged as one WARNING per document with the
    count, the count per reason and each string, then one INFO per string with the detail.
    """

    name = NAME
    layers = ("dates",)

    def __init__(self) -> None:
        import dateparser  # noqa: F401  (fail at construction, not on the first document)

        self.skipped: list[Skipped] = []

    def find(self, document: Document) -> DateparserOutput:
        output = find_time_expressions(document)
        if output.skipped:
            strings = ", ".join(f"{item.text!r} at {item.start}" if item.start is not None else f"{item.text!r} (not located)"
                                for item in output.skipped)
            log.warning("%s: %s skipped %d dateparser string(s) (%s): %s", document.id, self.name,
                        len(output.skipped), reasons_line(output.skipped), strings)
            for item in output.skipped:
                log.info("%s", item)
        self.skipped.extend(output.skipped)
        return output

    def extract(self, document: Document) -> Prediction:
        return Prediction(id=document.id, dates=self.find(document).dates)

    def versions(self) -> dict[str, str]:
        import dateparser

        from ..version import __version__

        return {"frnewsbench": __version__, "dateparser": dateparser.__version__}
