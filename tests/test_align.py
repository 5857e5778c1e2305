"""Text-anchored predictions: strings placed in the text, every decision reported.

Expected offsets are worked out by hand from the texts below (``find`` only locates the
occurrence the hand-worked answer names).
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frnewsbench.align import FUZZY_THRESHOLD, alignment_report, is_unaligned
from frnewsbench.api import load_gold, score
from frnewsbench.normalise import normalise, normalise_with_origins
from frnewsbench.predictions import (
    PredictionsError, check_prediction, dumps_predictions, parse_predictions, prediction_from_record,
)
from frnewsbench.report.errors import render_errors
from frnewsbench.report.result import Result
from frnewsbench.schema import Document, Entity, Prediction, sha256_text
from frnewsbench.scoring import evaluate
from conftest_paths import DATASET
from helpers import find, small_document


def document(text: str, doc_id: str = "d") -> Document:
    return Document(id=doc_id, title=None, text=text, language="fr", source=None, dct="2023-03-01",
                    dct_evidence="test", seed_file="seed.txt", text_sha256=sha256_text(text))


def placed(text: str, record: dict) -> Prediction:
    return prediction_from_record({"id": "d", **record}, document(text), source="test")


def offsets(items) -> list[tuple[int, int]]:
    return [(item.start, item.end) for item in items]


def test_the_same_name_three_times_goes_to_three_occurrences_in_order():
    text = "Macron parle. Macron écoute. Macron part."
    #       0     6      14    20      29    35
    prediction = placed(text, {"entities": [{"text": "Macron", "label": "PER"}] * 4})
    assert offsets(prediction.entities) == [(0, 6), (14, 20), (29, 35), (0, 6)]
    methods = [(a.method, a.from_start) for a in prediction.alignments]
    # the fourth has no occurrence after the third: the first one of the document, said so
    assert methods == [("exact", False), ("exact", False), ("exact", False), ("exact", True)]


def test_a_name_inside_a_longer_name_whole_words_only():
    text = "Emmanuel Macron arrive ; Macron parle. La Macronie applaudit."
    #       0        9     15        25    31
    both = placed(text, {"entities": [{"text": "Emmanuel Macron", "label": "PER"}, {"text": "Macron", "label": "PER"}]})
    assert offsets(both.entities) == [(0, 15), (25, 31)]
    alone = placed(text, {"entities": [{"text": "Macron", "label": "PER"}]})
    assert offsets(alone.entities) == [(9, 15)]  # the first whole-word occurrence, inside the longer name
    # "Macron" is never placed inside "Macronie": after the second mention only the fallback is left
    three = placed(text, {"entities": [{"text": "Macron", "label": "PER"}] * 3})
    assert offsets(three.entities) == [(9, 15), (25, 31), (9, 15)]
    assert three.alignments[2].from_start


def test_elision_with_a_straight_apostrophe_is_placed_after_normalisation():
    text = "Kiev et l’Ukraine résistent."
    #       0       8 10     17
    prediction = placed(text, {"entities": [{"text": "l'Ukraine", "label": "LOC"}, {"text": "Ukraine", "label": "LOC"}]})
    assert offsets(prediction.entities) == [(8, 17), (10, 17)]
    assert prediction.entities[0].text == "l’Ukraine"  # the document's own text
    # "Ukraine" comes after the end of the previous mention (17): none, so from the start, exactly
    assert [(a.method, a.from_start) for a in prediction.alignments] == [("normalised", False), ("exact", True)]


def test_a_quote_with_guillemets_turned_into_straight_quotes():
    text = "Selon lui, « la\u00a0paix viendra », a déclaré Macron. Puis Macron est parti."
    #       0          11 13  16          27 29 31        40 41    47
    with_marks = placed(text, {"quotes": [{"type": "direct", "content": {"text": '"la paix viendra"'},
                                           "speaker": {"text": "Macron"}, "cue": {"text": "a déclaré"}}]})
    quote = with_marks.quotes[0]
    assert (quote.content.start, quote.content.end) == (11, 30)
    assert quote.content.text == "« la\u00a0paix viendra »"
    assert (quote.speaker.start, quote.speaker.end) == (42, 48)  # nearest the content, not the second Macron
    assert (quote.cue.start, quote.cue.end) == (32, 41)
    assert [(a.role, a.method) for a in with_marks.alignments] == [
        ("content", "normalised"), ("speaker", "exact"), ("cue", "exact")]
    inner = placed(text, {"quotes": [{"type": "direct", "content": {"text": "la paix viendra"}}]})
    assert (inner.quotes[0].content.start, inner.quotes[0].content.end) == (13, 28)


def test_a_paraphrased_quote_content_is_placed_fuzzily_and_only_a_content():
    text = "Il a ajouté : « Nous ne céderons jamais devant la Russie, et nous gagnerons cette guerre », avant de partir."
    paraphrase = "Nous ne céderons jamais face à la Russie et nous gagnerons cette guerre"
    prediction = placed(text, {"quotes": [{"type": "direct", "content": {"text": paraphrase}}],
                               "entities": [{"text": "ne céderons jamais face", "label": "MISC"}]})
    start, end = find(text, "Nous ne céderons jamais devant la Russie, et nous gagnerons cette guerre")
    assert (prediction.quotes[0].content.start, prediction.quotes[0].content.end) == (start, end)
    decisions = {a.layer: a for a in prediction.alignments}
    assert decisions["quotes"].method == "fuzzy" and FUZZY_THRESHOLD <= decisions["quotes"].score < 100
    assert decisions["entities"].method == "not_found"  # entities are never matched fuzzily


def test_a_string_not_in_the_text_is_a_listed_false_positive():
    gold = small_document()
    line = json.dumps({"id": gold.id, "entities": [{"text": "Xi Jinping", "label": "PER"},
                                                   {"text": "Joe Biden", "label": "PER"}]})
    predictions = parse_predictions([line], documents=[gold])
    biden = predictions[gold.id].entities[1]
    assert is_unaligned(biden) and (biden.start, biden.end, biden.text) == (len(gold.text), len(gold.text), "Joe Biden")
    evaluation = evaluate(gold=[gold], predictions=predictions, bootstrap_samples=10)
    strict = evaluation.layers["entities"].counts.strict
    assert (strict.tp, strict.fp, strict.fn) == (1, 1, 3)  # Xi Jinping right; Biden FP; 3 gold missed
    assert evaluation.layers["entities"].counts.semeval_partial.spurious == 1
    report = alignment_report(predictions)
    assert report.counts == {"entities": {"exact": 1, "normalised": 0, "fuzzy": 0, "not_found": 1}}
    assert [(doc, a.text) for doc, a in report.not_found] == [(gold.id, "Joe Biden")]
    # written back by its text alone, so the saved file is valid and scores the same
    assert '"text": "Joe Biden"' in dumps_predictions(predictions.values())
    again = parse_predictions(dumps_predictions(predictions.values()).splitlines(), documents=[gold])
    assert again[gold.id].entities == predictions[gold.id].entities


def test_offsets_and_text_mixed_in_one_record():
    text = "Macron parle. Macron écoute. Macron part."
    prediction = placed(text, {"entities": [{"start": 14, "end": 20, "label": "PER"}, {"text": "Macron", "label": "PER"},
                                            {"start": 0, "end": 6, "text": "Macron", "label": "PER"}]})
    # the text-anchored one is looked for after the mention given with offsets before it
    assert offsets(prediction.entities) == [(14, 20), (29, 35), (0, 6)]
    assert [(a.item, a.method) for a in prediction.alignments] == [(1, "exact")]


def test_a_span_needs_offsets_or_a_text():
    with pytest.raises(PredictionsError) as error:
        placed("Macron parle.", {"entities": [{"label": "PER"}, {"start": 0, "label": "PER"}, {"text": " ", "label": "PER"}]})
    messages = [str(problem) for problem in error.value.problems]
    assert "entities[0]: expected offsets 'start' and 'end', or the span's 'text' alone" in messages[0]
    assert "found only start" in messages[1]
    assert "found the blank text ' '" in messages[2]


def test_an_in_memory_prediction_is_placed_again_identically():
    text = "Macron parle. Macron écoute."
    first = placed(text, {"entities": [{"text": "Macron", "label": "PER"}, {"text": "Macron", "label": "PER"},
                                       {"text": "Biden", "label": "PER"}]})
    checked = check_prediction(first, document(text), source="system")
    assert checked.entities == first.entities and checked.alignments == first.alignments


def test_the_normalisation_table():
    assert normalise("« l’Alliance »") == normalise('"l\'Alliance"') == '"l\'Alliance"'
    assert normalise("déclaré\u202f: oui\u00a0—  non…") == "déclaré: oui - non..."
    text = "a\u00a0\u00a0b’c"
    normalised, origins = normalise_with_origins(text)
    assert normalised == "a b'c" and origins == (0, 1, 3, 4, 5)


@pytest.fixture(scope="module")
def gold():
    return load_gold(DATASET)


def text_only(document: Document) -> dict:
    def span(value):
        return None if value is None else {"text": value.text}

    return {
        "id": document.id,
        "entities": [{"text": e.text, "label": e.label} for e in document.entities],
        "dates": [{"text": t.text, "type": t.type, "value": t.value, "mod": t.mod} for t in document.dates],
        "quotes": [{"type": q.type, "content": span(q.content), "speaker": span(q.speaker), "cue": span(q.cue),
                    "speaker_entity_id": q.speaker_entity_id} for q in document.quotes],
    }


def test_the_oracle_without_offsets_scores_almost_one(gold, tmp_path):
    path = tmp_path / "oracle-text.jsonl"
    path.write_text("".join(json.dumps(text_only(d), ensure_ascii=False) + "\n" for d in gold), encoding="utf-8")
    result = score(predictions=path, gold=gold, bootstrap_samples=10, errors=tmp_path / "errors.md")
    headlines = {layer: headline.value for layer, headline in result.evaluation.headlines.items()}
    assert headlines["entities"] == 1.0 and headlines["dates"] == 1.0
    # one quote of the 83 is misplaced: frnb-002's content "indestructible" also ends the subheading
    # "Une amitié indestructible" before it, the first occurrence after the previous quote
    attribution = result.evaluation.layers["quotes"].counts.attribution
    quotes = sum(len(d.quotes) for d in gold)
    assert (attribution.tp, attribution.fp, attribution.fn) == (quotes - 1, 1, 1)
    assert headlines["quotes"] == pytest.approx(2 * (quotes - 1) / (2 * quotes))
    counts = result.alignment.counts
    assert counts["entities"]["exact"] == sum(len(d.entities) for d in gold)
    assert sum(counts["quotes"][m] for m in ("normalised", "fuzzy", "not_found")) == 0
    assert Result.from_dict(json.loads(result.to_json())).alignment == result.alignment
    assert "## Spans placed by their text" in (tmp_path / "errors.md").read_text(encoding="utf-8")


def test_every_gold_entity_and_date_given_by_text_in_order_aligns_back(gold):
    for document in gold:
        prediction = prediction_from_record(text_only(document), document, source="gold")
        assert offsets(prediction.entities) == offsets(document.entities), document.id
        assert offsets(prediction.dates) == offsets(document.dates), document.id


def test_the_error_report_lists_the_decisions_that_were_not_exact():
    gold = small_document()
    line = json.dumps({"id": gold.id, "entities": [{"text": "Joe Biden", "label": "PER"}],
                       "quotes": [{"type": "direct", "content": {"text": '"La paix est possible"'}}]})
    path_lines = [line]
    predictions = parse_predictions(path_lines, documents=[gold])
    result = score(predictions=predictions, gold=[gold], bootstrap_samples=10)
    report = render_errors(result, [gold])
    assert "| entities | 0 | 0 | 0 | 1 |" in report
    assert "| quotes | 0 | 1 | 0 | 0 |" in report
    assert "entities[0] mention 'Joe Biden': **not found**" in report
    assert "quotes[0] content '\"La paix est possible\"': **normalised** -> [62, 86)" in report


# The property: in a text where every occurrence of a name is annotated, the names given by their
# text alone and in order (typography changed or not) align back to their offsets.
NAMES = ["Macron", "Emmanuel Macron", "Ukraine", "Xi Jinping", "Côte d’Ivoire", "Nations unies"]
FILLERS = ["le président", "a dit", "la Macronie", "l’", "d’", "Ukrainiens", "Jinpingisme", "et", "«", "»", ",", "."]
SEPARATORS = [" ", "\u00a0", "\u202f", "\n", "  "]


@st.composite
def annotated_texts(draw):
    pieces = draw(st.lists(st.tuples(st.booleans(), st.integers(0, 50), st.sampled_from(SEPARATORS)), max_size=30))
    text, spans = "", []
    for is_name, index, separator in pieces:
        word = NAMES[index % len(NAMES)] if is_name else FILLERS[index % len(FILLERS)]
        if is_name and text and not text.endswith("’"):
            text += separator
        elif not is_name and text:
            text += separator
        if is_name:
            spans.append((len(text), len(text) + len(word), word))
        text += word
    return text, spans


@settings(max_examples=300, deadline=None)
@given(annotated_texts(), st.booleans())
def test_names_given_in_order_align_back_to_their_offsets(case, typographic_change):
    text, spans = case
    given_texts = [name.replace("’", "'") if typographic_change else name for _, _, name in spans]
    prediction = placed(text, {"entities": [{"text": name, "label": "PER"} for name in given_texts]})
    assert offsets(prediction.entities) == [(start, end) for start, end, _ in spans]
    assert not any(a.from_start for a in prediction.alignments)


def test_a_file_extractor_keeps_the_decisions_through_run(tmp_path):
    from frnewsbench.api import run

    gold = small_document()
    path = tmp_path / "preds.jsonl"
    path.write_text(json.dumps({"id": gold.id, "entities": [{"text": "Poutine", "label": "PER"},
                                                            {"text": "Biden", "label": "PER"}]}) + "\n", encoding="utf-8")
    result = run(extractor=f"file:{path}", gold=[gold], bootstrap_samples=10, predictions_output=tmp_path / "saved.jsonl")
    assert result.alignment.counts["entities"] == {"exact": 1, "normalised": 0, "fuzzy": 0, "not_found": 1}
    saved = [json.loads(line) for line in (tmp_path / "saved.jsonl").read_text(encoding="utf-8").splitlines()]
    poutine = find(gold.text, "Poutine")
    assert saved[0]["entities"][0]["start"] == poutine[0] and saved[0]["entities"][1] == {
        "text": "Biden", "label": "PER", "entity_id": None, "canonical_name": None}


def test_the_documented_text_anchored_example_is_valid_and_scores_as_with_offsets():
    import re
    from pathlib import Path

    import jsonschema

    from frnewsbench.predictions import SCHEMA_PATH

    markdown = (Path(__file__).parents[1] / "eval" / "PREDICTIONS.md").read_text(encoding="utf-8")
    text = re.search(r"```text\n(.*)\n", markdown).group(1)
    with_offsets = json.loads(re.findall(r"```json\n(.*?)```", markdown, flags=re.S)[0])
    text_anchored = json.loads(re.search(r"```jsonl\n(.*?)```", markdown, flags=re.S).group(1))
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(text_anchored, schema)
    with pytest.raises(jsonschema.ValidationError):  # one offset without the other
        jsonschema.validate({"id": "x", "entities": [{"start": 0, "text": "a", "label": "PER"}]}, schema)
    demo = replace(document(text), id="frnb-demo")
    placed_ = prediction_from_record(text_anchored, demo, source="doc")
    reference = prediction_from_record(with_offsets, demo, source="doc")
    assert placed_.entities == reference.entities and placed_.quotes == reference.quotes
    assert [(a.text, a.method, a.start, a.end) for a in placed_.alignments if a.method != "exact"] == [
        ("l'Alliance restait unie", "normalised", 37, 60)]


def text_anchored_function(document):
    """A python: system answering with strings only (used by the test below through its spec)."""
    return {"entities": [{"text": "Poutine", "label": "PER"}, {"text": "Joe Biden", "label": "PER"}]}


COMMAND = """\
import json, sys
for line in sys.stdin:
    doc = json.loads(line)
    print(json.dumps({"id": doc["id"], "entities": [{"text": "Poutine", "label": "PER"}, {"text": "Joe Biden", "label": "PER"}]}))
