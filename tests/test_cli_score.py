"""The score and run commands and their API, end to end on the small hand-made gold."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import after_gold_line, figures

import frnewsbench
from frnewsbench.api import HarnessError, build_extractor, load_gold, run, score
from frnewsbench.cli import main
from frnewsbench.corpus import corpus_hash
from frnewsbench.extractors.callable import CallableExtractor
from frnewsbench.extractors.command import CommandExtractor
from frnewsbench.extractors.errors import ExtractorError
from frnewsbench.extractors.file import FileExtractor
from frnewsbench.gold import load_corpus
from frnewsbench.predictions import PredictionsError, read_predictions, write_predictions
from frnewsbench.schema import Entity, Prediction, gold_as_prediction

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"
GOLD = load_corpus(GOLD_DIR)


def cli(*args: str) -> int:
    return main([*map(str, args)])


def outputs(tmp_path: Path) -> list[str]:
    return ["--output", tmp_path / "result.json", "--markdown", tmp_path / "result.md",
            "--errors", tmp_path / "errors.md", "--html", tmp_path / "result.html"]


def test_oracle_through_the_score_command_scores_one_everywhere(tmp_path, capsys):
    predictions = tmp_path / "oracle.jsonl"
    write_predictions(predictions, [gold_as_prediction(document) for document in GOLD])
    assert cli("score", "--predictions", predictions, "--gold", GOLD_DIR, "--bootstrap-samples", 100,
               *outputs(tmp_path)) == 0
    result = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert result["result_schema_version"] == "2.1" and result["dataset"]["annotation_schema_version"] == "1.0"
    assert result["dataset"]["hash"] == corpus_hash(GOLD)
    assert result["harness"]["version"] == frnewsbench.__version__
    assert result["system"]["name"] == "oracle"
    assert result["system"]["versions"]["predictions_sha256"].startswith("sha256:")
    headlines = result["evaluation"]["headlines"]
    assert {layer: (h["value"], h["interval"]["low"], h["interval"]["high"]) for layer, h in headlines.items()} == {
        layer: (1.0, 1.0, 1.0) for layer in ("entities", "dates", "quotes")}
    values = dict(figures(result["evaluation"]["layers"]))
    assert len(values) > 50
    assert {path: value for path, value in values.items() if value not in (1.0, None)} == {}
    assert "0 error(s)" in (tmp_path / "errors.md").read_text(encoding="utf-8")
    assert "<!DOCTYPE html>" in (tmp_path / "result.html").read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    assert "| entities | strict micro F1 (exact span and label) | 1.000 | [1.000, 1.000] |" in printed
    assert f"wrote {tmp_path / 'result.html'}" in printed


def test_empty_system_scores_zero_recall(tmp_path):
    predictions = tmp_path / "empty.jsonl"
    write_predictions(predictions, [Prediction(id=d.id, entities=(), dates=(), quotes=()) for d in GOLD])
    assert cli("score", "--predictions", predictions, "--gold", GOLD_DIR, "--bootstrap-samples", 10,
               "--output", tmp_path / "r.json") == 0
    layers = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["evaluation"]["layers"]
    assert layers["entities"]["counts"]["strict"] == {"tp": 0, "fp": 0, "fn": 12, "precision": None, "recall": 0.0, "f1": 0.0}
    assert layers["dates"]["counts"]["value"]["recall"] == 0.0
    assert layers["quotes"]["counts"]["attribution"]["recall"] == 0.0


def test_bad_predictions_exit_1_and_write_nothing(tmp_path, capsys):
    predictions = tmp_path / "bad.jsonl"
    predictions.write_text('{"id": "t-001", "entities": [{"start": 0, "end": 6, "label": "PERSON"}]}\n', encoding="utf-8")
    assert cli("score", "--predictions", predictions, "--gold", GOLD_DIR, *outputs(tmp_path)) == 1
    error = after_gold_line(capsys.readouterr().err, GOLD_DIR)
    assert error.startswith("error: 1 problem(s) in the predictions:")
    assert f"{predictions} line 1 document 't-001' entities[0] [0, 6): expected a label in PER, ORG, LOC, MISC" in error
    assert "Traceback" not in error
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bad.jsonl"]


def test_missing_documents_are_scored_as_empty_and_counted(tmp_path, capsys):
    predictions = tmp_path / "half.jsonl"
    write_predictions(predictions, [gold_as_prediction(GOLD[0])])
    assert cli("score", "--predictions", predictions, "--gold", GOLD_DIR, "--bootstrap-samples", 10,
               "--output", tmp_path / "r.json") == 0
    evaluation = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["evaluation"]
    assert evaluation["missing_documents"] == ["t-002"]
    # t-001 is perfect (7 entities); t-002's 5 entities are missed: R = 7/12
    assert evaluation["layers"]["entities"]["counts"]["strict"]["recall"] == 7 / 12
    assert "documents without predictions (scored as empty): t-002" in capsys.readouterr().out


def test_layers_option_limits_what_is_scored(tmp_path):
    predictions = tmp_path / "oracle.jsonl"
    write_predictions(predictions, [gold_as_prediction(document) for document in GOLD])
    assert cli("score", "--predictions", predictions, "--gold", GOLD_DIR, "--layers", "dates", "--bootstrap-samples", 10,
               "--output", tmp_path / "r.json") == 0
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["layers_requested"] == ["dates"]
    assert result["evaluation"]["layers"]["entities"] is None and result["evaluation"]["layers"]["quotes"] is None
    assert result["evaluation"]["headlines"]["dates"]["value"] == 1.0


@pytest.mark.parametrize(("args", "message"), [
    (["--layers", "entites"], "layers 'entites': expected some of entities, dates, quotes"),
    (["--layers", "quotes"], "nothing to score: the predictions give none of the layers asked (quotes)"),
])
def test_layer_problems_are_user_errors(tmp_path, capsys, args, message):
    predictions = tmp_path / "p.jsonl"
    write_predictions(predictions, [Prediction(id="t-001", entities=())])
    assert cli("score", "--predictions", predictions, "--gold", GOLD_DIR, *args, "--output", tmp_path / "r.json") == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_missing_gold_folder(tmp_path, capsys):
    assert cli("score", "--predictions", tmp_path / "p.jsonl", "--gold", tmp_path / "nowhere") == 1
    assert f"{tmp_path / 'nowhere'}: no such file or folder; expected a built dataset" in capsys.readouterr().err


def test_gold_folder_that_is_neither_dataset_nor_annotations(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert cli("score", "--predictions", tmp_path / "p.jsonl", "--gold", tmp_path / "empty") == 1
    assert f"{tmp_path / 'empty'}: neither a built dataset" in capsys.readouterr().err


def test_same_input_gives_the_same_result_file(tmp_path):
    predictions = tmp_path / "p.jsonl"
    write_predictions(predictions, [Prediction(id="t-001", entities=(Entity(0, 6, "Macron", "PER"),))])
    for name in ("a.json", "b.json"):
        assert cli("score", "--predictions", predictions, "--gold", GOLD_DIR, "--bootstrap-samples", 200,
                   "--output", tmp_path / name) == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


PARIS_FINDER = """\
import json, sys
for line in sys.stdin:
    doc = json.loads(line)
    start = doc["text"].find("Paris")
    found = [] if start < 0 else [{"start": start, "end": start + 5, "label": "LOC"}]
    print(json.dumps({"id": doc["id"], "entities": found}))
