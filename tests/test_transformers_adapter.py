"""The transformers adapter from the command line: label map, aggregation, device, refusals.

Tiny models are built here (nothing downloaded): a BERT without encoder layers whose word
embeddings are rows of a Hadamard matrix (zero mean, unit variance, so the embedding layer norm
leaves them as they are) and whose classifier turns each row into chosen log-probabilities.
The softmax of the logits is then exactly the probabilities below, per token.
"""

from __future__ import annotations

import json
import math

import pytest

from frnewsbench.api import build_extractor
from frnewsbench.cli import main
from frnewsbench.corpus import write_document
from frnewsbench.extractors.errors import ExtractorError
from frnewsbench.extractors.labels import UnknownLabelError
from frnewsbench.extractors.transformers_pipeline import load_transformers
from frnewsbench.schema import Document, Entity, sha256_text

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

LABELS = ["O", "B-NAME", "I-NAME", "B-PLACE", "I-PLACE"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "emmanuel", "mac", "##ron", "a", "paris", "."]
# "Emmanuel Macron à Paris." is tokenised emmanuel | mac ##ron | a | paris | .
PROBABILITIES = {
    "emmanuel": {"B-NAME": 1.0},
    "mac": {"I-NAME": 0.6, "O": 0.2, "B-NAME": 0.1, "I-PLACE": 0.1},
    "##ron": {"B-PLACE": 0.65, "I-NAME": 0.35},
    None: {"O": 1.0},  # every other token
}
TEXT = "Emmanuel Macron à Paris."
NAME_MAP = {"NAME": "PER", "PLACE": "LOC"}


def tiny_model(head: str = "token"):
    from scipy.linalg import hadamard
    from transformers import BertConfig, BertForSequenceClassification, BertForTokenClassification, BertTokenizerFast

    tokenizer = BertTokenizerFast(vocab={word: index for index, word in enumerate(VOCAB)})
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=8, num_hidden_layers=0, num_attention_heads=2,
                        intermediate_size=16, max_position_embeddings=64, num_labels=len(LABELS),
                        id2label=dict(enumerate(LABELS)), label2id={label: i for i, label in enumerate(LABELS)})
    if head == "sequence":
        return BertForSequenceClassification(config).eval(), tokenizer
    model = BertForTokenClassification(config).eval()
    rows = torch.tensor(hadamard(8)[1:5], dtype=torch.float32)  # orthogonal, zero mean, entries +-1
    kinds = ["emmanuel", "mac", "##ron", None]
    with torch.no_grad():
        embeddings = model.bert.embeddings
        embeddings.position_embeddings.weight.zero_()
        embeddings.token_type_embeddings.weight.zero_()
        for index, word in enumerate(VOCAB):
            embeddings.word_embeddings.weight[index] = rows[kinds.index(word) if word in kinds else 3]
        weight = torch.zeros(len(LABELS), 8)
        for row, kind in zip(rows, kinds):
            logits = torch.tensor([math.log(PROBABILITIES[kind].get(label, 1e-9)) for label in LABELS])
            weight += torch.outer(logits, row) / 8  # rows are orthogonal with squared norm 8
        model.classifier.weight.copy_(weight)
        model.classifier.bias.zero_()
    return model, tokenizer


def saved(tmp_path, *, head: str = "token", with_tokenizer: bool = True):
    folder = tmp_path / f"model-{head}-{with_tokenizer}"
    model, tokenizer = tiny_model(head)
    model.save_pretrained(folder)
    if with_tokenizer:
        tokenizer.save_pretrained(folder)
    return folder


def document(text: str = TEXT) -> Document:
    return Document(id="d", title=None, text=text, language="fr", source=None, dct="2023-03-01", dct_evidence="test",
                    seed_file="seed.txt", text_sha256=sha256_text(text), seed_segments=((0, 0, len(text)),))


def spans(extractor) -> list[tuple[int, int, str, str]]:
    return [(e.start, e.end, e.text, e.label) for e in extractor.extract(document()).entities]


# Worked by hand from PROBABILITIES (the pipeline reads softmax scores, here exactly those numbers):
# simple  - tokens as tagged: emmanuel B-NAME, mac I-NAME -> "Emmanuel Mac"; ##ron B-PLACE -> "ron" (a word cut)
# first   - a word takes its first token's label: macron = mac = I-NAME -> "Emmanuel Macron"
# average - mean scores over macron's tokens: I-NAME (0.6 + 0.35) / 2 = 0.475 > B-PLACE 0.325 -> "Emmanuel Macron"
# max     - the most confident token decides: ##ron 0.65 > mac 0.6 -> macron is B-PLACE: "Emmanuel", "Macron"
EXPECTED = {
    "simple": [(0, 12, "Emmanuel Mac", "PER"), (12, 15, "ron", "LOC")],
    "first": [(0, 15, "Emmanuel Macron", "PER")],
    "average": [(0, 15, "Emmanuel Macron", "PER")],
    "max": [(0, 8, "Emmanuel", "PER"), (9, 15, "Macron", "LOC")],
}


@pytest.mark.parametrize("aggregation", sorted(EXPECTED))
def test_each_aggregation_as_worked_out_by_hand(tmp_path, aggregation):
    extractor = load_transformers(saved(tmp_path), aggregation=aggregation, label_map=NAME_MAP, name="tiny")
    assert spans(extractor) == EXPECTED[aggregation]
    assert extractor.versions()["aggregation"] == aggregation
    assert extractor.versions()["device"] == "cpu"


def test_the_default_aggregation_keeps_words_whole(tmp_path):
    extractor = load_transformers(saved(tmp_path), label_map=NAME_MAP)
    assert spans(extractor) == EXPECTED["first"]


