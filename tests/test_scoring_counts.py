"""Counts add field by field; metrics are derived and None when there is nothing to score."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frnewsbench.scoring.counts import AccuracyCounts, PRFCounts, SchemeCounts
from frnewsbench.scoring.dates import DateCounts
from frnewsbench.scoring.entities import EntityCounts
from frnewsbench.scoring.quotes import QuoteCounts


def test_prf_counts_add_and_derive():
    total = PRFCounts(1, 2, 3) + PRFCounts(3, 0, 1)
    assert total == PRFCounts(4, 2, 4)
    # P = 4 / (4 + 2), R = 4 / (4 + 4), F1 = 2*4 / (2*4 + 2 + 4) = 8 / 14
    assert total.precision == pytest.approx(4 / 6)
    assert total.recall == pytest.approx(0.5)
    assert total.f1 == pytest.approx(8 / 14)
    assert sum([PRFCounts(1, 0, 0), PRFCounts(0, 1, 0)]) == PRFCounts(1, 1, 0)


def test_nothing_to_score_is_none_not_zero():
    assert PRFCounts().precision is None and PRFCounts().recall is None and PRFCounts().f1 is None
    nothing_predicted = PRFCounts(0, 0, 5)
    assert nothing_predicted.precision is None
    assert nothing_predicted.recall == 0.0 and nothing_predicted.f1 == 0.0
    nothing_gold = PRFCounts(0, 2, 0)
    assert nothing_gold.recall is None and nothing_gold.precision == 0.0 and nothing_gold.f1 == 0.0
    assert AccuracyCounts().accuracy is None
    assert SchemeCounts().precision is None and SchemeCounts().f1 is None
    assert SchemeCounts(missed=2).f1 == 0.0 and SchemeCounts(missed=2).precision is None


def test_scheme_counts_follow_semeval_formulas():
    counts = SchemeCounts(correct=2, incorrect=1, partial=2, missed=1, spurious=3)
    # POS = 2 + 1 + 2 + 1 = 6, ACT = 2 + 1 + 2 + 3 = 8, credit = 2 + 0.5 * 2 = 3
    assert (counts.possible, counts.actual) == (6, 8)
    assert counts.precision == pytest.approx(3 / 8)
    assert counts.recall == pytest.approx(3 / 6)
    assert counts.f1 == pytest.approx(2 * (3 / 8) * (3 / 6) / (3 / 8 + 3 / 6))


def test_composite_counts_add_recursively_and_serialise():
    a = EntityCounts(strict=PRFCounts(1, 0, 0), semeval_partial=SchemeCounts(partial=1))
    b = EntityCounts(strict=PRFCounts(0, 1, 1), semeval_partial=SchemeCounts(missed=1))
    assert a + b == EntityCounts(strict=PRFCounts(1, 1, 1), semeval_partial=SchemeCounts(partial=1, missed=1))
    assert (a + b).to_dict()["semeval_partial"]["possible"] == 2
    assert DateCounts(value_accuracy=AccuracyCounts(1, 2)).to_dict()["value_accuracy"] == {
        "correct": 1, "total": 2, "accuracy": 0.5}
    with pytest.raises(TypeError):
        a + PRFCounts()


def test_records_are_slotted_and_equal_leaves_are_one_object():
    """A result holds a record per document and layer: no ``__dict__`` each, and the many equal
    small leaves shared (records are immutable, so sharing cannot be seen but by ``is``)."""
    first, second = PRFCounts.from_flat((1, 2, 3)), PRFCounts.from_flat([1, 2, 3])
    assert first is second and first == PRFCounts(1, 2, 3) and first.f1 == 2 / (2 + 2 + 3)
    assert not hasattr(first, "__dict__")
    with pytest.raises(FrozenInstanceError):
        first.tp = 5


COUNT_TYPES = (PRFCounts, SchemeCounts, AccuracyCounts, EntityCounts, DateCounts, QuoteCounts)


@given(kind=st.sampled_from(COUNT_TYPES), data=st.data())
def test_counts_json_is_the_json_of_counts_dict(kind, data):
    """The template-filled text is, character for character, what json.dumps writes."""
    width = len(kind().flat())
    values = data.draw(st.lists(st.integers(min_value=0, max_value=10**20), min_size=width, max_size=width))
    counts = kind.from_flat(values)
    assert counts.counts_json() == json.dumps(counts.counts_dict(), ensure_ascii=False, allow_nan=False)
    assert json.loads(counts.counts_json()) == counts.counts_dict()


def test_counts_json_of_values_that_are_not_plain_ints_is_still_the_json_of_counts_dict():
    """A bool is an int that json writes as ``true``: such a record is written by json.dumps."""
    flagged = PRFCounts(True, 0, 2)  # not from_flat: its shared leaves are keyed by values, and True == 1
    assert flagged.counts_json() == '{"tp": true, "fp": 0, "fn": 2}'
    nested = EntityCounts(strict=PRFCounts(1, False, 0))
    assert nested.counts_json() == json.dumps(nested.counts_dict(), ensure_ascii=False)
    assert '"fp": false' in nested.counts_json()
