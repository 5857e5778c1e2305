"""One-to-one optimal matching of gold and predicted items over overlap candidates.

0. :func:`tally_exact` counts exact matches (equal keys) as a multiset intersection: with
   ``k`` equal keys on the gold side and ``m`` on the predicted side, ``min(k, m)`` are TP.
1. :func:`overlapping_pairs` finds every (gold, predicted) pair of half-open intervals that
   share at least one position, by bisection on the sorted starts: O((n + m) log(n + m) +
   pairs), no quadratic loop.
2. :func:`optimal_matching` picks a one-to-one subset of candidate pairs that maximises a
   *lexicographic* objective: each candidate pair gets a tuple of non-negative integer keys
   (say ``(2 if correct else 1 if partial else 0, correct, 1, overlap)``) and the matching
   maximises the sum of the first key, then of the second among those optima, and so on. The
   candidate graph is split into connected components; a component of one pair is taken as it
   is, larger ones are solved exactly by :func:`scipy.optimize.linear_sum_assignment` on the
   keys packed into one integer per pair (mixed radix, each digit sized so that no sum over a
   matching can carry into the next one); components of at most ``SMALL_COMPONENT_CELLS``
   gold x predicted cells (nearly all of them) by :func:`shortest_augmenting_path`, the same
   algorithm in pure Python, which gives the same pairs, ties included.

Ties left after every key are broken by the solver, deterministically, on items sorted by
(start, end, then the layer's attributes); callers make sure the keys fix every count, so
ties only change which of equally good pairs is listed in the error analysis. Trailing keys
that the caller marks as tie-breakers are dropped if the packed weights of a (pathologically
large) component would exceed exact float range; counts never depend on them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter
import math
from collections import Counter
from typing import Callable, Hashable, Sequence, TypeVar

import numpy as np

Interval = tuple[int, int]
Pair = tuple[int, int]

EXACT_WEIGHT_LIMIT = 2**50  # packed weights stay exact in float64 arithmetic, with headroom
SMALL_COMPONENT_CELLS = 64  # up to this many gold x predicted cells, solved in pure Python
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

    Two intervals overlap when one starts inside the other: each gold interval pairs with the
    predicted ones that start in ``[start, end)`` of it, each predicted one with the gold ones
    that start in ``(start, end)`` of it (strictly after, so no pair is found twice); both by
    bisection on the sorted starts.
    """
    gold_items = sorted([(start, end, index) for index, (start, end) in enumerate(gold) if start < end])
    predicted_items = sorted([(start, end, index) for index, (start, end) in enumerate(predicted) if start < end])
    gold_starts = [start for start, _, _ in gold_items]
    predicted_starts = [start for start, _, _ in predicted_items]
    gold_indices = [index for _, _, index in gold_items]
    predicted_indices = [index for _, _, index in predicted_items]
    pairs: list[Pair] = []
    add = pairs.append
    for start, end, index in gold_items:
        first = bisect_left(predicted_starts, start)
        for position in range(first, bisect_left(predicted_starts, end, first)):
            add((index, predicted_indices[position]))
    for start, end, index in predicted_items:
        first = bisect_right(gold_starts, start)
        for position in range(first, bisect_left(gold_starts, end, first)):
            add((gold_indices[position], index))
    pairs.sort()
    return pairs


