"""The build: deterministic Parquet, a card that the real `datasets` loads offline, figures."""

from __future__ import annotations

import shutil

import pytest
from conftest_paths import ANNOTATIONS, DATASET, REPO
from helpers import small_document, write_small_corpus

from frnewsbench.build import NER_TAGS, FIGURES_END, FIGURES_START, Figures, build, ner_rows, stale_files
from frnewsbench.cli import main
from frnewsbench.corpus import corpus_hash, read_dataset, write_document
from frnewsbench.gold import load_corpus, load_documents
from frnewsbench.schema import Entity
from frnewsbench.tokenize import AlignmentError

import datasets


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


def test_flat_configs_give_their_labels_as_class_labels(built):
    documents = load_corpus(built / "annotations")
    entities = datasets.load_dataset(str(built / "dataset"), "entities", split="test")
    assert entities.features["label"].names == ["PER", "ORG", "LOC", "MISC"]
    assert [entities.features["label"].int2str(label) for label in entities["label"]] == [
        e.label for d in documents for e in d.entities]
    assert entities["label"][:4] == [0, 0, 2, 0]  # Xi Jinping PER, Poutine PER, Moscou LOC, Wang Wenbin PER
    dates = datasets.load_dataset(str(built / "dataset"), "dates", split="test")
    assert dates.features["type"].names == ["DATE", "TIME", "DURATION", "SET"] and set(dates["type"]) == {0}
    quotes = datasets.load_dataset(str(built / "dataset"), "quotes", split="test")
    assert quotes.features["type"].names == ["direct", "indirect", "mixed"]
    assert [quotes.features["type"].int2str(kind) for kind in quotes["type"]] == [q.type for d in documents for q in d.quotes]
    documents_config = datasets.load_dataset(str(built / "dataset"), split="test")
    assert documents_config[0]["entities"][0]["label"] == "PER"  # the documents config keeps strings


def test_the_ner_view_offsets_are_document_level(built):
    ner = datasets.load_dataset(str(built / "dataset"), "ner", split="test")
    texts = {document.id: document.text for document in load_corpus(built / "annotations")}
    second = ner[1]  # the second paragraph of doc-1: its first token starts after the first paragraph
    assert second["paragraph"] == 1 and second["token_starts"][0] > 0
    for row in ner:
        text = texts[row["document_id"]]
        assert [text[s:e] for s, e in zip(row["token_starts"], row["token_ends"])] == row["tokens"]


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
    broken = document.__class__(**{**document.__dict__, "entities": (Entity(start, start + 3, "Jin", "PER", "x", "X", id="e7"),)})
    with pytest.raises(AlignmentError) as error:
        ner_rows(broken)
    assert f"doc-1 e7 PER 'Jin' [{start}, {start + 3})" in str(error.value)


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
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path))
    documents = datasets.load_dataset(str(DATASET), split="test")
    assert sorted(documents["id"]) == [d.id for d in load_documents(ANNOTATIONS)]


def test_build_refuses_an_empty_annotations_folder_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "annotations").mkdir()
    assert main(["build", "--annotations", str(tmp_path / "annotations"), "--output", str(tmp_path / "dataset"), "--no-datasheet"]) == 1
    assert "no annotation files" in capsys.readouterr().err
    assert not (tmp_path / "dataset").exists()


