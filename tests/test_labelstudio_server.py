"""The Label Studio round trip against a real server (fixture ``label_studio_server`` in conftest.py).

Each test gets its own server, started from a copy of a data folder migrated once per session.
The tests drive the ``frnewsbench labelstudio push|pull`` commands and check the server's
side through ``label-studio-sdk`` directly.
"""

from __future__ import annotations

import json
import time

import pytest
from test_labelstudio_convert import document_a, document_b, snapshot, without_layers, write_corpus

from frnewsbench.cli import main
from frnewsbench.labelstudio import label_config
from frnewsbench.labelstudio.convert import documents_to_tasks, result_to_layers
from frnewsbench.labelstudio.server import connect, export_project
from frnewsbench.predictions import write_predictions
from frnewsbench.schema import Prediction

PROJECT = "frnewsbench round trip"


def _client(server):
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=server.url, api_key=server.token)


def _project(client):
    (project,) = [p for p in client.projects.list() if p.title == PROJECT]
    return client.projects.get(id=project.id)


@pytest.fixture
def corpora(tmp_path):
    documents = [document_a(), document_b()]
    gold = write_corpus(tmp_path / "gold", documents)
    blank = write_corpus(tmp_path / "blank", [without_layers(d) for d in documents])
    return documents, gold, blank


@pytest.mark.labelstudio
def test_gold_goes_through_label_studio_and_comes_back_exactly(tmp_path, label_studio_server, corpora, monkeypatch, capsys):
    server = label_studio_server
    print(f"Label Studio answered {server.startup_seconds:.1f} s after start (copied data folder)")
    documents, gold, blank = corpora
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    push = ["labelstudio", "push", "--project", PROJECT, "--url", server.url, "--annotations", str(gold)]
    assert main(push) == 0
    assert "(created)" in capsys.readouterr().out

    client = _client(server)
    project = _project(client)
    assert project.label_config.strip() == label_config().strip()
    tasks = list(client.tasks.list(project=project.id, fields="all"))
    assert sorted(task.data["doc_id"] for task in tasks) == ["doc-a", "doc-b"]
    sent = {task["data"]["doc_id"]: task["annotations"][0]["result"] for task in documents_to_tasks(documents)}
    for task in tasks:  # the server stores the result items as sent, adding no key
        (annotation,) = task.annotations
        assert annotation["result"] == sent[task.data["doc_id"]]
        assert annotation["ground_truth"] is False

    export = tmp_path / "export.json"
    pull = ["labelstudio", "pull", "--project", PROJECT, "--url", server.url, "--annotations", str(blank),
            "--save-export", str(export)]
    assert main(pull) == 0
    assert snapshot(blank) == snapshot(gold)  # every offset, label, value, quote part, id and name
    assert len(json.loads(export.read_text(encoding="utf-8"))) == 2

    assert main(push) == 0  # pushing again never duplicates a task
    assert "already there, unchanged: doc-a, doc-b" in capsys.readouterr().out
    assert len(list(client.tasks.list(project=project.id))) == 2


@pytest.mark.labelstudio
def test_predictions_are_pushed_as_preannotations_and_read_back(tmp_path, label_studio_server, corpora, monkeypatch):
    server = label_studio_server
    documents, gold, _ = corpora
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)

    def system_output(document, keep):
        entities = tuple(e.__class__(e.start, e.end, e.text, e.label) for e in document.entities[:keep])
        return Prediction(id=document.id, entities=entities, dates=document.dates[:keep], quotes=document.quotes[:keep])

    first = {d.id: system_output(d, 1) for d in documents}
    second = {d.id: system_output(d, 3) for d in documents}
    write_predictions(tmp_path / "v1.jsonl", first.values())
    write_predictions(tmp_path / "v2.jsonl", second.values())
    common = ["--project", PROJECT, "--url", server.url, "--annotations", str(gold)]
    assert main(["labelstudio", "push", *common, "--without-gold", "--predictions", str(tmp_path / "v1.jsonl"),
                 "--model-version", "test-system.v1"]) == 0
    # the tasks exist now: the second system's output is added to them
    assert main(["labelstudio", "push", *common, "--predictions", str(tmp_path / "v2.jsonl"),
                 "--model-version", "test-system.v2"]) == 0

    tasks = export_project(connect(server.url, token=server.token), title=PROJECT)
    assert len(tasks) == 2
    by_doc = {d.id: d for d in documents}
    for task in tasks:
        document = by_doc[task["data"]["doc_id"]]
        assert task["annotations"] == []  # pushed without gold, and the second push adds no gold
        versions = {p["model_version"]: p for p in task["predictions"]}
        assert sorted(versions) == ["test-system.v1", "test-system.v2"]
        for version, expected in (("test-system.v1", first), ("test-system.v2", second)):
            layers, problems = result_to_layers(document.text, versions[version]["result"], source="export",
                                                where=task["data"]["doc_id"], complete=False)
            assert problems == []
            read = Prediction(id=document.id, entities=layers.entities, dates=layers.dates, quotes=layers.quotes)
            assert read == expected[document.id]