def test_a_missing_folder_is_named_without_any_hub_message(tmp_path):
    for model in (tmp_path / "nope", "someone/not-cached-model"):
        with pytest.raises(ExtractorError) as caught:
            load_transformers(model)
        message = str(caught.value)
        assert f"{model}: no such folder" in message and "huggingface.co" not in message


def test_a_folder_without_tokenizer_files_is_refused(tmp_path):
    folder = saved(tmp_path, with_tokenizer=False)
    with pytest.raises(ExtractorError, match=r"no tokenizer files .* tokenizer\.save_pretrained"):
        load_transformers(folder, label_map=NAME_MAP)


def test_a_sequence_classification_head_is_refused_as_such(tmp_path):
    folder = saved(tmp_path, head="sequence")
    with pytest.raises(ExtractorError) as caught:
        load_transformers(folder, label_map=NAME_MAP)
    assert "the model's head is BertForSequenceClassification, not token classification" in str(caught.value)
    assert not isinstance(caught.value, UnknownLabelError)  # the label map is not blamed


def test_model_labels_outside_the_label_map_are_refused_before_running(tmp_path):
    with pytest.raises(UnknownLabelError) as caught:
        load_transformers(saved(tmp_path))
    assert "the model's labels 'NAME', 'PLACE' are not in the label map" in str(caught.value)
    assert "--label-map FILE" in str(caught.value)


def test_bad_aggregation_and_device_are_named(tmp_path):
    with pytest.raises(ExtractorError, match="aggregation 'none': expected one of simple, first, average, max"):
        load_transformers(saved(tmp_path), aggregation="none")
    with pytest.raises(ExtractorError, match=r"device 'gpu': expected cpu, cuda, cuda:N"):
        load_transformers(saved(tmp_path), device="gpu")
    if not torch.cuda.is_available():
        with pytest.raises(ExtractorError, match="no CUDA device is available here"):
            load_transformers(saved(tmp_path), device="cuda:1")


def test_the_command_line_options_reach_the_pipeline(tmp_path, capsys):
    folder = saved(tmp_path)
    label_map = tmp_path / "labels.json"
    label_map.write_text(json.dumps(NAME_MAP), encoding="utf-8")
    extractor = build_extractor(f"transformers:{folder}", transformers_options={
        "aggregation": "max", "device": "cpu", "label_map": NAME_MAP})
    assert extractor.pipeline._postprocess_params["aggregation_strategy"].value == "max"
    assert str(extractor.pipeline.device) == "cpu"

    gold_dir = tmp_path / "gold"
    gold = document()
    gold = Document(**{**gold.__dict__, "entities": (Entity(0, 15, "Emmanuel Macron", "PER", "macron", "Emmanuel Macron", id="e1"),
                                                     Entity(18, 23, "Paris", "LOC", "paris", "Paris", id="e2"))})
    write_document(gold, gold_dir / "d.json")
    output = tmp_path / "result.json"
    assert main(["run", "--extractor", f"transformers:{folder}", "--label-map", str(label_map), "--aggregation", "max",
                 "--device", "cpu", "--gold", str(gold_dir), "--output", str(output), "--bootstrap-samples", "10"]) == 0
    result = json.loads(output.read_text(encoding="utf-8"))
    assert result["system"]["versions"]["aggregation"] == "max" and result["system"]["versions"]["device"] == "cpu"
    strict = result["evaluation"]["layers"]["entities"]["counts"]["strict"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (0, 2, 2)  # "Emmanuel" PER and "Macron" LOC, as for max
    # the default aggregation through the command line: first
    assert main(["run", "--extractor", f"transformers:{folder}", "--label-map", str(label_map), "--gold", str(gold_dir),
                 "--output", str(output), "--bootstrap-samples", "10"]) == 0
    result = json.loads(output.read_text(encoding="utf-8"))
    assert result["system"]["versions"]["aggregation"] == "first"
    strict = result["evaluation"]["layers"]["entities"]["counts"]["strict"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (1, 0, 1)


def test_command_line_refusals_are_clean(tmp_path, capsys):
    gold_dir = tmp_path / "gold"
    write_document(document(), gold_dir / "d.json")
    assert main(["run", "--extractor", f"transformers:{tmp_path / 'nope'}", "--gold", str(gold_dir)]) == 1
    assert "no such folder" in capsys.readouterr().err
    bad_map = tmp_path / "labels.json"
    bad_map.write_text('{"NAME": "PERSON"}', encoding="utf-8")
    assert main(["run", "--extractor", f"transformers:{saved(tmp_path)}", "--label-map", str(bad_map),
                 "--gold", str(gold_dir)]) == 1
    err = capsys.readouterr().err
    assert str(bad_map) in err and "'PERSON'" in err and "Traceback" not in err
    assert main(["run", "--extractor", "file:x.jsonl", "--aggregation", "max", "--gold", str(gold_dir)]) == 1
    assert "--aggregation, --device and --label-map apply to transformers: models only" in capsys.readouterr().err


def test_a_label_map_with_a_label_given_twice_is_refused_not_read_as_its_last_entry(tmp_path):
    from frnewsbench.extractors.labels import read_label_map

    path = tmp_path / "labels.json"
    path.write_text('{"NAME": "PER", "NORP": null, "NAME": null}', encoding="utf-8")
    with pytest.raises(ExtractorError) as caught:
        read_label_map(path)
    assert str(caught.value) == f"{path}: expected each key once per object in a label map; found the key 'NAME' twice. Fix: keep one of them"
    path.write_text('{"NAME": "PER", "NORP": null}', encoding="utf-8")
    assert read_label_map(path) == {"NAME": "PER", "NORP": None}
