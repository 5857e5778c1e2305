"""The predictions contract: parsing, writing, and one test per class of bad file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frnewsbench.gold import load_corpus
from frnewsbench.predictions import (
    SCHEMA_PATH, PredictionsError, check_prediction, missing_documents, parse_predictions,
    prediction_to_record, read_predictions, write_predictions,
)
from frnewsbench.schema import (
    ENTITY_LABELS, QUOTE_TYPES, TIMEX_MODS, TIMEX_TYPES, Document, Entity, Prediction, gold_as_prediction,
    sha256_text,
)

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"
GOLD = load_corpus(GOLD_DIR)
DOC = {document.id: document for document in GOLD}
T1 = DOC["t-001"].text  # "Macron reçoit Xi Jinping à Paris\n\nLe 28 février 2023, Emmanuel Macron ..."
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def parse(*lines: str | bytes) -> dict[str, Prediction]:
    return parse_predictions(lines, documents=GOLD, source="preds.jsonl")


def problems_of(*lines: str | bytes) -> list[str]:
    with pytest.raises(PredictionsError) as caught:
        parse(*lines)
    return [str(problem) for problem in caught.value.problems]


def test_valid_file_fills_span_texts_and_keeps_absent_layers_unscored():
    line = json.dumps({"id": "t-001", "entities": [{"start": 0, "end": 6, "label": "PER"}], "dates": []})
    predictions = parse(line, "", "   ")
    assert list(predictions) == ["t-001"]
    prediction = predictions["t-001"]
    assert prediction.entities == (Entity(0, 6, "Macron", "PER"),)
    assert prediction.dates == ()  # empty list: scored
    assert prediction.quotes is None  # absent: not scored
    assert prediction.layers() == ("entities", "dates")
    assert missing_documents(predictions, GOLD) == ["t-002"]


def test_null_layer_means_not_scored():
    predictions = parse(json.dumps({"id": "t-002", "entities": None, "quotes": []}))
    assert predictions["t-002"].entities is None
    assert predictions["t-002"].quotes == ()


def test_gold_round_trips_through_the_file_format(tmp_path):
    oracle = [gold_as_prediction(document) for document in GOLD]
    path = tmp_path / "oracle.jsonl"
    write_predictions(path, reversed(oracle))
    assert path.read_text(encoding="utf-8").count("\n") == 2
    back = read_predictions(path, documents=GOLD)
    assert list(back) == ["t-001", "t-002"]
    for prediction in oracle:
        assert back[prediction.id] == prediction
        assert back[prediction.id].quotes[0].speaker == prediction.quotes[0].speaker


def test_every_written_record_satisfies_the_json_schema():
    for document in GOLD:
        jsonschema.validate(prediction_to_record(gold_as_prediction(document)), SCHEMA)


def test_schema_vocabularies_equal_the_data_model():
    defs = SCHEMA["$defs"]
    assert tuple(defs["entity"]["properties"]["label"]["enum"]) == ENTITY_LABELS
    assert tuple(defs["time_expression"]["properties"]["type"]["enum"]) == TIMEX_TYPES
    assert tuple(defs["time_expression"]["properties"]["mod"]["enum"]) == (None, *TIMEX_MODS)
    assert tuple(defs["quote"]["properties"]["type"]["enum"]) == QUOTE_TYPES


def test_documented_example_is_valid():
    markdown = (Path(__file__).parents[1] / "eval" / "PREDICTIONS.md").read_text(encoding="utf-8")
    text = re.search(r"```text\n(.*)\n", markdown).group(1)
    blocks = re.findall(r"```json\n(.*?)```", markdown, flags=re.S)
    record = json.loads(blocks[0])
    jsonschema.validate(record, SCHEMA)
    document = Document(id="frnb-demo", title=None, text=text, language="fr", source=None, dct="2023-02-25",
                        dct_evidence="", seed_file="", text_sha256=sha256_text(text))
    prediction = parse_predictions([json.dumps(record)], documents=[document])["frnb-demo"]
    assert [e.text for e in prediction.entities] == ["Jens Stoltenberg", "Alliance"]
    assert prediction.quotes[0].speaker.text == "Jens Stoltenberg"
    assert json.loads(blocks[1])["text"] == text  # the command input example shows the same document


def test_read_predictions_reports_an_unreadable_file(tmp_path):
    with pytest.raises(PredictionsError) as caught:
        read_predictions(tmp_path / "nope.jsonl", documents=GOLD)
    message = str(caught.value)
    assert f"{tmp_path / 'nope.jsonl'}: expected a readable predictions file; found No such file or directory. " in message
    assert "Error" not in message  # no exception class is shown


def entity(**fields):
    return json.dumps({"id": "t-001", "entities": [{"start": 0, "end": 6, "label": "PER", **fields}]})


# One case per class of bad prediction file: the lines, then pieces the message must contain.
BAD_FILES = {
    "malformed JSON": (['{"id": "t-001", "entities": [}'],
                       ["preds.jsonl line 1", "one JSON object per line", "Expecting value at column 30"]),
    "not an object": (['["t-001"]'], ["line 1: expected one JSON object per line", "found a list ['t-001']. Fix"]),
    "null": (['null'], ["line 1: expected one JSON object per line", "found null. Fix"]),
    "key repeated": (['{"id": "t-001", "entities": [], "entities": []}'], ["line 1", "each key once", "'entities' twice"]),
    "not UTF-8": ([b'{"id": "t-001", "entities": [{"start": 0, "end": 6, "text": "\xe9", "label": "PER"}]}'],
                  ["line 1", "expected UTF-8 text", "found the byte 0xe9, which is not UTF-8 (at byte 62)"]),
    "id missing": (['{"entities": []}'], ["line 1", "the key 'id'", "no 'id' key"]),
    "id not a string": (['{"id": 1}'], ["line 1", "a document id (a string)", "found 1"]),
    "unknown document": (['{"id": "t-01", "entities": []}'],
                         ["document 't-01'", "a document id of the gold (t-001, t-002)", "did you mean 't-001'"]),
    "document twice": ([entity(), "", entity()], ["line 3 document 't-001' id", "one line per document", "also on line 1"]),
    "misspelt layer": (['{"id": "t-001", "entites": []}'],
                       ["document 't-001': expected only the keys id, entities, dates, quotes",
                        "'entites' (did you mean 'entities'?)"]),
    "layer not a list": (['{"id": "t-001", "dates": {"start": 0}}'], ["dates: expected a list of spans", "found an object {'start': 0}. Fix"]),
    "span not an object": (['{"id": "t-001", "entities": [[0, 6, "PER"]]}'], ["entities[0]", "a span object", "found a list [0, 6, 'PER']. Fix"]),
    "required key missing": (['{"id": "t-001", "entities": [{"start": 0, "end": 6}]}'],
                             ["entities[0] [0, 6)", "the key 'label'", "no such key"]),
    "wrong value type": ([entity(start=0.0)], ["entities[0]", "'start' to be an integer", "found 0.0"]),
    "boolean offset": ([entity(end=True)], ["'end' to be an integer", "found True"]),
    "unknown span key": ([entity(score=0.9)], ["entities[0] [0, 6)", "only the keys start, end, text, label",
                                              "the unknown key 'score'"]),
    "offset beyond the text": ([entity(end=10_000)],
                               ["entities[0] [0, 10000)", f"0 <= start < end <= {len(T1)}", "start=0, end=10000",
                                "half-open [start, end) character offsets"]),
    "empty span": ([entity(start=6, end=6)], ["entities[0] [6, 6)", "start=6, end=6"]),
    "negative offset": ([entity(start=-1)], ["start=-1, end=6"]),
    "span text differs": ([entity(start=1, end=7, text="Macron")],
                          ["entities[0] [1, 7)", "text[1:7] == 'Macron'", "found 'acron '", "occurs at [0, 6)"]),
    "unknown entity label": ([entity(label="PERSON")],
                             ["entities[0] [0, 6)", "a label in PER, ORG, LOC, MISC", "'PERSON'"]),
    "unknown timex type": (['{"id": "t-001", "dates": [{"start": 3, "end": 18, "type": "DAY", "value": "2023-02-28"}]}'],
                           ["dates[0] [3, 18)", "a type in DATE, TIME, DURATION, SET", "'DAY'"]),
    "bad timex value": (['{"id": "t-001", "dates": [{"start": 3, "end": 18, "type": "DATE", "value": "2023-02-30"}]}'],
                        ["dates[0] [3, 18)", "a TIMEX3 value", "day 30 does not exist"]),
    "bad timex mod": (['{"id": "t-001", "dates": [{"start": 3, "end": 18, "type": "DATE", "value": "2023-02-28", "mod": "ABOUT"}]}'],
                      ["dates[0]", "mod null or one of BEFORE, AFTER", "'ABOUT'"]),
    "unknown quote type": (['{"id": "t-002", "quotes": [{"content": {"start": 67, "end": 90}, "type": "reported"}]}'],
                           ["document 't-002' quotes[0] [67, 90)", "a quote type in direct, indirect, mixed", "'reported'"]),
    "bad quote speaker": (['{"id": "t-002", "quotes": [{"content": {"start": 67, "end": 90}, "type": "indirect", '
                           '"speaker": {"start": 30, "end": 46, "text": "Stoltenberg"}}]}'],
                          ["quotes[0] [67, 90) speaker", "text[30:46] == 'Stoltenberg'", "'Jens Stoltenberg'"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_prediction_file_gets_a_clear_message(case):
    lines, pieces = BAD_FILES[case]
    problems = problems_of(*lines)
    assert len(problems) == 1, problems
    for piece in pieces:
        assert piece in problems[0], f"{piece!r} not in {problems[0]!r}"
    assert "Fix: " in problems[0]


def test_every_problem_is_reported_at_once():
    lines = [entity(label="X"), "not json", '{"id": "t-002", "entities": [{"start": 0, "end": 999, "label": "Y"}]}']
    with pytest.raises(PredictionsError) as caught:
        parse(*lines)
    problems = caught.value.problems
    assert [(p.line, p.document) for p in problems] == [(1, "t-001"), (2, None), (3, "t-002"), (3, "t-002")]
    assert str(caught.value).startswith("4 problem(s) in the predictions:")


def test_check_prediction_applies_the_contract_to_system_output():
    document = DOC["t-001"]
    good = Prediction(id="t-001", entities=(Entity(0, 6, "Macron", "PER"),))
    assert check_prediction(good, document, source="sys") == good
    with pytest.raises(PredictionsError, match=r"sys document 't-001' entities\[0\] \[0, 99999\)"):
        check_prediction(Prediction(id="t-001", entities=(Entity(0, 99999, "x", "PER"),)), document, source="sys")
    with pytest.raises(PredictionsError, match="the id of the document given"):
        check_prediction(Prediction(id="t-002"), document, source="sys")
    with pytest.raises(PredictionsError, match="a frnewsbench.schema.Prediction"):
        check_prediction({"id": "t-001"}, document, source="sys")  # type: ignore[arg-type]


# Property: whatever the file holds, the parser returns predictions or raises PredictionsError, nothing else.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
span_keys = st.sampled_from(["start", "end", "text", "label", "type", "value", "mod", "content", "speaker", "cue",
                             "speaker_entity_id", "entity_id", "id", "junk"])
layer_items = st.dictionaries(span_keys, st.integers(-3, 140) | st.sampled_from(
    ["PER", "LOC", "DATE", "P2D", "2023-02-28", "direct", "Macron", None]) | json_values, max_size=6)
records = st.fixed_dictionaries(
    {"id": st.sampled_from(["t-001", "t-002", "t-003"]) | json_values},
    optional={layer: st.lists(layer_items, max_size=3) | json_values for layer in ("entities", "dates", "quotes", "entites")},
)
lines = st.one_of(
    records.map(lambda record: json.dumps(record, allow_nan=True)),
    json_values.map(json.dumps),
    st.text(max_size=40),
    st.binary(max_size=40),
    records.map(lambda record: json.dumps(record)[: len(json.dumps(record)) // 2]),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, max_size=5))
def test_only_predictions_error_comes_out_of_random_files(file_lines):
    try:
        predictions = parse_predictions(file_lines, documents=GOLD, source="random.jsonl")
    except PredictionsError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.line is not None and 1 <= problem.line <= len(file_lines)
            assert str(problem)
    else:
        for prediction in predictions.values():
            jsonschema.validate(prediction_to_record(prediction), SCHEMA)


@st.composite
def near_valid_entity(draw):
    start = draw(st.integers(0, len(T1) - 1))
    end = draw(st.integers(start + 1, len(T1)) | st.integers(-2, len(T1) + 2))
    item = {"start": start, "end": end, "label": draw(st.sampled_from([*ENTITY_LABELS, "PERSON", None]))}
    if draw(st.booleans()):
        item["text"] = draw(st.just(T1[start:end]) | st.none() | st.text(max_size=4))
    for key in draw(st.sets(st.sampled_from(["id", "entity_id", "canonical_name", "score"]), max_size=2)):
        item[key] = draw(st.none() | st.text(max_size=4) | st.integers())
    return item


near_valid_records = st.fixed_dictionaries({"id": st.just("t-001"), "entities": st.lists(near_valid_entity(), max_size=3)})


@settings(max_examples=300, deadline=None)
@given(records | near_valid_records)
def test_what_the_parser_accepts_the_schema_accepts(record):
    try:
        parse(json.dumps(record))
    except PredictionsError:
        return
    jsonschema.validate(record, SCHEMA)


def test_system_output_with_non_json_numbers_names_their_type():
    import numpy as np

    prediction = Prediction(id="t-001", entities=(Entity(np.int64(0), 6, "Macron", "PER"),))
    with pytest.raises(PredictionsError, match=r"'start' to be an integer( or null)?; found .*0\)? of type int64"):
        check_prediction(prediction, DOC["t-001"], source="sys")


# --- the fast path for well-formed items decides as the full check does ----------------------------

import random  # noqa: E402

WRONG_VALUES = (None, True, "3", 2.0, -1, 10**6, "", [], {}, "x")


def _mutated_span(rng: random.Random) -> dict:
    start = rng.randrange(len(T1) - 1)
    span = {"start": start, "end": rng.randint(start + 1, min(len(T1), start + 30))}
    if rng.random() < 0.5:
        span["text"] = T1[span["start"]:span["end"]]
    return span


def _well_formed_item(rng: random.Random, layer: str) -> dict:
    if layer == "entities":
        item = {**_mutated_span(rng), "label": rng.choice(ENTITY_LABELS)}
        optional = {"id": "e1", "entity_id": "macron", "canonical_name": "Emmanuel Macron"}
    elif layer == "dates":
        item = {**_mutated_span(rng), "type": rng.choice(["DATE", "DURATION", "SET"]),
                "value": rng.choice(["2023-02-28", "P2D", "2023-W09", "PRESENT_REF"])}
        optional = {"id": "t1", "mod": rng.choice(["MID", "END"])}
    else:
        item = {"content": _mutated_span(rng), "type": rng.choice(["direct", "indirect", "mixed"])}
        optional = {"id": "q1", "speaker": _mutated_span(rng), "cue": _mutated_span(rng), "speaker_entity_id": "macron"}
    for key, value in optional.items():
        if rng.random() < 0.4:
            item[key] = value if rng.random() < 0.8 else None
    return item


def _mutate(rng: random.Random, item: dict) -> dict:
    """``item`` with one thing wrong, or an unknown key, or a wrong text, or left as it is."""
    item = json.loads(json.dumps(item))
    target = item
    if "content" in item and rng.random() < 0.5:
        target = item[rng.choice([key for key in ("content", "speaker", "cue") if isinstance(item.get(key), dict)])]
    roll = rng.random()
    if roll < 0.4:
        target[rng.choice(sorted(target))] = rng.choice(WRONG_VALUES)
    elif roll < 0.5:
        target["score"] = 1
    elif roll < 0.6:
        target["text"] = "nope"
    elif roll < 0.7:
        target.pop(rng.choice(sorted(target)))
    elif roll < 0.75:
        target["end"] = len(T1) + 1
    elif roll < 0.8 and "value" in target:
        target["value"] = rng.choice(["2023-02-30", "XXXX", "P2", "2023-13"])
    elif roll < 0.95 and isinstance(target.get("start"), int) and isinstance(target.get("end"), int):
        # given by its text alone: placed by the aligner, after the spans given with offsets before it
        target["text"] = T1[target.pop("start"):target.pop("end")]
    return item


def test_the_fast_path_accepts_and_builds_exactly_what_the_full_check_does():
    from unittest.mock import patch

    from frnewsbench import predictions as module

    rng = random.Random(15)
    accepted = refused = 0
    for _ in range(1500):
        layer = rng.choice(["entities", "dates", "quotes"])
        items = [_well_formed_item(rng, layer) for _ in range(rng.randint(1, 3))]
        items = [_mutate(rng, item) if rng.random() < 0.6 else item for item in items]
        line = json.dumps({"id": "t-001", layer: items})
        try:
            fast = parse(line)
        except PredictionsError as error:
            fast = [str(problem) for problem in error.problems]
        with patch.dict(module._FAST_BUILDERS, {layer: lambda self, item: None for layer in module._FAST_BUILDERS}):
            try:
                full = parse(line)
            except PredictionsError as error:
                full = [str(problem) for problem in error.problems]
        assert fast == full, line
        accepted += isinstance(fast, dict)
        refused += isinstance(fast, list)
    assert accepted > 300 and refused > 300  # both ways exercised


# --- the quick reader (orjson) and the strict one answer alike; files are read a chunk at a time ------

def _outcome(parse_lines):
    """What parsing gives: each prediction as its record with its alignments, or the problems' messages."""
    try:
        predictions = parse_lines()
    except PredictionsError as error:
        return [str(problem) for problem in error.problems]
    return {doc_id: (prediction_to_record(p), p.alignments) for doc_id, p in predictions.items()}