def components(pairs: Sequence[Pair]) -> list[list[Pair]]:
    """The connected components of the bipartite candidate graph, as lists of pairs (each in
    the order given, the components in the order of their first pair)."""
    if len(pairs) <= 1:
        return [list(pairs)] if pairs else []
    # union-find over gold nodes 0..n-1 and predicted nodes n.., in one flat list (the graphs are small)
    offset = max(map(itemgetter(0), pairs)) + 1
    parent = list(range(offset + max(map(itemgetter(1), pairs)) + 1))

    def find(node: int) -> int:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for gold, predicted in pairs:
        a = gold if parent[gold] == gold else find(gold)
        b = offset + predicted
        if parent[b] != b:
            b = find(b)
        if a != b:
            parent[b] = a
    grouped: dict[int, list[Pair]] = {}
    for pair in pairs:
        gold = pair[0]
        root = gold if parent[gold] == gold else find(gold)
        group = grouped.get(root)
        if group is None:
            grouped[root] = [pair]
        else:
            group.append(pair)
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
    rows, columns = len(gold_ids), len(predicted_ids)
    most_pairs = min(rows, columns)
    width = len(key_rows[0])
    all_ceilings = list(map(max, zip(*key_rows)))
    while True:
        radices = [most_pairs * ceiling + 1 for ceiling in all_ceilings[:width]]
        if math.prod(radices) <= EXACT_WEIGHT_LIMIT:
            break
        if tiebreak_keys == 0 or width == 1:
            raise ValueError(
                f"a matching component of {rows} gold x {columns} predicted items "
                "is too large to solve exactly; split the document"
            )
        width, tiebreak_keys = width - 1, tiebreak_keys - 1
    packed_rows = []
    for row in key_rows:
        packed = 0
        for k in range(width):
            packed = packed * radices[k] + row[k]
        packed_rows.append(packed)
    small = rows * columns <= SMALL_COMPONENT_CELLS
    if small and most_pairs == 1:
        # a star (one gold or one predicted item): the solver takes the heaviest candidate, the
        # first (lowest index) of equally heavy ones; a weight of 0 is no match
        weight, g, p = min(zip(packed_rows, *zip(*component)), key=lambda item: (-item[0], item[1], item[2]))
        return [(g, p)] if weight > 0 else []
    gold_row = {g: r for r, g in enumerate(gold_ids)}
    predicted_column = {p: c for c, p in enumerate(predicted_ids)}
    weights = [0.0] * (rows * columns)  # row-major; 0 where there is no candidate
    for (g, p), packed in zip(component, packed_rows):
        weights[gold_row[g] * columns + predicted_column[p]] = float(packed)
    if small:
        assignment = shortest_augmenting_path(weights, rows, columns)
    else:
        # imported here: scipy.optimize takes half a second to import, and most corpora have no
        # component this large
        from scipy.optimize import linear_sum_assignment

        found = linear_sum_assignment(np.array(weights).reshape(rows, columns), maximize=True)
        assignment = list(zip(found[0].tolist(), found[1].tolist()))
    return [(gold_ids[r], predicted_ids[c]) for r, c in assignment if weights[r * columns + c] > 0]


def shortest_augmenting_path(weights: Sequence[float], rows: int, columns: int) -> list[Pair]:
    """``(row, column)`` of a maximum-weight assignment of a dense ``rows x columns`` matrix
    (``weights`` row-major): the same assignment as ``scipy.optimize.linear_sum_assignment(...,
    maximize=True)``, ties included, in pure Python (faster on the small matrices of most
    components, and no scipy import).

    The same algorithm, step for step and in the same floating-point operations: the shortest
    augmenting path method of Crouse (2016, "On implementing 2D rectangular assignment
    algorithms", IEEE TAES 52(4)) as scipy implements it: the costs negated, a wide matrix
    (more columns than rows) kept and a tall one transposed, one augmenting path per row, the
    path's next column the cheapest one, the last in scan order on a cost tie unless an earlier
    tied one is still unassigned (columns scanned from the last one down, the scanned column
    replaced by the last remaining one).
    """
    if rows == 0 or columns == 0:
        return []
    transposed = columns < rows
    if transposed:
        cost = [-weights[i * columns + j] for j in range(columns) for i in range(rows)]
        rows, columns = columns, rows
    else:
        cost = [-weight for weight in weights]
    u, v = [0.0] * rows, [0.0] * columns
    path, column_of_row, row_of_column = [-1] * columns, [-1] * rows, [-1] * columns
    for current in range(rows):
        lowest_so_far = 0.0
        remaining = list(range(columns - 1, -1, -1))
        rows_seen, columns_seen = [False] * rows, [False] * columns
        path_costs = [math.inf] * columns
        row, sink = current, -1
        while sink == -1:
            rows_seen[row] = True
            base, row_potential = row * columns, u[row]
            lowest, index = math.inf, -1
            for position, column in enumerate(remaining):
                reduced = lowest_so_far + cost[base + column] - row_potential - v[column]
                if reduced < path_costs[column]:
                    path[column], path_costs[column] = row, reduced
                candidate = path_costs[column]
                if candidate < lowest or (candidate == lowest and row_of_column[column] == -1):
                    lowest, index = candidate, position
            if lowest == math.inf:
                raise ValueError("no feasible assignment")  # unreachable: every cell is finite
            lowest_so_far = lowest
            column = remaining[index]
            if row_of_column[column] == -1:
                sink = column
            else:
                row = row_of_column[column]
            columns_seen[column] = True
            remaining[index] = remaining[-1]
            remaining.pop()
        u[current] += lowest_so_far
        for other in range(rows):
            if rows_seen[other] and other != current:
                u[other] += lowest_so_far - path_costs[column_of_row[other]]
        for column in range(columns):
            if columns_seen[column]:
                v[column] -= lowest_so_far - path_costs[column]
        column = sink
        while True:
            row = path[column]
            row_of_column[column] = row
            column_of_row[row], column = column, column_of_row[row]
            if row == current:
                break
    if transposed:
        return [(column_of_row[i], i) for i in range(rows)]
    return list(enumerate(column_of_row))