"""


def test_python_and_command_systems_may_answer_with_strings(tmp_path):
    import sys

    from frnewsbench.api import run

    gold = small_document()
    script = tmp_path / "system.py"
    script.write_text(COMMAND, encoding="utf-8")
    poutine = find(gold.text, "Poutine")
    for spec in ("python:test_align:text_anchored_function", f"command:{sys.executable} {script}"):
        result = run(extractor=spec, gold=[gold], bootstrap_samples=10)
        assert result.alignment.counts["entities"] == {"exact": 1, "normalised": 0, "fuzzy": 0, "not_found": 1}, spec
        decisions = [(d, a.text, a.method, a.start, a.end) for d, a in result.alignment.decisions]
        assert decisions == [(gold.id, "Poutine", "exact", *poutine), (gold.id, "Joe Biden", "not_found", None, None)]
        strict = result.evaluation.layers["entities"].counts.strict
        assert (strict.tp, strict.fp, strict.fn) == (1, 1, 3), spec


def test_the_score_command_prints_the_alignment_counts_and_the_strings_not_found(tmp_path, capsys):
    from frnewsbench.cli import main
    from helpers import write_small_corpus

    write_small_corpus(tmp_path / "gold")
    path = tmp_path / "llm.jsonl"
    path.write_text(json.dumps({"id": "doc-1", "entities": [{"text": "Xi Jinping", "label": "PER"},
                                                           {"text": "Joe Biden", "label": "PER"}]}) + "\n", encoding="utf-8")
    assert main(["score", "--predictions", str(path), "--gold", str(tmp_path / "gold"), "--bootstrap-samples", "10"]) == 0
    out = capsys.readouterr().out
    assert "text-anchored spans (placed by their text): entities 1 exact, 1 not found" in out
    assert "  not found in doc-1: entities[1] mention 'Joe Biden'" in out


def test_alignments_that_name_no_item_are_refused():
    from frnewsbench.schema import Alignment

    text = "Macron parle."
    bogus = Prediction(id="d", entities=(Entity(0, 6, "Macron", "PER"),),
                       alignments=(Alignment("entities", 3, "mention", "Macron", "exact", 0, 6),))
    with pytest.raises(PredictionsError, match="alignments: expected alignments naming items of the prediction's layers"):
        check_prediction(bogus, document(text), source="system")