"""


def test_run_a_command_with_progress_and_saved_predictions(tmp_path, capsys):
    system = tmp_path / "paris.py"
    system.write_text(textwrap.dedent(PARIS_FINDER), encoding="utf-8")
    command = f"command:{sys.executable} {system}"
    saved = tmp_path / "preds.jsonl"
    assert cli("run", "--extractor", command, "--gold", GOLD_DIR, "--timeout", 60, "--bootstrap-samples", 10,
               "--save-predictions", saved, "--output", tmp_path / "r.json") == 0
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    # a command keeps no count of labels left out: unknown, not "none"
    assert result["system"] == {"name": command, "versions": {"command": f"{sys.executable} {system}"},
                                "dropped_labels": None}
    # one right LOC (Paris in t-001) among 12 gold entities: P = 1, R = 1/12
    strict = result["evaluation"]["layers"]["entities"]["counts"]["strict"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (1, 0, 11)
    assert read_predictions(saved, documents=GOLD)["t-001"].entities == (Entity(27, 32, "Paris", "LOC"),)
    streams = capsys.readouterr()
    assert "2/2" in streams.err  # the progress bar
    assert "| entities | strict micro F1 (exact span and label) | 0.154 |" in streams.out  # 2 / (2 + 0 + 11)


def test_run_unknown_extractor_suggests_names(capsys):
    assert cli("run", "--extractor", "spacy-fr-core-news-sm.v2", "--gold", GOLD_DIR) == 1
    error = capsys.readouterr().err
    assert "no extractor named 'spacy-fr-core-news-sm.v2'" in error and "Did you mean 'spacy-fr-core-news-sm.v1'" in error


def test_run_list_and_missing_extractor(capsys):
    assert cli("run", "--list") == 0
    assert "spacy-fr-core-news-sm.v1" in capsys.readouterr().out.split()
    assert cli("run", "--gold", GOLD_DIR) == 1
    assert "--extractor" in capsys.readouterr().err


def test_run_a_failing_command_is_a_user_error(tmp_path, capsys):
    system = tmp_path / "crash.py"
    system.write_text("import sys\nsys.exit('no model here')\n", encoding="utf-8")
    assert cli("run", "--extractor", f"command:{sys.executable} {system}", "--gold", GOLD_DIR,
               "--output", tmp_path / "r.json") == 1
    error = capsys.readouterr().err
    assert "exited with status 1" in error and "no model here" in error and "Traceback" not in error
    assert not (tmp_path / "r.json").exists()


# --- the API ----------------------------------------------------------------------------------

class Oracle:
    """Cheats on purpose to check that run() hides the gold: it can only echo what it is given."""

    name = "echo.v1"
    layers = ("entities",)

    def extract(self, document):
        return Prediction(id=document.id, entities=document.entities)

    def versions(self):
        return {"echo": "1"}


def test_api_run_hides_the_gold_from_the_extractor():
    result = run(extractor=Oracle(), gold=GOLD, bootstrap_samples=10)
    strict = result.evaluation.layers["entities"].counts.strict
    assert (strict.tp, strict.fp, strict.fn) == (0, 0, 12)
    assert result.system.versions == {"echo": "1"}


def test_api_score_with_predictions_in_memory():
    result = score(gold=GOLD, predictions={d.id: gold_as_prediction(d) for d in GOLD}, bootstrap_samples=10)
    assert {layer: h.value for layer, h in result.evaluation.headlines.items()} == {
        "entities": 1.0, "dates": 1.0, "quotes": 1.0}
    with pytest.raises(PredictionsError, match="a document id of the gold"):
        score(gold=GOLD, predictions={"t-009": Prediction(id="t-009", entities=())})
    with pytest.raises(PredictionsError, match=r"entities\[0\] \[0, 999\)"):
        score(gold=GOLD, predictions={"t-001": Prediction(id="t-001", entities=(Entity(0, 999, "x", "PER"),))})


def test_api_run_checks_what_the_extractor_returns():
    class Liar(Oracle):
        def extract(self, document):
            return Prediction(id=document.id, entities=(Entity(0, 3, "Mac", "PERSON"),))

    with pytest.raises(PredictionsError, match="output of echo.v1 document 't-001' entities"):
        run(extractor=Liar(), gold=GOLD)


def test_build_extractor_resolves_each_kind_of_spec(tmp_path, monkeypatch):
    (tmp_path / "finder.py").write_text("def find(document):\n    return {'entities': []}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    write_predictions(tmp_path / "p.jsonl", [Prediction(id="t-001", dates=())])
    assert isinstance(build_extractor("python:finder:find"), CallableExtractor)
    assert isinstance(build_extractor("finder:find"), CallableExtractor)
    command = build_extractor("command:cat -", timeout=5)
    assert isinstance(command, CommandExtractor) and command.argv == ["cat", "-"] and command.timeout == 5
    served = build_extractor(f"file:{tmp_path / 'p.jsonl'}", documents=GOLD)
    assert isinstance(served, FileExtractor) and served.layers == ("dates",)
    assert build_extractor("spacy-fr-core-news-sm.v1").name == "spacy-fr-core-news-sm.v1"
    sys.modules.pop("finder", None)


# --- what used to end in a traceback --------------------------------------------------------

def oracle_file(tmp_path: Path) -> Path:
    path = tmp_path / "oracle.jsonl"
    write_predictions(path, [gold_as_prediction(document) for document in GOLD])
    return path


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--bootstrap-samples", "0", "argument --bootstrap-samples: expected a whole number of at least 1, found 0"),
    ("--bootstrap-samples", "-5", "argument --bootstrap-samples: expected a whole number of at least 1, found -5"),
    ("--bootstrap-samples", "many", "argument --bootstrap-samples: expected a whole number, found 'many'"),
    ("--seed", "-1", "argument --seed: expected a whole number of at least 0, found -1"),
])
def test_bootstrap_options_are_checked_by_the_parser(tmp_path, capsys, option, value, message):
    with pytest.raises(SystemExit) as caught:
        cli("score", "--predictions", oracle_file(tmp_path), "--gold", GOLD_DIR, option, value, "--output", tmp_path / "r.json")
    assert caught.value.code == 2  # a usage error, as for every option argparse refuses
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert not (tmp_path / "r.json").exists()


def test_bootstrap_options_are_scoring_errors_in_the_api():
    from frnewsbench.scoring import ScoringError

    predictions = {d.id: gold_as_prediction(d) for d in GOLD}
    for samples, seed in ((0, 0), (-3, 0), (10, -1)):
        with pytest.raises(ScoringError, match="bootstrap (samples|seed): expected a whole number"):
            score(gold=GOLD, predictions=predictions, bootstrap_samples=samples, seed=seed)


def test_an_output_that_cannot_be_written_writes_nothing(tmp_path, capsys):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    blocked = tmp_path / "a-file" / "result.json"  # its folder is a file
    assert cli("score", "--predictions", oracle_file(tmp_path), "--gold", GOLD_DIR, "--bootstrap-samples", 10,
               "--markdown", tmp_path / "new" / "result.md", "--errors", tmp_path / "errors.md",
               "--output", blocked) == 1
    error = after_gold_line(capsys.readouterr().err, GOLD_DIR)
    assert error.startswith(f"error: cannot write {blocked}: ") and "Nothing was written" in error
    assert "Traceback" not in error
    # the Markdown files were written to temporary files first, then removed with the folder made for them
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file", "oracle.jsonl"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_an_output_under_proc_is_a_user_error(tmp_path, capsys):
    assert cli("score", "--predictions", oracle_file(tmp_path), "--gold", GOLD_DIR, "--bootstrap-samples", 10,
               "--markdown", tmp_path / "result.md", "--output", "/proc/r.json") == 1
    error = capsys.readouterr().err
    assert "error: cannot write /proc/r.json" in error and "Traceback" not in error
    assert not (tmp_path / "result.md").exists()


def test_outputs_are_written_all_or_none_by_the_api(tmp_path):
    from frnewsbench.api import OutputError, write_all

    (tmp_path / "old.md").write_text("before", encoding="utf-8")
    with pytest.raises(OutputError, match="cannot write .*a-folder: it is a folder"):
        (tmp_path / "a-folder").mkdir()
        write_all([(tmp_path / "old.md", "after"), (tmp_path / "a-folder", "x")])
    with pytest.raises(OutputError, match="the same file is asked for two outputs"):
        write_all([(tmp_path / "same.md", "1"), (tmp_path / "same.md", "2")])
    assert (tmp_path / "old.md").read_text(encoding="utf-8") == "before"
    write_all([(tmp_path / "old.md", "after"), (tmp_path / "deep" / "er" / "new.json", "{}\n")])
    assert (tmp_path / "old.md").read_text(encoding="utf-8") == "after"
    assert (tmp_path / "deep" / "er" / "new.json").read_text(encoding="utf-8") == "{}\n"
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["a-folder", "deep", "er", "new.json", "old.md"]


FAILING_SYSTEMS = """\
from frnewsbench.schema import Prediction

