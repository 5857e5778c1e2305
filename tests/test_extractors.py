"""Extractor adapters (callable, spaCy, transformers, command, file) and the registry contract."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from frnewsbench.corpus import load_corpus
from frnewsbench.extractors import get_extractor, registered_names, strip_gold
from frnewsbench.extractors.callable import CallableExtractor, load_callable
from frnewsbench.extractors.command import CommandExtractor
from frnewsbench.extractors.errors import ExtractorError
from frnewsbench.extractors.file import FileExtractor
from frnewsbench.extractors.labels import DEFAULT_LABEL_MAP, UnknownLabelError, map_label
from frnewsbench.predictions import PredictionsError, check_prediction, write_predictions
from frnewsbench.schema import ENTITY_LABELS, LAYERS, Document, Entity, Prediction, sha256_text

GOLD = load_corpus(Path(__file__).parent / "data" / "harness_gold")
T1, T2 = GOLD[0], GOLD[1]  # t-001 (Macron, Xi Jinping), t-002 (OTAN, Stoltenberg)
FRENCH = ("Emmanuel Macron a reçu Xi Jinping à Paris le 28 février 2023.\n\n"
          "« Nous voulons la paix », a déclaré le président chinois.")


def document(text: str, doc_id: str = "doc") -> Document:
    return Document(id=doc_id, title=None, text=text, language="fr", source=None, dct="2023-03-01",
                    dct_evidence="test", seed_file="", text_sha256=sha256_text(text))


# --- the contract every registered extractor passes -------------------------------------------

@pytest.mark.parametrize("name", registered_names())
def test_registered_extractor_yields_a_well_formed_prediction(name):
    extractor = get_extractor(name)
    assert extractor.name == name
    assert extractor.layers and set(extractor.layers) <= set(LAYERS)
    versions = extractor.versions()
    assert versions and all(isinstance(k, str) and isinstance(v, str) for k, v in versions.items())
    doc = document(FRENCH)
    prediction = extractor.extract(strip_gold(doc))
    assert check_prediction(prediction, doc, source=name) == prediction
    assert set(prediction.layers()) == set(extractor.layers)


def test_spacy_models_are_registered():
    assert {"spacy-fr-core-news-sm.v1", "spacy-fr-core-news-md.v1"} <= set(registered_names())


# --- the label table --------------------------------------------------------------------------

def test_label_table_documents_every_mapped_label():
    import frnewsbench.extractors.labels as labels

    table = {}
    for row in re.findall(r"^\| ([A-Z_, ]+) \| (PER|ORG|LOC|MISC|\(not an entity\)) \|", labels.__doc__, flags=re.M):
        for source in row[0].split(", "):
            table[source] = None if row[1].startswith("(") else row[1]
    assert table == dict(DEFAULT_LABEL_MAP)
    assert {target for target in DEFAULT_LABEL_MAP.values() if target} == set(ENTITY_LABELS)


def test_unknown_label_is_reported_with_the_table():
    assert map_label("GPE", DEFAULT_LABEL_MAP, system="s") == "LOC"
    assert map_label("NORP", DEFAULT_LABEL_MAP, system="s") is None
    with pytest.raises(UnknownLabelError) as caught:
        map_label("ANIMAL", DEFAULT_LABEL_MAP, system="my-ner")
    message = str(caught.value)
    assert "my-ner" in message and "'ANIMAL'" in message and "GPE->LOC" in message and "NORP->(left out)" in message
    assert "label_map=" in message


# --- spaCy ------------------------------------------------------------------------------------

def ruler_pipeline(patterns):
    import spacy

    nlp = spacy.blank("fr")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    return nlp


def test_spacy_adapter_maps_labels_and_counts_the_left_out_ones():
    from frnewsbench.extractors.spacy_pipeline import SpacyExtractor

    nlp = ruler_pipeline([
        {"label": "PERSON", "pattern": "Emmanuel Macron"}, {"label": "GPE", "pattern": "Paris"},
        {"label": "NORP", "pattern": "chinois"}, {"label": "DATE", "pattern": [{"LOWER": "28"}, {"LOWER": "février"}]},
    ])
    extractor = SpacyExtractor(nlp, name="ruler.v1")
    prediction = extractor.extract(document(FRENCH))
    # "Emmanuel Macron" = [0, 15), "Paris" = [36, 41)
    assert prediction.entities == (Entity(0, 15, "Emmanuel Macron", "PER"), Entity(36, 41, "Paris", "LOC"))
    assert prediction.dates is None and prediction.quotes is None
    assert extractor.left_out == {"NORP": 1, "DATE": 1}
    assert extractor.versions()["model"] == "fr_pipeline"


def test_spacy_adapter_refuses_an_unknown_label():
    from frnewsbench.extractors.spacy_pipeline import SpacyExtractor

    extractor = SpacyExtractor(ruler_pipeline([{"label": "ANIMAL", "pattern": "Paris"}]), name="ruler.v1")
    with pytest.raises(UnknownLabelError, match="'ANIMAL'"):
        extractor.extract(document(FRENCH))
    with pytest.raises(UnknownLabelError, match="not entity labels"):
        SpacyExtractor(ruler_pipeline([]), label_map={"ANIMAL": "CREATURE"})
    custom = SpacyExtractor(ruler_pipeline([{"label": "ANIMAL", "pattern": "Paris"}]), label_map={"ANIMAL": "MISC"})
    assert custom.extract(document(FRENCH)).entities == (Entity(36, 41, "Paris", "MISC"),)


# --- transformers: a tiny randomly initialised model built here, nothing downloaded ----------

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-FOO"]


def tiny_token_classifier(tmp_path, winner: str, model_max_length: int = 64):
    """A 1-layer BERT whose classifier always picks ``winner`` (zero weights, one positive bias)."""
    import torch
    from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast, pipeline

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "emmanuel", "macron", "a", "paris", ".", "nous", ","]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(tmp_path / "vocab.txt"), model_max_length=model_max_length)
    config = BertConfig(vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=16, max_position_embeddings=64, num_labels=len(LABELS),
                        id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)})
    torch.manual_seed(0)
    model = BertForTokenClassification(config).eval()
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.bias[LABELS.index(winner)] = 5.0
    return pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="simple", device=-1)


def test_transformers_adapter_shifts_offsets_paragraph_by_paragraph(tmp_path):
    from frnewsbench.extractors.transformers_pipeline import TransformersExtractor

    extractor = TransformersExtractor(tiny_token_classifier(tmp_path, "I-PER"), name="tiny.v1")
    text = "Emmanuel Macron à Paris.\n\n  Nous, à Paris.\n"
    prediction = extractor.extract(document(text))
    # every token is I-PER, so each paragraph is one PER entity from its first to its last token:
    # [0, 24) "Emmanuel Macron à Paris." and [28, 42) "Nous, à Paris." (the two spaces before it are skipped)
    assert prediction.entities == (Entity(0, 24, "Emmanuel Macron à Paris.", "PER"), Entity(28, 42, "Nous, à Paris.", "PER"))
    assert check_prediction(prediction, document(text), source="tiny") == prediction
    versions = extractor.versions()
    assert set(versions) == {"transformers", "torch", "model", "model_revision"}


def test_transformers_adapter_cuts_long_paragraphs_at_sentence_ends(tmp_path):
    from frnewsbench.extractors.transformers_pipeline import TransformersExtractor

    # model_max_length 8 leaves 6 tokens besides [CLS] and [SEP]; the paragraph has 10 tokens
    # (emmanuel macron à paris . x2), so it is cut after the first "." (token 5), not at token 6
    extractor = TransformersExtractor(tiny_token_classifier(tmp_path, "I-LOC", model_max_length=8), name="tiny.v1")
    text = "Emmanuel Macron à Paris. Emmanuel Macron à Paris."
    assert extractor.max_tokens == 6
    assert list(extractor.windows(text)) == [(0, 24), (25, 49)]
    assert extractor.extract(document(text)).entities == (
        Entity(0, 24, "Emmanuel Macron à Paris.", "LOC"), Entity(25, 49, "Emmanuel Macron à Paris.", "LOC"))
    # no sentence end within the limit: cut at 6 tokens, "emmanuel macron à paris emmanuel macron" = [0, 39)
    assert list(extractor.windows("Emmanuel Macron à Paris Emmanuel Macron à Paris")) == [(0, 39), (40, 47)]


def test_transformers_adapter_predicts_nothing_when_all_tokens_are_outside(tmp_path):
    from frnewsbench.extractors.transformers_pipeline import TransformersExtractor

    extractor = TransformersExtractor(tiny_token_classifier(tmp_path, "O"), name="tiny.v1")
    assert extractor.extract(document(FRENCH)).entities == ()


def test_transformers_adapter_refuses_an_unknown_label(tmp_path):
    from frnewsbench.extractors.transformers_pipeline import TransformersExtractor

    extractor = TransformersExtractor(tiny_token_classifier(tmp_path, "B-FOO"), name="tiny.v1")
    with pytest.raises(UnknownLabelError, match="tiny.v1: the entity label 'FOO'"):
        extractor.extract(document(FRENCH))


def test_transformers_loads_a_saved_model_folder_offline(tmp_path):
    from frnewsbench.extractors.transformers_pipeline import load_transformers

    token_classifier = tiny_token_classifier(tmp_path, "I-PER")
    token_classifier.model.save_pretrained(tmp_path / "model")
    token_classifier.tokenizer.save_pretrained(tmp_path / "model")
    extractor = load_transformers(str(tmp_path / "model"), name="saved.v1")
    assert extractor.extract(document("Emmanuel Macron.")).entities == (Entity(0, 16, "Emmanuel Macron.", "PER"),)


# --- external command -------------------------------------------------------------------------

MACRON_FINDER = """\
import json, sys
lines = [json.loads(line) for line in sys.stdin]
for doc in reversed(lines):  # any order is allowed
    assert set(doc) == {"id", "title", "text", "language", "dct", "source"}, sorted(doc)
    text, start, found = doc["text"], 0, []
    while (start := text.find("Macron", start)) >= 0:
        found.append({"start": start, "end": start + 6, "label": "PER"})
        start += 6
    print(json.dumps({"id": doc["id"], "entities": found}))
