"""A large language model as a frnewsbench system, through any OpenAI-compatible server.

    pip install openai
    export OPENAI_BASE_URL=http://localhost:8000/v1   # vLLM, llama.cpp, Ollama, OpenAI, ...
    export OPENAI_API_KEY=...                         # whatever the server expects
    export FRNB_LLM_MODEL=my-model                    # the model name the server knows
    frnewsbench run --extractor python:examples/llm_extractor.py:LLMExtractor \\
        --output llm.json --errors llm-errors.md --save-predictions llm.jsonl

The model is asked for the entities, time expressions and quotes of each article as JSON with
strings only, no offsets. :func:`record_from_answer` turns its answer into a predictions record
whose spans give their ``text`` alone: the harness places each string in the article and reports
how (exactly, after normalising typography, fuzzily for quote contents, or not found: a false
positive); see eval/PREDICTIONS.md, "Spans given by their text". Items that would break the
predictions contract (a label outside PER/ORG/LOC/MISC, a TIMEX3 value outside the grammar, a
quote without content) are left out and counted in ``left_out``, which the result reports as
``system.dropped_labels``: nothing is dropped silently.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from typing import Any

from frnewsbench.extractors.labels import DEFAULT_LABEL_MAP
from frnewsbench.predictions import prediction_from_record
from frnewsbench.schema import QUOTE_TYPES, TIMEX_TYPES, Prediction
from frnewsbench.timex import value_problem

PROMPT = """Tu es un annotateur expert. Dans l'article ci-dessous (publié le {dct}), relève :
- "entities" : chaque mention d'entité nommée, dans l'ordre du texte, une fois par occurrence :
  {{"text": "<mots exacts du texte>", "label": "PER" | "ORG" | "LOC" | "MISC"}} ;
- "dates" : chaque expression temporelle, dans l'ordre du texte :
  {{"text": "<mots exacts>", "type": "DATE" | "TIME" | "DURATION" | "SET",
    "value": "<valeur TIMEX3 résolue par rapport au {dct}, ex. 2023-02-28, 2023-W09, P3D, PRESENT_REF>"}} ;
- "quotes" : chaque citation, directe ou indirecte, dans l'ordre du texte :
  {{"content": "<paroles rapportées, mots exacts, sans guillemets>", "speaker": "<qui parle, mots exacts>" | null,
    "cue": "<verbe introducteur, mots exacts, ex. a déclaré>" | null, "type": "direct" | "indirect" | "mixed"}}.
Recopie les mots tels qu'ils sont dans le texte. Réponds uniquement par un objet JSON
{{"entities": [...], "dates": [...], "quotes": [...]}}.

Article :
{text}"""

FENCE = re.compile(r"^\s*`{3}(?:json)?\s*\n(.*)\n\s*`{3}\s*$", re.S)  # a Markdown code fence


def _text(value: Any) -> str | None:
    """A non-blank string, or None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def record_from_answer(answer: str, left_out: Counter[str] | None = None) -> dict[str, list]:
    """The predictions record (layers only) of a model's JSON answer; its spans give their text alone.

    ``answer`` may be wrapped in a Markdown code fence. Items that break the contract are left out
    and counted in ``left_out`` under their reason. An answer that is not a JSON object raises
    ``ValueError`` naming what was found.
    """
    left_out = Counter() if left_out is None else left_out
    fenced = FENCE.match(answer)
    data = json.loads(fenced.group(1) if fenced else answer)
    if not isinstance(data, dict):
        raise ValueError(f"the model answered {type(data).__name__}, not a JSON object with entities, dates, quotes")

    entities = []
    for item in data.get("entities") or []:
        text, label = _text(item.get("text")) if isinstance(item, dict) else None, item.get("label") if isinstance(item, dict) else None
        mapped = DEFAULT_LABEL_MAP.get(label.upper()) if isinstance(label, str) else None
        if text is None or mapped is None:
            left_out[f"entity {label!r}" if text else "entity without text"] += 1
            continue
        entities.append({"text": text, "label": mapped})

    dates = []
    for item in data.get("dates") or []:
        item = item if isinstance(item, dict) else {}
        text, kind, value = _text(item.get("text")), item.get("type"), item.get("value")
        if text is None or kind not in TIMEX_TYPES or not isinstance(value, str) or value_problem(value):
            left_out["date without text, TIMEX3 type or valid value"] += 1
            continue
        dates.append({"text": text, "type": kind, "value": value})

    quotes = []
    for item in data.get("quotes") or []:
        item = item if isinstance(item, dict) else {}
        content = _text(item.get("content"))
        if content is None:
            left_out["quote without content"] += 1
            continue
        speaker, cue = _text(item.get("speaker")), _text(item.get("cue"))
        quotes.append({
            "type": item.get("type") if item.get("type") in QUOTE_TYPES else "direct",
            "content": {"text": content},
            "speaker": None if speaker is None else {"text": speaker},
            "cue": None if cue is None else {"text": cue},
        })
    return {"entities": entities, "dates": dates, "quotes": quotes}


class LLMExtractor:
    """The three layers from a chat model behind an OpenAI-compatible server (``openai`` client)."""

    layers = ("entities", "dates", "quotes")

    def __init__(self, model: str | None = None, base_url: str | None = None):
        self.model = model or os.environ.get("FRNB_LLM_MODEL", "gpt-4o-mini")
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL")
        self.name = f"llm:{self.model}"
        self.left_out: Counter[str] = Counter()

    def ask(self, text: str, dct: str) -> str:
        """The model's answer for one article (the only network call)."""
        from openai import OpenAI

        client = OpenAI(base_url=self.base_url)  # the key is read from OPENAI_API_KEY
        response = client.chat.completions.create(
            model=self.model, temperature=0, response_format={"type": "json_object"},
            messages=[{"role": "user", "content": PROMPT.format(dct=dct, text=text)}],
        )
        return response.choices[0].message.content or ""

    def extract(self, document) -> Prediction:
        record = {"id": document.id, **record_from_answer(self.ask(document.text, document.dct), self.left_out)}
        return prediction_from_record(record, document, source=f"output of {self.name}")  # places the strings

    def versions(self) -> dict[str, str]:
        return {"model": self.model, "base_url": self.base_url or "https://api.openai.com/v1", "temperature": "0"}