class Crashes:
    name = "crashes.v1"
    layers = ("entities",)
    def extract(self, document):
        if document.id == "t-002":
            raise KeyError("lexicon entry")
        return Prediction(id=document.id, entities=())
    def versions(self):
        return {}

def crashes(document):
    return 1 / 0

class CannotStart:
    def __init__(self):
        raise RuntimeError("no GPU found")
    def extract(self, document):
        return None
"""


@pytest.fixture
def failing_module(tmp_path, monkeypatch):
    (tmp_path / "failing_systems.py").write_text(FAILING_SYSTEMS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "failing_systems"
    sys.modules.pop("failing_systems", None)


@pytest.mark.parametrize(("attribute", "message"), [
    ("Crashes", "error: the extractor crashes.v1 failed on document 't-002': KeyError: 'lexicon entry'."),
    ("crashes", "error: the extractor failing_systems:crashes failed on document 't-001': "
                "ZeroDivisionError: division by zero."),
    ("CannotStart", "error: 'failing_systems:CannotStart': building the class failed with RuntimeError: no GPU found."),
])
def test_a_python_extractor_that_raises_is_a_user_error(tmp_path, capsys, failing_module, attribute, message):
    assert cli("run", "--extractor", f"python:{failing_module}:{attribute}", "--gold", GOLD_DIR,
               "--output", tmp_path / "r.json") == 1
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert not (tmp_path / "r.json").exists()


def test_the_api_keeps_the_extractor_s_own_exception(failing_module):
    from frnewsbench.extractors.errors import ExtractorError

    with pytest.raises(ExtractorError) as caught:
        run(extractor=f"python:{failing_module}:Crashes", gold=GOLD, bootstrap_samples=10)
    assert isinstance(caught.value.__cause__, KeyError)


@pytest.mark.parametrize(("extractor", "message"), [
    ("command:'unterminated", "error: the command \"'unterminated\" cannot be split into arguments like a shell would"),
    ("Spacy-fr-core-news-sm.v1", "no extractor named 'Spacy-fr-core-news-sm.v1'. Extractor names are lower-case. "
                                 "Did you mean 'spacy-fr-core-news-sm.v1'"),
    # a misspelt prefix is not read as module:attr (no "no module 'pyhton:my_sys'", no "python:path/to/pyhton:...")
    ("pyhton:my_sys:extract", "error: 'pyhton:my_sys:extract': 'pyhton:' is not a kind of system (did you mean "
                              "'python:'?); expected a registered name (--list) or python:, spacy:, transformers:, "
                              "command:, file: followed by its argument"),
    ("pyhton:./my_sys.py:extract", "'pyhton:' is not a kind of system (did you mean 'python:'?)"),
    ("spacey:fr_core_news_sm", "'spacey:' is not a kind of system (did you mean 'spacy:'?)"),
    # a file given as a name: how to name its function
    ("my_sys.py", "no extractor named 'my_sys.py'. Registered: "),
    ("my_sys.py", ". To run a Python file, name the function or class in it: python:./my_sys.py:NAME"),
    ("sub/my_sys.py", "name the function or class in it: python:sub/my_sys.py:NAME"),
])
def test_run_spec_problems_are_user_errors(tmp_path, capsys, extractor, message):
    assert cli("run", "--extractor", extractor, "--gold", GOLD_DIR, "--output", tmp_path / "r.json") == 1
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error and "not versioned" not in error


def test_run_a_module_whose_name_is_close_to_a_prefix_still_imports(tmp_path, monkeypatch, capsys):
    (tmp_path / "spacey.py").write_text("def extract(document):\n    return {'entities': []}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("run", "--extractor", "spacey:extract", "--gold", GOLD_DIR) == 0
    assert "spacey:extract on 2 document(s)" in capsys.readouterr().out


def test_run_an_extractor_that_is_not_one_from_python(tmp_path):
    for value, found in ((42, "found int 42"), (None, "found NoneType None")):
        with pytest.raises(ExtractorError, match=re.escape(
                "extractor: expected a spec such as 'python:./my_system.py:extract', an extractor, a class or a "
                f"function f(document); {found}")):
            run(extractor=value, gold=GOLD, bootstrap_samples=10)


@pytest.mark.parametrize("timeout", ["-1", "0", "inf", "soon"])
def test_a_timeout_that_is_not_positive_is_refused(capsys, timeout):
    with pytest.raises(SystemExit) as caught:
        cli("run", "--extractor", "command:cat", "--gold", GOLD_DIR, "--timeout", timeout)
    assert caught.value.code == 2
    assert "argument --timeout: expected a" in capsys.readouterr().err


def test_a_missing_file_through_run_does_not_speak_of_predictions_option(tmp_path, capsys):
    assert cli("run", "--extractor", f"file:{tmp_path / 'nowhere.jsonl'}", "--gold", GOLD_DIR) == 1
    error = capsys.readouterr().err
    assert f"{tmp_path / 'nowhere.jsonl'}: expected a readable predictions file; found No such file or directory. " in error
    assert "--predictions" not in error


# --- labels left out on purpose ----------------------------------------------------------------

RULER_SYSTEM = """\
import spacy
from frnewsbench.extractors.spacy_pipeline import SpacyExtractor

