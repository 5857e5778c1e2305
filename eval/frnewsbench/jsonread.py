"""The one way JSON from outside is read: strict, and every failure a :class:`JSONReadError`.

Every reader of the project (predictions, annotation files, Label Studio exports, submission
metadata, cached runs, results) goes through :func:`loads`, so each refuses the same things
with the same words:

- bytes that are not UTF-8 (the byte and its position are named); a UTF-8 byte order mark is
  allowed at the start;
- malformed JSON (line and column), and JSON nested so deeply that Python cannot read it (no
  ``RecursionError``);
- a key repeated inside one object (JSON parsers keep one of the two silently);
- ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON;
- a lone surrogate (``"\\ud800"``) in any string or key: it is no character, and could not be
  written back as UTF-8.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # the only way JSON read from UTF-8 can hold one


class JSONReadError(ValueError):
    """JSON that cannot be read: ``where`` (line and column, or the path of the value; "" for the
    content as a whole), what was ``expected``, what was ``found`` and the ``fix``."""

    def __init__(self, where: str, expected: str, found: str, fix: str, *, column: int | None = None):
        self.where, self.expected, self.found, self.fix, self.column = where, expected, found, fix, column
        super().__init__((f"{where}: " if where else "") + f"expected {expected}; found {found}. Fix: {fix}")


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # a key came twice: name the first one that did
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise JSONReadError("", "JSON numbers", repr(name), f"write {name} as a number or null (JSON has no {name})")


def json_type(value: Any) -> str:
    """What a value read from JSON is, in JSON's words (``an object``, ``null``, ...), for messages."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return "a number"
    return {dict: "an object", list: "a list", str: "a string"}.get(type(value), type(value).__name__)


def surrogate_problem(text: str) -> str | None:
    """``"a lone surrogate \\ud800 at character 3"`` when ``text`` holds one, else ``None``."""
    match = _SURROGATE.search(text)
    if match is None:
        return None
    return f"a lone surrogate \\u{ord(match.group()):04x} at character {match.start() + 1}"


SURROGATE_FIX = ("write the character itself or a valid surrogate pair (\\ud83d\\ude00); a lone surrogate is no "
                 "character and cannot be stored as UTF-8")


def _check_strings(value: Any) -> None:
    """Refuse a lone surrogate in any string or key of ``value`` (walked without recursion)."""
    stack: list[tuple[Any, str]] = [(value, "$")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            problem = surrogate_problem(item)
            if problem:
                raise JSONReadError(path, "valid Unicode text", problem, SURROGATE_FIX)
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(item))
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = surrogate_problem(key)
                if problem:
                    raise JSONReadError(f"{path} key {key!r}", "valid Unicode text", problem, SURROGATE_FIX)
                stack.append((child, f"{path}.{key}"))


def loads(content: str | bytes) -> Any:
    """The JSON value of ``content`` (UTF-8 bytes or text); raises :class:`JSONReadError`."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JSONReadError(f"byte {error.start + 1}", "UTF-8 text",
                                f"the byte {content[error.start]:#04x}, which is not UTF-8",
                                "save the file as UTF-8") from None
    text = content.removeprefix("\ufeff")
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_no_constant)
    except _DuplicateKey as error:
        raise JSONReadError("", "each key once per object", f"the key {error.key!r} twice",
                            "keep one of them") from None
    except json.JSONDecodeError as error:
        raise JSONReadError(f"line {error.lineno} column {error.colno}", "valid JSON", error.msg,
                            "fix the JSON syntax at that place", column=error.colno) from None
    except RecursionError:
        raise JSONReadError("", "JSON nested less deeply (Python reads about 1,000 levels)",
                            "arrays or objects nested too deeply to read", "flatten the structure") from None
    if _SURROGATE_ESCAPE.search(text) or _SURROGATE.search(text):  # else no string can hold one: skip the walk
        _check_strings(value)
    return value


NOT_QUICK = object()
# orjson before 3.9.15 read any depth of nesting and overflowed the C stack (CVE-2024-27454):
# with such a version every content is left to :func:`loads`
_ORJSON_BOUNDS_DEPTH = tuple(int(part) for part in re.findall(r"\d+", orjson.__version__)[:3]) >= (3, 9, 15)
_COLON_ESCAPE = "\\u003"  # ``\u003a`` writes a colon without the byte ``:``


def quick_loads(content: str | bytes) -> Any:
    """The JSON value of ``content`` read by orjson (several times faster than :func:`loads`), or
    :data:`NOT_QUICK` when orjson cannot read it or a key is repeated: read it with :func:`loads`.

    It refuses (``NOT_QUICK``) what :func:`loads` refuses: bytes that are not UTF-8, malformed JSON,
    ``NaN`` and infinities, lone surrogates, a byte order mark, nesting deeper than 1,024 levels,
    and a repeated key. The repeated key is found exactly by counting colons: in valid JSON a colon
    is either the one after each key or a character of a string, so the colons of ``content``
    number the keys written plus the colons inside strings, and the colons orjson writes back for
    the value number the keys kept plus the same colons inside strings; the two counts are equal
    if and only if no object lost a key (content with a ``\\u003a`` escape, a colon written
    without the byte, is left to :func:`loads`).

    Not :func:`loads` for numbers: an integer beyond 64 bits comes back as a float and floats are
    orjson's. A caller that refuses every float, and reads again with :func:`loads` what it
    refuses, gives the same answers as with :func:`loads` alone (the predictions reader does).
    """
    if not _ORJSON_BOUNDS_DEPTH:
        return NOT_QUICK
    try:
        value = orjson.loads(content)
        written = orjson.dumps(value)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return NOT_QUICK
    if isinstance(content, bytes):
        colons, escaped = content.count(b":"), _COLON_ESCAPE.encode() in content
    else:
        colons, escaped = content.count(":"), _COLON_ESCAPE in content
    if escaped or colons != written.count(b":"):
        return NOT_QUICK
    return value
