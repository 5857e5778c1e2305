"""Outside systems: each folder of ``leaderboard/submissions/`` checked, every problem listed, then scored."""

from __future__ import annotations

import difflib
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..api import score
from ..jsonread import JSONReadError, json_type, loads
from ..predictions import PredictionsError, read_predictions
from ..schema import LAYERS, Document, Prediction
from ..validate import Problem
from .model import (METADATA_FILE, PREDICTIONS_FILE, SUBMISSION, SUBMISSION_KEYS, SUBMISSION_NAME_RE,
                    SubmissionError, System, predicted_layers, sha256_of)


def submission_folders(submissions: Path) -> list[Path]:
    """The sub-folders of ``submissions`` (each one a submission), sorted; none if it does not exist."""
    if not submissions.is_dir():
        return []
    return sorted(path for path in submissions.iterdir() if path.is_dir() and not path.name.startswith("."))


def _check_metadata(path: Path, raw: Any, *, folder_name: str, dataset_hash: str, registered: Sequence[str],
                    problems: list[Problem | str]) -> bool:
    """Check a submission's metadata; ``False`` when its predictions cannot be checked against this gold."""
    def problem(where: str, expected: str, found: str, fix: str) -> None:
        problems.append(Problem(str(path), where, expected, found, fix))

    if not isinstance(raw, dict):
        problem("", "a JSON object with the keys " + ", ".join(SUBMISSION_KEYS), json_type(raw),
                "write metadata.json as one JSON object")
        return False
    for key in SUBMISSION_KEYS:
        if key not in raw:
            problem(key, f"the key {key!r}", "no such key", f"add {key!r} (see leaderboard/submissions/README.md)")
    for key in sorted(set(raw) - set(SUBMISSION_KEYS)):
        close = difflib.get_close_matches(key, SUBMISSION_KEYS, n=1)
        problem(key, "only the keys " + ", ".join(SUBMISSION_KEYS),
                f"the unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                "remove the key or correct its spelling")
    name = raw.get("name")
    if "name" in raw:
        if not isinstance(name, str) or not SUBMISSION_NAME_RE.match(name):
            problem("name", "a name of letters, digits, '.', '_' and '-'", repr(name), "rename the system")
        elif name != folder_name:
            problem("name", f"the submission folder's name {folder_name!r}", repr(name),
                    "name the folder after the system (one folder per system version)")
        elif name in registered:
            problem("name", "a name that is not a registered system's", repr(name), "pick another name")
    if "version" in raw and (not isinstance(raw["version"], str) or not raw["version"].strip()
                             or markdown_text_problem(raw["version"])):
        problem("version", "a non-empty line of text without Markdown markup (" + MARKUP + ")",
                repr(raw["version"]), 'give the system\'s version, e.g. "1.0"')
    if "link" in raw and raw["link"] is not None and (not isinstance(raw["link"], str) or link_problem(raw["link"])):
        problem("link", "an http(s) URL (https://host/path) or null, without spaces or Markdown markup",
                repr(raw["link"]), "give a link to the system's code or paper, or null")
    layers = raw.get("layers")
    if "layers" in raw and (not isinstance(layers, list) or not layers or len(set(map(str, layers))) != len(layers)
                            or not all(layer in LAYERS for layer in layers)):
        problem("layers", f"a non-empty list of distinct layers among {', '.join(LAYERS)}", repr(layers),
                "list the layers the predictions give")
    found = raw.get("dataset_hash")
    prefix = dataset_hash.split(":", 1)[0] + ":"
    if "dataset_hash" in raw and isinstance(found, str) and not found.startswith(prefix) \
            and re.fullmatch(r"[0-9a-f]{64}", found):
        same = prefix + found == dataset_hash
        problem("dataset_hash", f"{dataset_hash} (the current gold), with its {prefix!r} prefix",
                f"{found!r}: the hash without its {prefix!r} prefix"
                + ("" if same else ", and not the current gold's either: made on another dataset revision"),
                f"write it as {prefix + found!r}" if same else
                "run the system on the current dataset and put its hash (frnewsbench.corpus.corpus_hash) in metadata.json")
        return same  # the same gold, written without its prefix: the predictions can be checked against it
    if "dataset_hash" in raw and found != dataset_hash:
        problem("dataset_hash", f"{dataset_hash} (the current gold)",
                f"{found!r}: the predictions were made on another dataset revision",
                "run the system on the current dataset and put its hash (frnewsbench.corpus.corpus_hash) in metadata.json")
        return False
    return "dataset_hash" in raw


def layers_in_file(path: Path) -> tuple[str, ...] | None:
    """The layers a predictions file gives, read from its JSON lines without the gold (to check
    the declared layers when the predictions cannot be checked); ``None`` if a line is not JSON."""
    given: set[str] = set()
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = loads(line)
                if isinstance(record, dict):
                    given.update(layer for layer in LAYERS if record.get(layer) is not None)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return tuple(layer for layer in LAYERS if layer in given)


MARKUP = "| < > [ ] ` * \\"
_MARKUP = re.compile(r"[|<>\[\]`*\\]")


def markdown_text_problem(text: str) -> str | None:
    """Why ``text`` cannot go as it is into a cell of LEADERBOARD.md (a line break, a control character
    or Markdown markup could add lines, headings or links to the board), or ``None``."""
    if any(unicodedata.category(character).startswith("C") for character in text):
        return "a line break or another control character"
    if _MARKUP.search(text):
        return f"the Markdown character {_MARKUP.search(text).group()!r}"
    return None


def link_problem(link: str) -> str | None:
    """Why ``link`` is not an http(s) URL that can go into LEADERBOARD.md, or ``None``."""
    try:
        parts = urllib.parse.urlsplit(link)
    except ValueError:
        return "not a URL"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "not an http(s) URL"
    if any(character.isspace() for character in link):
        return "a space"
    return markdown_text_problem(link)


@dataclass(frozen=True)
class Submission:
    name: str
    version: str
    link: str | None
    layers: tuple[str, ...]
    predictions: dict[str, Prediction]
    predictions_sha256: str


def read_submission(folder: Path, *, documents: Sequence[Document], dataset_hash: str,
                    registered: Sequence[str]) -> Submission:
    """Check one submission folder (module docstring); raise :class:`SubmissionError` with every problem."""
    metadata_path, predictions_path = folder / METADATA_FILE, folder / PREDICTIONS_FILE
    problems: list[Problem | str] = []
    raw: Any = None
    same_dataset = False
    if not metadata_path.is_file():
        problems.append(Problem(str(metadata_path), "", "a metadata.json beside the predictions",
                                          "no such file", "add metadata.json (see leaderboard/submissions/README.md)"))
    else:
        try:
            raw = loads(metadata_path.read_bytes())
        except JSONReadError as error:
            problems.append(Problem(str(metadata_path), error.where, error.expected, error.found, error.fix))
        except OSError as error:
            problems.append(Problem(str(metadata_path), "", "a readable metadata.json", error.strerror or str(error),
                                    "check the file can be read"))
        else:
            same_dataset = _check_metadata(metadata_path, raw, folder_name=folder.name, dataset_hash=dataset_hash,
                                           registered=registered, problems=problems)
    predictions: dict[str, Prediction] | None = None
    digest = ""
    if not predictions_path.is_file():
        problems.append(Problem(str(predictions_path), "", "the predictions as JSON Lines",
                                          "no such file", "add predictions.jsonl (its format: `frnewsbench docs predictions`)"))
    elif same_dataset:
        digest = sha256_of(predictions_path.read_bytes())
        try:
            predictions = read_predictions(predictions_path, documents=documents)
        except PredictionsError as error:
            problems += [str(item) for item in error.problems]
    declared_layers = raw.get("layers") if isinstance(raw, dict) else None
    given = predicted_layers(predictions) if predictions is not None else (
        layers_in_file(predictions_path) if predictions_path.is_file() else None)
    if given is not None and isinstance(declared_layers, list) and all(layer in LAYERS for layer in declared_layers):
        declared = tuple(declared_layers)
        extra = [layer for layer in given if layer not in declared]
        absent = [layer for layer in declared if layer not in given]
        if extra or absent:
            problems.append(Problem(
                str(metadata_path), "layers", f"the layers the predictions give ({', '.join(given) or 'none'})",
                repr(list(declared)), "list in 'layers' exactly the layers present in predictions.jsonl"))
    if problems or predictions is None:  # the predictions go unread only when the metadata has a problem
        raise SubmissionError(problems)
    return Submission(raw["name"], raw["version"], raw["link"], tuple(l for l in LAYERS if l in raw["layers"]),
                      predictions, digest)


def score_submission(submission: Submission, *, documents: Sequence[Document], bootstrap_samples: int,
                     seed: int) -> System:
    versions = {"version": submission.version, "predictions_sha256": submission.predictions_sha256}
    result = score(predictions=submission.predictions, gold=documents, layers=submission.layers, system=submission.name,
                   system_versions=versions, bootstrap_samples=bootstrap_samples, seed=seed)
    return System(submission.name, SUBMISSION, submission.layers, versions, submission.predictions,
                  submission.predictions_sha256, result, version=submission.version, link=submission.link)