class Ruler(SpacyExtractor):
    def __init__(self):
        nlp = spacy.blank("fr")
        nlp.add_pipe("entity_ruler").add_patterns([
            {"label": "PERSON", "pattern": "Macron"}, {"label": "DATE", "pattern": "lundi"},
            {"label": "DATE", "pattern": "mardi"}, {"label": "CARDINAL", "pattern": "deux"},
        ])
        super().__init__(nlp, name="ruler.v1")
"""


@pytest.fixture
def ruler_module(tmp_path, monkeypatch):
    (tmp_path / "ruler_system.py").write_text(RULER_SYSTEM, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "ruler_system"
    sys.modules.pop("ruler_system", None)


def test_labels_left_out_by_the_adapter_reach_the_result(tmp_path, capsys, ruler_module):
    # t-001: "Macron" twice (PERSON -> PER), "lundi" (DATE, left out); t-002: "mardi" (DATE) and "deux" (CARDINAL)
    assert cli("run", "--extractor", f"python:{ruler_module}:Ruler", "--gold", GOLD_DIR, "--bootstrap-samples", 10,
               "--output", tmp_path / "r.json", "--markdown", tmp_path / "r.md") == 0
    result = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert result["system"]["dropped_labels"] == {"CARDINAL": 1, "DATE": 2}
    line = "labels left out by the adapter (not scored): DATE 2, CARDINAL 1"
    assert f"- {line}" in (tmp_path / "r.md").read_text(encoding="utf-8").splitlines()
    assert line in capsys.readouterr().out.splitlines()
    # the right PER "Macron" [0, 6) is a TP; "Macron" of "Emmanuel Macron" [63, 69) a FP (wrong boundary)
    strict = result["evaluation"]["layers"]["entities"]["counts"]["strict"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (1, 1, 11)


def test_dropped_labels_count_one_run_only(ruler_module):
    from frnewsbench.extractors.callable import load_callable

    extractor = load_callable(f"{ruler_module}:Ruler")
    for _ in range(2):  # the adapter's counter keeps growing; each result has its own run's counts
        assert run(extractor=extractor, gold=GOLD, bootstrap_samples=10).system.dropped_labels == {"DATE": 2, "CARDINAL": 1}
    assert extractor.left_out == {"DATE": 4, "CARDINAL": 2}
    assert run(extractor=Oracle(), gold=GOLD, bootstrap_samples=10).system.dropped_labels is None  # keeps no count


# --- the predictions file is read once -------------------------------------------------------

def test_score_hashes_the_very_bytes_it_scored(tmp_path, monkeypatch):
    path = oracle_file(tmp_path)
    scored = path.read_bytes()
    opened = []
    real_open = Path.open

    def open_then_change(self, *args, **kwargs):
        handle = real_open(self, *args, **kwargs)
        if self == path:
            opened.append(self)
            changed = tmp_path / "changed.jsonl"  # replaced behind our back, as an editor saves a file
            changed.write_text('{"id": "t-001", "entities": []}\n', encoding="utf-8")
            changed.replace(path)
        return handle

    monkeypatch.setattr(Path, "open", open_then_change)
    result = score(predictions=path, gold=GOLD, bootstrap_samples=10)
    assert opened == [path]  # read once
    assert result.system.versions["predictions_sha256"] == "sha256:" + hashlib.sha256(scored).hexdigest()
    assert result.evaluation.headlines["entities"].value == 1.0  # the oracle's bytes were the ones scored


# --- compare: the paired bootstrap test from the command line --------------------------------

def test_compare_identical_systems_gives_no_difference(tmp_path, capsys):
    oracle = oracle_file(tmp_path)
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(oracle.read_bytes())
    assert cli("compare", "--a", oracle, "--b", copy, "--gold", GOLD_DIR, "--bootstrap-samples", 200,
               "--output", tmp_path / "c.json") == 0
    printed = capsys.readouterr().out
    for layer in ("entities", "dates", "quotes"):
        row = next(line for line in printed.splitlines() if line.startswith(f"| {layer} |"))
        assert row.endswith("| 1.000 | 1.000 | 0.000 | [0.000, 0.000] | p = 1.000 |"), row
    saved = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [(t["layer"], t["difference"], t["p_value"]) for t in saved["tests"]] == [
        ("entities", 0.0, 1.0), ("dates", 0.0, 1.0), ("quotes", 0.0, 1.0)]
    assert saved["dataset"]["hash"] == corpus_hash(GOLD)
    assert saved["a"]["versions"]["predictions_sha256"] == saved["b"]["versions"]["predictions_sha256"]


def test_compare_by_hand(tmp_path, capsys):
    # A: the oracle, entities F1 1. B: only "Macron" [0, 6) of t-001: TP 1, FP 0, FN 11, F1 2/13.
    # d = 1 - 2/13 = 11/13 = 0.846. Every paragraph holds a gold entity and B's only TP is in the
    # title paragraph (3 gold entities), so on any draw F1(B) <= 1/2: d_i is in [1/2, 1], never
    # above 2d = 1.69, so p = 0; draws without the title paragraph give d_i = 1.
    oracle = oracle_file(tmp_path)
    weak = tmp_path / "weak.jsonl"
    write_predictions(weak, [Prediction(id="t-001", entities=(Entity(0, 6, "Macron", "PER"),))])
    assert cli("compare", "--a", oracle, "--b", weak, "--gold", GOLD_DIR, "--bootstrap-samples", 500) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("A = oracle, B = weak, dataset sha256:")
    row = next(line for line in printed.splitlines() if line.startswith("| entities |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[:5] == ["entities", "strict micro F1 (exact span and label)", "1.000", "0.154", "0.846"]
    low, high = map(float, cells[5].strip("[]").split(", "))
    assert 0.5 <= low <= high == 1.0
    assert cells[6] == "p < 0.002"  # no draw of 500 beyond 2d: printed as the board prints it
    assert "| dates |" not in printed  # B predicts no dates: only the layers both give are compared
    assert "dates: not compared, only A (oracle) predicts it; B gives no dates" in printed
    assert "quotes: not compared, only A (oracle) predicts it; B gives no quotes" in printed


def test_a_comparison_shows_itself_briefly_and_as_the_command_s_table(tmp_path, capsys):
    oracle = oracle_file(tmp_path)
    weak = tmp_path / "weak.jsonl"
    write_predictions(weak, [Prediction(id="t-001", entities=(Entity(0, 6, "Macron", "PER"),))])
    comparison = frnewsbench.compare(a=oracle, b=weak, gold=GOLD, bootstrap_samples=500)
    # as in test_compare_by_hand: d = 1 - 2/13 = 0.846, no draw of 500 beyond 2d
    (test,) = comparison.tests
    shown = repr(comparison)
    assert shown == (f"<Comparison A='oracle' B='weak', dataset {corpus_hash(GOLD)[:19]}…; entities: A − B 0.846 "
                     f"[{test.interval.low:.3f}, {test.interval.high:.3f}], p < 0.002>")
    assert len(shown) < 200
    markdown = comparison._repr_markdown_()
    assert markdown.startswith(f"A = **oracle**, B = **weak**, dataset `{corpus_hash(GOLD)}`\n\n")
    assert cli("compare", "--a", oracle, "--b", weak, "--gold", GOLD_DIR, "--bootstrap-samples", 500) == 0
    printed = capsys.readouterr().out.splitlines()
    table = [line for line in printed if line.startswith("|")]
    assert len(table) == 3 and table[2].startswith("| entities | strict micro F1 (exact span and label) | 1.000 | 0.154 | 0.846 |")
    assert markdown.endswith("\n\n" + "\n".join(table) + "\n")  # the command's table, row for row


def test_compare_names_systems_by_their_metadata_result_or_option(tmp_path, capsys):
    """A run folder's predictions are named by its metadata.json, a result.json by its system name
    (its predictions.jsonl beside it), --a-name/--b-name win; the file name is the last resort."""
    run_a, run_b = tmp_path / "runs" / "sys-a.v1", tmp_path / "runs" / "sys-b.v1"
    run_a.mkdir(parents=True)
    run_b.mkdir(parents=True)
    oracle_file(run_a).rename(run_a / "predictions.jsonl")
    write_predictions(run_b / "predictions.jsonl", [Prediction(id="t-001", entities=(Entity(0, 6, "Macron", "PER"),))])
    (run_a / "metadata.json").write_text(json.dumps({"system": "sys-a.v1", "source": "registered"}), encoding="utf-8")
    assert cli("score", "--predictions", run_b / "predictions.jsonl", "--gold", GOLD_DIR, "--bootstrap-samples", 20,
               "--output", run_b / "result.json") == 0
    result = json.loads((run_b / "result.json").read_text(encoding="utf-8"))
    result["system"]["name"] = "sys-b.v1"
    (run_b / "result.json").write_text(json.dumps(result), encoding="utf-8")
    capsys.readouterr()
    assert cli("compare", "--a", run_a / "predictions.jsonl", "--b", run_b / "result.json", "--gold", GOLD_DIR,
               "--bootstrap-samples", 50, "--output", tmp_path / "c.json") == 0
    printed = capsys.readouterr().out
    assert printed.startswith("A = sys-a.v1, B = sys-b.v1, dataset sha256:")
    assert f"names from: A {run_a / 'metadata.json'}; B {run_b / 'result.json'}" in printed
    saved = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert (saved["a"]["name"], saved["b"]["name"]) == ("sys-a.v1", "sys-b.v1")
    assert saved["not_compared"] == [{"layer": "dates", "only": "A"}, {"layer": "quotes", "only": "A"}]
    assert cli("compare", "--a", run_a, "--b", run_b / "predictions.jsonl", "--a-name", "mine", "--gold", GOLD_DIR,
               "--bootstrap-samples", 50) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("A = mine, B = sys-b.v1, dataset")  # B named by the result.json beside its file
    assert "names from: A --a-name; B " in printed
    (run_b / "predictions.jsonl").unlink()
    assert cli("compare", "--a", run_a, "--b", run_b / "result.json", "--gold", GOLD_DIR) == 1
    assert (f"{run_b / 'result.json'}: a result holds figures, not the predictions a paired test needs; expected "
            f"{run_b / 'predictions.jsonl'} beside it") in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--layers", "dates"], "system B predicts no dates: a paired test needs the layer from both systems"),
    (["--layers", "dates,entites"], "layers 'entites': expected some of entities, dates, quotes"),
])
def test_compare_problems_are_user_errors(tmp_path, capsys, args, message):
    weak = tmp_path / "weak.jsonl"
    write_predictions(weak, [Prediction(id="t-001", entities=())])
    assert cli("compare", "--a", oracle_file(tmp_path), "--b", weak, "--gold", GOLD_DIR, *args) == 1
    assert message in capsys.readouterr().err


def test_compare_needs_a_layer_in_common(tmp_path, capsys):
    only_dates = tmp_path / "dates.jsonl"
    only_entities = tmp_path / "entities.jsonl"
    write_predictions(only_dates, [Prediction(id="t-001", dates=())])
    write_predictions(only_entities, [Prediction(id="t-001", entities=())])
    assert cli("compare", "--a", only_dates, "--b", only_entities, "--gold", GOLD_DIR) == 1
    assert "no layer in common: A predicts dates, B predicts entities" in capsys.readouterr().err


# --- an output never replaces an input: the extractor's Python file, any file of a built dataset ------------

def test_run_refuses_to_write_over_the_extractor_s_python_file(tmp_path, capsys):
    system = tmp_path / "my_sys.py"
    system.write_text("def extract(document):\n    return {'entities': []}\n", encoding="utf-8")
    before = system.read_bytes()
    for spec in (f"python:{system}:extract", f"{system}:extract"):
        assert cli("run", "--extractor", spec, "--gold", GOLD_DIR, "--output", system) == 1
        assert (f"error: --output {system} is the Python file of the extractor ({system}): an output never replaces "
                "an input; give --output another path. Nothing was written") in capsys.readouterr().err
    assert system.read_bytes() == before
    with pytest.raises(HarnessError, match="is the Python file of the extractor"):
        run(extractor=f"python:{system}:extract", gold=GOLD_DIR, markdown=system)
    assert system.read_bytes() == before


def test_no_output_lands_in_a_built_dataset_gold(tmp_path, capsys):
    import shutil

    gold = tmp_path / "gold"
    shutil.copytree(frnewsbench.dataset_path(), gold)
    card = (gold / "README.md").read_bytes()
    predictions = tmp_path / "p.jsonl"
    predictions.write_text('{"id": "frnb-000", "entities": []}\n', encoding="utf-8")
    for target in (gold / "README.md", gold / "data" / "ner" / "report.html", gold / "report.html"):
        assert cli("score", "--predictions", predictions, "--gold", gold, "--html", target) == 1
        assert (f"error: --html {target} is in the gold ({gold}, every file there is read as input): an output never "
                f"replaces an input; give --html a path outside {gold}. Nothing was written") in capsys.readouterr().err
    assert (gold / "README.md").read_bytes() == card
    assert not (gold / "report.html").exists() and not (gold / "data" / "ner" / "report.html").exists()


DICT_SYSTEM = """\
def extract(document):
    start = document.text.find("Paris")
    found = [] if start < 0 else [{"start": start, "end": start + 5, "label": "LOC"}]
    day = document.text.find("lundi")
    dates = [] if day < 0 else [{"start": day, "end": day + 5, "type": "DATE", "value": "2023-02-27"}]
    content = document.text.find("Nous voulons la paix")
    quotes = [] if content < 0 else [{"type": "direct", "content": {"start": content, "end": content + 20}}]
    return {"entities": found, "dates": dates, "quotes": quotes}
