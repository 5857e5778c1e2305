"""Where the gold is, and reading it: the one place every command and function gets the gold from.

Which gold, in this order (:func:`resolve_gold`):

1. the one given: ``--gold DIR`` on the command line, ``gold=`` in the Python API;
2. else the folder named by the environment variable ``FRNEWSBENCH_GOLD``;
3. else the dataset shipped with the installed package (:func:`dataset_path`): inside the wheel,
   or, for an editable install, the checkout's ``dataset/``.

Never the current folder by accident. A gold folder is either a built dataset (Parquet, read by
:func:`frnewsbench.corpus.read_dataset`) or a folder of annotation files (validated first,
:func:`load_corpus`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .corpus import (DATASET_DOCUMENTS, DatasetBatches, annotation_files, corpus_hash, dataset_batches, document_from_dict,
                     read_dataset)
from .schema import Document
from .validate import ValidationError, validate_files
from .version import __version__

GOLD_ENV = "FRNEWSBENCH_GOLD"
PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_DATASET = PACKAGE_DIR / "dataset"  # where the wheel puts dataset/ (pyproject.toml: package-dir)
CHECKOUT_DATASET = PACKAGE_DIR.parent.parent / "dataset"  # an editable install: the checkout's dataset/

Gold = str | os.PathLike | Sequence[Document] | None


class GoldError(ValueError):
    """A gold that cannot be found or read; the message says which one, where it came from and what to do."""


def dataset_path() -> Path:
    """The folder of the dataset shipped with the installed package (Parquet files and card).

    ``load_dataset(str(dataset_path()), "ner", split="test")`` loads it from anywhere, offline.
    """
    if (SHIPPED_DATASET / DATASET_DOCUMENTS).is_file():
        return SHIPPED_DATASET
    if (CHECKOUT_DATASET.parent / "pyproject.toml").is_file() and (CHECKOUT_DATASET / DATASET_DOCUMENTS).is_file():
        return CHECKOUT_DATASET
    raise GoldError(f"this frnewsbench installation has no dataset (looked for {SHIPPED_DATASET / DATASET_DOCUMENTS} "
                    f"and {CHECKOUT_DATASET / DATASET_DOCUMENTS}); reinstall frnewsbench from its wheel or checkout, "
                    f"or give the gold with --gold DIR or {GOLD_ENV}=DIR")


@dataclass(frozen=True)
class GoldSource:
    """A gold folder and why it was chosen (``origin``: "--gold", the variable, or the package)."""

    path: Path
    origin: str


def resolve_gold(gold: str | os.PathLike | None = None, *, option: str = "--gold") -> GoldSource:
    """The gold folder to read: ``gold`` if given (``option`` names it in messages), else
    ``$FRNEWSBENCH_GOLD`` if set and not empty, else :func:`dataset_path`."""
    if gold is not None:
        return GoldSource(Path(gold), option)
    from_env = os.environ.get(GOLD_ENV, "")
    if from_env:
        return GoldSource(Path(from_env), GOLD_ENV)
    return GoldSource(dataset_path(), f"the dataset shipped with frnewsbench {__version__}")


def load_corpus(directory: str | os.PathLike) -> list[Document]:
    """Validate every annotation file of ``directory`` and return the documents, sorted by id.

    Raises :class:`frnewsbench.validate.ValidationError` listing every problem found, and
    ``FileNotFoundError`` for a folder without annotation files.
    """
    files = annotation_files(directory)
    if not files:
        raise FileNotFoundError(f"{directory}: no annotation files (*.json); pass the folder of the annotation files")
    read: dict[Path, Any] = {}
    problems = validate_files(files, read=read)  # each file read and parsed once, checked, then built
    if problems:
        raise ValidationError(problems)
    return sorted((document_from_dict(read[Path(path)]) for path in files), key=lambda d: d.id)


def load_documents(path: str | os.PathLike) -> list[Document]:
    """Gold documents from a built dataset folder or from a folder of annotation files."""
    path = Path(path)
    if (path / DATASET_DOCUMENTS).is_file():
        return read_dataset(path)
    if path.is_dir() and annotation_files(path):
        return load_corpus(path)
    dataset, folder = f"a built dataset ({DATASET_DOCUMENTS.as_posix()})", "a folder of annotation files (*.json)"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder; expected {dataset} or {folder}")
    raise FileNotFoundError(f"{path}: neither {dataset} nor {folder}")


@dataclass(frozen=True)
class LoadedGold:
    """The gold documents, the folder they came from (``None`` when given as documents) and their hash."""

    documents: list[Document]
    source: GoldSource | None
    dataset_hash: str

    def describe(self) -> str:
        """One line for people: which gold, from where, its content hash."""
        return _describe(self.source, len(self.documents), self.dataset_hash)


def _describe(source: GoldSource | None, documents: int, dataset_hash: str) -> str:
    where = f"{documents} document(s) given in Python" if source is None else f"{source.path.resolve()} (from {source.origin})"
    return f"gold: {where}, {documents} document(s), dataset {dataset_hash}"


@dataclass(frozen=True)
class GoldBatches:
    """A built dataset to be read a batch of documents at a time (:func:`read_gold_batches`)."""

    dataset: DatasetBatches
    source: GoldSource
    option: str = "--gold"  # how another gold is given, for the whole reading's messages

    @property
    def dataset_hash(self) -> str:
        return self.dataset.content_hash

    def describe(self) -> str:
        """:meth:`LoadedGold.describe`, the same line."""
        return _describe(self.source, len(self.dataset.ids), self.dataset_hash)


def read_gold_batches(gold: str | os.PathLike | None = None, *, option: str = "--gold") -> GoldBatches | None:
    """The gold (a folder, else as :func:`resolve_gold`) to read a batch at a time, if it is a built
    dataset that can be (:func:`~frnewsbench.corpus.dataset_batches`); else ``None``: read it
    whole with :func:`read_gold`, which says what is wrong with it, if anything."""
    source = resolve_gold(gold, option=option)
    if not (source.path / DATASET_DOCUMENTS).is_file():
        return None
    try:
        dataset = dataset_batches(source.path)
    except (OSError, ValueError):
        return None
    return None if dataset is None else GoldBatches(dataset, source, option)


def read_gold(gold: Gold = None, *, option: str = "--gold") -> LoadedGold:
    """:func:`load_gold` with where the gold came from and its content hash."""
    if gold is not None and not isinstance(gold, (str, os.PathLike)):
        ids = [document.id for document in gold]
        # a list already in id order is kept as it is (documents read from a built dataset keep their stored hash)
        documents = gold if isinstance(gold, list) and ids == sorted(ids) else sorted(gold, key=lambda document: document.id)
        return LoadedGold(documents, None, corpus_hash(documents))
    return read_source(resolve_gold(gold, option=option), option=option)


def read_source(source: GoldSource, *, option: str = "--gold") -> LoadedGold:
    """The gold of a folder chosen by :func:`resolve_gold` (its errors name where it came from,
    and ``option``, the way to give another)."""
    try:
        documents = load_documents(source.path)
    except FileNotFoundError as error:
        fix = {GOLD_ENV: f"set {GOLD_ENV} to a gold folder, or unset it to use the dataset shipped with frnewsbench"}.get(
            source.origin, f"give {option} a built dataset folder or a folder of annotation files")
        raise GoldError(f"{error} (the gold from {source.origin}); {fix}") from None
    except ValidationError:
        raise
    except ValueError as error:  # a dataset of another schema version
        raise GoldError(f"{error} (the gold from {source.origin})") from None
    return LoadedGold(documents, source, corpus_hash(documents))


def load_gold(gold: Gold = None) -> list[Document]:
    """The gold documents, sorted by id: ``gold`` (a built dataset folder, a folder of annotation
    files, or documents), else ``$FRNEWSBENCH_GOLD``, else the dataset shipped with the package."""
    return read_gold(gold, option="gold=").documents
