"""The whole board: select the systems, run or read them, rank them, render every file, write all or none."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Sequence

from ..version import __version__
from ..api import Gold, load_gold
from ..corpus import OutputError as CorpusOutputError
from ..corpus import corpus_hash, write_all
from ..extractors import registered_names
from ..extractors.combined import NAME as COMBINED
from ..extractors.combined import PARTS as COMBINED_PARTS
from ..predictions import dumps_predictions
from ..schema import LAYERS, SCHEMA_VERSION
from ..validate import Problem
from .chart import chart_path, render_chart
from .markdown import render_markdown
from .model import (ALPHA, DEFAULT_OUTPUT, DEFAULT_RUNS, DEFAULT_SUBMISSIONS, METADATA_FILE, PREDICTIONS_FILE,
                    REGISTERED, RESULT_FILE, Board, LeaderboardError, OutputError, SubmissionError, _dumps)
from .rank import rank_layer
from .runs import run_metadata, run_registered
from .submissions import Submission, read_submission, score_submission, submission_folders


def _select(requested: Sequence[str] | None, registered: Sequence[str], submitted: Sequence[str]) -> tuple[list[str], list[str]]:
    if requested is None:
        return list(registered), list(submitted)
    if COMBINED in requested:
        parts = ", ".join(f"{layer} from {name}" for layer, name in COMBINED_PARTS.items())
        raise LeaderboardError(f"{COMBINED} is not ranked on the board: its layers are those of other registered "
                               f"systems ({parts}), so its rows would repeat theirs; ask for those systems instead")
    known = sorted(set(registered) | set(submitted))
    unknown = [name for name in requested if name not in known]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, known, n=3)
            hints.append(f"{name!r}" + (f" (did you mean {', '.join(map(repr, close))}?)" if close else ""))
        raise LeaderboardError(f"no registered system or submission named {', '.join(hints)}; "
                               f"known: {', '.join(known) or 'none'}")
    return [n for n in registered if n in requested], [n for n in submitted if n in requested]


def build_board(*, gold: Gold = None, runs: str | Path = DEFAULT_RUNS, submissions: str | Path = DEFAULT_SUBMISSIONS,
                rerun: bool = False, systems: Sequence[str] | None = None, bootstrap_samples: int = 1000,
                seed: int = 0, alpha: float = ALPHA, progress: bool = True, offline_cache: bool = False) -> Board:
    """Compute the whole board; nothing is written (see :func:`board_files` and :func:`leaderboard`).

    ``systems`` keeps only those registered systems and submissions (by name) on the board; the
    combined baseline (:mod:`frnewsbench.extractors.combined`) is never ranked, its layers being
    other registered systems'. ``offline_cache`` uses cached runs made with other versions, marked
    stale (:func:`~frnewsbench.leaderboard.runs.run_registered`).
    Raises :class:`SubmissionError` if any selected submission is refused.
    """
    if not 0 < alpha < 1:
        raise LeaderboardError(f"alpha must be between 0 and 1, found {alpha}")
    documents = load_gold(gold)
    dataset_hash = corpus_hash(documents)
    runs, submissions = Path(runs), Path(submissions)
    registered = [name for name in registered_names() if name != COMBINED]
    folders = {folder.name: folder for folder in submission_folders(submissions)}
    chosen_registered, chosen_submitted = _select(systems, registered, sorted(folders))
    read: list[Submission] = []
    problems: list[Problem | str] = []
    for name in chosen_submitted:  # every submission is checked before any system runs
        try:
            read.append(read_submission(folders[name], documents=documents, dataset_hash=dataset_hash,
                                        registered=registered_names()))
        except SubmissionError as error:
            problems += error.problems
    if problems:
        raise SubmissionError(problems)
    entries = [run_registered(name, documents=documents, dataset_hash=dataset_hash, folder=runs / name, rerun=rerun,
                              bootstrap_samples=bootstrap_samples, seed=seed, progress=progress,
                              offline_cache=offline_cache)
               for name in chosen_registered]
    entries += [score_submission(item, documents=documents, bootstrap_samples=bootstrap_samples, seed=seed)
                for item in read]
    rankings = {layer: rank_layer(entries, layer=layer, documents=documents, bootstrap_samples=bootstrap_samples,
                                  seed=seed, alpha=alpha) for layer in LAYERS}
    on_board = {entry.name for entry in entries}
    unranked = tuple(sorted(path.name for path in runs.iterdir() if path.is_dir() and path.name not in on_board)) \
        if runs.is_dir() else ()
    return Board(dataset_hash, SCHEMA_VERSION, tuple(d.id for d in documents), __version__, tuple(entries), rankings,
                 bootstrap_samples, seed, alpha, unranked)


def board_files(board: Board, *, runs: str | Path = DEFAULT_RUNS, output: str | Path = DEFAULT_OUTPUT,
                chart: str | Path | None = None) -> list[tuple[Path, str | bytes]]:
    """Every file of the board and its content, rendered in memory (nothing written)."""
    runs, output = Path(runs), Path(output)
    chart = chart_path(output) if chart is None else Path(chart)
    files: list[tuple[Path, str | bytes]] = []
    for system in board.systems:
        folder = runs / system.name
        if system.source == REGISTERED:
            files.append((folder / PREDICTIONS_FILE, dumps_predictions(system.predictions.values())))
        files.append((folder / RESULT_FILE, system.result.to_json()))
        files.append((folder / METADATA_FILE, _dumps(run_metadata(system, board))))
    files.append((chart, render_chart(board)))
    files.append((output, render_markdown(board, output=output, runs=runs, chart=chart)))
    return files


def write_files(files: Sequence[tuple[Path, str | bytes]]) -> None:
    """Write every output of the board or none (:func:`frnewsbench.corpus.write_all`)."""
    try:
        write_all(files, hint="give --output and --runs paths in folders you can write to (the chart goes beside "
                              "the board, with the suffix .png)")
    except CorpusOutputError as error:
        raise OutputError(str(error)) from None


def leaderboard(*, gold: Gold = None, runs: str | Path = DEFAULT_RUNS, submissions: str | Path = DEFAULT_SUBMISSIONS,
                output: str | Path = DEFAULT_OUTPUT, chart: str | Path | None = None, rerun: bool = False,
                systems: Sequence[str] | None = None, bootstrap_samples: int = 1000, seed: int = 0,
                alpha: float = ALPHA, progress: bool = True, offline_cache: bool = False) -> tuple[Board, list[Path]]:
    """Build the board, render every output, then write them all or none (:func:`write_files`);
    the board and the files written."""
    board = build_board(gold=gold, runs=runs, submissions=submissions, rerun=rerun, systems=systems,
                        bootstrap_samples=bootstrap_samples, seed=seed, alpha=alpha, progress=progress,
                        offline_cache=offline_cache)
    files = board_files(board, runs=runs, output=output, chart=chart)
    write_files(files)
    return board, [path for path, _ in files]
