"""The TIMEX3 ``value`` grammar (TimeML 1.2.1 / TempEval-3) and its checks.

Accepted values, ``X`` standing for any unknown digit:

| form | examples |
|---|---|
| calendar date, partial dates | ``2023-02-28``, ``2023-02``, ``2023``, ``201X`` (decade), ``20`` (century), ``XXXX-09`` |
| week, weekend, week day | ``2023-W09``, ``2023-W09-WE``, ``XXXX-WXX-1`` |
| season, quarter, half | ``2023-SU``, ``2023-Q1``, ``2023-H2`` |
| time of day | ``2023-02-28T14:30``, ``2023-02-28TMO`` (MO, AF, EV, NI, DT) |
| duration | ``P1Y``, ``PXM``, ``P3D``, ``P2W``, ``PT5H``, ``P1DE`` |
| vague reference | ``PRESENT_REF``, ``PAST_REF``, ``FUTURE_REF`` |

The whole string must match: no space or line break around it, ASCII digits only (``P٣D`` is
refused), a decimal fraction only on the last (smallest) unit of a duration (``P1Y0.5M``, not
``P1.5Y2M``, as ISO 8601 says), and a real calendar: no year 0000 (the proleptic Gregorian
calendar of TimeML starts at year 1), no 30 February, no week 53 in a year of 52 weeks.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

REFERENCES = ("PRESENT_REF", "PAST_REF", "FUTURE_REF")

_D = r"[0-9X]"
DATE_RE = re.compile(
    rf"^(?P<year>{_D}{{4}}|{_D}{{3}}|{_D}{{2}})"
    rf"(?:-(?:(?P<month>{_D}{{2}})(?:-(?P<day>{_D}{{2}}))?"
    rf"|W(?P<week>{_D}{{2}})(?:-(?:WE|[1-7X]))?"
    rf"|(?:SP|SU|FA|WI)|Q[1-4X]|H[12X]))?"
    rf"(?:T(?:(?P<hour>{_D}{{2}})(?::(?P<minute>{_D}{{2}})(?::(?P<second>{_D}{{2}}))?)?|MO|AF|EV|NI|DT))?"
)
_N = r"(?:[0-9]+(?:\.[0-9]+)?|X)"
# each unit at most once, from the largest to the smallest (ISO 8601 order)
DURATION_RE = re.compile(
    rf"^P(?=[^T]|T.)(?:{_N}ML)?(?:{_N}CE)?(?:{_N}DE)?(?:{_N}Y)?(?:{_N}Q)?(?:{_N}M)?(?:{_N}W)?(?:{_N}D)?"
    rf"(?:T(?=.)(?:{_N}H)?(?:{_N}M)?(?:{_N}S)?)?"
)
_DURATION_NUMBER = re.compile(r"[0-9.X]+")


def _in_range(digits: str | None, low: int, high: int) -> bool:
    return digits is None or "X" in digits or low <= int(digits) <= high


def _duration_problem(value: str) -> str | None:
    numbers = _DURATION_NUMBER.findall(value)
    if any("." in number for number in numbers[:-1]):
        return (f"{value!r}: only the last (smallest) unit of a duration may have a decimal fraction "
                "(P1Y6M, not P1.5Y2M)")
    return None


def value_problem(value: str) -> str | None:
    """Why ``value`` is not a TIMEX3 value, or ``None`` if it is one."""
    if value in REFERENCES:
        return None
    if value != value.strip():
        return f"{value!r}: a TIMEX3 value has no spaces or line breaks around it; remove them"
    if value.startswith("P") and DURATION_RE.fullmatch(value) and len(value) > 1:
        return _duration_problem(value)
    match = DATE_RE.fullmatch(value)
    if not match:
        return (
            f"{value!r} is not a TIMEX3 value: expected a date (2023-02-28, 2023-02, 2023, 2023-W09), "
            "a time (2023-02-28T14:30), a duration (P1Y, PXM, PT2H) or PRESENT_REF/PAST_REF/FUTURE_REF"
        )
    year, month, day = match["year"], match["month"], match["day"]
    if year == "0000":
        return f"{value!r}: there is no year 0000 in TimeML's calendar (year 1 follows 1 BC); correct the year"
    if "T" in value and len(year) != 4:
        return f"{value!r}: a time of day needs a four-digit year"
    if (month or match["week"]) and len(year) != 4:
        return f"{value!r}: a month or week needs a four-digit year"
    if not _in_range(month, 1, 12):
        return f"{value!r}: month {month} is not between 01 and 12"
    week = match["week"]
    if week is not None and "X" not in week:
        weeks = 53 if "X" in year else dt.date(int(year), 12, 28).isocalendar()[1]
        if not 1 <= int(week) <= weeks:
            return f"{value!r}: week {week} does not exist in {year} (weeks 01 to {weeks})"
    hour, minute, second = match["hour"], match["minute"], match["second"]
    if not (_in_range(hour, 0, 24) and _in_range(minute, 0, 59) and _in_range(second, 0, 59)) or (
        hour == "24" and any(part not in (None, "00") for part in (minute, second))
    ):
        return f"{value!r}: the time of day is out of range (00:00 to 24:00)"
    if day is not None and "X" not in day:
        last = 31
        if month and "X" not in month:
            last = 29 if "X" in year else calendar.monthrange(int(year), int(month))[1]
        if not 1 <= int(day) <= last:
            return f"{value!r}: day {day} does not exist in that month"
    return None


def is_duration(value: str) -> bool:
    return value.startswith("P") and value not in REFERENCES


def type_value_problem(timex_type: str, value: str) -> str | None:
    """Why ``value`` does not fit ``timex_type`` (TimeML's pairing of types and value forms)."""
    if timex_type == "DURATION" and not is_duration(value):
        return f"a DURATION takes a duration value (P1Y, PXM, P3D), found {value!r}"
    if timex_type in ("DATE", "TIME") and is_duration(value):
        return f"a {timex_type} takes a point in time (2023-02-28, 2023-W09), found the duration {value!r}"
    if timex_type == "TIME" and "T" not in value and value not in REFERENCES:
        return f"a TIME takes a time of day (2023-02-28T14:30, 2023-02-28TMO), found {value!r}"
    if timex_type == "SET" and not is_duration(value) and "X" not in value:
        return f"a SET takes a period (P1W) or a date pattern with X (XXXX-WXX-1), found the single point {value!r}"
    return None
