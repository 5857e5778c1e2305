"""A registered system's run: its cache in ``<runs>/<system>/`` and running it afresh."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..api import predict, score
from ..extractors import RegistryError, get_extractor
from ..extractors.base import extractor_versions
from ..extractors.errors import ExtractorError
from ..jsonread import JSONReadError, loads
from ..predictions import PredictionsError, dumps_predictions, read_predictions
from ..schema import Document, Prediction
from .dropped import Dropped, drop_marks, dropped_since
from .model import (METADATA_FILE, PREDICTIONS_FILE, REGISTERED, RUN_SCHEMA_VERSION, SUBMISSION, Board, System,
                    predicted_layers, sha256_of)


@dataclass(frozen=True)
class CachedRun:
    predictions: dict[str, Prediction]
    versions: dict[str, str]
    predictions_sha256: str
    dropped: Dropped


def read_cache(folder: Path, *, system: str, dataset_hash: str, documents: Sequence[Document]) -> tuple[CachedRun | None, str]:
    """The cached predictions of ``system`` in ``folder`` if they are for this dataset, else why not."""
    metadata_path, predictions_path = folder / METADATA_FILE, folder / PREDICTIONS_FILE
    if not metadata_path.is_file() or not predictions_path.is_file():
        return None, "no cached predictions"
    try:
        metadata = loads(metadata_path.read_bytes())
    except OSError as error:
        return None, f"{metadata_path} is unreadable ({error.strerror or error})"
    except JSONReadError as error:
        return None, f"{metadata_path} is not valid JSON ({error})"
    if not isinstance(metadata, dict):
        return None, f"{metadata_path} is not a JSON object"
    if metadata.get("schema_version") != RUN_SCHEMA_VERSION:
        return None, f"{metadata_path} has schema version {metadata.get('schema_version')!r}, not {RUN_SCHEMA_VERSION!r}"
    if metadata.get("system") != system or metadata.get("source") != REGISTERED:
        return None, f"{metadata_path} is for {metadata.get('system')!r}, not {system!r}"
    if metadata.get("dataset_hash") != dataset_hash:
        return None, f"cached predictions are for dataset {metadata.get('dataset_hash')}, not {dataset_hash}"
    content = predictions_path.read_bytes()
    if sha256_of(content) != metadata.get("predictions_sha256"):
        return None, f"{predictions_path} changed since it was written (sha256 differs from {metadata_path})"
    versions = metadata.get("versions")
    if not isinstance(versions, dict) or not all(isinstance(v, str) for v in versions.values()):
        return None, f"{metadata_path} has no 'versions' object"
    try:
        dropped = Dropped.from_dict(metadata["dropped"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        found = f"no key {error}" if isinstance(error, KeyError) else str(error)
        return None, f"{metadata_path} has no readable 'dropped' record ({found})"
    try:
        predictions = read_predictions(predictions_path, documents=documents)
    except PredictionsError as error:
        return None, f"{predictions_path} no longer passes the predictions checks ({len(error.problems)} problem(s))"
    return CachedRun(predictions, dict(versions), sha256_of(content), dropped), ""


def versions_of(extractor: Any) -> dict[str, str]:
    """The versions that decide ``extractor``'s outputs, as strings (part of the cache key); a
    ``versions`` that is not a method returning a mapping is an ExtractorError (:func:`extractor_versions`)."""
    return extractor_versions(extractor)


def version_changes(cached: Mapping[str, str], installed: Mapping[str, str]) -> str:
    """``"dateparser 1.5.0 cached, 1.2.0 installed"``: every version that differs, by name; ``""`` if none."""
    changes = [f"{key} {cached.get(key, 'absent')} cached, {installed.get(key, 'absent')} installed"
               for key in sorted(set(cached) | set(installed)) if cached.get(key) != installed.get(key)]
    return "; ".join(changes)


def run_registered(name: str, *, documents: Sequence[Document], dataset_hash: str, folder: Path, rerun: bool,
                   bootstrap_samples: int, seed: int, progress: bool, offline_cache: bool = False) -> System:
    """Predictions of the registered system ``name`` (cached, or run afresh with a progress bar), scored.

    The cache key is the versioned name, the dataset hash and every version the system reports
    (:func:`versions_of`, asked of the system built now): a cached run made with other versions is
    stale and the system runs again, unless ``offline_cache``, which uses it and marks it stale
    (also when the system cannot be built here to ask its versions).
    """
    cached, note = (None, "--rerun asked") if rerun else read_cache(folder, system=name, dataset_hash=dataset_hash,
                                                                      documents=documents)
    extractor, stale = None, None
    if cached is not None:
        try:
            extractor = get_extractor(name)
            changes = version_changes(cached.versions, versions_of(extractor))
        except (ExtractorError, RegistryError) as error:
            if not offline_cache:
                raise
            changes = f"installed versions unknown ({error})"
        if changes and offline_cache:
            stale = changes
        elif changes:
            cached, note = None, f"stale cache: {changes}"
    if cached is not None:
        predictions, versions, digest = cached.predictions, cached.versions, cached.predictions_sha256
        dropped = cached.dropped
    else:
        from tqdm import tqdm

        extractor = extractor or get_extractor(name)
        marks = drop_marks(extractor)
        with tqdm(total=len(documents), desc=name, unit="doc", file=sys.stderr, disable=not progress) as bar:
            predictions = predict(extractor, documents, progress=bar.update)
        versions = versions_of(extractor)
        digest = sha256_of(dumps_predictions(predictions.values()))
        dropped = dropped_since(extractor, marks)
    layers = predicted_layers(predictions)
    result = score(predictions=predictions, gold=documents, layers=layers or None, system=name,
                   system_versions=versions, dropped_labels=dropped.labels, bootstrap_samples=bootstrap_samples,
                   seed=seed)
    return System(name, REGISTERED, layers, versions, predictions, digest, result, cached=cached is not None, note=note,
                  dropped=dropped, stale=stale)


def run_metadata(system: System, board: Board) -> dict[str, Any]:
    """``metadata.json`` of a system's run folder: what the cache is keyed on, and provenance."""
    data: dict[str, Any] = {
        "schema_version": RUN_SCHEMA_VERSION,
        "system": system.name,
        "source": system.source,
        "dataset_hash": board.dataset_hash,
        "dataset_schema_version": board.dataset_schema_version,
        "harness_version": board.harness_version,
        "layers": list(system.layers),
        "versions": dict(sorted(system.versions.items())),
        "predictions_sha256": system.predictions_sha256,
        "dropped": None if system.dropped is None else system.dropped.to_dict(),
    }
    if system.source == SUBMISSION:
        data.update(version=system.version, link=system.link)
    return data

