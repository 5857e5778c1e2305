"""The score and run commands and their API, end to end on the small hand-made gold."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

import frnewsbench
from frnewsbench.api import HarnessError, build_extractor, load_gold, run, score
from frnewsbench.cli import main
from frnewsbench.corpus import corpus_hash, load_corpus
from frnewsbench.extractors.callable import CallableExtractor
from frnewsbench.extractors.command import CommandExtractor
from frnewsbench.extractors.file import FileExtractor
from frnewsbench.predictions import PredictionsError, read_predictions, write_predictions
from frnewsbench.schema import Entity, Prediction, gold_as_prediction

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"
GOLD = load_corpus(GOLD_DIR)
FIGURES = ("precision", "recall", "f1", "accuracy")


def figures(node, path=""):
    """Every (path, value) of a P/R/F1/accuracy figure in a result dict."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FIGURES and not isinstance(value, (dict, list)):
                yield f"{path}.{key}", value
            else:
                yield from figures(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from figures(value, f"{path}[{index}]")


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
    assert result["schema_version"] == "1.0"
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
    error = capsys.readouterr().err
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
    assert "neither a built dataset" in capsys.readouterr().err


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
    assert result["system"] == {"name": command, "versions": {"command": f"{sys.executable} {system}"}}
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


def test_load_gold_defaults_to_the_built_dataset(tmp_path, monkeypatch):
    from frnewsbench.build import build

    monkeypatch.chdir(tmp_path)
    with pytest.raises(HarnessError, match="dataset: neither a built dataset"):
        load_gold()
    (tmp_path / "annotations").mkdir()
    for path in GOLD_DIR.glob("*.json"):
        (tmp_path / "annotations" / path.name).write_bytes(path.read_bytes())
    assert [document.id for document in load_gold("annotations")] == ["t-001", "t-002"]
    build("annotations", "dataset", datasheet=None)
    assert load_gold() == load_gold("annotations")
