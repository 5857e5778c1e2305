"""The cyclic garbage collector paused while a reader builds many objects that form no cycle.

Reading a corpus creates hundreds of thousands of spans. Each allocation counts towards the
collector's thresholds, so while they are built it walks every object built so far again and
again (about a third of the reading time), and after that the young generations' collections
walk them once more on their way to the oldest one; it finds nothing: spans, documents and
decoded JSON hold no cycles.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


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
