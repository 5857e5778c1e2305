"""Paths of the repository, for tests that read the real data."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANNOTATIONS = REPO / "annotations"
DATASET = REPO / "dataset"
SEEDS = REPO.parent / "shared" / "seeds"
