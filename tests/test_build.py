"""The build: deterministic Parquet, a card that the real `datasets` loads offline, figures."""

from __future__ import annotations

import shutil

import pytest
from conftest_paths import ANNOTATIONS, DATASET, REPO
from helpers import small_document, write_small_corpus

from frnewsbench.build import NER_TAGS, FIGURES_END, FIGURES_START, Figures, build, ner_rows, stale_files
from frnewsbench.cli import main
from frnewsbench.corpus import load_corpus, load_documents, read_dataset, write_document
from frnewsbench.schema import Entity
from frnewsbench.tokenize import AlignmentError

datasets = pytest.importorskip("datasets")


@pytest.fixture()
def built(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    annotations = tmp_path / "annotations"
    write_small_corpus(annotations, 2)
    datasheet = tmp_path / "DATASHEET.md"
    datasheet.write_text(f"# Sheet\n{FIGURES_START}\n{FIGURES_END}\n", encoding="utf-8")
    build(annotations, tmp_path / "dataset", datasheet)
    return tmp_path


def test_two_builds_are_byte_identical(built):
    first = {p.relative_to(built / "dataset"): p.read_bytes() for p in (built / "dataset").rglob("*") if p.is_file()}
    shutil.rmtree(built / "dataset")
    build(built / "annotations", built / "dataset", built / "DATASHEET.md")
    second = {p.relative_to(built / "dataset"): p.read_bytes() for p in (built / "dataset").rglob("*") if p.is_file()}
    assert first.keys() == second.keys() and first == second
    assert stale_files(built / "annotations", built / "dataset", built / "DATASHEET.md") == []


def test_load_dataset_default_config_offline(built):
    documents = datasets.load_dataset(str(built / "dataset"), split="test")
    assert documents.num_rows == 2
    row = documents[0]
    assert row["id"] == "doc-1"
    entity = row["entities"][0]
    assert row["text"][entity["start"]:entity["end"]] == entity["text"] == "Xi Jinping"
    assert documents.features["entities"].feature["start"].dtype == "int32"
    assert row["quotes"][0]["speaker"]["text"] == "le porte-parole Wang Wenbin"


def test_load_dataset_ner_config_has_class_labels(built):
    ner = datasets.load_dataset(str(built / "dataset"), "ner", split="test")
    names = ner.features["ner_tags"].feature.names
    assert names == NER_TAGS
    first = ner[0]
    tags = [names[i] for i in first["ner_tags"]]
    assert first["tokens"][:2] == ["Xi", "Jinping"] and tags[:3] == ["B-PER", "I-PER", "O"]
    assert ner.num_rows == 4  # two documents of two paragraphs


def test_load_parquet_with_data_files(built):
    dates = datasets.load_dataset("parquet", data_files={"test": str(built / "dataset/data/dates/test.parquet")}, split="test")
    assert sorted(dates["value"]) == ["2023-02-28", "2023-02-28", "2023-W12", "2023-W12"]


def test_dataset_documents_equal_the_annotations(built):
    assert read_dataset(built / "dataset") == load_corpus(built / "annotations")


def test_stale_dataset_is_detected(built):
    document = small_document("doc-1")
    write_document(document.__class__(**{**document.__dict__, "dct": "2023-03-18"}), built / "annotations" / "doc-1.json")
    stale = stale_files(built / "annotations", built / "dataset", built / "DATASHEET.md")
    assert any("documents/test.parquet" in path for path in stale)


def test_misaligned_entity_is_reported_by_the_build():
    document = small_document()
    start = document.text.index("Jinping")
    broken = document.__class__(**{**document.__dict__, "entities": (Entity(start, start + 3, "Jin", "PER", "x", "X"),)})
    with pytest.raises(AlignmentError) as error:
        ner_rows(broken)
    assert "doc-1" in str(error.value)


def test_datasheet_figures_are_computed_from_the_data(built):
    figures = Figures.of(load_corpus(built / "annotations"))
    assert figures.documents == 2 and figures.entities_by_label == {"PER": 6, "ORG": 0, "LOC": 2, "MISC": 0}
    assert figures.dates_by_type["DATE"] == 4 and figures.quotes_by_type["direct"] == 2
    assert figures.markdown() in (built / "DATASHEET.md").read_text(encoding="utf-8")


def test_cli_build_check(built, capsys):
    args = ["--annotations", str(built / "annotations"), "--output", str(built / "dataset"), "--datasheet", str(built / "DATASHEET.md")]
    assert main(["build", "--check", *args]) == 0
    (built / "dataset/data/ner/test.parquet").write_bytes(b"stale")
    assert main(["build", "--check", *args]) == 1
    assert "ner/test.parquet" in capsys.readouterr().err


def test_repository_dataset_is_up_to_date():
    """CI fails when dataset/ or the datasheet figures are stale against annotations/."""
    assert stale_files(ANNOTATIONS, DATASET, REPO / "DATASHEET.md") == []


def test_repository_dataset_loads_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path))
    documents = datasets.load_dataset(str(DATASET), split="test")
    assert sorted(documents["id"]) == [d.id for d in load_documents(ANNOTATIONS)]
