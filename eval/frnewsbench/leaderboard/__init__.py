"""The leaderboard: run every registered system over the gold, cache its predictions, rank them.

    frnewsbench leaderboard [--gold DIR] [--runs DIR] [--submissions DIR] [--output FILE] [--rerun | --offline-cache]
                            [--systems NAME ...]

*Runs.* Each registered system (:func:`frnewsbench.extractors.registered_names`) is run over the
gold with a progress bar; its folder ``<runs>/<system>/`` keeps ``predictions.jsonl`` (the
predictions contract of :mod:`frnewsbench.predictions`), ``result.json``
(:class:`frnewsbench.report.Result`) and ``metadata.json`` (system, source, dataset hash, layers,
versions, sha256 of the predictions, and what the run dropped).

*Dropped items.* What a run leaves out is never silent: after the run, the system's ``left_out``
counter (labels its adapter's table maps to nothing, see :mod:`frnewsbench.extractors.labels`)
and its ``skipped`` list (strings it found but did not predict, each with ``document_id``,
``text``, ``start``, ``reason`` and ``detail``, as :class:`frnewsbench.extractors.dates_dateparser.Skipped`;
the parts of a composite system are asked too) are recorded in ``metadata.json`` (``dropped``:
the labels with their counts, the count per reason and every string), the labels also in
``result.json``, and summarised in the board's systems table. ``None`` means the system keeps
no such record; a submission's drops are unknown.

*Cache.* A system's predictions are reused when its ``metadata.json`` names the same versioned
system, the same dataset content hash (:func:`frnewsbench.corpus.corpus_hash`) and the same
versions as the system built now reports (``versions()``: packages, models, Java, TreeTagger's
parameter file...), and the predictions file still has the recorded sha256; they are checked
against the gold again, then rescored. A run made with other versions is *stale* and the system
runs again, unless ``offline_cache=True`` (``--offline-cache``), which uses it and marks it stale
on the board. Anything else (another metadata schema version included) runs the system afresh,
and ``rerun=True`` (``--rerun``) always does. The versioned name is the system's own version:
bump it (``.v2``) whenever its code may change its outputs.

*Combined baseline.* ``combined-baseline.vN`` (:mod:`frnewsbench.extractors.combined`) takes
each layer from another registered system; it is not ranked (its rows would repeat theirs), and
the board's notes say whether each of its parts still ranks first.

*Submissions.* Each sub-folder of ``<submissions>`` is an outside system: ``predictions.jsonl``
and ``metadata.json`` with exactly the keys ``name`` (the folder's name), ``version``, ``link``
(a URL or null), ``layers`` (the layers predicted) and ``dataset_hash`` (the hash of the gold the
predictions were made on, with its ``sha256:`` prefix). A submission made on another dataset
revision, or that breaks the predictions contract, is refused with every problem listed in one
pass (metadata, predictions and declared layers), and then nothing is written.

*Ranking.* One table per layer, by the headline F1 (entities: strict micro F1; dates:
TempEval-3 value F1; quotes: full attribution F1), descending. Systems with exactly the same
headline F1 share a rank (standard competition ranking: 1, 1, 3) and are listed by name; an
undefined F1 comes last. Each row after the first is compared with the row just above by the
paired bootstrap test
(:func:`frnewsbench.scoring.paired_bootstrap`: both systems on the same paragraph resamples,
Berg-Kirkpatrick et al. 2012). The rows are *not separable* when ``p >= alpha`` (default 0.05),
or when the test has no p-value (an undefined F1).

*Where each job lives*: :mod:`.runs` (a registered system's run and its cache), :mod:`.dropped`
(what a run dropped), :mod:`.submissions` (outside systems, checked), :mod:`.rank` (one ranking per
layer), :mod:`.markdown` and :mod:`.chart` (the two renderings), :mod:`.board` (the whole board,
written all or nothing), :mod:`.model` (the frozen types and file names they share).

Everything (predictions, results, the Markdown board and the PNG chart of the headline figures
with their 95% intervals) is computed first, then written all or nothing (:func:`write_files`):
a path that cannot be written raises :class:`OutputError` and leaves no file behind. The outputs
hold no time stamp and no absolute path, so running twice writes the same bytes.
"""

from __future__ import annotations

from .board import board_files, build_board, leaderboard, write_files
from .chart import chart_path, render_chart
from .dropped import Dropped, DropMarks, SkippedString, drop_marks, dropped_since
from .markdown import SECONDARY, dropped_cell, layer_table, render_markdown, versions_table
from .model import (ALPHA, DEFAULT_OUTPUT, DEFAULT_RUNS, DEFAULT_SUBMISSIONS, METADATA_FILE, PREDICTIONS_FILE,
                    REGISTERED, RESULT_FILE, RUN_SCHEMA_VERSION, SUBMISSION, Board, LeaderboardError, OutputError, Row,
                    SubmissionError, System, predicted_layers, sha256_of)
from .rank import rank_layer
from .runs import CachedRun, read_cache, run_metadata, run_registered
from .submissions import Submission, read_submission, score_submission, submission_folders

__all__ = [
    "ALPHA", "DEFAULT_OUTPUT", "DEFAULT_RUNS", "DEFAULT_SUBMISSIONS", "METADATA_FILE", "PREDICTIONS_FILE", "REGISTERED",
    "RESULT_FILE", "RUN_SCHEMA_VERSION", "SECONDARY", "SUBMISSION", "Board", "CachedRun", "DropMarks", "Dropped",
    "LeaderboardError", "OutputError", "Row", "SkippedString", "Submission", "SubmissionError", "System",
    "board_files", "build_board", "chart_path", "drop_marks", "dropped_cell", "dropped_since", "layer_table",
    "leaderboard", "predicted_layers", "rank_layer", "read_cache", "read_submission", "render_chart",
    "render_markdown", "run_metadata", "run_registered", "score_submission", "sha256_of", "submission_folders",
    "versions_table", "write_files",
]
