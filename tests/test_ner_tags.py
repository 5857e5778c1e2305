"""Token tags of a model trained on the ``ner`` config -> predictions, and ``score --ner-tags``."""

from __future__ import annotations

import json

import pytest
from datasets import load_dataset

import frnewsbench
from frnewsbench.api import load_gold, score
from frnewsbench.cli import main
from frnewsbench.predictions import PredictionsError
from conftest_paths import DATASET as CHECKOUT_DATASET

DATASET = str(CHECKOUT_DATASET)


@pytest.fixture(scope="module")
def ner():
    return load_dataset(DATASET, "ner", split="test")


@pytest.fixture(scope="module")
def gold():
    return load_gold(DATASET)


def test_the_gold_tags_as_class_label_ids_and_as_strings_score_one(ner, gold):
    ids = [list(row) for row in ner["ner_tags"]]
    names = ner.features["ner_tags"].feature.names
    strings = [[names[tag] for tag in row] for row in ids]
    for tags in (ids, strings):
        predictions = frnewsbench.predictions_from_ner_tags(tags, gold=gold)
        assert sorted(predictions) == [d.id for d in gold]
        for document in gold:
            assert [(e.start, e.end, e.text, e.label) for e in predictions[document.id].entities] == \
                [(e.start, e.end, e.text, e.label) for e in document.entities]
        result = score(predictions=predictions, gold=gold, bootstrap_samples=10)
        assert result.evaluation.headlines["entities"].value == 1.0


def test_a_missing_row_is_reported_at_the_row_where_the_lengths_stop_matching(ner, gold):
    tags = [list(row) for row in ner["ner_tags"]]
    del tags[2]  # rows 3, 4, ... now hold the tags of rows 4, 5, ...
    with pytest.raises(PredictionsError) as caught:
        frnewsbench.predictions_from_ner_tags(tags, gold=gold, source="tags.jsonl")
    problems = caught.value.problems
    assert problems[0].where == "(rows)" and problems[0].found == f"{len(ner) - 1} rows"
    first = problems[1]
    assert first.line == 3 and first.where == f"row 3 ({ner[2]['id']})"
    assert first.expected == f"{len(ner[2]['tokens'])} tags, one per token of the row"
    assert f"{len(ner[3]['tokens'])} tags (the length of row 4" in first.found


def test_a_row_of_the_wrong_length_and_an_unknown_tag_are_named(ner, gold):
    tags = [list(row) for row in ner["ner_tags"]]
    tags[4] = tags[4][:-1]
    tags[6][0] = "B-PERSON"
    tags[7][1] = 9
    with pytest.raises(PredictionsError) as caught:
        frnewsbench.predictions_from_ner_tags(tags, gold=gold, source="tags.jsonl")
    messages = [str(problem) for problem in caught.value.problems]
    assert len(messages) == 3
    assert messages[0].startswith(f"tags.jsonl line 5 document '{ner[4]['document_id']}' row 5 ({ner[4]['id']}): "
                                  f"expected {len(ner[4]['tokens'])} tags, one per token of the row; "
                                  f"found {len(ner[4]['tokens']) - 1} tags")
    assert f"row 7 ({ner[6]['id']})" in messages[1] and f"found 'B-PERSON' at token 0 ({ner[6]['tokens'][0]!r})" in messages[1]
    assert "or its id 0-8" in messages[2] and "found 9 at token 1" in messages[2]


def test_score_ner_tags_from_the_command_line(ner, tmp_path, capsys):
    path = tmp_path / "model-tags.jsonl"
    names = ner.features["ner_tags"].feature.names
    path.write_text("".join(json.dumps([names[t] for t in row]) + "\n" for row in ner["ner_tags"]), encoding="utf-8")
    output = tmp_path / "result.json"
    assert main(["score", "--ner-tags", str(path), "--gold", DATASET, "--output", str(output),
                 "--bootstrap-samples", "10"]) == 0
    result = json.loads(output.read_text(encoding="utf-8"))
    assert result["system"]["name"] == "model-tags"
    assert result["system"]["versions"]["ner_tags_sha256"].startswith("sha256:")
    assert result["evaluation"]["headlines"]["entities"]["value"] == 1.0
    shifted = tmp_path / "shifted.jsonl"
    shifted.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    assert main(["score", "--ner-tags", str(shifted), "--gold", DATASET, "--output", str(tmp_path / "r2.json")]) == 1
    err = capsys.readouterr().err
    assert "row 1 (" in err and "tags, one per token of the row" in err and "traceback" not in err.lower()
    assert not (tmp_path / "r2.json").exists()


def test_lines_of_a_tag_file_that_are_not_json_lists_are_each_named(tmp_path):
    from frnewsbench.ner_tags import read_ner_tags

    path = tmp_path / "tags.jsonl"
    path.write_bytes(b'\xef\xbb\xbf["O", "B-PER"]\n\n[NaN]\n["O"\n\xff\n[0, 1]\n')
    with pytest.raises(PredictionsError) as caught:
        read_ner_tags(path)
    assert [(problem.line, problem.found) for problem in caught.value.problems] == [
        (2, "an empty line"), (3, "'NaN'"), (4, "Expecting ',' delimiter at column 5"),
        (5, "the byte 0xff, which is not UTF-8 (at byte 1)")]
    path.write_bytes(b'\xef\xbb\xbf["O", "B-PER"]\n[0, 1]\n')
    assert read_ner_tags(path)[0] == [["O", "B-PER"], [0, 1]]
