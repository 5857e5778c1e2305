"""The Python API a notebook user meets: ``frnewsbench.run`` with a plain function or a lambda,
``frnewsbench.score`` with a list or a mapping of records, and the result's repr, Markdown and
DataFrame. Figures on tests/data/harness_gold (12 entities: 7 in t-001, 5 in t-002), by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

import frnewsbench
from frnewsbench.api import HarnessError
from frnewsbench.corpus import entity_to_dict
from frnewsbench.extractors.errors import ExtractorError
from frnewsbench.gold import load_corpus
from frnewsbench.predictions import PredictionsError, prediction_to_record
from frnewsbench.schema import Document, Prediction, gold_as_prediction

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"
GOLD = load_corpus(GOLD_DIR)
BY_ID = {document.id: document for document in GOLD}
T1_ONLY = 14 / 19  # t-001's 7 entities right, t-002's 5 missed: P 1, R 7/12, F1 = 14 / (14 + 0 + 5)


def entities_of_t001(document: Document) -> dict:
    """A plain function: t-001's gold entities as a record (no id), nothing for the other document."""
    gold = BY_ID[document.id]
    assert document.entities == () and document.text == gold.text and document.dct == gold.dct  # no gold given
    return {"entities": [entity_to_dict(e) for e in gold.entities] if document.id == "t-001" else []}


def headline(result, layer: str = "entities") -> float | None:
    return result.evaluation.headlines[layer].value


def test_run_a_plain_function():
    result = frnewsbench.run(extractor=entities_of_t001, gold=GOLD, bootstrap_samples=10)
    assert headline(result) == pytest.approx(T1_ONLY)
    assert result.system.name == "test_api:entities_of_t001"
    assert result.system.versions == {"callable": "test_api:entities_of_t001"}
    assert result.evaluation.layers["dates"] is None  # not predicted, not scored


def test_run_a_lambda_returning_predictions():
    result = frnewsbench.run(extractor=lambda document: gold_as_prediction(BY_ID[document.id]), gold=GOLD,
                             bootstrap_samples=10)
    assert {layer: headline(result, layer) for layer in ("entities", "dates", "quotes")} == {
        "entities": 1.0, "dates": 1.0, "quotes": 1.0}
    assert result.system.name == "test_api:test_run_a_lambda_returning_predictions.<locals>.<lambda>"


def test_run_a_function_returning_something_else_is_told_what_to_return():
    with pytest.raises(PredictionsError) as caught:
        frnewsbench.run(extractor=lambda document: None, gold=GOLD)
    assert str(caught.value.problems[0]).endswith(
        "document 't-001': expected a Prediction or a dict (one predictions record, e.g. {\"entities\": [...]}); "
        "found NoneType None. Fix: return the document's predictions")


def test_run_a_function_that_exits_is_an_extractor_error():
    def leave(document):
        raise SystemExit(0)

    with pytest.raises(ExtractorError, match=r"called sys.exit\(0\) on document 't-001': an extractor returns"):
        frnewsbench.run(extractor=leave, gold=GOLD)


def test_score_a_list_of_record_dicts():
    records = [{"id": "t-001", "entities": [entity_to_dict(e) for e in BY_ID["t-001"].entities]},
               {"id": "t-002", "entities": []}]
    result = frnewsbench.score(predictions=records, gold=GOLD, bootstrap_samples=10)
    assert headline(result) == pytest.approx(T1_ONLY)
    assert result.system.name == "predictions" and "predictions_sha256" not in result.system.versions
    predictions = [gold_as_prediction(document) for document in GOLD]  # Prediction objects in a list too
    assert headline(frnewsbench.score(predictions=predictions, gold=GOLD, bootstrap_samples=10), "quotes") == 1.0


def test_score_a_mapping_of_record_dicts_and_predictions():
    mapping = {"t-001": {"entities": [entity_to_dict(e) for e in BY_ID["t-001"].entities]},
               "t-002": Prediction(id="t-002", entities=())}
    assert headline(frnewsbench.score(predictions=mapping, gold=GOLD, bootstrap_samples=10)) == pytest.approx(T1_ONLY)


def test_a_list_gets_the_files_problems_numbered_by_item():
    records = [{"id": "t-001", "entities": [{"start": 0, "end": 6, "label": "PERSON"}]},
               "not a record",
               {"id": "t-001", "entities": []}]
    with pytest.raises(PredictionsError) as caught:
        frnewsbench.score(predictions=records, gold=GOLD)
    assert [str(problem) for problem in caught.value.problems] == [
        "predictions list item 1 document 't-001' entities[0] [0, 6): expected a label in PER, ORG, LOC, MISC; found "
        "'PERSON' (did you mean 'PER'?). Fix: map the system's labels to these four (see frnewsbench/extractors/labels.py)",
        "predictions list item 2: expected one JSON object per line, e.g. {\"id\": \"frnb-000\", \"entities\": [...]}; "
        "found a string 'not a record'. Fix: write each document's predictions as one JSON object",
        "predictions list item 3 document 't-001' id: expected one item per document; found 't-001' also on item 1. "
        "Fix: merge the two items into one",
    ]