"""


def script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "system.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, str(path)]


def test_command_reads_documents_and_writes_predictions(tmp_path):
    extractor = CommandExtractor(script(tmp_path, MACRON_FINDER), timeout=60)
    ticks = []
    predictions = extractor.extract_many(GOLD, progress=ticks.append)
    # t-001 has "Macron" in the title [0, 6) and in "Emmanuel Macron" [63, 69); t-002 has none
    assert predictions["t-001"].entities == (Entity(0, 6, "Macron", "PER"), Entity(63, 69, "Macron", "PER"))
    assert predictions["t-002"].entities == ()
    assert predictions["t-002"].dates is None
    assert ticks == [1, 1]
    assert extractor.extract(T1) == predictions["t-001"]
    assert extractor.versions() == {"command": " ".join(extractor.argv)}


def test_command_failure_shows_its_stderr(tmp_path):
    extractor = CommandExtractor(script(tmp_path, "import sys\nprint('model file not found', file=sys.stderr)\nsys.exit(3)\n"))
    with pytest.raises(ExtractorError, match=r"exited with status 3\.\nIts standard error:\nmodel file not found"):
        extractor.extract_many(GOLD)


def test_command_timeout_stops_it(tmp_path):
    extractor = CommandExtractor(script(tmp_path, "import sys, time\nprint('loading', file=sys.stderr, flush=True)\ntime.sleep(30)\n"),
                                 timeout=1)
    with pytest.raises(ExtractorError, match=r"no answer after 1 s; the command was stopped(.|\n)*loading"):
        extractor.extract_many(GOLD)


def test_command_must_answer_for_every_document(tmp_path):
    body = "import json, sys\nfor line in sys.stdin:\n    doc = json.loads(line)\n    if doc['id'] == 't-001':\n" \
           "        print(json.dumps({'id': doc['id'], 'entities': []}))\n"
    with pytest.raises(ExtractorError, match=r"no output line for 1 of 2 document\(s\): t-002"):
        CommandExtractor(script(tmp_path, body)).extract_many(GOLD)


def test_command_output_is_checked_against_the_contract(tmp_path):
    body = "import json, sys\nfor line in sys.stdin:\n    doc = json.loads(line)\n" \
           "    print(json.dumps({'id': doc['id'], 'entities': [{'start': 0, 'end': 2, 'label': 'PERSON'}]}))\n"
    extractor = CommandExtractor(script(tmp_path, body))
    with pytest.raises(PredictionsError) as caught:
        extractor.extract_many(GOLD)
    first = str(caught.value.problems[0])
    assert first.startswith(f"standard output of {extractor.name} line 1 document 't-001' entities[0] [0, 2)")
    assert "a label in PER, ORG, LOC, MISC" in first


def test_command_that_does_not_exist(tmp_path):
    with pytest.raises(ExtractorError, match=r"cannot start '.*no-such-program'"):
        CommandExtractor(str(tmp_path / "no-such-program")).extract_many(GOLD)
    with pytest.raises(ExtractorError, match="the command is empty"):
        CommandExtractor("  ")


# --- Python callables -------------------------------------------------------------------------

MODULE = """\
from frnewsbench.schema import Entity, Prediction