def _strictly(parse_lines):
    from unittest.mock import patch

    from frnewsbench import predictions as module

    with patch.object(module, "quick_loads", lambda line: module.NOT_QUICK):
        return _outcome(parse_lines)


def test_a_key_repeated_deep_inside_a_record_is_refused_with_the_strict_message():
    line = ('{"id": "t-002", "quotes": [{"content": {"start": 67, "end": 90}, "type": "indirect", '
            '"speaker": {"start": 30, "end": 46, "end": 46}}]}')
    problems = problems_of(line)
    assert problems == ["preds.jsonl line 1: expected each key once per object; found the key 'end' twice. "
                        "Fix: keep one of them"]
    assert _strictly(lambda: parse(line)) == problems


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines | records.map(lambda record: json.dumps(record).replace('"id": ', '"id": 1, "id": ', 1)),
                max_size=4))
def test_the_quick_reader_gives_the_answers_of_the_strict_one(file_lines):
    assert _outcome(lambda: parse(*file_lines)) == _strictly(lambda: parse(*file_lines))


def test_the_quick_reader_refused_records_are_named_from_what_the_strict_reader_reads():
    big = 2**64  # orjson reads it as a float; the message shows the integer, as the strict reader reads it
    problems = problems_of(entity(end=big))
    assert len(problems) == 1 and f"start=0, end={big}" in problems[0] and "to be an integer" not in problems[0]
    assert _strictly(lambda: parse(entity(end=big))) == problems


