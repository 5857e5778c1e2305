"""Overlap candidates and one-to-one optimal matching, against brute force on seeded random data."""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict

import numpy as np
import pytest

from frnewsbench.scoring import matching
from frnewsbench.scoring.matching import components, optimal_matching, overlapping_pairs, shortest_augmenting_path, tally_exact


def brute_pairs(gold, predicted):
    return sorted(
        (i, j) for i, (a, b) in enumerate(gold) for j, (c, d) in enumerate(predicted)
        if a < b and c < d and a < d and c < b
    )


def random_intervals(rng, count, length=40):
    intervals = []
    for _ in range(count):
        start = rng.randrange(length)
        intervals.append((start, start + rng.randrange(0, 8)))  # some are empty
    return intervals


def test_half_open_intervals_that_touch_do_not_overlap():
    assert overlapping_pairs([(0, 5)], [(5, 9)]) == []
    assert overlapping_pairs([(0, 5)], [(4, 9)]) == [(0, 0)]
    assert overlapping_pairs([(3, 3)], [(0, 9)]) == []  # an empty span overlaps nothing


@pytest.mark.parametrize("seed", range(30))
def test_overlapping_pairs_equal_brute_force(seed):
    rng = random.Random(seed)
    gold, predicted = random_intervals(rng, rng.randrange(12)), random_intervals(rng, rng.randrange(12))
    assert overlapping_pairs(gold, predicted) == brute_pairs(gold, predicted)


def test_components_split_the_candidate_graph():
    groups = components([(0, 0), (1, 0), (1, 1), (2, 2)])
    assert sorted(map(sorted, groups)) == [[(0, 0), (1, 0), (1, 1)], [(2, 2)]]