def as_record(document):
    start = document.text.find("Paris")
    return {"entities": [{"start": start, "end": start + 5, "label": "LOC"}]}

def as_prediction(document):
    return Prediction(id=document.id, entities=(), quotes=())

def broken(document):
    return {"entities": [{"start": 0, "end": 5, "label": "CITY"}]}

class Bare:
    def extract(self, document):
        return Prediction(id=document.id, dates=())

class Full:
    name = "full.v1"
    layers = ("entities",)
    def extract(self, document):
        return Prediction(id=document.id, entities=())
    def versions(self):
        return {"full": "1"}

class NeedsArguments:
    def __init__(self, model):
        self.model = model

NOT_CALLABLE = 3
"""


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    (tmp_path / "user_system.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "user_system"
    sys.modules.pop("user_system", None)


def test_callable_returning_a_record(user_module):
    extractor = load_callable(f"{user_module}:as_record")
    assert isinstance(extractor, CallableExtractor)
    assert extractor.name == "user_system:as_record" and extractor.layers == LAYERS
    # "Paris" is at [27, 32) in the title of t-001
    assert extractor.extract(T1) == Prediction(id="t-001", entities=(Entity(27, 32, "Paris", "LOC"),))
    assert extractor.versions() == {"callable": "user_system:as_record"}


def test_callable_returning_a_prediction_and_classes(user_module):
    assert load_callable(f"{user_module}:as_prediction").extract(T2) == Prediction(id="t-002", entities=(), quotes=())
    bare = load_callable(f"{user_module}:Bare", name="bare")
    assert isinstance(bare, CallableExtractor) and bare.name == "bare"
    assert bare.extract(T2) == Prediction(id="t-002", dates=())
    full = load_callable(f"{user_module}:Full")
    assert type(full).__name__ == "Full" and full.versions() == {"full": "1"}


def test_callable_output_is_checked(user_module):
    with pytest.raises(PredictionsError, match="a label in PER, ORG, LOC, MISC; found 'CITY'"):
        load_callable(f"{user_module}:broken").extract(T1)


@pytest.mark.parametrize(("spec", "message"), [
    ("user_system", "expected 'module:attr'"),
    ("no_such_module_xyz:f", "cannot import module 'no_such_module_xyz'"),
    ("user_system:missing", "has no attribute 'missing'"),
    ("user_system:NeedsArguments", "cannot be built without arguments"),
    ("user_system:NOT_CALLABLE", "is a int: expected a function"),
])
def test_bad_callable_reference(user_module, spec, message):
    with pytest.raises(ExtractorError, match=re.escape(message)):
        load_callable(spec)


# --- predictions file -------------------------------------------------------------------------

def test_file_extractor_serves_the_file_and_empties_missing_documents(tmp_path):
    path = tmp_path / "preds.jsonl"
    write_predictions(path, [Prediction(id="t-001", entities=(Entity(0, 6, "Macron", "PER"),), dates=())])
    extractor = FileExtractor(path, documents=GOLD)
    assert extractor.layers == ("entities", "dates")
    assert extractor.extract(T1).entities == (Entity(0, 6, "Macron", "PER"),)
    assert extractor.extract(T2) == Prediction(id="t-002", entities=(), dates=())  # missing: scored as empty
    assert list(extractor.extract_many(GOLD)) == ["t-001"]  # missing left out, so the scorer counts it
    assert extractor.versions()["predictions_sha256"].startswith("sha256:")
    path.write_text('{"id": "t-009"}\n', encoding="utf-8")
    with pytest.raises(PredictionsError, match="unknown id 't-009'"):
        FileExtractor(path, documents=GOLD)


def test_fixture_file_is_json_lines(tmp_path):
    path = tmp_path / "p.jsonl"
    write_predictions(path, [Prediction(id="t-002", quotes=())])
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == [{"id": "t-002", "quotes": []}]
