"""Bad input at every reader ends in a clear message, exit 1 and no changed file (issue 12).

Each test runs the command line as a user would, then checks three things: the message names
the problem, the exit code is 1, and every file under the test's folder is byte-identical to
what it was before the command ran.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from helpers import raw_document, small_document, write_raw

from frnewsbench.cli import main
from frnewsbench.corpus import write_document
from frnewsbench.schema import sha256_text


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (recursively) and its bytes."""
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def run_refused(root: Path, argv: list[str], capsys, *needles: str) -> str:
    """Run ``frnewsbench argv``; assert exit 1, every needle in stderr, no traceback, ``root`` unchanged."""
    before = tree(root)
    assert main([str(arg) for arg in argv]) == 1
    err = capsys.readouterr().err
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"
    assert "Traceback" not in err
    assert tree(root) == before
    return err


@pytest.fixture
def gold(tmp_path) -> Path:
    folder = tmp_path / "gold"
    folder.mkdir()
    write_document(small_document("doc-1"), folder / "doc-1.json")
    return folder


def date_record(value: str) -> dict:
    document = small_document("doc-1")
    t = document.dates[1]
    return {"id": "doc-1", "dates": [{"start": t.start, "end": t.end, "type": "DATE", "value": value}]}


def write_lines(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


# ---------------------------------------------------------------- 5. TIMEX3 values, exactly


@pytest.mark.parametrize("value, message", [
    ("0000-W01", "there is no year 0000"),
    ("2023-W09\n", "no spaces or line breaks around it"),
    ("P1.5Y2M", "only the last (smallest) unit of a duration may have a decimal fraction"),
    ("P\u0663D", "is not a TIMEX3 value"),
])
def test_timex_value_in_predictions_is_refused_by_score(tmp_path, gold, capsys, value, message):
    predictions = write_lines(tmp_path / "predictions.jsonl", [date_record(value)])
    run_refused(tmp_path, ["score", "--predictions", predictions, "--gold", gold], capsys,
                f"{predictions} line 1 document 'doc-1' dates[0]", message)


@pytest.mark.parametrize("value, message", [
    ("0000-W01", "there is no year 0000"),
    ("2023-W09\n", "no spaces or line breaks around it"),
    ("P1.5Y2M", "only the last (smallest) unit of a duration may have a decimal fraction"),
    ("P\u0663D", "is not a TIMEX3 value"),
])
def test_timex_value_in_an_annotation_file_is_refused_by_validate(tmp_path, capsys, value, message):
    folder = tmp_path / "annotations"
    folder.mkdir()
    raw = raw_document("doc-1")
    raw["dates"][1]["value"] = value
    raw["dates"][1]["type"] = "DURATION" if value.startswith("P") else "DATE"
    write_raw(folder, raw)
    run_refused(tmp_path, ["validate", "--annotations", folder], capsys, "doc-1.json: doc-1 dates[1] id=t2", message)


def test_timex_year_zero_in_a_label_studio_export_is_refused_by_import(tmp_path, capsys):
    from frnewsbench.labelstudio.convert import documents_to_tasks
    from test_labelstudio_convert import as_export, write_export

    folder = tmp_path / "annotations"
    document = small_document("doc-1")
    write_document(replace(document, entities=(), dates=(), quotes=()), folder / "doc-1.json")
    export = as_export(documents_to_tasks([document]))
    for item in export[0]["annotations"][0]["result"]:
        if item.get("id") == "t2" and item["from_name"] == "timex_value":
            item["value"]["text"] = ["0000-W01"]
    path = write_export(tmp_path / "export.json", export)
    run_refused(tmp_path, ["labelstudio", "import", path, "--annotations", folder], capsys,
                "region t2", "there is no year 0000")


# ---------------------------------------------------------------- 9. messages that mislead


def test_nfd_span_text_in_predictions_is_named_as_a_normalisation_difference(tmp_path, gold, capsys):
    t = small_document("doc-1").dates[1]  # "28 février"
    nfd = unicodedata.normalize("NFD", t.text)
    predictions = write_lines(tmp_path / "predictions.jsonl", [{"id": "doc-1", "dates": [
        {"start": t.start, "end": t.end, "text": nfd, "type": "DATE", "value": "2023-02-28"}]}])
    err = run_refused(tmp_path, ["score", "--predictions", predictions, "--gold", gold], capsys,
                      "the same characters in another Unicode normalisation form (the document's text is NFC, "
                      "the given text NFD)", "unicodedata.normalize('NFC', text)")
    assert "code points, not bytes" not in err


def test_the_offsets_hint_of_predictions_shows_the_nearest_occurrence(tmp_path, capsys):
    text = "Xi a vu Xi. Puis Xi est parti."
    folder = tmp_path / "gold"
    write_document(replace(small_document("doc-1"), text=text, text_sha256=sha256_text(text), seed_segments=((0, 0, len(text)),),
                           entities=(), dates=(), quotes=()), folder / "doc-1.json")
    predictions = write_lines(tmp_path / "predictions.jsonl", [{"id": "doc-1", "entities": [
        {"start": 16, "end": 18, "text": "Xi", "label": "PER"}]}])
    assert [text.index("Xi", i) for i in (0, 1, 9)] == [0, 8, 17]
    run_refused(tmp_path, ["score", "--predictions", predictions, "--gold", folder], capsys,
                "expected text[16:18] == 'Xi'; found ' X' (the given text occurs at [17, 19), +1 characters away)")


def test_nfd_span_text_in_an_annotation_file_is_named_by_validate(tmp_path, capsys):
    folder = tmp_path / "annotations"
    folder.mkdir()
    raw = raw_document("doc-1")
    raw["dates"][1]["text"] = unicodedata.normalize("NFD", raw["dates"][1]["text"])
    write_raw(folder, raw)
    err = run_refused(tmp_path, ["validate", "--annotations", folder], capsys, "doc-1 dates[1] id=t2",
                      "another Unicode normalisation form (the document's text is NFC, the given text NFD)")
    assert "recompute the offsets" not in err


def test_nfd_region_text_in_a_label_studio_export_is_named_by_import(tmp_path, capsys):
    from frnewsbench.labelstudio.convert import documents_to_tasks
    from test_labelstudio_convert import as_export, write_export

    folder = tmp_path / "annotations"
    document = small_document("doc-1")
    write_document(replace(document, entities=(), dates=(), quotes=()), folder / "doc-1.json")
    export = as_export(documents_to_tasks([document]))
    for item in export[0]["annotations"][0]["result"]:
        if item.get("id") == "t2" and item["from_name"] == "timex":
            item["value"]["text"] = unicodedata.normalize("NFD", item["value"]["text"])
    path = write_export(tmp_path / "export.json", export)
    err = run_refused(tmp_path, ["labelstudio", "import", path, "--annotations", folder], capsys,
                      "region t2", "another Unicode normalisation form (the document's text is NFC, the given text NFD)")
    assert "offsets were shifted" not in err


# ---------------------------------------------------------------- 3. the Label Studio import never writes wrong gold


def ls_setup(tmp_path, *, blank: bool = True):
    """An annotations folder with doc-1 (without spans when ``blank``) and the export of its gold."""
    from frnewsbench.labelstudio.convert import documents_to_tasks
    from test_labelstudio_convert import as_export

    folder = tmp_path / "annotations"
    document = small_document("doc-1")
    write_document(replace(document, entities=(), dates=(), quotes=()) if blank else document, folder / "doc-1.json")
    return folder, as_export(documents_to_tasks([document]))


def ls_import(tmp_path, export, folder, *options) -> list:
    from test_labelstudio_convert import write_export

    return ["labelstudio", "import", write_export(tmp_path / "export.json", export), "--annotations", folder, *options]


def test_two_annotations_with_one_id_are_refused(tmp_path, capsys):
    folder, export = ls_setup(tmp_path)
    first = export[0]["annotations"][0]
    second = {**first, "result": [item for item in first["result"] if item.get("id") != "e3"],
              "updated_at": "2023-03-02T09:00:00.000000Z"}
    export[0]["annotations"].append(second)
    run_refused(tmp_path, ls_import(tmp_path, export, folder), capsys,
                "problem(s) in the Label Studio export", "task 100 annotation 1000: expected annotation ids unique in the task; "
                "found two annotations with id 1000 (#1 and #2)")


def test_a_changed_doc_id_does_not_copy_an_article(tmp_path, capsys):
    folder, export = ls_setup(tmp_path)
    export[0]["data"]["doc_id"] = "doc-9"
    run_refused(tmp_path, ls_import(tmp_path, export, folder), capsys,
                "task 100: expected the doc_id of the article with this text ('doc-1'", "found doc_id 'doc-9', which has no file",
                "restore doc_id 'doc-1'")


def test_two_articles_with_the_same_text_are_refused_by_validate(tmp_path, capsys):
    folder = tmp_path / "annotations"
    write_document(small_document("doc-1"), folder / "doc-1.json")
    write_document(small_document("doc-2"), folder / "doc-2.json")
    run_refused(tmp_path, ["validate", "--annotations", folder], capsys,
                "doc-2.json: doc-2 text: expected a text unique in the corpus (one file per article); "
                f"found the same text as doc-1 ({folder / 'doc-1.json'})")


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_empty_result_does_not_delete_the_gold(tmp_path, capsys, dry_run):
    folder, export = ls_setup(tmp_path, blank=False)
    export[0]["annotations"][0]["result"] = []
    options = ["--dry-run"] if dry_run else []
    err = run_refused(tmp_path, ls_import(tmp_path, export, folder, *options), capsys,
                      "task 100 (doc-1) annotation 1000: expected an annotation that keeps some of the 4 entities of",
                      "found none: importing it would remove every one of them", "--allow-removals")
    assert "2 dates of" in err and "1 quotes of" in err


def test_removals_on_request_are_listed_and_written(tmp_path, capsys):
    folder, export = ls_setup(tmp_path, blank=False)
    export[0]["annotations"][0]["result"] = [item for item in export[0]["annotations"][0]["result"]
                                             if item.get("from_name") not in ("timex", "timex_value")]
    assert main([str(arg) for arg in ls_import(tmp_path, export, folder, "--allow-removals")]) == 0
    out = capsys.readouterr().out
    assert f"removes all 2 dates of {folder / 'doc-1.json'} (allowed by --allow-removals)" in out
    written = json.loads((folder / "doc-1.json").read_text(encoding="utf-8"))
    assert written["dates"] == [] and len(written["entities"]) == 4


def test_the_tie_rule_compares_string_ids_as_numbers():
    from frnewsbench.labelstudio.importer import AnnotationChoiceError, choose_annotation

    at = "2023-03-01T10:00:00Z"
    # as strings "9" > "10"; as numbers 10 wins
    assert choose_annotation([{"id": "10", "updated_at": at}, {"id": "9", "updated_at": at}])[0] == 0
    assert choose_annotation([{"id": 9, "updated_at": at}, {"id": "10", "updated_at": at}])[0] == 1
    with pytest.raises(AnnotationChoiceError, match="whose ids are not all numbers"):
        choose_annotation([{"id": "b", "updated_at": at}, {"id": "a", "updated_at": at}])
    # a later timestamp wins whatever the ids
    assert choose_annotation([{"id": "b", "updated_at": "2023-03-02T10:00:00Z"}, {"id": "a", "updated_at": at}])[0] == 0


def test_a_string_id_tie_is_reported_by_the_import(tmp_path, capsys):
    folder, export = ls_setup(tmp_path)
    first = export[0]["annotations"][0]
    first.update(id="ann-b", updated_at="2023-03-01T10:00:00Z")
    export[0]["annotations"].append({**first, "id": "ann-a"})
    run_refused(tmp_path, ls_import(tmp_path, export, folder), capsys,
                "annotation ann-b, annotation ann-a", "whose ids are not all numbers", "ground truth (the star)")


def test_a_pre_1_0_export_with_completions_is_read_as_label_studio_means_it(tmp_path, capsys):
    folder, export = ls_setup(tmp_path)
    task = export[0]
    gold = task.pop("annotations")[0]
    skipped = {**gold, "id": 2000, "result": [], "skipped": True, "created_at": 1700000000}
    del gold["was_cancelled"], gold["updated_at"]
    task["completions"] = [{**gold, "created_at": 1600000000}, skipped]
    assert main([str(arg) for arg in ls_import(tmp_path, export, folder)]) == 0
    assert "doc-1: task 100 annotation 1000 (the only annotation)" in capsys.readouterr().out
    written = json.loads((folder / "doc-1.json").read_text(encoding="utf-8"))
    assert len(written["entities"]) == 4 and len(written["dates"]) == 2


def test_a_task_with_both_annotations_and_completions_is_refused(tmp_path, capsys):
    folder, export = ls_setup(tmp_path)
    export[0]["completions"] = export[0]["annotations"]
    run_refused(tmp_path, ls_import(tmp_path, export, folder), capsys,
                "task 100: expected either 'annotations' (Label Studio 1.0 and later) or 'completions' (before 1.0); found both")


@pytest.mark.parametrize("edit, message", [
    (lambda r: next(i for i in r if i["type"] == "relation").update(from_id=["q1"]), "'from_id' and 'to_id' naming two regions"),
    (lambda r: next(i for i in r if i["type"] == "relation").update(labels=[{"x": 1}]), "no label or the label 'speaker'"),
    (lambda r: r[0].update(from_name=["entity"]), "a control of the labeling config"),
    (lambda r: r[0].update(id={"e": 1}), "a region with a string 'id'"),
    (lambda r: r[0]["value"].update(labels=[["PER"]]), "one entity label in PER, ORG, LOC, MISC"),
])
def test_lists_and_objects_where_names_belong_are_clear_errors(tmp_path, capsys, edit, message):
    folder, export = ls_setup(tmp_path)
    edit(export[0]["annotations"][0]["result"])
    err = run_refused(tmp_path, ls_import(tmp_path, export, folder), capsys, "in the Label Studio export", message)
    assert "unhashable" not in err


def test_a_list_as_doc_id_or_flag_is_a_clear_error(tmp_path, capsys):
    folder, export = ls_setup(tmp_path)
    export[0]["data"]["doc_id"] = ["doc-1"]
    run_refused(tmp_path, ls_import(tmp_path, export, folder), capsys, "'doc_id' as a string", "['doc-1']")
    folder, export = ls_setup(tmp_path)
    export[0]["annotations"][0]["ground_truth"] = [1]
    run_refused(tmp_path, ls_import(tmp_path, export, folder), capsys, "expected true or false; found ground_truth=[1]")


# ---------------------------------------------------------------- 4. every string from outside checked where it enters

DEEP = b"[" * 200_000 + b"]" * 200_000
DEEP_MESSAGE = "expected JSON nested less deeply"
SURROGATE = "\ud800"
SURROGATE_MESSAGE = "found a lone surrogate \\ud800"


def test_deep_json_in_predictions(tmp_path, gold, capsys):
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_bytes(DEEP + b"\n")
    err = run_refused(tmp_path, ["score", "--predictions", predictions, "--gold", gold], capsys,
                      f"{predictions} line 1", DEEP_MESSAGE)
    assert "RecursionError" not in err


def test_deep_json_in_an_annotation_file(tmp_path, capsys):
    folder = tmp_path / "annotations"
    folder.mkdir()
    (folder / "doc-1.json").write_bytes(DEEP)
    run_refused(tmp_path, ["validate", "--annotations", folder], capsys, "doc-1.json: " + DEEP_MESSAGE)


def test_deep_json_as_a_label_studio_export(tmp_path, capsys):
    folder, _ = ls_setup(tmp_path)
    export = tmp_path / "export.json"
    export.write_bytes(DEEP)
    run_refused(tmp_path, ["labelstudio", "import", export, "--annotations", folder], capsys,
                f"1 problem(s) in the Label Studio export {export}", DEEP_MESSAGE)


def test_deep_json_in_a_result_file(tmp_path):
    from frnewsbench.report.result import ResultError, load_result

    path = tmp_path / "result.json"
    path.write_bytes(DEEP)
    with pytest.raises(ResultError, match=DEEP_MESSAGE):
        load_result(path)


def test_surrogate_in_a_prediction_id(tmp_path, gold, capsys):
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(json.dumps({"id": "doc" + SURROGATE, "entities": []}) + "\n", encoding="utf-8")
    run_refused(tmp_path, ["score", "--predictions", predictions, "--gold", gold], capsys,
                f"{predictions} line 1: expected valid Unicode text; {SURROGATE_MESSAGE} at character 4 (at $.id)")


@pytest.mark.parametrize("where, edit", [
    ("$.entities[0].canonical_name", lambda raw: raw["entities"][0].update(canonical_name="Xi" + SURROGATE)),
    ("$.text[0]", lambda raw: raw["text"].__setitem__(0, raw["text"][0] + SURROGATE)),
    ("$.id", lambda raw: raw.update(id=SURROGATE)),
])
def test_surrogate_in_an_annotation_file(tmp_path, capsys, where, edit):
    folder = tmp_path / "annotations"
    folder.mkdir()
    raw = raw_document("doc-1")
    edit(raw)
    (folder / "doc-1.json").write_text(json.dumps(raw), encoding="ascii")
    run_refused(tmp_path, ["validate", "--annotations", folder], capsys,
                f"doc-1.json: {where}: expected valid Unicode text; {SURROGATE_MESSAGE}")


def test_repeated_key_in_an_annotation_file(tmp_path, capsys):
    folder = tmp_path / "annotations"
    folder.mkdir()
    text = json.dumps(raw_document("doc-1"), ensure_ascii=False)
    (folder / "doc-1.json").write_text(text.replace('"title": null', '"title": null, "title": "Autre"', 1), encoding="utf-8")
    run_refused(tmp_path, ["validate", "--annotations", folder], capsys,
                "doc-1.json: expected each key once per object; found the key 'title' twice")


def test_surrogate_in_a_label_studio_export(tmp_path, capsys):
    folder, export = ls_setup(tmp_path)
    export[0]["annotations"][0]["result"][1]["value"]["text"] = ["xi" + SURROGATE]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="ascii")
    run_refused(tmp_path, ["labelstudio", "import", path, "--annotations", folder], capsys,
                "in the Label Studio export", "$[0].annotations[0].result[1].value.text[0]: expected valid Unicode text",
                SURROGATE_MESSAGE)


