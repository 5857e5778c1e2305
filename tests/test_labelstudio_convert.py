"""The Label Studio round trip on files, no server: config, export, import, edge cases, bad input.

Every document here is built in the test with offsets found by ``str.index`` (helpers.find).
A Label Studio export is simulated from our tasks the way the server returns them (task and
annotation ids, timestamps); tests/test_labelstudio_server.py checks that the real server does.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import find, span
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from frnewsbench.cli import main
from frnewsbench.corpus import document_to_dict, write_document
from frnewsbench.labelstudio import CONFIG_PATH, label_config
from frnewsbench.labelstudio.convert import (
    CHOICE_FIELDS, LABEL_CONTROLS, RELATION_LABELS, TEXTAREA_FIELDS, documents_to_tasks, model_version,
    result_to_layers,
)
from frnewsbench.labelstudio.importer import (
    AnnotationChoiceError, choose_annotation, import_export, parse_timestamp, plan_import,
)
from frnewsbench.schema import Document, Entity, Prediction, Quote, Span, TimeExpression, sha256_text
from frnewsbench.validate import ValidationError, validate_files

NBSP, NNBSP = "\u00a0", "\u202f"

# Edge cases in one text: elision with a curly apostrophe (l’Ukraine, d’État), non-breaking
# spaces before » and before :, a speaker inside its cue (a-t-il dit / il), a speaker shared by
# two quotes, a quote without cue, a quote without speaker, and an astral character (𝕏) that
# takes one code point in Python but two UTF-16 units.
TEXT_A = (
    "Le président biélorusse Alexandre Loukachenko se rendra en Chine du 28 février au 2 mars.\n"
    f"« Sur l’invitation du président chinois Xi Jinping, il effectuera une visite d’État{NBSP}», "
    "a déclaré la porte-parole Hua Chunying.\n"
    f"l’Ukraine doit négocier, a-t-il dit aujourd’hui{NNBSP}: « Nous sommes prêts{NBSP}». « Rien n’est joué{NBSP}».\n"
    "Des rumeurs ont couru pendant trois jours, fin février, sur 𝕏 : « une visite secrète »."
)
TEXT_B = "Xi Jinping a reçu Alexandre Loukachenko à Pékin.\n« Nous sommes d’accord », a dit M. Xi."


def entity(text: str, needle: str, label: str, entity_id: str, name: str, occurrence: int = 1) -> Entity:
    start, end = find(text, needle, occurrence)
    return Entity(start, end, needle, label, entity_id, name)


def timex(text: str, needle: str, kind: str, value: str, mod: str | None = None) -> TimeExpression:
    start, end = find(text, needle)
    return TimeExpression(start, end, needle, kind, value, mod)


def numbered(document: Document) -> Document:
    """Ids e1.., t1.., q1.. in offset order, as the annotation files number them."""
    entities = tuple(replace(e, id=f"e{n}") for n, e in enumerate(sorted(document.entities), 1))
    dates = tuple(replace(t, id=f"t{n}") for n, t in enumerate(sorted(document.dates), 1))
    quotes = tuple(replace(q, id=f"q{n}") for n, q in enumerate(sorted(document.quotes, key=lambda q: (q.start, q.end)), 1))
    return replace(document, entities=entities, dates=dates, quotes=quotes)


def make_document(doc_id: str, text: str, entities=(), dates=(), quotes=()) -> Document:
    return numbered(Document(
        id=doc_id, title=None, text=text, language="fr", source="AFP", dct="2023-02-25", dct_evidence="test",
        seed_file=f"{doc_id}.txt", text_sha256=sha256_text(text), seed_segments=((0, 0, len(text)),),
        entities=tuple(entities), dates=tuple(dates), quotes=tuple(quotes),
    ))


def document_a() -> Document:
    t = TEXT_A
    il = span(t, "il", 2)  # the "il" of "a-t-il dit"
    assert t[il.start - 2:il.end + 4] == "t-il dit"
    return make_document("doc-a", t, entities=[
        entity(t, "Alexandre Loukachenko", "PER", "alexandre_loukachenko", "Alexandre Loukachenko"),
        entity(t, "Chine", "LOC", "chine", "Chine"),
        entity(t, "Xi Jinping", "PER", "xi_jinping", "Xi Jinping"),
        entity(t, "Hua Chunying", "PER", "hua_chunying", "Hua Chunying"),
        entity(t, "Ukraine", "LOC", "ukraine", "Ukraine"),
        entity(t, "𝕏", "ORG", "x_corp", "X"),
    ], dates=[
        timex(t, "28 février", "DATE", "2023-02-28"),
        timex(t, "2 mars", "DATE", "2023-03-02"),
        timex(t, "aujourd’hui", "DATE", "2023-02-25"),
        timex(t, "trois jours", "DURATION", "P3D"),
        timex(t, "fin février", "DATE", "2023-02", "END"),
    ], quotes=[
        Quote(span(t, "Sur l’invitation du président chinois Xi Jinping, il effectuera une visite d’État"), "direct",
              speaker=span(t, "la porte-parole Hua Chunying"), speaker_entity_id="hua_chunying", cue=span(t, "a déclaré")),
        Quote(span(t, "l’Ukraine doit négocier"), "indirect", speaker=il, speaker_entity_id="alexandre_loukachenko",
              cue=span(t, "a-t-il dit")),
        Quote(span(t, "Nous sommes prêts"), "direct", speaker=il, speaker_entity_id="alexandre_loukachenko"),
        Quote(span(t, "Rien n’est joué"), "direct", speaker=il, speaker_entity_id="alexandre_loukachenko"),
        Quote(span(t, "une visite secrète"), "direct", speaker=None, speaker_entity_id=None, cue=None),
    ])


def document_b() -> Document:
    t = TEXT_B
    return make_document("doc-b", t, entities=[
        entity(t, "Xi Jinping", "PER", "xi_jinping", "Xi Jinping"),
        entity(t, "Alexandre Loukachenko", "PER", "alexandre_loukachenko", "Alexandre Loukachenko"),
        entity(t, "Pékin", "LOC", "pekin", "Pékin"),
        entity(t, "Xi", "PER", "xi_jinping", "Xi Jinping", occurrence=2),
    ], quotes=[
        Quote(span(t, "Nous sommes d’accord"), "direct", speaker=span(t, "M. Xi"), speaker_entity_id="xi_jinping",
              cue=span(t, "a dit")),
    ])


def without_layers(document: Document) -> Document:
    return replace(document, entities=(), dates=(), quotes=())


def write_corpus(directory: Path, documents) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for document in documents:
        write_document(document, directory / f"{document.id}.json")
    return directory


def as_export(tasks: list[dict], *, first_id: int = 100) -> list[dict]:
    """Tasks as Label Studio exports them: ids, timestamps, flags (the result untouched)."""
    exported = []
    for index, task in enumerate(copy.deepcopy(tasks)):
        task_id = first_id + index
        annotations = [
            {"id": task_id * 10 + n, "completed_by": 1, "result": a["result"], "was_cancelled": False,
             "ground_truth": a.get("ground_truth", False), "created_at": "2023-03-01T10:00:00.000000Z",
             "updated_at": f"2023-03-01T10:0{n}:00.000000Z", "task": task_id}
            for n, a in enumerate(task.get("annotations", []))
        ]
        exported.append({"id": task_id, "data": task["data"], "annotations": annotations,
                         "predictions": task.get("predictions", []), "meta": {}})
    return exported


def write_export(path: Path, tasks: list[dict]) -> Path:
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def region_items(task: dict, region_id: str) -> list[dict]:
    return [item for item in task["annotations"][0]["result"] if item.get("id") == region_id]


@pytest.fixture
def corpus(tmp_path) -> tuple[list[Document], Path]:
    documents = [document_a(), document_b()]
    return documents, write_corpus(tmp_path / "gold", documents)


@pytest.fixture
def blank(tmp_path, corpus) -> Path:
    """The same articles with no annotation yet: where an import must rebuild the gold."""
    documents, _ = corpus
    return write_corpus(tmp_path / "blank", [without_layers(d) for d in documents])


# ---------------------------------------------------------------- the labeling config


def test_config_declares_exactly_the_controls_the_converter_reads():
    root = ET.parse(CONFIG_PATH).getroot()
    labels = {node.get("name"): tuple(label.get("value") for label in node.iter("Label")) for node in root.iter("Labels")}
    assert labels == LABEL_CONTROLS
    assert all(node.get("toName") == "text" for node in root.iter("Labels"))
    textareas = {node.get("name"): node.attrib for node in root.iter("TextArea")}
    assert set(textareas) == set(TEXTAREA_FIELDS)
    assert all(attrs.get("perRegion") == "true" and attrs.get("maxSubmissions") == "1" for attrs in textareas.values())
    choices = {node.get("name"): tuple(c.get("value") for c in node.iter("Choice")) for node in root.iter("Choices")}
    assert choices == {name: allowed for name, (_, allowed) in CHOICE_FIELDS.items()}
    assert tuple(node.get("value") for node in root.iter("Relation")) == RELATION_LABELS
    assert [(node.get("name"), node.get("value")) for node in root.iter("Text")] == [("text", "$text")]


def test_every_exported_result_passes_label_studios_own_validator(corpus):
    from label_studio_sdk.label_interface import LabelInterface

    interface = LabelInterface(label_config())
    documents, _ = corpus
    prediction = Prediction(id="doc-a", entities=tuple(replace(e, entity_id=None, canonical_name=None)
                                                       for e in documents[0].entities), dates=documents[0].dates)
    tasks = documents_to_tasks(documents, predictions={"doc-a": [(prediction, "test-system.v1")]})
    results = [a["result"] for t in tasks for a in t["annotations"]] + [p["result"] for p in tasks[0]["predictions"]]
    assert len(results) == 3
    for result in results:
        assert interface.validate_prediction({"result": result}, return_errors=True) == []
    broken = copy.deepcopy(results[0])
    broken[0]["value"]["labels"] = ["PERSON"]
    assert interface.validate_prediction({"result": broken}, return_errors=True) != []


# ---------------------------------------------------------------- export


def test_export_draws_every_layer_as_regions_fields_and_relations(corpus):
    documents, _ = corpus
    task = documents_to_tasks(documents)[0]
    result = task["annotations"][0]["result"]
    assert task["data"]["text"] == TEXT_A and task["data"]["doc_id"] == "doc-a" and task["data"]["dct"] == "2023-02-25"
    assert task["annotations"][0]["ground_truth"] is False
    regions = {item["id"] for item in result if item["type"] == "labels"}
    # 6 entities + 5 dates + 5 quotes + 2 speaker regions (one shared by 3 quotes) + 2 cues
    assert len(regions) == 6 + 5 + 5 + 2 + 2
    relations = [item for item in result if item["type"] == "relation"]
    assert sorted((r["from_id"], r["to_id"], r["labels"][0]) for r in relations) == [
        ("q1", "q1-cue", "cue"), ("q1", "q1-speaker", "speaker"),
        ("q2", "q2-cue", "cue"), ("q2", "q2-speaker", "speaker"),
        ("q3", "q2-speaker", "speaker"), ("q4", "q2-speaker", "speaker"),
    ]
    q5 = region_items(task, "q5")
    assert {item["from_name"] for item in q5} == {"quote", "quote_type"}  # no speaker entity id: no field
    mod = [item for item in region_items(task, "t5") if item["from_name"] == "timex_mod"]
    assert mod[0]["value"]["choices"] == ["END"]


def test_export_offsets_are_python_code_points(corpus):
    documents, _ = corpus
    task = documents_to_tasks(documents)[0]
    x = region_items(task, "e6")[0]["value"]
    start = TEXT_A.index("𝕏")
    assert (x["start"], x["end"], x["text"]) == (start, start + 1, "𝕏")
    assert len("𝕏".encode("utf-16-le")) // 2 == 2  # Label Studio must not count UTF-16 units: it does not


def test_predictions_become_preannotations_with_model_version(corpus):
    documents, _ = corpus
    prediction = Prediction(id="doc-b", entities=(replace(documents[1].entities[0], entity_id=None, canonical_name=None),),
                            dates=None, quotes=())
    version = model_version("combined-baseline.v2", {"spacy": "3.8.7", "frnewsbench": "0.1.0"})
    assert version == "combined-baseline.v2 (frnewsbench 0.1.0, spacy 3.8.7)"
    task = documents_to_tasks(documents, with_gold=False, predictions={"doc-b": [(prediction, version)]})[1]
    assert "annotations" not in task
    (ls_prediction,) = task["predictions"]
    assert ls_prediction["model_version"] == version
    assert ls_prediction["result"] == [{
        "id": "e1", "type": "labels", "from_name": "entity", "to_name": "text",
        "value": {"start": 0, "end": 10, "text": "Xi Jinping", "labels": ["PER"]},
    }]
    layers, problems = result_to_layers(TEXT_B, ls_prediction["result"], source="x", where="p", complete=False)
    assert problems == [] and layers.entities == prediction.entities


def test_a_document_without_spans_is_exported_without_annotation(tmp_path, corpus):
    documents, _ = corpus
    (task,) = documents_to_tasks([without_layers(documents[0])])
    assert "annotations" not in task and task["data"]["text"] == TEXT_A


# ---------------------------------------------------------------- lossless round trip


def test_file_round_trip_gives_back_exactly_the_gold(tmp_path, corpus, blank):
    documents, gold_dir = corpus
    tasks_file = tmp_path / "tasks.json"
    assert main(["labelstudio", "export", "--annotations", str(gold_dir), "--output", str(tasks_file)]) == 0
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    export = write_export(tmp_path / "export.json", as_export(tasks))
    assert main(["labelstudio", "import", str(export), "--annotations", str(blank)]) == 0
    assert snapshot(blank) == snapshot(gold_dir)  # byte for byte: offsets, labels, values, ids, order


def test_round_trip_keeps_the_text_intact_nbsp_and_curly_apostrophes(tmp_path, corpus):
    documents, gold_dir = corpus
    tasks_file = tmp_path / "tasks.json"
    main(["labelstudio", "export", "--annotations", str(gold_dir), "--output", str(tasks_file)])
    raw = tasks_file.read_text(encoding="utf-8")
    assert f"d’État{NBSP}»" in raw and f"aujourd’hui{NNBSP}:" in raw and "\\u00a0" not in raw
    assert json.loads(raw)[0]["data"]["text"] == TEXT_A


def test_regions_drawn_in_label_studio_get_new_ids_and_are_sorted(tmp_path, corpus, blank):
    documents, _ = corpus
    (task,) = documents_to_tasks([documents[1]])
    result = task["annotations"][0]["result"]
    for item in result:  # ids as the editor makes them
        for key in ("id", "from_id", "to_id"):
            if key in item:
                item[key] = {"e1": "Zx8_k2", "e4": "e1"}.get(item[key], item[key])
    result.reverse()
    plan = plan_import(as_export([task]), annotations_dir=blank)
    entities = plan.documents[0].document.entities
    assert [(e.id, e.text) for e in entities] == [("e4", "Xi Jinping"), ("e2", "Alexandre Loukachenko"),
                                                  ("e3", "Pékin"), ("e1", "Xi")]
    assert entities == documents[1].entities  # ids aside, the same spans in the same order


# ---------------------------------------------------------------- one test per Label Studio edge case


def _import_single_region(tmp_path, blank, document, region_id, start, end, *, trim_spaces=False):
    """Export ``document``, move region ``region_id`` to [start, end) as an editor would, import."""
    (task,) = documents_to_tasks([document])
    for item in region_items(task, region_id):
        item["value"].update(start=start, end=end)
        if item["type"] != "textarea":
            item["value"]["text"] = document.text[start:end]
    export = write_export(tmp_path / "export.json", as_export([task]))
    return import_export(export, annotations_dir=blank, trim_spaces=trim_spaces)


def test_edge_spaces_at_span_edges_are_reported_not_guessed(tmp_path, corpus, blank):
    documents, _ = corpus
    before = snapshot(blank)
    start, end = find(TEXT_B, "Alexandre Loukachenko ")  # a double click that took the space after the word
    with pytest.raises(ValidationError) as error:
        _import_single_region(tmp_path, blank, documents[1], "e2", start, end)
    message = str(error.value)
    assert "task 100 (doc-b) annotation 1000 region e2" in message and "'Alexandre Loukachenko '" in message
    assert "--trim-spaces" in message
    assert snapshot(blank) == before


def test_edge_spaces_at_span_edges_trimmed_on_request_and_listed(tmp_path, corpus, blank):
    documents, _ = corpus
    start, end = find(TEXT_B, " Pékin")
    plan = _import_single_region(tmp_path, blank, documents[1], "e3", start, end, trim_spaces=True)
    (item,) = plan.documents
    assert item.trimmed == ("task 100 (doc-b) annotation 1000 region e3: ' Pékin' -> 'Pékin'",)
    assert item.document.entities == documents[1].entities
    assert snapshot(blank)["doc-b.json"] == (tmp_path / "gold" / "doc-b.json").read_bytes()


def test_edge_french_elision_keeps_the_name_after_the_apostrophe(tmp_path, corpus, blank):
    documents, _ = corpus
    (task,) = documents_to_tasks([documents[0]])
    ukraine = region_items(task, "e5")[0]["value"]
    assert TEXT_A[ukraine["start"] - 2:ukraine["start"]] == "l’" and ukraine["text"] == "Ukraine"
    plan = plan_import(as_export([task]), annotations_dir=blank)
    assert plan.documents[0].document.entities[4] == documents[0].entities[4]
    # a region that took the article too ("l’Ukraine") is read as drawn, never re-cut by guess,
    # and shows up in the change report
    start, end = find(TEXT_A, "l’Ukraine")
    plan = _import_single_region(tmp_path, tmp_path / "gold", documents[0], "e5", start, end)
    (item,) = plan.documents
    assert item.document.entities[4].text == "l’Ukraine" and item.changes["entities"] == (1, 1)


def test_edge_non_breaking_space_before_closing_guillemet_is_a_space(tmp_path, corpus, blank):
    documents, _ = corpus
    content = documents[0].quotes[0].content
    assert TEXT_A[content.end:content.end + 2] == f"{NBSP}»"
    with pytest.raises(ValidationError) as error:
        _import_single_region(tmp_path, blank, documents[0], "q1", content.start, content.end + 1)
    assert "region q1" in str(error.value) and "a span without spaces at its edges" in str(error.value)
    plan = _import_single_region(tmp_path, blank, documents[0], "q1", content.start, content.end + 1, trim_spaces=True)
    assert plan.documents[0].document.quotes[0] == documents[0].quotes[0]


def test_edge_narrow_non_breaking_space_before_colon_stays_in_the_text(tmp_path, corpus, blank):
    documents, _ = corpus
    today = documents[0].dates[2]
    assert today.text == "aujourd’hui" and TEXT_A[today.end:today.end + 2] == f"{NNBSP}:"
    plan = _import_single_region(tmp_path, blank, documents[0], "t3", today.start, today.end + 1, trim_spaces=True)
    assert plan.documents[0].document.dates[2] == today
    assert plan.documents[0].document.text == TEXT_A


def test_edge_curly_apostrophes_inside_spans_round_trip(tmp_path, corpus, blank):
    documents, _ = corpus
    plan = plan_import(as_export(documents_to_tasks(documents)), annotations_dir=blank)
    imported = {item.document.id: item.document for item in plan.documents}
    assert imported["doc-a"].quotes[3].content.text == "Rien n’est joué"
    assert imported["doc-b"].quotes[0].content.text == "Nous sommes d’accord"
    assert imported["doc-a"].dates[2].text == "aujourd’hui"
    assert [document_to_dict(imported[d.id]) for d in documents] == [document_to_dict(d) for d in documents]


# ---------------------------------------------------------------- bad input: clear error, nothing written


def _expect_rejected(tmp_path, blank, tasks, *needles) -> str:
    before = snapshot(blank)
    export = write_export(tmp_path / "export.json", tasks)
    with pytest.raises(ValidationError) as error:
        import_export(export, annotations_dir=blank)
    message = str(error.value)
    for needle in needles:
        assert needle in message
    assert snapshot(blank) == before
    assert main(["labelstudio", "import", str(export), "--annotations", str(blank)]) == 1
    assert snapshot(blank) == before
    return message


def test_bad_shifted_offsets_name_task_region_and_distance(tmp_path, corpus, blank):
    documents, _ = corpus
    export = as_export(documents_to_tasks(documents))
    for item in export[1]["annotations"][0]["result"]:
        if item.get("id") == "e3":  # "Pékin" moved two characters to the right by a hand edit
            item["value"]["start"] += 2
            item["value"]["end"] += 2
    message = _expect_rejected(tmp_path, blank, export, "task 101 (doc-b) annotation 1010 region e3",
                               "text[44:49] == 'Pékin'", "'kin.\\n'", "-2 characters away", "shifted")
    assert find(TEXT_B, "Pékin") == (42, 47)
    assert message.count("region e3") == 1


def test_bad_unknown_label_lists_the_allowed_ones(tmp_path, corpus, blank):
    documents, _ = corpus
    export = as_export(documents_to_tasks(documents))
    export[0]["annotations"][0]["result"][0]["value"]["labels"] = ["PERSON"]
    _expect_rejected(tmp_path, blank, export, "task 100 (doc-a) annotation 1000 region e1",
                     "one entity label in PER, ORG, LOC, MISC", "['PERSON']")


def test_bad_relation_to_a_missing_region(tmp_path, corpus, blank):
    documents, _ = corpus
    export = as_export(documents_to_tasks(documents))
    relation = next(item for item in export[1]["annotations"][0]["result"] if item["type"] == "relation")
    relation["to_id"] = "gone42"
    _expect_rejected(tmp_path, blank, export, "task 101 (doc-b) annotation 1010 region relation q1->gone42",
                     "no region 'gone42'")


def test_bad_task_for_an_unknown_text(tmp_path, corpus, blank):
    documents, _ = corpus
    export = as_export(documents_to_tasks(documents))
    export[1]["data"] = {"text": "Un tout autre article.", "doc_id": "doc-zz"}
    _expect_rejected(tmp_path, blank, export, "task 101", "document 'doc-zz' with no file in",
                     "frnewsbench new-article")
    export[1]["data"] = {"text": "Un tout autre article."}
    _expect_rejected(tmp_path, blank, export, "task 101", "no 'doc_id' with no file in")


def test_bad_text_changed_in_label_studio(tmp_path, corpus, blank):
    documents, _ = corpus
    export = as_export(documents_to_tasks(documents))
    export[1]["data"]["text"] = TEXT_B.replace("d’accord", "d'accord")
    _expect_rejected(tmp_path, blank, export, "task 101", "from character 64", "the article text must not change")


def test_bad_missing_entity_id_speaker_link_and_layer_mixups(tmp_path, corpus, blank):
    documents, _ = corpus
    export = as_export(documents_to_tasks(documents))
    result = export[1]["annotations"][0]["result"]
    result[:] = [item for item in result if not (item.get("id") == "e3" and item["from_name"] == "entity_id")]
    result[:] = [item for item in result if not (item["type"] == "relation" and item["to_id"] == "q1-speaker")]
    start, end = find(TEXT_B, "Alexandre Loukachenko")
    result.append({"id": "e2", "type": "textarea", "from_name": "timex_value", "to_name": "text",
                   "value": {"start": start, "end": end, "text": ["2023"]}})
    _expect_rejected(tmp_path, blank, export, "task 101 (doc-b) annotation 1010 region e3",
                     "fill the Entity id box", "region q1-speaker", "linked to no quote",
                     "region e2: expected 'timex_value' only on a timex region")


def test_bad_timex_value_caught_by_the_validator_points_at_the_region(tmp_path, corpus, blank):
    documents, _ = corpus
    export = as_export(documents_to_tasks(documents))
    for item in export[0]["annotations"][0]["result"]:
        if item.get("id") == "t2" and item["from_name"] == "timex_value":
            item["value"]["text"] = ["2023-13-02"]
    _expect_rejected(tmp_path, blank, export, "doc-a dates[1] id=t2 (Label Studio task 100 annotation 1000 region t2)",
                     "month 13 is not between 01 and 12", str(blank / "doc-a.json"))


def test_bad_two_tasks_for_one_document(tmp_path, corpus, blank):
    documents, _ = corpus
    tasks = documents_to_tasks(documents)
    _expect_rejected(tmp_path, blank, as_export(tasks + tasks[:1]), "task 102", "document doc-a also in task 100")


def test_bad_json_export(tmp_path, blank):
    before = snapshot(blank)
    export = tmp_path / "export.json"
    export.write_text('[{"id": 1,', encoding="utf-8")
    assert main(["labelstudio", "import", str(export), "--annotations", str(blank)]) == 1
    assert snapshot(blank) == before


# ---------------------------------------------------------------- several annotations, new articles


def _two_annotations(documents, *, second_ground_truth=False, second_cancelled=False):
    """doc-b annotated twice: the gold, then a second annotator who missed 'Pékin' (e3)."""
    export = as_export(documents_to_tasks([documents[1]]))
    first = export[0]["annotations"][0]
    second = copy.deepcopy(first)
    second["result"] = [item for item in second["result"] if item.get("id") != "e3"]
    second.update(id=first["id"] + 1, updated_at="2023-03-02T09:00:00.000000Z",
                  ground_truth=second_ground_truth, was_cancelled=second_cancelled)
    export[0]["annotations"].append(second)
    return export


def test_choice_rule():
    older = {"id": 1, "updated_at": "2023-03-01T10:00:00Z"}
    newer = {"id": 2, "updated_at": "2023-03-02T10:00:00Z"}
    assert choose_annotation([older, newer]) == (1, "the most recently updated of 2 (none marked as ground truth)")
    assert choose_annotation([{**older, "ground_truth": True}, newer]) == (0, "marked as ground truth")
    assert choose_annotation([older, {**newer, "was_cancelled": True}]) == (0, "the only annotation")
    assert choose_annotation([{**older, "was_cancelled": True}]) is None
    assert choose_annotation([{"id": 3, "updated_at": "2023-03-01T10:00:00Z"}, {**older}]) == (0, "the most recently updated of 2 (none marked as ground truth)")
    with pytest.raises(AnnotationChoiceError, match="annotation 1, annotation 2: expected at most one annotation "
                                                    "marked as ground truth; found 2 annotations marked"):
        choose_annotation([{**older, "ground_truth": True}, {**newer, "ground_truth": True}])


UTC = dt.timezone.utc


@pytest.mark.parametrize(("text", "expected"), [
    # Python 3.10's fromisoformat takes neither "Z" nor a fraction of other than 3 or 6 digits
    ("2024-01-02T03:04:05.1Z", dt.datetime(2024, 1, 2, 3, 4, 5, 100000, tzinfo=UTC)),
    ("2024-01-02T03:04:05.123456789+00:00", dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),
    ("2024-01-02T03:04:05.123456Z", dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)),
    ("2024-01-02T03:04:05Z", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2024-01-02T05:04:05.12+02:00", dt.datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC)),
    ("2024-01-02T05:04:05+0200", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
    ("2024-01-02 03:04:05.5", dt.datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=UTC)),  # no zone: UTC
])
def test_label_studio_timestamps_parse_the_same_on_every_python(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2024-01-02", "2024-13-02T03:04:05Z", "2024-01-02T03:04:05.Z", ""])
def test_a_timestamp_that_is_not_iso_8601_is_refused(text):
    with pytest.raises(ValueError, match="timestamp"):
        parse_timestamp(text)


def test_the_latest_annotation_is_found_with_fractions_of_any_length():
    # 05.1 s is later than 05.099999999 s: the fractions are compared, not cut to the same length
    earlier = {"id": 7, "updated_at": "2024-01-02T03:04:05.099999999+00:00"}
    later = {"id": 2, "updated_at": "2024-01-02T03:04:05.1Z"}
    assert choose_annotation([later, earlier]) == (0, "the most recently updated of 2 (none marked as ground truth)")
    assert choose_annotation([earlier, later]) == (1, "the most recently updated of 2 (none marked as ground truth)")


@pytest.mark.parametrize(("stamps", "found"), [
    ({"updated_at": "last Tuesday"}, "'last Tuesday'"),
    ({"updated_at": None, "created_at": "2024-01-02T03:04:05.1Zulu"}, "'2024-01-02T03:04:05.1Zulu'"),
    ({}, "neither"),
])
def test_an_unreadable_timestamp_is_reported_with_its_task_and_annotation(tmp_path, corpus, blank, stamps, found):
    documents, _ = corpus
    export = _two_annotations(documents)
    second = export[0]["annotations"][1]
    second.pop("created_at", None)
    second.pop("updated_at", None)
    second.update(stamps)
    path = write_export(tmp_path / "export.json", export)
    before = snapshot(blank)
    with pytest.raises(ValidationError) as caught:
        import_export(path, annotations_dir=blank)
    (problem,) = caught.value.problems
    assert problem.where == f"task {export[0]['id']} (doc-b) annotation {second['id']}"
    assert problem.found == found and "timestamp" in problem.expected
    assert "mark the gold annotation as ground truth" in problem.fix
    assert snapshot(blank) == before


def test_several_annotations_latest_wins_and_agreement_is_reported(tmp_path, corpus, blank):
    documents, _ = corpus
    plan = plan_import(_two_annotations(documents), annotations_dir=blank)
    (item,) = plan.documents
    assert item.annotation == "annotation 1001"
    assert [e.text for e in item.document.entities] == ["Xi Jinping", "Alexandre Loukachenko", "Xi"]
    (agreement,) = item.agreement
    assert (agreement.reference, agreement.other) == ("annotation 1001", "annotation 1000")
    # entities: the chosen annotation has 3 of the 4 spans of the other -> P = 3/4, R = 3/3 (or
    # the reverse), F1 = 2 * 0.75 * 1 / 1.75 = 6/7; no dates on either side; the one quote agrees.
    assert agreement.headline["entities"] == pytest.approx(6 / 7)
    assert agreement.headline["dates"] is None
    assert agreement.headline["quotes"] == pytest.approx(1.0)


def test_several_annotations_the_ground_truth_star_wins(tmp_path, corpus, blank):
    documents, _ = corpus
    export = _two_annotations(documents)
    export[0]["annotations"][0]["ground_truth"] = True
    (item,) = plan_import(export, annotations_dir=blank).documents
    assert (item.annotation, item.choice) == ("annotation 1000", "marked as ground truth")
    assert item.document.entities == documents[1].entities


def test_skipped_annotations_and_unannotated_tasks_leave_files_alone(tmp_path, corpus, blank):
    documents, _ = corpus
    export = _two_annotations(documents, second_cancelled=True)
    export += as_export(documents_to_tasks([without_layers(documents[0])]), first_id=200)
    plan = plan_import(export, annotations_dir=blank)
    assert [(item.annotation, item.choice, item.agreement) for item in plan.documents] == [
        ("annotation 1000", "the only annotation", ())]
    assert plan.skipped == (f"task 200 (doc-a): no annotation (or only skipped ones); {blank / 'doc-a.json'} left unchanged",)


def test_a_new_article_annotated_in_label_studio_becomes_a_file(tmp_path, corpus, blank):
    documents, _ = corpus
    (blank / "doc-b.json").unlink()
    plan = import_export(write_export(tmp_path / "export.json", as_export(documents_to_tasks(documents))),
                         annotations_dir=blank)
    assert [(item.document.id, item.new_file) for item in plan.documents] == [("doc-a", False), ("doc-b", True)]
    assert (blank / "doc-b.json").read_bytes() == (tmp_path / "gold" / "doc-b.json").read_bytes()


def test_import_reports_what_changed(tmp_path, corpus, capsys):
    documents, gold_dir = corpus
    export = as_export(documents_to_tasks(documents))
    export[1]["annotations"][0]["result"] = [item for item in export[1]["annotations"][0]["result"]
                                             if item.get("id") != "e3"]
    path = write_export(tmp_path / "export.json", export)
    assert main(["labelstudio", "import", str(path), "--annotations", str(gold_dir), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "doc-a: task 100 annotation 1000 (the only annotation)" in out
    assert "[entities +0 -0, dates +0 -0, quotes +0 -0]" in out
    assert "doc-b: task 101 annotation 1010 (the only annotation)" in out and "entities +0 -1" in out
    assert "would write (dry run) 2 annotation file(s)" in out
    assert len(json.loads((gold_dir / "doc-b.json").read_text(encoding="utf-8"))["entities"]) == 4  # dry run


# ---------------------------------------------------------------- the real gold


def test_the_real_gold_round_trips_byte_for_byte(tmp_path):
    from conftest_paths import ANNOTATIONS

    from frnewsbench.gold import load_corpus

    documents = load_corpus(ANNOTATIONS)
    assert documents and all(d.entities and d.dates and d.quotes for d in documents)
    blank = write_corpus(tmp_path / "blank", [without_layers(d) for d in documents])
    plan = plan_import(as_export(documents_to_tasks(documents)), annotations_dir=blank)
    assert all(item.choice == "the only annotation" for item in plan.documents)
    for item in plan.documents:
        write_document(item.document, item.path)
    assert snapshot(blank) == {path.name: path.read_bytes() for path in sorted(ANNOTATIONS.glob("*.json"))}


# ---------------------------------------------------------------- random documents (hypothesis)

WORDS = ("Xi", "l’Ukraine", "aujourd’hui", "Pékin", "𝕏", "«", "»", "a", "déclaré", "été", "2023")
SEPARATORS = (" ", NBSP, NNBSP, "\n", " : ", "’")
TIMEX_CHOICES = (("DATE", "2023-02-28", None), ("DATE", "2023-02", "END"), ("DURATION", "P3D", None),
                 ("TIME", "2023-02-28T14:30", "APPROX"), ("SET", "XXXX-WXX-1", None))


@st.composite
def random_documents(draw) -> Document:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=30))
    text = words[0]
    bounds = [(0, len(words[0]))]
    for word in words[1:]:
        text += draw(st.sampled_from(SEPARATORS))
        bounds.append((len(text), len(text) + len(word)))
        text += word

    def spans(count: int, flat: bool, distinct: bool = False) -> list:
        chosen = []
        for _ in range(count):
            first = draw(st.integers(0, len(bounds) - 1))
            last = draw(st.integers(first, min(first + 3, len(bounds) - 1)))
            start, end = bounds[first][0], bounds[last][1]
            if flat and any(start < e and s < end for s, e in chosen):
                continue
            if distinct and (start, end) in chosen:  # the guidelines: one time expression per span
                continue
            chosen.append((start, end))
        return [span_at(text, s, e) for s, e in chosen]

    def quote_type(content: Span) -> str:
        """A type the guidelines allow for this content: quoted words make it mixed (or direct when
        the marks surround it), none make it indirect (or direct between marks)."""
        marks = "«»“”„\""
        surrounded = (any(mark in text[max(0, content.start - 3):content.start] for mark in marks)
                      and any(mark in text[content.end:content.end + 4] for mark in marks))
        allowed = ["mixed" if any(mark in content.text for mark in marks) else "indirect"]
        return draw(st.sampled_from(allowed + ["direct"] * surrounded))

    ids = draw(st.lists(st.sampled_from(("xi_jinping", "pekin", "ukraine")), min_size=8, max_size=8))
    entities = [Entity(s.start, s.end, s.text, draw(st.sampled_from(("PER", "ORG", "LOC", "MISC"))), ids[i],
                       ids[i].replace("_", " ").title())
                for i, s in enumerate(spans(draw(st.integers(0, 8)), flat=True))]
    dates = [TimeExpression(s.start, s.end, s.text, *draw(st.sampled_from(TIMEX_CHOICES)))
             for s in spans(draw(st.integers(0, 4)), flat=False, distinct=True)]
    quotes = []
    for content in spans(draw(st.integers(0, 4)), flat=False):
        speaker = draw(st.one_of(st.none(), st.sampled_from(spans(1, flat=False))))
        cue = draw(st.one_of(st.none(), st.sampled_from(spans(1, flat=False))))
        speaker_id = draw(st.sampled_from([None] + [e.entity_id for e in entities]))
        quotes.append(Quote(content, quote_type(content), speaker, speaker_id, cue))
    return make_document("doc-r", text, entities, dates, quotes)


def span_at(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=random_documents())
def test_random_documents_round_trip_exactly(tmp_path_factory, document):
    gold = write_corpus(tmp_path_factory.mktemp("gold"), [document])
    assume(validate_files(sorted(gold.iterdir())) == [])  # the round trip is promised for valid gold only
    blank = write_corpus(tmp_path_factory.mktemp("blank"), [without_layers(document)])
    plan = plan_import(as_export(documents_to_tasks([document])), annotations_dir=blank)
    if not (document.entities or document.dates or document.quotes):  # exported without annotation
        assert plan.documents == () and len(plan.skipped) == 1
        return
    (item,) = plan.documents
    assert document_to_dict(item.document) == document_to_dict(document)


MUTATIONS = st.sampled_from(("drop", "start+1", "end-1", "label", "from_name", "to_id", "text", "type", "id"))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=random_documents(), mutations=st.lists(st.tuples(MUTATIONS, st.integers(0, 10_000)), min_size=1, max_size=4))
def test_edited_exports_fail_only_with_a_report_and_write_nothing(tmp_path_factory, document, mutations):
    blank = write_corpus(tmp_path_factory.mktemp("blank"), [without_layers(document)])
    before = snapshot(blank)
    export = as_export(documents_to_tasks([document]))
    result = export[0]["annotations"][0]["result"] if export[0]["annotations"] else []
    for kind, index in mutations:
        if not result:
            break
        item = result[index % len(result)]
        value = item.get("value", {})
        if kind == "drop":
            result.remove(item)
        elif kind in ("start+1", "end-1") and "start" in value:
            value["start" if kind == "start+1" else "end"] += 1 if kind == "start+1" else -1
        elif kind == "label" and "labels" in value:
            value["labels"] = ["PERSON"]
        elif kind == "from_name" and "from_name" in item:
            item["from_name"] = "sentiment"
        elif kind == "to_id" and item["type"] == "relation":
            item["to_id"] = "nowhere"
        elif kind == "text" and item["type"] == "textarea":
            value["text"] = [" ", "two", "values"]
        elif kind == "type":
            item["type"] = "rectanglelabels"
        elif kind == "id" and "id" in item:
            item["id"] = 12
    path = write_export(blank.parent / "export.json", export)
    try:
        import_export(path, annotations_dir=blank)
    except ValidationError as error:
        assert error.problems and all(problem.where for problem in error.problems)
        assert snapshot(blank) == before


# ---------------------------------------------------------------- the CLI: extractor specs, outputs


def first_entity_system(document: Document) -> Prediction:
    """A system for ``python:`` specs: the first capitalised word of the text as a PER entity."""
    word = document.text.split()[0]
    return Prediction(id=document.id, entities=(Entity(0, len(word), word, "PER"),))


def _read_predictions_back(task: dict, text: str) -> dict[str, Prediction]:
    """model_version -> the pre-annotation read back into a prediction."""
    read = {}
    for item in task["predictions"]:
        layers, problems = result_to_layers(text, item["result"], source="tasks", where=item["model_version"],
                                            complete=False)
        assert problems == []
        read[item["model_version"]] = Prediction(id=task["data"]["doc_id"], entities=layers.entities,
                                                 dates=layers.dates, quotes=layers.quotes)
    return read


def test_export_takes_the_extractor_specs_of_run(tmp_path, corpus):
    from frnewsbench.predictions import write_predictions

    documents, gold_dir = corpus
    file_prediction = Prediction(id="doc-b", entities=(Entity(0, 10, "Xi Jinping", "PER"),), dates=None, quotes=None)
    predictions_file = tmp_path / "system.jsonl"
    write_predictions(predictions_file, [file_prediction])
    tasks_file = tmp_path / "tasks.json"
    assert main(["labelstudio", "export", "--annotations", str(gold_dir), "--without-gold", "--output", str(tasks_file),
                 "--extractor", "python:test_labelstudio_convert:first_entity_system",
                 "--extractor", f"file:{predictions_file}"]) == 0
    tasks = {task["data"]["doc_id"]: task for task in json.loads(tasks_file.read_text(encoding="utf-8"))}
    python_version = "test_labelstudio_convert:first_entity_system (callable test_labelstudio_convert:first_entity_system)"
    file_version = (f"file:{predictions_file} (predictions_file system.jsonl, predictions_sha256 "
                    f"sha256:{sha256_text(predictions_file.read_text(encoding='utf-8'))})")
    # doc-a: the python system only (the file has no line for it: no pre-annotation, none faked)
    assert _read_predictions_back(tasks["doc-a"], TEXT_A) == {
        python_version: Prediction(id="doc-a", entities=(Entity(0, 2, "Le", "PER"),), dates=(), quotes=())}
    assert _read_predictions_back(tasks["doc-b"], TEXT_B) == {
        python_version: Prediction(id="doc-b", entities=(Entity(0, 2, "Xi", "PER"),), dates=(), quotes=()),
        file_version: replace(file_prediction, dates=(), quotes=()),
    }


def test_export_with_an_unknown_extractor_is_a_clear_error(tmp_path, corpus, capsys):
    _, gold_dir = corpus
    tasks_file = tmp_path / "tasks.json"
    assert main(["labelstudio", "export", "--annotations", str(gold_dir), "--output", str(tasks_file),
                 "--extractor", "dateparser-fr.v2"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: no extractor named 'dateparser-fr.v2'. Did you mean 'dateparser-fr.v1'")
    assert "Traceback" not in error and not tasks_file.exists()


@pytest.mark.parametrize("where", ["under-a-file", "proc"])
def test_export_to_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path, corpus, capsys, where):
    _, gold_dir = corpus
    blocker = tmp_path / "a-file"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    output, reason = ((blocker / "tasks.json", "Not a directory") if where == "under-a-file"
                      else (Path("/proc/x/tasks.json"), "No such file or directory"))
    before = sorted(tmp_path.rglob("*"))
    assert main(["labelstudio", "export", "--annotations", str(gold_dir), "--output", str(output)]) == 1
    assert capsys.readouterr().err == (f"error: cannot write {output}: {reason}. Nothing was written; "
                                       "give --output a path in a folder you can write to\n")
    assert sorted(tmp_path.rglob("*")) == before


def test_an_import_that_cannot_write_every_file_writes_none(tmp_path, corpus, blank):
    from frnewsbench.labelstudio.importer import write_import

    documents, _ = corpus
    plan = plan_import(as_export(documents_to_tasks(documents)), annotations_dir=blank)
    blocker = tmp_path / "a-file"
    blocker.write_text("a file, not a folder\n", encoding="utf-8")
    first, second = plan.documents
    broken = replace(plan, documents=(first, replace(second, path=blocker / "doc-b.json")))
    before = snapshot(blank)
    with pytest.raises(ValidationError) as caught:
        write_import(broken)
    (problem,) = caught.value.problems
    assert (problem.file, problem.expected, problem.found) == (
        str(blocker / "doc-b.json"), "an annotation file that can be written", "Not a directory")
    assert problem.fix.endswith("nothing was written")
    assert snapshot(blank) == before  # doc-a was staged, then removed: no file, no temporary file
