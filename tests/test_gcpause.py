"""Reading and scoring run without cyclic garbage collection; extractors run with it; the
collector's state is restored afterwards, on errors too."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import frnewsbench
from frnewsbench.gcpause import collector_paused
from frnewsbench.gold import load_corpus
from frnewsbench.predictions import PredictionsError
from frnewsbench.schema import gold_as_prediction

GOLD = load_corpus(Path(__file__).parent / "data" / "harness_gold")


class WatchedPredictions(dict):
    """Predictions that note whether the collector was on when they were read."""

    collector_on_when_read: list[bool]

    def items(self):
        self.collector_on_when_read.append(gc.isenabled())
        return super().items()


def test_score_reads_and_scores_with_the_collector_paused_and_restores_it():
    predictions = WatchedPredictions({document.id: gold_as_prediction(document) for document in GOLD})
    predictions.collector_on_when_read = []
    assert gc.isenabled()
    result = frnewsbench.score(predictions=predictions, gold=GOLD, bootstrap_samples=20)
    assert result.evaluation.layers["entities"].counts.strict.f1 == 1.0
    assert predictions.collector_on_when_read == [False]
    assert gc.isenabled()


def test_the_collector_is_restored_when_scoring_fails():
    with pytest.raises(PredictionsError):
        frnewsbench.score(predictions=[{"id": "no-such-document"}], gold=GOLD, bootstrap_samples=20)
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_extractors_run_with_the_collector_on():
    seen = []

    def extractor(document):
        seen.append(gc.isenabled())
        return {"entities": []}

    frnewsbench.run(extractor=extractor, gold=GOLD, bootstrap_samples=20)
    assert seen and all(seen) and gc.isenabled()