def test_surrogate_in_a_system_name_from_the_command_line(tmp_path, gold, capsys):
    predictions = write_lines(tmp_path / "predictions.jsonl", [{"id": "doc-1", "entities": []}])
    output = tmp_path / "result.json"
    run_refused(tmp_path, ["score", "--predictions", predictions, "--gold", gold, "--system", "sys\udcff",
                           "--output", output], capsys,
                "--system 'sys\\udcff': expected valid UTF-8 text; found a lone surrogate \\udcff at character 4")
    assert not output.exists()


def test_a_predictions_file_name_that_is_not_utf8_needs_a_system_name(tmp_path, gold, capsys):
    predictions = write_lines(tmp_path / "p\udcff.jsonl", [{"id": "doc-1", "entities": []}])
    run_refused(tmp_path, ["score", "--predictions", predictions, "--gold", gold, "--output", tmp_path / "result.json"],
                capsys, "the system name 'p\\udcff': expected valid text", "--system NAME")


def _submission(tmp_path, **metadata) -> list:
    from test_leaderboard import GOLD, GOLD_DIR, board_args, entities_only, submit

    submit(tmp_path, "mine", entities_only(GOLD), **metadata)
    return [*board_args(tmp_path, GOLD_DIR), "--systems", "mine"]


@pytest.mark.parametrize("metadata, message", [
    ({"version": "1.0\n\n# Winner"}, "version: expected a non-empty line of text without Markdown markup"),
    ({"version": "1.0 | 99.9"}, "version: expected a non-empty line of text without Markdown markup"),
    ({"version": "[1.0](https://evil.example)"}, "'[1.0](https://evil.example)'"),
    ({"link": "javascript:alert(1)"}, "link: expected an http(s) URL"),
    ({"link": "https://example.org/a\n# Heading"}, "link: expected an http(s) URL"),
    ({"link": "example.org"}, "link: expected an http(s) URL"),
    ({"link": "https://example.org/<b>"}, "link: expected an http(s) URL"),
    ({"version": "1" + SURROGATE}, SURROGATE_MESSAGE),
])
def test_submission_text_cannot_inject_markdown_or_bad_unicode(tmp_path, capsys, metadata, message):
    args = _submission(tmp_path, **metadata)
    run_refused(tmp_path, args, capsys, "mine/metadata.json", message)
    assert not (tmp_path / "LEADERBOARD.md").exists()


def test_deep_json_as_submission_metadata(tmp_path, capsys):
    args = _submission(tmp_path)
    (tmp_path / "submissions" / "mine" / "metadata.json").write_bytes(DEEP)
    run_refused(tmp_path, args, capsys, "mine/metadata.json: " + DEEP_MESSAGE)


def test_a_good_submission_link_and_version_are_accepted(tmp_path, capsys):
    args = _submission(tmp_path, version="2.1-beta_3 (fine-tuned)", link="https://example.org/paper#section-2")
    assert main([str(arg) for arg in args]) == 0
    board = (tmp_path / "LEADERBOARD.md").read_text(encoding="utf-8")
    assert "version 2.1-beta_3 (fine-tuned)" in board and "https://example.org/paper#section-2" in board
