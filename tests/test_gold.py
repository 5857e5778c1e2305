"""Where the gold comes from: --gold / gold= > $FRNEWSBENCH_GOLD > the dataset shipped with the
package, never the current folder; every command says which gold it used on stderr."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import frnewsbench.gold as gold_module
from frnewsbench.build import build
from frnewsbench.cli import main
from frnewsbench.corpus import corpus_hash
from frnewsbench.gold import GOLD_ENV, GoldError, dataset_path, load_corpus, load_gold, read_gold, resolve_gold
from frnewsbench.predictions import write_predictions
from frnewsbench.schema import gold_as_prediction

from conftest_paths import DATASET

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"
GOLD = load_corpus(GOLD_DIR)
REAL_IDS = ["frnb-000", "frnb-001", "frnb-002", "frnb-003", "frnb-004"]


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A folder of one's own holding a decoy dataset/ and annotations/ built from the small gold,
    with $FRNEWSBENCH_GOLD unset."""
    monkeypatch.delenv(GOLD_ENV, raising=False)
    shutil.copytree(GOLD_DIR, tmp_path / "annotations")
    build(tmp_path / "annotations", tmp_path / "dataset", datasheet=None)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def oracle(path: Path, documents) -> Path:
    write_predictions(path, [gold_as_prediction(document) for document in documents])
    return path


def test_the_installed_dataset_is_the_checkouts_in_an_editable_install():
    assert dataset_path() == DATASET.resolve()  # these tests run on the checkout (editable install)
    assert (dataset_path() / "README.md").is_file()


def test_without_gold_or_variable_the_shipped_dataset_is_used_never_the_current_folder(elsewhere):
    assert [document.id for document in load_gold()] == REAL_IDS  # not the decoy dataset/ of the folder
    source = resolve_gold()
    assert source.path == dataset_path() and source.origin.startswith("the dataset shipped with frnewsbench ")


def test_the_variable_names_the_gold_and_an_explicit_gold_wins_over_it(elsewhere, monkeypatch):
    monkeypatch.setenv(GOLD_ENV, str(GOLD_DIR))  # a folder of annotation files
    assert load_gold() == GOLD
    assert resolve_gold().origin == GOLD_ENV
    assert [document.id for document in load_gold(DATASET)] == REAL_IDS
    monkeypatch.setenv(GOLD_ENV, "")  # empty: as if unset
    assert [document.id for document in load_gold()] == REAL_IDS


def test_score_reads_the_variable_and_says_so_on_stderr(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv(GOLD_ENV, str(GOLD_DIR))
    predictions = oracle(elsewhere / "oracle.jsonl", GOLD)
    assert main(["score", "--predictions", str(predictions), "--bootstrap-samples", "10", "--output", "r.json"]) == 0
    streams = capsys.readouterr()
    assert streams.err.splitlines()[0] == (f"gold: {GOLD_DIR.resolve()} (from {GOLD_ENV}), 2 document(s), "
                                           f"dataset {corpus_hash(GOLD)}")
    assert "gold:" not in streams.out
    result = json.loads((elsewhere / "r.json").read_text(encoding="utf-8"))
    assert result["dataset"]["hash"] == corpus_hash(GOLD)
    assert {layer: headline["value"] for layer, headline in result["evaluation"]["headlines"].items()} == {
        "entities": 1.0, "dates": 1.0, "quotes": 1.0}


def test_an_explicit_gold_wins_over_the_variable_on_the_command_line(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv(GOLD_ENV, str(GOLD_DIR))
    real = load_gold(DATASET)
    predictions = oracle(elsewhere / "oracle.jsonl", real)
    assert main(["score", "--predictions", str(predictions), "--gold", str(DATASET), "--bootstrap-samples", "10",
                 "--output", "r.json"]) == 0
    first = capsys.readouterr().err.splitlines()[0]
    assert first == f"gold: {DATASET.resolve()} (from --gold), 5 document(s), dataset {corpus_hash(real)}"
    assert json.loads((elsewhere / "r.json").read_text(encoding="utf-8"))["dataset"]["hash"] == corpus_hash(real)


def test_a_variable_naming_no_gold_is_a_clear_error(elsewhere, monkeypatch, capsys):
    monkeypatch.setenv(GOLD_ENV, str(elsewhere / "nowhere"))
    assert main(["score", "--predictions", "p.jsonl"]) == 1
    error = capsys.readouterr().err
    assert error == (f"error: {elsewhere / 'nowhere'}: no such file or folder; expected a built dataset "
                     f"(data/documents/test.parquet) or a folder of annotation files (*.json) (the gold from {GOLD_ENV}); set {GOLD_ENV} to a gold folder, or unset "
                     "it to use the dataset shipped with frnewsbench\n")
    with pytest.raises(GoldError, match=r"\(the gold from gold=\); give gold= a built dataset folder"):
        load_gold(elsewhere / "nowhere")


def test_an_installation_without_a_dataset_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(gold_module, "SHIPPED_DATASET", tmp_path / "package" / "dataset")
    monkeypatch.setattr(gold_module, "CHECKOUT_DATASET", tmp_path / "dataset")
    with pytest.raises(GoldError, match="this frnewsbench installation has no dataset .*--gold DIR or FRNEWSBENCH_GOLD=DIR"):
        dataset_path()


def test_documents_given_in_python_are_described_as_such():
    loaded = read_gold(GOLD)
    assert loaded.source is None and loaded.documents == GOLD
    assert loaded.describe() == f"gold: 2 document(s) given in Python, 2 document(s), dataset {corpus_hash(GOLD)}"


def test_compare_and_run_say_which_gold_they_used(elsewhere, capsys):
    predictions = oracle(elsewhere / "oracle.jsonl", GOLD)
    assert main(["compare", "--a", str(predictions), "--b", str(predictions), "--gold", str(GOLD_DIR),
                 "--bootstrap-samples", "10"]) == 0
    assert capsys.readouterr().err.startswith(f"gold: {GOLD_DIR.resolve()} (from --gold), 2 document(s), ")
    assert main(["run", "--extractor", f"file:{predictions}", "--gold", str(GOLD_DIR), "--bootstrap-samples", "10"]) == 0
    assert capsys.readouterr().err.startswith(f"gold: {GOLD_DIR.resolve()} (from --gold), 2 document(s), ")

