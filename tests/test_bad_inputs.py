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