@pytest.mark.labelstudio
@pytest.mark.slow
def test_the_readme_workflow_pushes_the_combined_baseline_as_preannotations(tmp_path, label_studio_server, corpora,
                                                                            monkeypatch, capsys):
    """README, adding an article: `labelstudio push --document ID --extractor combined-baseline.v3`
    on an article without annotations; the server gives the baseline's output back as predictions."""
    from frnewsbench.api import predict
    from frnewsbench.extractors import get_extractor

    server = label_studio_server
    documents, _, blank = corpora
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    assert main(["labelstudio", "push", "--project", PROJECT, "--url", server.url, "--annotations", str(blank),
                 "--document", "doc-a", "--extractor", "combined-baseline.v3"]) == 0
    assert "new tasks: doc-a" in capsys.readouterr().out

    (task,) = export_project(connect(server.url, token=server.token), title=PROJECT)
    assert task["data"]["doc_id"] == "doc-a" and task["annotations"] == []  # nothing to annotate from yet
    (prediction,) = task["predictions"]
    assert prediction["model_version"].startswith("combined-baseline.v3 (")
    document = documents[0]
    layers, problems = result_to_layers(document.text, prediction["result"], source="export", where="doc-a",
                                        complete=False)
    assert problems == []
    # the baseline run here, on the same article, gives the same spans back
    expected = predict(get_extractor("combined-baseline.v3"), [without_layers(document)])["doc-a"]
    assert Prediction(id="doc-a", entities=layers.entities, dates=layers.dates, quotes=layers.quotes) == expected
    assert expected.entities and expected.dates and expected.quotes  # every layer is pre-annotated


@pytest.mark.labelstudio
def test_two_annotators_latest_or_starred_annotation_becomes_gold(tmp_path, label_studio_server, corpora, monkeypatch, capsys):
    server = label_studio_server
    documents, gold, blank = corpora
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    assert main(["labelstudio", "push", "--project", PROJECT, "--url", server.url, "--annotations", str(gold),
                 "--document", "doc-b"]) == 0
    client = _client(server)
    project = _project(client)
    (task,) = list(client.tasks.list(project=project.id, fields="all"))
    (gold_annotation,) = task.annotations
    # a second annotator: the same work without "Pékin" (region e3)
    result = [item for item in gold_annotation["result"] if item.get("id") != "e3"]
    second = client.annotations.create(id=task.id, result=result, ground_truth=False)

    pull = ["labelstudio", "pull", "--project", PROJECT, "--url", server.url, "--annotations", str(blank)]
    capsys.readouterr()
    assert main(pull) == 0
    out = capsys.readouterr().out
    assert f"annotation {second.id} (the most recently updated of 2 (none marked as ground truth))" in out
    # entities 3 vs 4 spans, all 3 shared: F1 = 2 * 1 * 0.75 / 1.75 = 0.857; no dates; the quote agrees
    assert f"agreement annotation {second.id} vs annotation {gold_annotation['id']}: entities 0.857, dates n/a, quotes 1.000" in out
    pulled = json.loads((blank / "doc-b.json").read_text(encoding="utf-8"))
    assert [e["text"] for e in pulled["entities"]] == ["Xi Jinping", "Alexandre Loukachenko", "Xi"]

    client.annotations.update(id=gold_annotation["id"], ground_truth=True)
    assert main(pull) == 0
    assert "(marked as ground truth)" in capsys.readouterr().out
    assert (blank / "doc-b.json").read_bytes() == (gold / "doc-b.json").read_bytes()


@pytest.mark.labelstudio
def test_a_refused_token_is_a_clear_error_and_nothing_is_written(tmp_path, label_studio_server, corpora, monkeypatch, capsys):
    _, gold, blank = corpora
    before = snapshot(blank)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "not-the-token")
    assert main(["labelstudio", "pull", "--project", PROJECT, "--url", label_studio_server.url,
                 "--annotations", str(blank)]) == 1
    assert "refused the token" in capsys.readouterr().err
    assert snapshot(blank) == before


@pytest.mark.labelstudio
def test_the_whole_dataset_round_trips_through_label_studio(tmp_path, label_studio_server, monkeypatch, capsys):
    from conftest_paths import ANNOTATIONS

    from frnewsbench.gold import load_corpus

    documents = load_corpus(ANNOTATIONS)
    blank = write_corpus(tmp_path / "blank", [without_layers(d) for d in documents])
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio_server.token)
    common = ["--project", "frnewsbench", "--url", label_studio_server.url]
    started = time.monotonic()
    assert main(["labelstudio", "push", *common, "--annotations", str(ANNOTATIONS)]) == 0
    assert main(["labelstudio", "pull", *common, "--annotations", str(blank)]) == 0
    with capsys.disabled():
        print(f"\nwhole dataset ({len(documents)} documents) pushed and pulled in {time.monotonic() - started:.1f} s")
    assert snapshot(blank) == {path.name: path.read_bytes() for path in sorted(ANNOTATIONS.glob("*.json"))}


def test_server_tests_skip_only_outside_ci_when_label_studio_is_missing(monkeypatch):
    import importlib.util

    from conftest import require_label_studio

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *rest: None if name == "label_studio" else find_spec(name, *rest))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_label_studio()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set, so this test fails instead of skipping"):
        require_label_studio()
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    require_label_studio()  # installed: neither skip nor fail


def test_no_server_and_no_token_are_clear_errors(tmp_path, corpora, monkeypatch, capsys):
    _, gold, blank = corpora
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    pull = ["labelstudio", "pull", "--project", PROJECT, "--url", "http://127.0.0.1:9", "--annotations", str(blank)]
    assert main(pull) == 1
    assert "set LABEL_STUDIO_API_KEY" in capsys.readouterr().err
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "some-token")
    assert main(pull) == 1
    assert "cannot reach Label Studio at http://127.0.0.1:9" in capsys.readouterr().err