@pytest.mark.parametrize("command", [["build", "--check"], ["build", "--no-datasheet"], ["validate"]])
def test_from_an_empty_folder_the_error_names_the_annotations_option(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    assert main(command) == 1
    assert capsys.readouterr().err == ("error: annotations: no annotation files (*.json) found; "
                                       "pass their folder with --annotations DIR\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("command", "options"), [("validate", ["--annotations"]), ("build", ["--annotations", "--output"])])
def test_folder_options_have_a_help_text(capsys, command, options):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--annotations DIR the folder of the annotation files, one <document id>.json each (default: ./annotations)" in shown
    if "--output" in options:
        assert "--output DIR the folder of the built dataset" in shown


def test_build_refuses_an_unannotated_article(built, capsys):
    seed = built / "seed.txt"
    seed.write_text("Un article sans annotation.", encoding="utf-8")
    assert main(["new-article", str(seed), "--id", "doc-9", "--dct", "2023-03-01", "--dct-evidence", "test",
                 "--annotations", str(built / "annotations")]) == 0
    before = {p: p.read_bytes() for p in (built / "dataset").rglob("*") if p.is_file()}
    args = ["--annotations", str(built / "annotations"), "--output", str(built / "dataset"), "--datasheet", str(built / "DATASHEET.md")]
    assert main(["build", *args]) == 1
    assert "doc-9 not annotated yet" in capsys.readouterr().err
    assert before == {p: p.read_bytes() for p in (built / "dataset").rglob("*") if p.is_file()}


def test_build_with_a_datasheet_without_markers_writes_nothing(built, capsys):
    (built / "DATASHEET.md").write_text("# no markers\n", encoding="utf-8")
    shutil.rmtree(built / "dataset")
    args = ["--annotations", str(built / "annotations"), "--output", str(built / "dataset"), "--datasheet", str(built / "DATASHEET.md")]
    assert main(["build", *args]) == 1
    assert "markers" in capsys.readouterr().err
    assert not (built / "dataset").exists()


def test_build_removes_the_parquet_of_a_config_that_no_longer_exists(built):
    old = built / "dataset/data/old/test.parquet"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old")
    assert str(old) in stale_files(built / "annotations", built / "dataset", built / "DATASHEET.md")
    build(built / "annotations", built / "dataset", built / "DATASHEET.md")
    assert not old.exists()


@pytest.mark.parametrize("bad_id", ["../x", "a b", ""])
def test_new_article_refuses_an_id_that_is_not_a_file_name(tmp_path, capsys, bad_id):
    seed = tmp_path / "seed.txt"
    seed.write_text("Texte.", encoding="utf-8")
    assert main(["new-article", str(seed), "--id", bad_id, "--dct", "2023-03-01", "--dct-evidence", "t",
                 "--annotations", str(tmp_path / "annotations")]) == 1
    assert "--id" in capsys.readouterr().err
    assert not (tmp_path / "annotations").exists()


def test_read_dataset_refuses_another_schema_version(built):
    import pyarrow.parquet as pq

    path = built / "dataset/data/documents/test.parquet"
    table = pq.read_table(path)
    column = table.schema.get_field_index("schema_version")
    pq.write_table(table.set_column(column, "schema_version", [["0.9"] * table.num_rows]), path)
    with pytest.raises(ValueError, match="schema version '0.9'"):
        read_dataset(built / "dataset")


def test_the_content_hash_is_read_from_the_dataset_not_computed_again(built):
    import pyarrow.parquet as pq

    documents = read_dataset(built / "dataset")
    fresh = corpus_hash(list(documents))  # computed from the documents themselves
    assert documents.stored_hash() == fresh and corpus_hash(documents) == fresh
    # the stored hash stands for the very documents read: a changed list computes it again
    changed = read_dataset(built / "dataset")
    changed.pop()
    assert changed.stored_hash() is None and corpus_hash(changed) == corpus_hash(list(changed)) != fresh
    # a dataset written without it (by another tool) is hashed as before
    path = built / "dataset/data/documents/test.parquet"
    table = pq.read_table(path)
    pq.write_table(table.replace_schema_metadata({}), path)
    plain = read_dataset(built / "dataset")
    assert plain.stored_hash() is None and corpus_hash(plain) == fresh


def _tree(root):
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else "folder") for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("damage, message", [
    (lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
     "not a readable Parquet file, corrupt or truncated (Parquet magic bytes not found in footer"),
    (lambda path: path.write_bytes(b""), "not a readable Parquet file, corrupt or truncated (Parquet file size is 0 bytes)"),
    (lambda path: path.write_bytes((path.parent.parent / "ner" / "test.parquet").read_bytes()),
     "no schema_version column: not a dataset of this frnewsbench (which reads schema '1.0')"),
    ("0.9", "document 'doc-1' has schema version '0.9', this frnewsbench reads '1.0'; rebuild the dataset"),
])
def test_a_bad_gold_dataset_is_a_clear_error(built, capsys, damage, message):
    import pyarrow.parquet as pq

    path = built / "dataset/data/documents/test.parquet"
    if damage == "0.9":
        table = pq.read_table(path)
        column = table.schema.get_field_index("schema_version")
        pq.write_table(table.set_column(column, "schema_version", [["0.9"] * table.num_rows]), path)
    else:
        damage(path)
    predictions = built / "preds.jsonl"
    predictions.write_text('{"id": "doc-1", "entities": []}\n', encoding="utf-8")
    before = _tree(built)
    for command in (["score", "--predictions", str(predictions)], ["run", "--extractor", f"file:{predictions}"]):
        assert main([*command, "--gold", str(built / "dataset"), "--output", str(built / "r.json")]) == 1
        error = capsys.readouterr().err
        assert error.startswith(f"error: {path}: {message}") and "Traceback" not in error, error
    assert _tree(built) == before


@pytest.mark.parametrize("dct", ["20230228", "2023-W09-2", "2023-02-29", " 2023-02-28", "2023-02-28T10:00"])
def test_new_article_refuses_a_dct_that_validate_refuses(tmp_path, capsys, dct):
    seed = tmp_path / "seed.txt"
    seed.write_text("Texte.", encoding="utf-8")
    before = _tree(tmp_path)
    assert main(["new-article", str(seed), "--id", "doc-9", "--dct", dct, "--dct-evidence", "t",
                 "--annotations", str(tmp_path / "annotations")]) == 1
    assert capsys.readouterr().err == (f"error: --dct {dct!r}: expected an ISO date YYYY-MM-DD that exists "
                                       "(e.g. 2023-02-28), as validate checks it\n")
    assert _tree(tmp_path) == before


def test_new_article_names_the_byte_of_a_seed_that_is_not_utf8(tmp_path, capsys):
    seed = tmp_path / "seed.txt"
    seed.write_bytes("Première ligne.\nLe président a déclaré".encode("utf-8") + " à Moscou.".encode("cp1252"))
    offset = len("Première ligne.\nLe président a déclaré ".encode("utf-8"))  # the cp1252 "à" (0xE0)
    before = _tree(tmp_path)
    assert main(["new-article", str(seed), "--id", "doc-9", "--dct", "2023-03-01", "--dct-evidence", "t",
                 "--annotations", str(tmp_path / "annotations")]) == 1
    column = len("Le président a déclaré ".encode("utf-8")) + 1
    assert capsys.readouterr().err == (
        f"error: {seed}: not UTF-8: the byte 0xE0 at offset {offset} (line 2, byte {column} of the line) cannot be read "
        f"as UTF-8 (invalid continuation byte); save the seed as UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8 {seed} > "
        f"{tmp_path / 'seed.utf8.txt'}` if it is Windows-1252\n")
    assert _tree(tmp_path) == before
