"""One test per class of bad annotation file: the message names the file and the span."""

from __future__ import annotations

import json

import pytest
from helpers import raw_document, write_raw, write_small_corpus

from frnewsbench.cli import main
from frnewsbench.gold import load_corpus
from frnewsbench.validate import ValidationError, validate_files


def problems_of(tmp_path, raw, name=None):
    return [str(problem) for problem in validate_files([write_raw(tmp_path, raw, name)])]


def test_valid_files_have_no_problem(tmp_path):
    assert validate_files(write_small_corpus(tmp_path, 2)) == []


def test_malformed_json_names_line_and_column(tmp_path):
    path = tmp_path / "doc-1.json"
    path.write_text('{"id": "doc-1",\n  "text": [}', encoding="utf-8")
    [problem] = validate_files([path])
    assert "doc-1.json" in str(problem) and "line 2 column" in str(problem) and "valid JSON" in str(problem)


def test_missing_and_unknown_keys(tmp_path):
    raw = raw_document()
    del raw["dct"]
    raw["entities"][0]["lable"] = "PER"
    messages = problems_of(tmp_path, raw)
    assert f"{tmp_path / 'doc-1.json'}: doc-1: expected the key 'dct'; found no such key. Fix: add 'dct' (a string)" in messages
    assert any("entities[0] id=e1" in m and "unknown key 'lable'" in m for m in messages)


def test_offsets_out_of_range(tmp_path):
    raw = raw_document()
    raw["entities"][1]["end"] = 10_000
    [message] = problems_of(tmp_path, raw)
    assert "doc-1.json: doc-1 entities[1] id=e2" in message and "start=" in message and "end=10000" in message


def test_span_text_must_equal_text_slice(tmp_path):
    raw = raw_document()
    raw["entities"][2]["start"] += 1
    [message] = problems_of(tmp_path, raw)
    assert "entities[2] id=e3" in message and "== 'Moscou'" in message and "found 'oscou'" in message


def test_overlapping_entities(tmp_path):
    raw = raw_document()
    first = raw["entities"][0]  # "Xi Jinping"
    raw["entities"].append({**first, "id": "e9", "end": first["start"] + 2, "text": "Xi"})
    [message] = problems_of(tmp_path, raw)
    assert "id=e1" in message and "overlaps e9 'Xi' [0, 2)" in message and "do not overlap" in message


def test_labels_and_types_from_their_sets(tmp_path):
    raw = raw_document()
    raw["entities"][0]["label"] = "PERSON"
    raw["dates"][0]["type"] = "DAY"
    raw["quotes"][0]["type"] = "reported"
    raw["dates"][1]["mod"] = "ABOUT"
    messages = problems_of(tmp_path, raw)
    assert any("id=e1" in m and "PER, ORG, LOC, MISC" in m and "'PERSON'" in m for m in messages)
    assert any("id=t1" in m and "DATE, TIME, DURATION, SET" in m for m in messages)
    assert any("id=q1" in m and "direct, indirect, mixed" in m for m in messages)
    assert any("id=t2" in m and "'ABOUT'" in m for m in messages)


@pytest.mark.parametrize("value, type_, fragment", [
    ("2023-02-30", "DATE", "day 30 does not exist"),
    ("2023-13", "DATE", "month 13"),
    ("next week", "DATE", "not a TIMEX3 value"),
    ("2023-02-28", "DURATION", "a DURATION takes a duration value"),
    ("P1Y", "DATE", "found the duration 'P1Y'"),
])
def test_timex_value_grammar(tmp_path, value, type_, fragment):
    raw = raw_document()
    raw["dates"][1].update(value=value, type=type_)
    [message] = problems_of(tmp_path, raw)
    assert "id=t2" in message and fragment in message


def test_quote_spans_are_checked(tmp_path):
    raw = raw_document()
    raw["quotes"][0]["cue"]["text"] = "a dit"
    [message] = problems_of(tmp_path, raw)
    assert "quotes[0] id=q1 cue" in message and "'a dit'" in message


def test_span_ids_unique(tmp_path):
    raw = raw_document()
    raw["entities"][1]["id"] = "e1"
    [message] = problems_of(tmp_path, raw)
    assert "entities[1] id=e1" in message and "used twice" in message


def test_referenced_entity_id_must_exist(tmp_path):
    raw = raw_document()
    raw["quotes"][0]["speaker_entity_id"] = "wang_yi"
    [message] = problems_of(tmp_path, raw)
    assert "id=q1" in message and "'wang_yi'" in message


def test_one_canonical_name_per_entity_id(tmp_path):
    raw = raw_document()
    raw["entities"][1]["entity_id"] = "xi_jinping"  # Poutine's mention, still named "Vladimir Poutine"
    [message] = problems_of(tmp_path, raw)
    assert "entity_id=xi_jinping" in message and "'Xi Jinping'" in message and "'Vladimir Poutine'" in message


def test_text_hash_and_file_name(tmp_path):
    raw = raw_document()
    raw["text"][0] = raw["text"][0].replace("Moscou", "Moscow")
    messages = problems_of(tmp_path, raw, name="other")
    assert any("text_sha256" in m for m in messages)
    assert any("rename the file" in m for m in messages)


def test_duplicate_document_ids_across_files(tmp_path):
    paths = [write_raw(tmp_path, raw_document(), name) for name in ("doc-1", "doc-1-copy")]
    messages = [str(p) for p in validate_files(paths)]
    assert any("unique in the corpus" in m for m in messages)


def test_all_problems_reported_in_one_run(tmp_path):
    raw = raw_document()
    raw["entities"][0]["label"] = "X"
    raw["dates"][0]["value"] = "soon"
    raw["quotes"][0]["content"]["start"] = -1
    assert len(problems_of(tmp_path, raw)) == 3


