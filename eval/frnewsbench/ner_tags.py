"""Token tags -> predictions: the output of a model trained on the ``ner`` config, scored as spans.

A token classifier fine-tuned on the dataset's ``ner`` config predicts one IOB2 tag per token of
each row (one row per paragraph, documents in id order). :func:`predictions_from_ner_tags` takes
those tag sequences, in the config's row order, as strings (``"B-PER"``) or as the config's
``ClassLabel`` ids (``1``), and turns them into entity predictions with the rows' own character
offsets (``token_starts``, ``token_ends``): the rows are rebuilt from the gold exactly as
``frnewsbench build`` writes them. Tags are read as conlleval reads IOB2 (an ``I-`` without its
``B-`` starts an entity). A row count or a row length that does not match, or a tag that is not
one of the config's, is an error naming the row (its number, from 1, and its id).

``read_ner_tags`` reads the JSON Lines file of ``frnewsbench score --ner-tags``: one JSON list
of tags per line, one line per row.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Sequence

from .jsonread import JSONReadError, loads
from .predictions import PredictionProblem, PredictionsError, read_input_bytes, sha256_of_bytes, show
from .schema import Document, Entity, Prediction
from .tokenize import Token, spans_from_iob2


def ner_rows(documents: Sequence[Document]) -> list[dict[str, Any]]:
    """The rows of the ``ner`` config for ``documents``, in the config's order."""
    from .build import ner_rows as document_rows

    return [row for document in sorted(documents, key=lambda d: d.id)
            for row in document_rows(replace(document, entities=()))]


def tag_names() -> list[str]:
    """The ``ClassLabel`` names of the ``ner_tags`` column (id -> tag)."""
    from .build import NER_TAGS

    return list(NER_TAGS)


def predictions_from_ner_tags(tags: Sequence[Sequence[str | int]], *, gold: Any = None,
                              source: str = "ner tags") -> dict[str, Prediction]:
    """Entity predictions, keyed by document id, from IOB2 ``tags`` aligned with the ``ner`` rows
    of ``gold`` (the documents, a dataset folder or annotation folder; default: the dataset).

    Raises :class:`~frnewsbench.predictions.PredictionsError` listing every row that does not fit.
    """
    from .gold import load_gold

    documents = load_gold(gold)
    rows = ner_rows(documents)
    names = tag_names()
    problems: list[PredictionProblem] = []
    if isinstance(tags, (str, bytes)) or not isinstance(tags, Sequence):
        raise PredictionsError([PredictionProblem(source, None, None, "(tags)", "a list of tag lists, one per row",
                                                  f"{type(tags).__name__} {show(tags)}", "give one list of tags per row")])
    if len(tags) != len(rows):
        problems.append(PredictionProblem(
            source, None, None, "(rows)",
            f"{len(rows)} rows, one per row of the ner config ({len(documents)} documents, a row per paragraph, "
            "documents in id order)", f"{len(tags)} rows",
            "tag every row of load_dataset(..., 'ner') in its order, and only those"))
    entities: dict[str, list[Entity]] = {document.id: [] for document in documents}
    texts = {document.id: document.text for document in documents}
    for number, (row, row_tags) in enumerate(zip(rows, tags), start=1):
        strings = _row_tags(number, row, row_tags, rows, names, source, problems)
        if strings is None:
            continue
        tokens = [Token(start, end, text) for start, end, text in zip(row["token_starts"], row["token_ends"], row["tokens"])]
        text = texts[row["document_id"]]
        for start, end, label in spans_from_iob2(tokens, strings):
            entities[row["document_id"]].append(Entity(start, end, text[start:end], label))
    if problems:
        raise PredictionsError(problems)
    return {doc_id: Prediction(id=doc_id, entities=tuple(found)) for doc_id, found in sorted(entities.items())}


def _row_tags(number: int, row: dict[str, Any], row_tags: Any, rows: list[dict[str, Any]], names: list[str],
              source: str, problems: list[PredictionProblem]) -> list[str] | None:
    """The tags of one row as strings, or None after recording its problems."""
    where = f"row {number} ({row['id']})"

    def problem(expected: str, found: str, fix: str) -> None:
        problems.append(PredictionProblem(source, number, row["document_id"], where, expected, found, fix))

    if isinstance(row_tags, (str, bytes)) or not isinstance(row_tags, Sequence):
        problem("a list of tags", f"{type(row_tags).__name__} {show(row_tags)}", "give each row's tags as a list")
        return None
    if len(row_tags) != len(row["tokens"]):
        neighbours = [f"row {other}" for other in (number - 1, number + 1)
                      if 1 <= other <= len(rows) and len(rows[other - 1]["tokens"]) == len(row_tags)]
        hint = f" (the length of {' and '.join(neighbours)}: a row missing or added before it?)" if neighbours else ""
        problem(f"{len(row['tokens'])} tags, one per token of the row", f"{len(row_tags)} tags{hint}",
                "give one tag per token of the ner config's row, rows in the config's order")
        return None
    strings = []
    for position, tag in enumerate(row_tags):
        if isinstance(tag, int) and not isinstance(tag, bool) and 0 <= tag < len(names):
            strings.append(names[tag])
        elif isinstance(tag, str) and tag in names:
            strings.append(tag)
        else:
            problem(f"a tag of the ner config ({', '.join(names)}) or its id 0-{len(names) - 1}",
                    f"{show(tag)} at token {position} ({row['tokens'][position]!r})",
                    "map the model's labels to these tags (PER, ORG, LOC, MISC in IOB2)")
            return None
    return strings


def read_ner_tags(path: str | Path) -> tuple[list[Any], str]:
    """The tag lists of a JSON Lines file (one list per line) and the ``sha256:`` hash of its bytes."""
    path = Path(path)
    content = read_input_bytes(path, expected="a readable JSON Lines file of tag lists", fix="check the file's path")
    lines = content.split(b"\n")
    if lines and not lines[-1].strip():
        lines.pop()  # the newline that ends the last line
    rows, problems = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            problems.append(PredictionProblem(str(path), number, None, "", "one JSON list of tags per line",
                                              "an empty line", "write each row's tags as a JSON list on its own line"))
            continue
        try:
            rows.append(loads(line))
        except JSONReadError as error:
            problems.append(PredictionProblem(str(path), number, None, "", "one JSON list of tags per line",
                                              f"{error.found} at column {error.column}" if error.column is not None else
                                              error.found + (f" (at {error.where})" if error.where else ""),
                                              "write each row's tags as a JSON list on its own line"))
    if problems:
        raise PredictionsError(problems)
    return rows, sha256_of_bytes(content)
