import pytest

from frnewsbench.timex import type_value_problem, value_problem


@pytest.mark.parametrize("value", [
    "2023-02-28", "2023-02", "2023", "201X", "201", "20", "XXXX-09", "2023-W09", "2020-W53", "2023-W09-WE",
    "XXXX-WXX-1", "2023-SU", "2023-Q1", "2023-H2", "2023-02-28T14:30", "2023-02-28T14:30:59", "2023-02-28T24:00",
    "2023-02-28TMO", "P1Y", "PXM", "P3D", "P2W", "PT5H", "P1DE", "P1Y6M", "PT1H30M", "P0.5Y",
    "PRESENT_REF", "PAST_REF", "FUTURE_REF", "2024-02-29", "P1Y0.5M", "PT1H1.5M", "P1.5D", "0001-W01", "0001-01-01",
])
def test_timex3_values_accepted(value):
    assert value_problem(value) is None


@pytest.mark.parametrize("value, fragment", [
    ("2023-13", "month 13"),
    ("2023-02-29", "day 29"),
    ("2023-W54", "week 54"),
    ("2023-W53", "week 53"),  # 2023 has 52 ISO weeks
    ("2023-02-28T24:59", "time of day"),
    ("2023-02-28T12:00:99", "time of day"),
    ("P1Y1Y", "not a TIMEX3 value"),
    ("P1D1Y", "not a TIMEX3 value"),
    ("P", "not a TIMEX3 value"),
    ("PT", "not a TIMEX3 value"),
    ("next week", "not a TIMEX3 value"),
    ("2023-2-1", "not a TIMEX3 value"),
    ("23-02", "four-digit year"),
    # the whole string, exactly: no space or line break around it
    ("2023-W09\n", "no spaces or line breaks around it"),
    (" 2023-02-28", "no spaces or line breaks around it"),
    ("P1D\n", "no spaces or line breaks around it"),
    # a fraction only on the last unit of a duration (ISO 8601)
    ("P1.5Y2M", "only the last (smallest) unit"),
    ("P1.5DT2H", "only the last (smallest) unit"),
    # ASCII digits only (Arabic-Indic three, fullwidth two)
    ("P\u0663D", "not a TIMEX3 value"),
    ("\uff12023-02-28", "not a TIMEX3 value"),
    # year 0 does not exist; the week check used to raise ValueError on it
    ("0000-W01", "no year 0000"),
    ("0000-02-29", "no year 0000"),
    ("0000", "no year 0000"),
])
def test_timex3_values_refused(value, fragment):
    problem = value_problem(value)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("type_, value, fragment", [
    ("DURATION", "2023-02-28", "a DURATION takes a duration value"),
    ("DATE", "P1Y", "found the duration"),
    ("TIME", "2023-02-28", "a TIME takes a time of day"),
    ("SET", "2023-02-28", "a SET takes"),
])
def test_types_and_value_forms_fit(type_, value, fragment):
    problem = type_value_problem(type_, value)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize("type_, value", [
    ("DATE", "2023-W09"), ("DATE", "PRESENT_REF"), ("TIME", "2023-02-28TMO"), ("DURATION", "PXW"),
    ("SET", "P1W"), ("SET", "XXXX-WXX-1"),
])
def test_types_and_value_forms_accepted(type_, value):
    assert type_value_problem(type_, value) is None