def test_load_corpus_raises_with_every_problem(tmp_path):
    raw = raw_document()
    raw["entities"][0]["label"] = "X"
    write_raw(tmp_path, raw)
    with pytest.raises(ValidationError) as error:
        load_corpus(tmp_path)
    assert "1 problem(s)" in str(error.value)


def test_cli_exit_codes(tmp_path, capsys):
    write_small_corpus(tmp_path)
    assert main(["validate", "--annotations", str(tmp_path)]) == 0
    raw = json.loads((tmp_path / "doc-1.json").read_text(encoding="utf-8"))
    raw["entities"][0]["label"] = "PERSON"
    write_raw(tmp_path, raw)
    assert main(["validate", "--annotations", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "doc-1.json" in err and "PERSON" in err and "Traceback" not in err


def test_the_corpus_is_valid_and_verbatim_from_its_seeds():
    from conftest_paths import ANNOTATIONS, SEEDS

    if not SEEDS.is_dir():
        pytest.skip("the seed articles are not beside this checkout")
    from frnewsbench.corpus import annotation_files

    assert validate_files(annotation_files(ANNOTATIONS), seeds_dir=SEEDS) == []


@pytest.mark.parametrize("dct", ["20230301", "2023-W09-1", "2023-02-30", "25/02/2023"])
def test_dct_must_be_an_iso_calendar_date(tmp_path, dct):
    raw = raw_document()
    raw["dct"] = dct
    [message] = problems_of(tmp_path, raw)
    assert "doc-1 dct" in message and "YYYY-MM-DD" in message and repr(dct) in message


def test_language_must_be_french(tmp_path):
    raw = raw_document()
    raw["language"] = "en"
    [message] = problems_of(tmp_path, raw)
    assert "doc-1 language" in message and "'fr'" in message and "'en'" in message


def test_seed_segments_must_cover_the_text(tmp_path):
    raw = raw_document()
    raw["seed_segments"] = [[0, 0, 10]]
    [message] = problems_of(tmp_path, raw)
    assert "seed_segments" in message and "covering the" in message


def test_title_must_be_a_line_of_the_text(tmp_path):
    raw = raw_document()
    raw["title"] = "Un titre inventé"
    [message] = problems_of(tmp_path, raw)
    assert "doc-1 title" in message and "a line of the text" in message


def test_spans_without_spaces_at_their_edges(tmp_path):
    raw = raw_document()
    entity = raw["entities"][2]  # "Moscou" followed by a space
    entity.update(end=entity["end"] + 1, text=entity["text"] + " ")
    [message] = problems_of(tmp_path, raw)
    assert "id=e3" in message and "without spaces at its edges" in message


def test_top_level_must_be_an_object(tmp_path):
    path = tmp_path / "doc-1.json"
    path.write_text("[1, 2]", encoding="utf-8")
    [problem] = validate_files([path])
    assert str(problem) == f"{path}: doc-1: expected a JSON object; found a list. Fix: write the annotation file as one object"


@pytest.mark.parametrize("value", [5, "entities"])
def test_a_layer_that_is_not_a_list_is_one_problem(tmp_path, value):
    raw = raw_document()
    raw["entities"] = value
    messages = problems_of(tmp_path, raw)
    assert any("'entities' to be a list" in m for m in messages)
    assert not any("entities[" in m for m in messages)


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "doc-1.json"
    path.write_bytes('{"id": "é"}'.encode("latin-1"))
    [problem] = validate_files([path])
    assert "doc-1.json" in str(problem) and "UTF-8" in str(problem)


def test_entity_ids_are_snake_case_and_names_not_empty(tmp_path):
    raw = raw_document()
    raw["entities"][0]["entity_id"] = "Xi Jinping!"
    raw["quotes"][0]["speaker_entity_id"] = None
    raw["entities"][3]["canonical_name"] = " "
    messages = problems_of(tmp_path, raw)
    assert any("id=e1" in m and "snake case" in m and "'Xi Jinping!'" in m for m in messages)
    assert any("id=e4" in m and "a canonical_name" in m for m in messages)


def test_a_time_expression_annotated_twice(tmp_path):
    raw = raw_document()
    raw["dates"].append({**raw["dates"][0], "id": "t9"})
    [message] = problems_of(tmp_path, raw)
    assert "id=t9" in message and "the same span as t1" in message


def test_quote_content_rules(tmp_path):
    raw = raw_document()
    text = "\n".join(raw["text"])
    quote = raw["quotes"][0]
    # the direct quote "La paix est possible" retyped: indirect quotes carry no quotation marks
    # but this one has none inside, so make it mixed (needs marks) and add a final stop elsewhere
    quote["type"] = "mixed"
    messages = problems_of(tmp_path, raw)
    assert any("id=q1 content" in m and "mixed quote that contains quoted words" in m for m in messages)

    raw = raw_document()
    start = text.index("Xi Jinping rencontrera")
    end = text.index("\n")
    raw["quotes"][0]["content"] = {"start": start, "end": end, "text": text[start:end]}  # ends with "."
    messages = problems_of(tmp_path, raw)
    assert any("final full stop" in m for m in messages)
    assert any("between quotation marks" in m for m in messages)  # still typed direct


def test_speaker_with_one_person_needs_the_entity_id(tmp_path):
    raw = raw_document()
    raw["quotes"][0]["speaker_entity_id"] = None  # speaker "le porte-parole Wang Wenbin"
    [message] = problems_of(tmp_path, raw)
    assert "id=q1 speaker" in message and "set speaker_entity_id to 'wang_wenbin'" in message