@pytest.mark.parametrize("content", [
    b"", b"\n", b"\xef\xbb\xbf" + entity().encode() + b"\n",
    (entity() + "\r\n\r\n" + json.dumps({"id": "t-002", "quotes": []})).encode(),  # CRLF, a blank line, no final newline
    (json.dumps({"id": "t-002", "entities": [{"text": "Jens Stoltenberg", "label": "PER"}] * 40}) + "\n").encode(),
    b'{"id": "t-001"}\n\xff\n{"id": "t-002", "entities": [}\n',
])
def test_a_file_read_a_few_bytes_at_a_time_is_read_as_a_whole(tmp_path, monkeypatch, content):
    import hashlib

    from frnewsbench import predictions as module
    from frnewsbench.predictions import read_predictions_with_hash

    path = tmp_path / "preds.jsonl"
    path.write_bytes(content)
    whole = _outcome(lambda: parse_predictions(content.split(b"\n"), documents=GOLD, source=str(path)))
    hashes = set()

    def read():
        predictions, sha256 = read_predictions_with_hash(path, documents=GOLD)
        hashes.add(sha256)
        return predictions

    for chunk in (1, 7, 64, 1 << 20):
        monkeypatch.setattr(module, "CHUNK_BYTES", chunk)
        assert _outcome(read) == whole
    assert hashes <= {"sha256:" + hashlib.sha256(content).hexdigest()}  # (a file with problems has no hash)