def brute_best(pairs, keys):
    """The lexicographically best sum of keys over every one-to-one subset of ``pairs``."""
    best = None
    for size in range(len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            if len({g for g, _ in subset}) < size or len({p for _, p in subset}) < size:
                continue
            score = tuple(map(sum, zip(*(keys(g, p) for g, p in subset)))) if subset else (0,) * len(keys(*pairs[0]))
            best = score if best is None or score > best else best
    return best


@pytest.mark.parametrize("seed", range(40))
def test_optimal_matching_reaches_the_brute_force_optimum(seed):
    rng = random.Random(seed)
    gold = random_intervals(rng, rng.randrange(1, 6), length=15)
    predicted = random_intervals(rng, rng.randrange(1, 6), length=15)
    pairs = overlapping_pairs(gold, predicted)
    if not pairs:
        return
    table = {pair: (rng.randrange(3), rng.randrange(2), 1) for pair in pairs}
    matched = optimal_matching(pairs, lambda g, p: table[(g, p)])
    assert len({g for g, _ in matched}) == len(matched) == len({p for _, p in matched})
    assert set(matched) <= set(pairs)
    assert tuple(map(sum, zip(*(table[pair] for pair in matched)))) == brute_best(pairs, lambda g, p: table[(g, p)])


def test_optimal_matching_is_not_greedy():
    # gold 0 overlaps predictions 0 and 1; gold 1 overlaps prediction 0 only. Greedy in order
    # would give prediction 0 to gold 0 and leave gold 1 alone (1 match); the optimum has 2.
    pairs = [(0, 0), (0, 1), (1, 0)]
    assert optimal_matching(pairs, lambda g, p: (1,)) == [(0, 1), (1, 0)]


def test_keys_must_be_positive():
    with pytest.raises(ValueError, match="non-negative"):
        optimal_matching([(0, 0), (0, 1)], lambda g, p: (0, 0))


def test_exact_tally_is_a_multiset_intersection_counted_by_label():
    # (key, label): gold has key 1 twice and key 2 once; predicted has key 1 once and key 3 twice.
    # One pair of 1s matches (the first gold 1, labelled A); the second gold 1 and the 2 are FN;
    # both 3s are FP, counted under their own labels.
    gold = [(1, "A"), (1, "B"), (2, "A")]
    predicted = [(1, "C"), (3, "A"), (3, "B")]
    tallies: dict[str, Counter] = defaultdict(Counter)
    tally_exact("strict", gold, predicted, key=lambda item: item[0], label=lambda item: item[1], tallies=tallies)
    assert tallies == {"A": Counter(strict_tp=1, strict_fn=1, strict_fp=1), "B": Counter(strict_fn=1, strict_fp=1)}


@pytest.mark.parametrize("seed", range(20))
def test_exact_tally_counts_add_up(seed):
    rng = random.Random(seed)
    gold = [(rng.randrange(5), rng.choice("AB")) for _ in range(rng.randrange(8))]
    predicted = [(rng.randrange(5), rng.choice("AB")) for _ in range(rng.randrange(8))]
    tallies: dict[str, Counter] = defaultdict(Counter)
    tally_exact("x", gold, predicted, key=lambda item: item[0], label=lambda item: item[1], tallies=tallies)
    tp = sum(t["x_tp"] for t in tallies.values())
    common = sum((Counter(k for k, _ in gold) & Counter(k for k, _ in predicted)).values())
    assert tp == common
    assert tp + sum(t["x_fn"] for t in tallies.values()) == len(gold)
    assert tp + sum(t["x_fp"] for t in tallies.values()) == len(predicted)


def test_shortest_augmenting_path_by_hand():
    # rows [5 2 0] and [4 0 3]: both rows prefer column 0; row 0 -> 0 and row 1 -> 2 total 5 + 3 = 8,
    # the best (row 0 -> 1 and row 1 -> 0 total 2 + 4 = 6; any other pair of cells at most 5)
    assert sorted(shortest_augmenting_path([5.0, 2.0, 0.0, 4.0, 0.0, 3.0], 2, 3)) == [(0, 0), (1, 2)]
    # a tall matrix (3 rows, 1 column): the best row takes the column, and only one pair comes back
    assert shortest_augmenting_path([1.0, 7.0, 3.0], 3, 1) == [(1, 0)]


@pytest.mark.parametrize("seed", range(10))
def test_shortest_augmenting_path_gives_scipys_assignment_ties_included(seed):
    # the pure-Python solver must give the very pairs of linear_sum_assignment (match records list
    # them): random small matrices, many with ties (few distinct weights, zeros for non-candidates)
    from scipy.optimize import linear_sum_assignment

    rng = random.Random(seed)
    for _ in range(500):
        rows, columns = rng.randint(1, 6), rng.randint(1, 6)
        high, density = rng.choice([1, 2, 3, 10, 2**40]), rng.random()
        weights = [float(rng.randint(1, high)) if rng.random() < density else 0.0 for _ in range(rows * columns)]
        found = linear_sum_assignment(np.array(weights).reshape(rows, columns), maximize=True)
        expected = sorted(zip(found[0].tolist(), found[1].tolist()))
        assert sorted(shortest_augmenting_path(weights, rows, columns)) == expected


@pytest.mark.parametrize("seed", range(10))
def test_small_and_large_components_are_solved_alike(seed, monkeypatch):
    # the same candidate graphs solved by the pure-Python path and, with the size limit at 0, by scipy
    rng = random.Random(seed)
    for _ in range(50):
        gold = random_intervals(rng, rng.randrange(1, 7), length=12)
        predicted = random_intervals(rng, rng.randrange(1, 7), length=12)
        pairs = overlapping_pairs(gold, predicted)
        table = {pair: (1, rng.randrange(2), rng.randrange(3)) for pair in pairs}
        small = optimal_matching(pairs, lambda g, p: table[(g, p)], tiebreak_keys=1)
        with monkeypatch.context() as patch:
            patch.setattr(matching, "SMALL_COMPONENT_CELLS", 0)
            large = optimal_matching(pairs, lambda g, p: table[(g, p)], tiebreak_keys=1)
        assert small == large
