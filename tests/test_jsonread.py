"""The shared strict JSON reader and its quick companion (orjson, with an exact repeated-key check)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frnewsbench.jsonread import NOT_QUICK, JSONReadError, json_type, loads, quick_loads

REPEATED = [
    '{"a": 1, "a": 1}',
    '{"a": {"b": [1, {"c": 2, "d": 3, "c": 4}]}}',
    '{"id": "t-001", "quotes": [{"content": {"start": 0, "end": 6, "start": 0}, "type": "direct"}]}',
    '{"x": "a:b", "y": ":::", "x": "c"}',  # colons inside strings do not hide the repeated key
    '{"k:": 1, "k:" : 2}',  # a colon in the repeated key itself, spaces before the colon
    '[{"a": 1}, {"b": 1, "b": 2}]',
    '{"\\u00e9": 1, "é": 2}',  # the same key written two ways
]


@pytest.mark.parametrize("content", REPEATED)
def test_a_repeated_key_at_any_depth_is_left_to_the_strict_reader(content):
    for form in (content, content.encode("utf-8")):
        assert quick_loads(form) is NOT_QUICK
    with pytest.raises(JSONReadError, match="each key once per object"):
        loads(content)


@pytest.mark.parametrize("content", [
    '{"a": "x:y", "b": {"c": [1, {"d": "10:30", "e": 3}]}}',
    '{"text": "Il a dit : « non »", "k:": ":"}',
    '  {"a" :  1 ,"b":[ ]}\r',
    '"\\ud83d\\ude00"',
    "null",
])
def test_quick_reading_gives_the_strict_value(content):
    assert quick_loads(content.encode("utf-8")) == quick_loads(content) == loads(content)


@pytest.mark.parametrize("content", [
    b'{"a\\u003a": 1, "a:": 2}',  # a colon written as an escape: counted by no byte, so left to loads
    b'"\\ud800"', b'NaN', b'{"a": Infinity}', b'\xef\xbb\xbf{}', b'"\xe9"', b'{"a": 1,}', b'', b'  ',
    json.dumps([[[]]] * 2).encode() + b"x", ("[" * 300 + "]" * 300).encode(),
])
def test_what_the_quick_reader_cannot_settle_goes_to_the_strict_one(content):
    assert quick_loads(content) is NOT_QUICK


# Random JSON texts written by hand (objects as lists of pairs, so keys may repeat; random spacing
# and escapes), compared between the two readers.
KEYS = st.sampled_from(["a", "b", "a:", ":", "é", "id", "start", "\u00e9"]) | st.text(max_size=3)
SCALARS = (st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.text(max_size=6)
           | st.sampled_from(["10:30", "a : b", "«:»", "\\", '"']))
NUMBERS = st.sampled_from(["1e2", "1E+2", "1.0", "-0", "-0.0", "0e0", "10E-1", "18446744073709551615", "18446744073709551616",
                           "-9223372036854775809", "1.5e300", "0.1", "123456789.123456789e-5"]).map(lambda text: ("number", text))
TREES = st.recursive(SCALARS | NUMBERS, lambda inner: st.lists(inner, max_size=3).map(lambda items: ("list", items))
                     | st.lists(st.tuples(KEYS, inner), max_size=3).map(lambda pairs: ("object", pairs)), max_leaves=10)


def written(tree, draw_space, draw_ascii) -> str:
    space = draw_space()
    if isinstance(tree, tuple) and tree[0] == "number":
        return tree[1]
    if isinstance(tree, tuple) and tree[0] == "list":
        return "[" + ",".join(space + written(item, draw_space, draw_ascii) for item in tree[1]) + "]"
    if isinstance(tree, tuple):
        return "{" + ",".join(f"{json.dumps(key, ensure_ascii=draw_ascii())}{draw_space()}:{space}"
                              f"{written(value, draw_space, draw_ascii)}" for key, value in tree[1]) + "}"
    return json.dumps(tree, ensure_ascii=draw_ascii())


@settings(max_examples=500, deadline=None)
@given(tree=TREES, data=st.data())
def test_the_quick_reader_answers_as_the_strict_one(tree, data):
    content = written(tree, lambda: data.draw(st.sampled_from(["", " ", "\t", "\n "])), lambda: data.draw(st.booleans()))
    try:
        strict = loads(content)
    except JSONReadError:
        strict = NOT_QUICK
    for form in (content, content.encode("utf-8")):
        quick = quick_loads(form)
        if quick is NOT_QUICK:
            continue
        assert strict is not NOT_QUICK, content  # never accepts what loads refuses (a repeated key above all)
        if not holds_float(quick):  # orjson reads an integer beyond 64 bits as a float: the documented difference
            assert json.dumps(quick) == json.dumps(strict), content  # the same values, types and key order
        assert holds_float(quick) >= holds_float(strict), content  # a float read by loads is a float here too


def holds_float(value) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(map(holds_float, value))
    return isinstance(value, dict) and any(map(holds_float, value.values()))


@pytest.mark.parametrize("text, name", [("{}", "an object"), ("[1]", "a list"), ('"x"', "a string"), ("-1", "a number"),
                                        ("1.5e3", "a number"), ("true", "true"), ("false", "false"), ("null", "null")])
def test_json_type_names_a_value_in_jsons_words(text, name):
    assert json_type(loads(text)) == name


def test_a_problem_of_the_content_as_a_whole_has_no_place_in_its_message():
    with pytest.raises(JSONReadError) as caught:
        loads('{"a": 1, "a": 2}')
    assert (caught.value.where, str(caught.value)) == (
        "", "expected each key once per object; found the key 'a' twice. Fix: keep one of them")
    with pytest.raises(JSONReadError) as caught:
        loads('{"a": [1,\n 2,,]}')
    assert str(caught.value) == "line 2 column 4: expected valid JSON; found Expecting value. Fix: fix the JSON syntax at that place"
