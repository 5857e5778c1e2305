"""`frnewsbench labelstudio serve-model`: a Label Studio ML backend answering with a system's predictions.

The protocol is checked over HTTP against the backend alone, then end to end: a real Label
Studio server (fixture ``label_studio_server``) connected to the backend run by the CLI asks
it for predictions when a task is opened, and stores them with the system's model_version and
the offsets the system gave.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from test_labelstudio_browser import EXPECTED, TEXT, LabelingPage, browser  # noqa: F401 (browser: a fixture)
from conftest import LABEL_STUDIO_PASSWORD, LABEL_STUDIO_USER
from test_labelstudio_convert import TEXT_A, document_a, document_b, make_document, without_layers, write_corpus

from frnewsbench.api import build_extractor, predict
from frnewsbench.cli import main
from frnewsbench.corpus import write_document
from frnewsbench.labelstudio import label_config
from frnewsbench.labelstudio.convert import document_to_task, model_version, prediction_to_ls, result_to_layers
from frnewsbench.labelstudio.ml_backend import PredictionService, serve
from frnewsbench.schema import Entity, Prediction, TimeExpression

GAZETTEER = "python:test_labelstudio_ml_backend:gazetteer_system"
GAZETTEER_VERSION = "test_labelstudio_ml_backend:gazetteer_system (callable test_labelstudio_ml_backend:gazetteer_system)"
PLACES = ("Côte d’Ivoire", "Ukraine", "Chine", "Pékin")
DAYS = {"28 février": "2023-02-28", "2 mars": "2023-03-02"}


def gazetteer_system(document) -> Prediction:
    """A system for ``python:`` specs: every occurrence of a few place names and days, found by ``str.find``."""
    entities, dates = [], []
    for place in PLACES:
        start = document.text.find(place)
        while start != -1:
            entities.append(Entity(start, start + len(place), place, "LOC"))
            start = document.text.find(place, start + 1)
    for day, value in DAYS.items():
        start = document.text.find(day)
        while start != -1:
            dates.append(TimeExpression(start, start + len(day), day, "DATE", value))
            start = document.text.find(day, start + 1)
    return Prediction(id=document.id, entities=tuple(sorted(entities)), dates=tuple(sorted(dates)), quotes=())


def crashing_system(document) -> Prediction:
    raise RuntimeError("the model file is missing")


class ForgetfulSystem:
    """A batch system that forgets to answer for the documents it is given."""

    name, layers = "forgetful.v1", ("entities",)

    def versions(self) -> dict[str, str]:
        return {}

    def extract(self, document) -> Prediction:
        return Prediction(id=document.id, entities=())

    def extract_many(self, documents, progress=None) -> dict[str, Prediction]:
        return {}


def _task(document, task_id: int) -> dict:
    """A task as Label Studio sends it to a backend: its id, project and the data pushed."""
    return {"id": task_id, "project": 1, "data": document_to_task(document, with_gold=False)["data"]}


class Backend:
    """The backend served in a thread of the test, on a free port."""

    def __init__(self, spec: str):
        self.server = serve(PredictionService(build_extractor(spec)), "127.0.0.1", 0, log=lambda line: None)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def call(self, method: str, path: str, body=None, *, raw: bytes | None = None) -> tuple[int, dict]:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode("utf-8"))
        request = urllib.request.Request(self.server.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def backend():
    running = Backend(GAZETTEER)
    yield running
    running.stop()


def test_health_and_setup_give_the_systems_model_version(backend):
    assert backend.call("GET", "/health") == (200, {"status": "UP", "model_class": "frnewsbench",
                                                     "model_version": GAZETTEER_VERSION})
    assert backend.call("POST", "/setup", {"project": "1.1700000000", "schema": label_config(), "hostname": "",
                                           "access_token": "", "extra_params": None}) == \
        (200, {"model_version": GAZETTEER_VERSION})
    assert backend.call("GET", "/versions") == (200, {"versions": [GAZETTEER_VERSION]})


def test_predict_answers_one_prediction_per_task_in_order_with_code_point_offsets(backend):
    live, a = make_document("doc-live", TEXT), without_layers(document_a())
    status, body = backend.call("POST", "/predict", {"tasks": [_task(live, 7), _task(a, 3)], "project": "1.1700000000",
                                                     "label_config": label_config(), "params": {}})
    assert status == 200 and body["model_version"] == GAZETTEER_VERSION
    first, second = body["results"]
    assert first["model_version"] == second["model_version"] == GAZETTEER_VERSION
    labels = [(item["value"]["start"], item["value"]["end"], item["value"]["text"])
              for item in first["result"] if item["type"] == "labels"]
    # offsets counted by hand (test_labelstudio_browser.EXPECTED): after 𝕏, code points, not UTF-16 units
    assert labels == [(*EXPECTED["Côte d’Ivoire"], "Côte d’Ivoire"), (*EXPECTED["28 février"], "28 février")]
    # the same items as the converter `labelstudio push` uses, on the system's own output
    expected = predict(build_extractor(GAZETTEER), [live, a])
    for document, result in ((live, first), (a, second)):
        assert result == {**prediction_to_ls(document, expected[document.id], model_version=GAZETTEER_VERSION),
                          "score": None}
    ukraine = TEXT_A.index("l’Ukraine") + 2  # after the elision
    assert [item["value"]["start"] for item in second["result"] if item["value"]["text"] == "Ukraine"] == [ukraine]
    layers, problems = result_to_layers(TEXT_A, second["result"], source="backend", where="doc-a", complete=False)
    assert problems == [] and layers.entities == expected["doc-a"].entities and layers.dates == expected["doc-a"].dates


def test_two_tasks_of_one_article_each_get_the_prediction(backend):
    live = make_document("doc-live", TEXT)
    status, body = backend.call("POST", "/predict", {"tasks": [_task(live, 1), _task(live, 2)]})
    assert status == 200 and len(body["results"]) == 2 and body["results"][0] == body["results"][1]


@pytest.mark.parametrize("mutation, message", [
    (lambda task: task["data"].pop("dct"), "task 5: expected data.dct, the document creation date YYYY-MM-DD"),
    (lambda task: task["data"].update(dct="25/02/2023"), "found '25/02/2023'"),
    (lambda task: task["data"].pop("text"), "task 5: expected data.text, the article's text; found None"),
])
def test_a_task_the_backend_cannot_read_is_a_clear_400(backend, mutation, message):
    task = _task(make_document("doc-live", TEXT), 5)
    mutation(task)
    status, body = backend.call("POST", "/predict", {"tasks": [task]})
    assert status == 400 and message in body["error"]
    assert "frnewsbench labelstudio push" in body["error"]


def test_another_labeling_config_is_refused_at_setup_and_predict(backend):
    other = "<View><Text name='text' value='$text'/><Labels name='label' toName='text'><Label value='PER'/></Labels></View>"
    for path, key in (("/setup", "schema"), ("/predict", "label_config")):
        body = {key: other, "tasks": [_task(make_document("doc-live", TEXT), 1)]}
        status, answer = backend.call("POST", path, body)
        assert status == 400 and "the project's labeling config is not frnewsbench's" in answer["error"]


def test_bad_requests_are_answered_with_their_reason(backend):
    assert backend.call("POST", "/predict", raw=b"{not json")[0] == 400
    status, body = backend.call("POST", "/predict", {"tasks": []})
    assert status == 400 and "expected a non-empty list of tasks" in body["error"]
    status, body = backend.call("POST", "/train", {})
    assert status == 404 and "/setup, /predict and /webhook" in body["error"]
    assert backend.call("POST", "/webhook", {"action": "ANNOTATION_CREATED"}) == (200, {})
    assert backend.call("GET", "/metrics")[0] == 404


def test_a_failing_system_is_a_500_naming_the_system_and_the_document():
    running = Backend("python:test_labelstudio_ml_backend:crashing_system")
    try:
        status, body = running.call("POST", "/predict", {"tasks": [_task(make_document("doc-live", TEXT), 1)]})
    finally:
        running.stop()
    assert status == 500
    assert "crashing_system failed on document 'doc-live': RuntimeError: the model file is missing" in body["error"]


def test_a_system_that_answers_for_no_document_is_a_500_not_an_empty_prediction():
    running = Backend("python:test_labelstudio_ml_backend:ForgetfulSystem")
    try:
        status, body = running.call("POST", "/predict", {"tasks": [_task(make_document("doc-live", TEXT), 1)]})
    finally:
        running.stop()
    assert status == 500 and "forgetful.v1 returned no prediction for 'doc-live'" in body["error"]


def test_serve_model_refuses_what_it_cannot_serve(capsys):
    assert main(["labelstudio", "serve-model", "--extractor", "file:predictions.jsonl"]) == 1
    assert "a predictions file cannot predict on new tasks" in capsys.readouterr().err
    assert main(["labelstudio", "serve-model", "--extractor", "no-such-system.v1"]) == 1
    assert "no-such-system.v1" in capsys.readouterr().err
    taken = Backend(GAZETTEER)
    try:
        port = taken.server.server_address[1]
        assert main(["labelstudio", "serve-model", "--extractor", GAZETTEER, "--port", str(port)]) == 1
        assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
    finally:
        taken.stop()


# ---------------------------------------------------------------- through a real Label Studio server


def _start_cli_backend(spec: str, log: Path) -> tuple[subprocess.Popen, str]:
    """`frnewsbench labelstudio serve-model --extractor SPEC --port 0`, as a person runs it; its URL."""
    tests = str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    process = subprocess.Popen([sys.executable, "-m", "frnewsbench.cli", "labelstudio", "serve-model", "--extractor", spec,
                                "--port", "0"], stdout=subprocess.PIPE, stderr=open(log, "wb"), env=env, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1.0)
        if ready:
            line = process.stdout.readline()
            found = re.search(r" at (http://127\.0\.0\.1:\d+) ", line)
            if found:
                return process, found.group(1)
            if not line:
                break
    process.kill()
    pytest.fail(f"serve-model printed no URL; its log:\n{log.read_text(encoding='utf-8', errors='replace')}")
    raise AssertionError  # unreachable


@pytest.mark.labelstudio
def test_label_studio_asks_the_served_model_when_a_task_is_opened(tmp_path, label_studio_server, monkeypatch):
    from label_studio_sdk import LabelStudio

    server = label_studio_server
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    live, b = make_document("doc-live", TEXT), without_layers(document_b())
    folder = write_corpus(tmp_path / "annotations", [live, b])
    project_title = "frnewsbench live pre-annotation"
    assert main(["labelstudio", "push", "--project", project_title, "--url", server.url, "--annotations", str(folder)]) == 0
    client = LabelStudio(base_url=server.url, api_key=server.token)
    (project,) = [p for p in client.projects.list() if p.title == project_title]
    tasks = {task.data["doc_id"]: task.id for task in client.tasks.list(project=project.id)}

    process, url = _start_cli_backend(GAZETTEER, tmp_path / "serve-model.log")
    try:
        connected = client.ml.create(project=project.id, url=url, title="gazetteer")
        assert connected.state == "CO" and connected.model_version == GAZETTEER_VERSION  # asked /health and /setup
        opened = {doc_id: client.tasks.get(id=task_id) for doc_id, task_id in tasks.items()}  # as the page opens them
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    assert process.stdout.read().splitlines()[-1] == "stopped"  # SIGTERM stops it as Ctrl-C does
    log = (tmp_path / "serve-model.log").read_text(encoding="utf-8")
    assert log.count('"POST /predict HTTP/1.1" 200') == 2, log

    expected = predict(build_extractor(GAZETTEER), [live, b])
    for doc_id, document in (("doc-live", live), ("doc-b", b)):
        (prediction,) = opened[doc_id].predictions
        assert prediction.model_version == GAZETTEER_VERSION == model_version(
            "test_labelstudio_ml_backend:gazetteer_system",
            {"callable": "test_labelstudio_ml_backend:gazetteer_system"})
        layers, problems = result_to_layers(document.text, prediction.result, source="Label Studio", where=doc_id,
                                            complete=False)
        assert problems == []
        assert Prediction(id=doc_id, entities=layers.entities, dates=layers.dates, quotes=()) == \
            Prediction(id=doc_id, entities=expected[doc_id].entities, dates=expected[doc_id].dates, quotes=())
    spans = [(item["value"]["start"], item["value"]["end"]) for item in opened["doc-live"].predictions[0].result
             if item["type"] == "labels"]
    assert spans == [EXPECTED["Côte d’Ivoire"], EXPECTED["28 février"]]
    assert [e.text for e in expected["doc-b"].entities] == ["Pékin"]


@pytest.mark.labelstudio
@pytest.mark.browser
def test_the_page_opens_prefilled_by_the_served_model_and_the_work_comes_back(tmp_path, label_studio_server, browser,
                                                                             monkeypatch, capsys):
    """The whole loop: open a task in the web page, the backend pre-fills it, the annotator completes
    the entity's fields and submits, `pull` writes the served spans with their offsets."""
    from label_studio_sdk import LabelStudio
    from test_labelstudio_browser import _wait_for
    from test_labelstudio_convert import snapshot

    server = label_studio_server
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    live = make_document("doc-live", TEXT)
    folder = write_corpus(tmp_path / "annotations", [live, document_b()])
    project_title = "frnewsbench live pre-annotation in the page"
    assert main(["labelstudio", "push", "--project", project_title, "--url", server.url, "--annotations", str(folder)]) == 0
    before = snapshot(folder)
    client = LabelStudio(base_url=server.url, api_key=server.token)
    (project,) = [p for p in client.projects.list() if p.title == project_title]
    tasks = {task.data["doc_id"]: task.id for task in client.tasks.list(project=project.id)}

    process, url = _start_cli_backend(GAZETTEER, tmp_path / "serve-model.log")
    try:
        client.ml.create(project=project.id, url=url, title="gazetteer")
        page = LabelingPage(browser, server.url, TEXT)
        page.log_in(LABEL_STUDIO_USER, LABEL_STUDIO_PASSWORD)
        page.open_task(project.id, tasks["doc-live"])
        country = page.highlight(*EXPECTED["Côte d’Ivoire"])  # drawn from the served prediction
        page.highlight(*EXPECTED["28 février"])
        country.click()
        page.type_into("entity_id", "cote_d_ivoire")
        page.type_into("canonical_name", "Côte d’Ivoire")
        page.unselect()
        page.press("Submit current annotation")
        _wait_for("the submitted annotation", lambda: client.tasks.get(id=tasks["doc-live"]).annotations)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    assert '"POST /predict HTTP/1.1" 200' in (tmp_path / "serve-model.log").read_text(encoding="utf-8")

    capsys.readouterr()
    assert main(["labelstudio", "pull", "--project", project_title, "--url", server.url,
                 "--annotations", str(folder)]) == 0
    assert "entities +1 -0, dates +1 -0, quotes +0 -0" in capsys.readouterr().out
    expected = make_document("doc-live", TEXT, entities=[
        Entity(*EXPECTED["Côte d’Ivoire"], "Côte d’Ivoire", "LOC", "cote_d_ivoire", "Côte d’Ivoire"),
    ], dates=[TimeExpression(*EXPECTED["28 février"], "28 février", "DATE", "2023-02-28")])
    write_document(expected, tmp_path / "expected.json")
    after = snapshot(folder)
    assert after["doc-live.json"] == (tmp_path / "expected.json").read_bytes()
    assert {k: v for k, v in after.items() if k != "doc-live.json"} == {k: v for k, v in before.items() if k != "doc-live.json"}