"""


def test_saved_predictions_of_a_dict_extractor_carry_no_empty_ids(tmp_path):
    system = tmp_path / "dict_system.py"
    system.write_text(DICT_SYSTEM, encoding="utf-8")
    saved = tmp_path / "p.jsonl"
    assert cli("run", "--extractor", f"python:{system}:extract", "--gold", GOLD_DIR, "--bootstrap-samples", 10,
               "--save-predictions", saved, "--output", tmp_path / "run.json") == 0
    records = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    t001 = next(record for record in records if record["id"] == "t-001")
    # the system gave no ids: none written (no "id": ""), the spans as given
    assert t001["entities"] == [{"start": 27, "end": 32, "text": "Paris", "label": "LOC", "entity_id": None,
                                 "canonical_name": None}]
    assert "id" not in t001["dates"][0] and "id" not in t001["quotes"][0]
    assert '"id": ""' not in saved.read_text(encoding="utf-8")
    # read back, the file scores as the run did
    assert cli("score", "--predictions", saved, "--gold", GOLD_DIR, "--bootstrap-samples", 10,
               "--output", tmp_path / "score.json") == 0
    ran, scored = (json.loads((tmp_path / name).read_text(encoding="utf-8")) for name in ("run.json", "score.json"))
    assert ran["evaluation"]["layers"] == scored["evaluation"]["layers"]
