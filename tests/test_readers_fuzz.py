"""Every reader, fed random bytes, random JSON and valid input with one node replaced by random
JSON, raises only its documented error type (issue 12), and never writes.

| reader | documented error |
|---|---|
| ``jsonread.loads`` | ``JSONReadError`` |
| ``predictions.parse_predictions`` | ``PredictionsError`` |
| ``validate.validate_files`` (annotation files) | none: every problem is returned |
| ``corpus.load_corpus`` | ``ValidationError`` |
| ``labelstudio.importer.import_export`` (Label Studio exports) | ``ValidationError`` |
| ``leaderboard.submissions.read_submission`` (submission metadata) | ``SubmissionError`` |
| ``report.result.load_result`` | ``ResultError`` |
| ``api.system_name`` (``--system`` and file names) | ``HarnessError`` |
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from helpers import raw_document, small_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frnewsbench.api import HarnessError, system_name
from frnewsbench.corpus import write_document
from frnewsbench.gold import load_corpus
from frnewsbench.jsonread import JSONReadError, loads
from frnewsbench.predictions import PredictionsError, parse_predictions
from frnewsbench.validate import ValidationError, validate_files

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

SCALARS = (st.none() | st.booleans() | st.integers(-2, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=12) | st.sampled_from(["\ud800", "e1", "PER", "DATE", "2023-W09", "Quote", "relation",
                                                     "labels", "entity", "text", "doc-1", "t-001"]))
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8) | st.sampled_from(["id", "start", "end", "text"]),
                                             inner, max_size=4), max_leaves=12)
RAW_BYTES = st.binary(max_size=200)


def nodes(value, path=()):
    """Every path into ``value`` (the root included)."""
    yield path
    if isinstance(value, list):
        for index, child in enumerate(value):
            yield from nodes(child, (*path, index))
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from nodes(child, (*path, key))


def replaced(value, path, new):
    if not path:
        return new
    value = copy.deepcopy(value)
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return value


@st.composite
def mutated(draw, valid):
    """``valid`` with one node (chosen at random) replaced by random JSON."""
    paths = list(nodes(valid))
    return replaced(valid, paths[draw(st.integers(0, len(paths) - 1))], draw(JSON_VALUES))


def as_bytes(value) -> bytes:
    return json.dumps(value).encode("utf-8")


def tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


# ---------------------------------------------------------------- the shared JSON reader


@SETTINGS
@given(content=RAW_BYTES | JSON_VALUES.map(as_bytes))
def test_loads_raises_only_its_error(content):
    try:
        loads(content)
    except JSONReadError as error:
        assert error.where and error.expected and error.found and error.fix


# ---------------------------------------------------------------- predictions


GOLD = [small_document("doc-1")]
VALID_RECORD = json.loads(json.dumps({"id": "doc-1", "entities": [
    {"start": e.start, "end": e.end, "text": e.text, "label": e.label} for e in GOLD[0].entities],
    "dates": [{"start": t.start, "end": t.end, "type": t.type, "value": t.value} for t in GOLD[0].dates]}))


@SETTINGS
@given(line=RAW_BYTES | JSON_VALUES.map(as_bytes) | mutated(VALID_RECORD).map(as_bytes))
def test_predictions_reader_raises_only_predictions_error(line):
    try:
        parse_predictions([line], documents=GOLD, source="fuzz.jsonl")
    except PredictionsError as error:
        assert error.problems


# ---------------------------------------------------------------- annotation files


VALID_FILE = raw_document("doc-1")


@SETTINGS
@given(content=RAW_BYTES | JSON_VALUES.map(as_bytes) | mutated(VALID_FILE).map(as_bytes))
def test_annotation_files_are_validated_without_exceptions(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("annotations")
    (folder / "doc-1.json").write_bytes(content)
    before = tree(folder)
    problems = validate_files([folder / "doc-1.json"])
    assert all(problem.where and problem.expected for problem in problems)
    try:
        load_corpus(folder)
    except ValidationError as error:
        assert error.problems == problems
    else:
        assert problems == []
    assert tree(folder) == before


# ---------------------------------------------------------------- Label Studio exports


def _valid_export():
    from frnewsbench.labelstudio.convert import documents_to_tasks
    from test_labelstudio_convert import as_export

    return as_export(documents_to_tasks(GOLD))


VALID_EXPORT = _valid_export()


@SETTINGS
@given(content=RAW_BYTES | JSON_VALUES.map(as_bytes) | mutated(VALID_EXPORT).map(as_bytes))
def test_label_studio_import_raises_only_validation_error(tmp_path_factory, content):
    from dataclasses import replace

    from frnewsbench.labelstudio.importer import import_export

    root = tmp_path_factory.mktemp("import")
    folder = root / "annotations"
    write_document(replace(GOLD[0], entities=(), dates=(), quotes=()), folder / "doc-1.json")
    export = root / "export.json"
    export.write_bytes(content)
    before = tree(root)
    try:
        import_export(export, annotations_dir=folder, dry_run=True)
    except ValidationError as error:
        assert error.problems and all(problem.file and (problem.where or problem.file == str(export))
                                      for problem in error.problems)
    assert tree(root) == before


# ---------------------------------------------------------------- submission metadata


VALID_METADATA = {"name": "mine", "version": "1.0", "link": "https://example.org", "layers": ["entities"],
                  "dataset_hash": "sha256:" + "0" * 64}


@SETTINGS
@given(content=RAW_BYTES | JSON_VALUES.map(as_bytes) | mutated(VALID_METADATA).map(as_bytes))
def test_submission_reader_raises_only_submission_error(tmp_path_factory, content):
    from frnewsbench.leaderboard import SubmissionError
    from frnewsbench.leaderboard.submissions import read_submission

    folder = tmp_path_factory.mktemp("submissions") / "mine"
    folder.mkdir()
    (folder / "metadata.json").write_bytes(content)
    (folder / "predictions.jsonl").write_text(json.dumps({"id": "doc-1", "entities": []}) + "\n", encoding="utf-8")
    try:
        read_submission(folder, documents=GOLD, dataset_hash="sha256:" + "0" * 64, registered=["spacy-fr-sm.v1"])
    except SubmissionError:
        pass


# ---------------------------------------------------------------- result files


def _valid_result() -> dict:
    from conftest_paths import REPO

    return json.loads((REPO / "tests" / "data" / "harness_result.json").read_text(encoding="utf-8"))


VALID_RESULT = _valid_result()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=RAW_BYTES | JSON_VALUES.map(as_bytes) | mutated(VALID_RESULT).map(as_bytes))
def test_result_reader_raises_only_result_error(tmp_path_factory, content):
    from frnewsbench.report.result import ResultError, load_result

    path = tmp_path_factory.mktemp("result") / "result.json"
    path.write_bytes(content)
    try:
        load_result(path)
    except ResultError:
        pass


# ---------------------------------------------------------------- system names


@SETTINGS
@given(name=st.text(alphabet=st.characters() | st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=12))
def test_system_names_raise_only_harness_error(name):
    try:
        assert system_name(name) == name
        name.encode("utf-8")
    except HarnessError:
        with pytest.raises(UnicodeEncodeError):
            name.encode("utf-8")
