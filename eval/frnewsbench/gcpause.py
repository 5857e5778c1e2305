"""The cyclic garbage collector paused while a corpus is read and scored.

Reading and scoring a corpus create millions of objects that form no cycle (spans, documents,
decoded JSON, counts). Each allocation counts towards the collector's thresholds, so while they
are built it walks every object built so far again and again (about a third of the reading
time, a fifth of the whole ``score`` command's), and finds nothing; reference counting frees
them. Extractors run with the collector on (models may build cycles).
"""

from __future__ import annotations

import functools
import gc
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

F = TypeVar("F", bound=Callable)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with the cyclic collector off; then move every object it tracks to the oldest
    generation (``gc.freeze`` and ``gc.unfreeze``: no walk), where the full collections still
    look at them, and turn it on again if it was on. When something was frozen already (a
    process preparing to fork, say), nothing is moved: what is frozen stays frozen."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def without_cyclic_collection(function: F) -> F:
    """``function`` run inside :func:`collector_paused`."""
    @functools.wraps(function)
    def paused(*args, **kwargs):
        with collector_paused():
            return function(*args, **kwargs)

    return paused  # type: ignore[return-value]
