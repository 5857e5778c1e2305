"""Paragraph bootstrap intervals and the paired bootstrap test, on tables worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from frnewsbench.scoring.bootstrap import (
    bootstrap_interval,
    f1_values,
    paired_test,
    paragraph_table,
    resampled_sums,
)
from frnewsbench.schema import paragraph_spans
from frnewsbench.scoring import bootstrap
from frnewsbench.scoring.errors import ScoringError
from frnewsbench.scoring.records import HeadlineAtoms


def test_paragraph_spans_are_the_non_empty_lines():
    text = "Un.\nDeux trois.\n \nQuatre.\n"
    # "Un." [0, 3), "Deux trois." [4, 15), " " (blank, no unit) [16, 17), "Quatre." [18, 25), "" at 26
    assert paragraph_spans(text) == [(0, 3), (4, 15), (18, 25)]
    assert paragraph_spans("") == [] and paragraph_spans("\n \n") == []


def test_items_belong_to_the_paragraph_where_they_start():
    text = "Un.\nDeux trois.\n\nQuatre."
    # paragraphs [0, 3) "Un.", [4, 15) "Deux trois.", [17, 24) "Quatre."; 16 is the blank line
    atoms = HeadlineAtoms(tp=(0, 4, 9), fp=(17,), fn=(3,))  # offset 3 is the line break after "Un."
    table = paragraph_table([(text, (atoms,))])
    # the blank line is not a unit
    assert table.tolist() == [[1, 0, 1], [2, 0, 0], [0, 1, 0]]
    # an item starting on the blank line (16) or on a line break (15) goes to the paragraph before it
    assert paragraph_table([(text, (HeadlineAtoms(fp=(15, 16)),))]).tolist() == [[0, 0, 0], [0, 2, 0], [0, 0, 0]]
    # before the first paragraph: to the first one; a blank document is a unit only if it holds an item
    assert paragraph_table([("\nA", (HeadlineAtoms(fn=(0,)),))]).tolist() == [[0, 0, 1]]
    assert paragraph_table([("  ", (HeadlineAtoms(),)), ("B", (HeadlineAtoms(tp=(0,)),))]).tolist() == [[1, 0, 0]]
    assert paragraph_table([("  ", (HeadlineAtoms(fp=(1,)),))]).tolist() == [[0, 1, 0]]


@pytest.mark.parametrize(("samples", "seed"), [(0, 0), (-5, 0), (2.5, 0), (10, -1)])
def test_resampling_options_that_cannot_work_are_scoring_errors(samples, seed):
    table = np.array([[1, 0, 0]])
    with pytest.raises(ScoringError, match="bootstrap (samples|seed): expected a whole number"):
        bootstrap_interval(table, samples=samples, seed=seed)
    with pytest.raises(ScoringError, match="bootstrap (samples|seed)"):
        paired_test(np.array([[1, 0, 0, 1, 0, 0]]), layer="entities", metric="F1", samples=samples, seed=seed)


def test_paragraph_units_span_documents_and_systems():
    table = paragraph_table([
        ("A\nB", (HeadlineAtoms(tp=(0,)), HeadlineAtoms(fn=(2,)))),
        ("C", (HeadlineAtoms(), HeadlineAtoms(fp=(0,)))),
    ])
    assert table.tolist() == [[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0]]


def test_f1_of_rows_is_nan_when_undefined():
    values = f1_values(np.array([[1, 1, 0], [0, 0, 0], [0, 0, 3]]))
    assert values[0] == pytest.approx(2 / 3) and np.isnan(values[1]) and values[2] == 0.0


def test_resampled_sums_are_seeded_and_draw_whole_paragraphs():
    table = np.array([[1, 0, 0], [0, 0, 1]])
    first = resampled_sums(table, samples=200, seed=7)
    assert (first == resampled_sums(table, samples=200, seed=7)).all()
    assert (first.sum(axis=1) == 2).all()  # two paragraphs of one item each per draw


@pytest.mark.parametrize("units", [1, 57, 1000, 70_000])
def test_resampled_sums_are_the_rows_numpy_draws(units, monkeypatch):
    """The definition: ``samples`` rows of ``units`` draws of numpy's seeded generator (64-bit
    integers, one block), each row's table rows summed; blocks of a few rows, and the 32-bit
    draws the function makes, give the same."""
    monkeypatch.setattr(bootstrap, "CELLS_PER_CHUNK", 3 * units + 1)  # blocks of 3 draws
    table = np.random.default_rng(1).integers(0, 5, size=(units, 6))
    draws = np.random.default_rng(3).integers(0, units, size=(40, units))
    assert (resampled_sums(table, samples=40, seed=3) == table[draws].sum(axis=1)).all()


def test_interval_of_two_paragraphs():
    # one paragraph holds a TP, the other a FN. A draw of 2 paragraphs is {TP, TP} (F1 1) with
    # probability 1/4, {FN, FN} (F1 0) with 1/4 and mixed (F1 2/3) with 1/2.
    table = np.array([[1, 0, 0], [0, 0, 1]])
    interval = bootstrap_interval(table, samples=1000, seed=0)
    assert (interval.low, interval.high) == (0.0, 1.0)
    draws = f1_values(resampled_sums(table, samples=1000, seed=0))
    assert 0.2 < np.mean(draws == 1.0) < 0.3 and 0.45 < np.mean(np.isclose(draws, 2 / 3)) < 0.55
    assert (interval.units, interval.samples, interval.seed, interval.unit) == (2, 1000, 0, "paragraph")


def test_interval_is_a_point_when_every_paragraph_is_alike():
    table = np.array([[2, 1, 1]] * 5)
    interval = bootstrap_interval(table, samples=100, seed=3)
    assert interval.low == pytest.approx(2 / 3) and interval.high == pytest.approx(2 / 3)


def test_undefined_draws_are_counted_not_scored():
    interval = bootstrap_interval(np.array([[0, 0, 0], [1, 0, 0]]), samples=400, seed=1)
    # about a quarter of the draws take the empty paragraph twice: F1 undefined
    assert 60 < interval.undefined_samples < 140
    assert (interval.low, interval.high) == (1.0, 1.0)
    nothing = bootstrap_interval(np.zeros((0, 3), dtype=int), samples=10, seed=0)
    assert (nothing.low, nothing.high, nothing.undefined_samples) == (None, None, 10)


def test_paired_test_of_identical_systems():
    table = np.array([[1, 0, 1, 1, 0, 1], [2, 1, 0, 2, 1, 0]])
    result = paired_test(table, layer="entities", metric="F1", samples=300, seed=0)
    assert result.difference == 0.0 and result.p_value == 1.0
    assert (result.interval.low, result.interval.high) == (0.0, 0.0)


def test_paired_test_by_hand():
    # paragraph 1: both systems have a TP; paragraph 2: A a TP, B a FN. F1(A) = 1, F1(B) = 2/3,
    # d = 1/3. Draws: {1,1}: d_i = 0; {2,2}: d_i = 1; mixed: d_i = 1 - 2/3 = 1/3.
    # p = P(d_i > 2d = 2/3) = P({2,2}) = 1/4.
    table = np.array([[1, 0, 0, 1, 0, 0], [1, 0, 0, 0, 0, 1]])
    result = paired_test(table, layer="entities", metric="F1", samples=2000, seed=0)
    assert result.a == 1.0 and result.b == pytest.approx(2 / 3) and result.difference == pytest.approx(1 / 3)
    assert 0.2 < result.p_value < 0.3
    assert (result.interval.low, result.interval.high) == (0.0, 1.0)
    reverse = paired_test(table[:, [3, 4, 5, 0, 1, 2]], layer="entities", metric="F1", samples=2000, seed=0)
    assert reverse.difference == pytest.approx(-1 / 3) and reverse.p_value == result.p_value


def test_tables_resampled_together_get_the_intervals_they_get_alone():
    import numpy as np

    from frnewsbench.scoring.bootstrap import bootstrap_interval, bootstrap_intervals

    rng = np.random.default_rng(4)
    tables = {"a": rng.integers(0, 4, size=(40, 3)), "b": rng.integers(0, 3, size=(40, 3)),
              "c": rng.integers(0, 5, size=(7, 3))}  # c has other units: its own draws
    together = bootstrap_intervals(tables, samples=300, seed=9)
    assert together == {name: bootstrap_interval(table, samples=300, seed=9) for name, table in tables.items()}
    assert together["a"] != together["b"]
