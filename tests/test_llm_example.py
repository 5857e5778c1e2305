"""The README's language-model extractor (examples/llm_extractor.py): its parsing and the placing
of its strings, on canned model answers (the network call is the user's)."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from frnewsbench.api import run, score
from frnewsbench.predictions import prediction_from_record
from helpers import small_document

EXAMPLE = Path(__file__).parents[1] / "examples" / "llm_extractor.py"
spec = importlib.util.spec_from_file_location("llm_extractor", EXAMPLE)
llm_extractor = importlib.util.module_from_spec(spec)
spec.loader.exec_module(llm_extractor)

# small_document's text: "Xi Jinping rencontrera Poutine à Moscou la semaine prochaine.\n« La paix est possible »,
# a déclaré le porte-parole Wang Wenbin le 28 février."
ANSWER = """```json
{"entities": [{"text": "Xi Jinping", "label": "PER"}, {"text": "Poutine", "label": "PERSON"},
              {"text": "Moscou", "label": "GPE"}, {"text": "Wang Wenbin", "label": "PER"},
              {"text": "Pékin", "label": "LOC"}, {"text": "chinois", "label": "NORP"}],
 "dates": [{"text": "semaine prochaine", "type": "DATE", "value": "2023-W12"},
           {"text": "28 février", "type": "DATE", "value": "2023-02-28"},
           {"text": "hier", "type": "DATE", "value": "yesterday"}],
 "quotes": [{"content": "\\"La paix est possible\\"", "speaker": "le porte-parole Wang Wenbin", "cue": "a déclaré",
             "type": "direct"},
            {"content": "", "speaker": "Xi Jinping", "cue": null, "type": "indirect"}]}
```"""


def test_the_answer_becomes_a_text_anchored_record_and_what_is_left_out_is_counted():
    left_out = Counter()
    record = llm_extractor.record_from_answer(ANSWER, left_out)
    assert record == {
        "entities": [{"text": "Xi Jinping", "label": "PER"}, {"text": "Poutine", "label": "PER"},
                     {"text": "Moscou", "label": "LOC"}, {"text": "Wang Wenbin", "label": "PER"},
                     {"text": "Pékin", "label": "LOC"}],
        "dates": [{"text": "semaine prochaine", "type": "DATE", "value": "2023-W12"},
                  {"text": "28 février", "type": "DATE", "value": "2023-02-28"}],
        "quotes": [{"type": "direct", "content": {"text": '"La paix est possible"'},
                    "speaker": {"text": "le porte-parole Wang Wenbin"}, "cue": {"text": "a déclaré"}}],
    }
    assert left_out == {"entity 'NORP'": 1, "date without text, TIMEX3 type or valid value": 1, "quote without content": 1}


def test_the_strings_are_placed_and_scored():
    gold = small_document()
    record = {"id": gold.id, **llm_extractor.record_from_answer(ANSWER)}
    prediction = prediction_from_record(record, gold, source="llm")
    assert [(a.layer, a.role, a.method) for a in prediction.alignments] == [
        ("entities", "mention", "exact"), ("entities", "mention", "exact"), ("entities", "mention", "exact"),
        ("entities", "mention", "exact"), ("entities", "mention", "not_found"),
        ("dates", "mention", "exact"), ("dates", "mention", "exact"),
        ("quotes", "content", "normalised"), ("quotes", "speaker", "exact"), ("quotes", "cue", "exact")]
    result = score(predictions={gold.id: prediction}, gold=[gold], bootstrap_samples=10)
    strict = result.evaluation.layers["entities"].counts.strict
    assert (strict.tp, strict.fp, strict.fn) == (4, 1, 0)  # Pékin is not in the text: a false positive
    assert result.evaluation.headlines["dates"].value == 1.0
    # the content was placed on « La paix est possible » (guillemets included), gold has the words only:
    # an overlap match with the right speaker, so full attribution is right
    assert result.evaluation.headlines["quotes"].value == 1.0
    assert result.evaluation.layers["quotes"].counts.content_exact.tp == 0


class CannedLLM(llm_extractor.LLMExtractor):
    """The example's extractor with the network call replaced by a canned answer."""

    def ask(self, text: str, dct: str) -> str:
        assert "Xi Jinping rencontrera Poutine" in text and dct == "2023-03-17"
        return ANSWER


def test_the_extractor_runs_through_the_harness_with_its_report(tmp_path):
    gold = small_document()
    result = run(extractor=CannedLLM(model="canned"), gold=[gold], bootstrap_samples=10, errors=tmp_path / "errors.md",
                 predictions_output=tmp_path / "saved.jsonl")
    assert result.system.name == "llm:canned" and result.system.versions["model"] == "canned"
    assert result.system.dropped_labels == {"entity 'NORP'": 1, "date without text, TIMEX3 type or valid value": 1,
                                            "quote without content": 1}
    assert result.alignment.counts == {
        "entities": {"exact": 4, "normalised": 0, "fuzzy": 0, "not_found": 1},
        "dates": {"exact": 2, "normalised": 0, "fuzzy": 0, "not_found": 0},
        "quotes": {"exact": 2, "normalised": 1, "fuzzy": 0, "not_found": 0}}
    assert "entities[4] mention 'Pékin': **not found**" in (tmp_path / "errors.md").read_text(encoding="utf-8")
    saved = json.loads((tmp_path / "saved.jsonl").read_text(encoding="utf-8"))
    assert saved["entities"][4] == {"text": "Pékin", "label": "LOC", "entity_id": None, "canonical_name": None}


def test_an_answer_that_is_not_a_json_object_is_refused():
    with pytest.raises(ValueError, match="not a JSON object"):
        llm_extractor.record_from_answer('["Macron"]')
    with pytest.raises(json.JSONDecodeError):
        llm_extractor.record_from_answer("Voici les entités : Macron (PER)")


def test_the_readme_shows_this_very_file_and_the_line_the_command_prints():
    import re

    from frnewsbench.align import alignment_line

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Evaluating a large language model\n", 1)[1].split("\n## ", 1)[0]
    shown = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    assert shown == EXAMPLE.read_text(encoding="utf-8")
    gold = small_document()
    result = run(extractor=CannedLLM(model="canned"), gold=[gold], bootstrap_samples=10)
    printed = re.search(r"```text\n(.*?)\n", section).group(1)
    assert printed == alignment_line(result.alignment)
