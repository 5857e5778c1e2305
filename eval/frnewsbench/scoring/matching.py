"""One-to-one optimal matching of gold and predicted items over overlap candidates.

0. :func:`tally_exact` counts exact matches (equal keys) as a multiset intersection: with
   ``k`` equal keys on the gold side and ``m`` on the predicted side, ``min(k, m)`` are TP.
1. :func:`overlapping_pairs` finds every (gold, predicted) pair of half-open intervals that
   share at least one position, by a sorted sweep: O((n + m) log(n + m) + pairs), no
   quadratic loop.
2. :func:`optimal_matching` picks a one-to-one subset of candidate pairs that maximises a
   *lexicographic* objective: each candidate pair gets a tuple of non-negative integer keys
   (say ``(2 if correct else 1 if partial else 0, correct, 1, overlap)``) and the matching
   maximises the sum of the first key, then of the second among those optima, and so on. The
   candidate graph is split into connected components; a component of one pair is taken as it
   is, larger ones are solved exactly by :func:`scipy.optimize.linear_sum_assignment` on the
   keys packed into one integer per pair (mixed radix, each digit sized so that no sum over a
   matching can carry into the next one).

Ties left after every key are broken by the solver, deterministically, on items sorted by
(start, end, then the layer's attributes); callers make sure the keys fix every count, so
ties only change which of equally good pairs is listed in the error analysis. Trailing keys
that the caller marks as tie-breakers are dropped if the packed weights of a (pathologically
large) component would exceed exact float range; counts never depend on them.
"""

from __future__ import annotations

import heapq
from collections import Counter
from typing import Callable, Hashable, Sequence, TypeVar

import numpy as np

Interval = tuple[int, int]
Pair = tuple[int, int]

EXACT_WEIGHT_LIMIT = 2**50  # packed weights stay exact in float64 arithmetic, with headroom
T = TypeVar("T")


def tally_exact(name: str, gold: Sequence[T], predicted: Sequence[T], *, key: Callable[[T], Hashable],
                label: Callable[[T], str], tallies: dict[str, Counter]) -> None:
    """Add ``{name}_tp`` / ``{name}_fn`` under each gold item's ``label`` and ``{name}_fp`` under
    each unmatched predicted item's, an item matching one of equal ``key`` on the other side.

    Multiset intersection: of ``k`` gold and ``m`` predicted items with one key, the first
    ``min(k, m)`` of each side (in the order given) are matched.
    """
    gold_keys, predicted_keys = [key(item) for item in gold], [key(item) for item in predicted]
    common = Counter(gold_keys) & Counter(predicted_keys)
    left = common.copy()
    for item, item_key in zip(gold, gold_keys):
        if left[item_key] > 0:
            left[item_key] -= 1
            tallies[label(item)][f"{name}_tp"] += 1
        else:
            tallies[label(item)][f"{name}_fn"] += 1
    left = common
    for item, item_key in zip(predicted, predicted_keys):
        if left[item_key] > 0:
            left[item_key] -= 1
        else:
            tallies[label(item)][f"{name}_fp"] += 1


def overlapping_pairs(gold: Sequence[Interval], predicted: Sequence[Interval]) -> list[Pair]:
    """Index pairs ``(i, j)`` with ``gold[i]`` and ``predicted[j]`` overlapping (half-open).

    Empty intervals (``start >= end``) overlap nothing. Pairs come sorted.
    """
    events = sorted(
        [(start, 0, index, end) for index, (start, end) in enumerate(gold) if start < end]
        + [(start, 1, index, end) for index, (start, end) in enumerate(predicted) if start < end]
    )
    active: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])  # heaps of (end, index)
    pairs: list[Pair] = []
    for start, side, index, end in events:
        other = active[1 - side]
        while other and other[0][0] <= start:
            heapq.heappop(other)
        for _, other_index in other:
            pairs.append((index, other_index) if side == 0 else (other_index, index))
        heapq.heappush(active[side], (end, index))
    pairs.sort()
    return pairs


def components(pairs: Sequence[Pair]) -> list[list[Pair]]:
    """The connected components of the bipartite candidate graph, as lists of pairs."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(node: tuple[int, int]) -> tuple[int, int]:
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for gold, predicted in pairs:
        a, b = find((0, gold)), find((1, predicted))
        if a != b:
            parent[b] = a
    grouped: dict[tuple[int, int], list[Pair]] = {}
    for pair in pairs:
        grouped.setdefault(find((0, pair[0])), []).append(pair)
    return list(grouped.values())


def optimal_matching(
    pairs: Sequence[Pair],
    keys: Callable[[int, int], tuple[int, ...]],
    *,
    tiebreak_keys: int = 0,
    groups: Sequence[Sequence[Pair]] | None = None,
) -> list[Pair]:
    """The one-to-one subset of ``pairs`` maximising the lexicographic sum of ``keys(i, j)``.

    Every key must be a non-negative integer and at least one key of every candidate must be
    positive (include a constant 1 key, "matched", to prefer matching over leaving items
    unmatched). The last ``tiebreak_keys`` keys may be dropped for very large components.
    ``groups``: the components of ``pairs`` when the caller already has them.
    """
    matched: list[Pair] = []
    for component in (components(pairs) if groups is None else groups):
        if len(component) == 1:
            matched.append(component[0])
        else:
            matched.extend(_solve_component(component, keys, tiebreak_keys))
    matched.sort()
    return matched


def _solve_component(
    component: Sequence[Pair], keys: Callable[[int, int], tuple[int, ...]], tiebreak_keys: int
) -> list[Pair]:
    gold_ids = sorted({g for g, _ in component})
    predicted_ids = sorted({p for _, p in component})
    key_rows = [keys(g, p) for g, p in component]
    if any(min(row) < 0 or max(row) <= 0 for row in key_rows):
        raise ValueError("matching keys must be non-negative integers with one positive key per candidate")
    most_pairs = min(len(gold_ids), len(predicted_ids))
    width = len(key_rows[0])
    while True:
        ceilings = [max(row[k] for row in key_rows) for k in range(width)]
        radices = [most_pairs * ceiling + 1 for ceiling in ceilings]
        if int(np.prod(radices, dtype=object)) <= EXACT_WEIGHT_LIMIT:
            break
        if tiebreak_keys == 0 or width == 1:
            raise ValueError(
                f"a matching component of {len(gold_ids)} gold x {len(predicted_ids)} predicted items "
                "is too large to solve exactly; split the document"
            )
        width, tiebreak_keys = width - 1, tiebreak_keys - 1
    gold_row = {g: r for r, g in enumerate(gold_ids)}
    predicted_column = {p: c for c, p in enumerate(predicted_ids)}
    weights = np.zeros((len(gold_ids), len(predicted_ids)))
    for (g, p), row in zip(component, key_rows):
        packed = 0
        for k in range(width):
            packed = packed * radices[k] + row[k]
        weights[gold_row[g], predicted_column[p]] = packed
    # imported here: scipy.optimize takes half a second to import, and most corpora have no component
    # of more than one candidate pair
    from scipy.optimize import linear_sum_assignment

    rows, columns = linear_sum_assignment(weights, maximize=True)
    return [
        (gold_ids[r], predicted_ids[c]) for r, c in zip(rows, columns) if weights[r, c] > 0
    ]