def test_a_mapping_gets_its_problems_by_key():
    mapping = {"t-001": {"id": "t-002", "entities": []}, "t-002": [1, 2], "t-404": {"entities": []},
               "t-003": {"entities": [{"start": 0, "end": 6, "label": "PER", "txt": "Macron"}]}}
    del mapping["t-003"]
    with pytest.raises(PredictionsError) as caught:
        frnewsbench.score(predictions=mapping, gold=GOLD)
    assert [str(problem) for problem in caught.value.problems] == [
        "predictions['t-001'] document 't-001' id: expected the key's id 't-001' or no 'id'; found 't-002'. "
        "Fix: leave 'id' out or make it the key",
        "predictions['t-002'] document 't-002': expected a record (dict) or a Prediction; found list [1, 2]. "
        "Fix: map each document id to its predictions record or Prediction",
        "predictions document 't-404' id: expected a document id of the gold; found 't-404'. "
        "Fix: key the predictions by the ids of the gold documents",
    ]
    with pytest.raises(PredictionsError, match=r"predictions\['t-001'\] document 't-001' entities\[0\] \[0, 6\): "
                                               r"expected only the keys start, end, text"):
        frnewsbench.score(predictions={"t-001": {"entities": [{"start": 0, "end": 6, "label": "PER", "txt": "M"}]}},
                          gold=GOLD)


@pytest.mark.parametrize("predictions", [42, {"t-001", "t-002"}, (p for p in ())])
def test_predictions_of_another_kind_are_told_the_forms(predictions):
    with pytest.raises(HarnessError, match=r"^predictions: expected a path to a JSON Lines file, a list of records "
                                           r"\(dicts as the lines of a predictions file\), or a mapping of document id "
                                           r"-> record or Prediction; found (int 42|set |generator )"):
        frnewsbench.score(predictions=predictions, gold=GOLD)


def test_the_result_is_compact_in_repr_and_markdown_and_complete_as_a_dataframe():
    records = [prediction_to_record(gold_as_prediction(document)) for document in GOLD]
    records[1]["entities"] = []  # t-002's 5 entities missed
    result = frnewsbench.score(predictions=records, gold=GOLD, system="half", bootstrap_samples=50)
    text = repr(result)
    assert len(text) < 2000 and len(result.to_json()) > 10 * len(text)
    assert text.startswith("<Result 'half' on 2 document(s), dataset sha256:")
    interval = result.evaluation.headlines["entities"].interval
    assert f"entities: strict micro F1 (exact span and label) 0.737 [{interval.low:.3f}, {interval.high:.3f}]" in text
    assert "dates: TempEval-3 value F1 (relaxed match, exact TIMEX3 value) 1.000 [1.000, 1.000]" in text
    markdown = result._repr_markdown_()
    assert markdown.startswith(f"**half** on 2 document(s), dataset `{result.dataset_hash}`\n\n| layer | headline |")
    assert "| entities | strict micro F1 (exact span and label) | 0.737 |" in markdown

    frame = result.to_pandas()
    figures = {"entities": ["headline", "strict", "semeval_strict", "semeval_exact", "semeval_partial", "semeval_type",
                            "token_view", "offset_free"],
               "dates": ["headline", "strict_span", "relaxed_span", "type_accuracy", "value_accuracy", "value",
                         "offset_free"],
               "quotes": ["headline", "content_exact", "content_overlap", "content_overlap_30", "content_overlap_80",
                          "type_accuracy", "speaker_accuracy", "cue", "cue_overlap", "attribution"]}
    assert list(zip(frame["layer"], frame["figure"])) == [(layer, f) for layer, names in figures.items() for f in names]
    assert list(frame.columns[:9]) == ["layer", "figure", "metric", "precision", "recall", "f1", "f1_low", "f1_high",
                                       "accuracy"]
    strict = frame[(frame.layer == "entities") & (frame.figure == "strict")].iloc[0]
    assert (strict.tp, strict.fp, strict.fn, strict.precision, strict.recall) == (7, 0, 5, 1.0, 7 / 12)
    assert strict.f1 == pytest.approx(T1_ONLY)
    top = frame[(frame.layer == "entities") & (frame.figure == "headline")].iloc[0]
    assert (top.f1, top.f1_low, top.f1_high) == (pytest.approx(T1_ONLY), interval.low, interval.high)
    exact = frame[(frame.layer == "entities") & (frame.figure == "semeval_exact")].iloc[0]
    assert (exact.correct, exact.missed, exact.possible, exact.actual) == (7, 5, 12, 7)
    accuracy = frame[(frame.layer == "dates") & (frame.figure == "value_accuracy")].iloc[0]
    assert (accuracy.correct, accuracy.total, accuracy.accuracy) == (4, 4, 1.0)
    # offset-free: t-001's distinct (text, label) pairs are Macron, Xi Jinping (3 mentions), Paris, Emmanuel Macron,
    # Élysée (5, all predicted); t-002's OTAN, Bruxelles, Jens Stoltenberg, Alliance, AFP (5, all missed)
    listed = frame[(frame.layer == "entities") & (frame.figure == "offset_free")].iloc[0]
    assert (listed.tp, listed.fp, listed.fn, listed.precision, listed.recall) == (5, 0, 5, 1.0, 0.5)
    assert listed.f1 == pytest.approx(2 / 3)
    values = frame[(frame.layer == "dates") & (frame.figure == "offset_free")].iloc[0]
    assert (values.tp, values.fp, values.fn) == (4, 0, 0)  # (2023-02-28, DATE), (2023-02-27, DATE); (2023-02-28, DATE), (P2D, DURATION)
    tokens = frame[(frame.layer == "entities") & (frame.figure == "token_view")].iloc[0]
    assert (tokens.tp, tokens.fp, tokens.fn) == (7, 0, 5)  # the 7 entities of t-001 found, the 5 of t-002 missed
