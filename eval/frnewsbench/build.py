"""annotations/ -> dataset/: deterministic Parquet, the dataset card, the datasheet figures.

The same annotations give byte-identical files: rows are sorted, Parquet is written with
fixed options by one pyarrow writer, and nothing depends on time or machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import ClassLabel, Features, List, Value
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCardData

from .corpus import ANNOTATION_GLOB, CONTENT_HASH_KEY, corpus_hash, document_to_dict, entity_to_dict, quote_to_dict, time_expression_to_dict
from .gold import load_corpus
from .schema import ENTITY_LABELS, QUOTE_TYPES, SCHEMA_VERSION, TIMEX_TYPES, Document, paragraph_spans
from .tokenize import AlignmentError, iob2_tags, tokenize
from .writes import refuse_inputs, write_all

SPLIT = "test"
PRETTY_NAME = "frnewsbench"
LICENSE = "cc-by-4.0"
NER_TAGS = ["O"] + [f"{prefix}-{label}" for label in ENTITY_LABELS for prefix in ("B", "I")]
FIGURES_START, FIGURES_END = "<!-- figures:start -->", "<!-- figures:end -->"
CITATION = """@misc{frnewsbench2026,
  title  = {frnewsbench: a gold benchmark for French information extraction in 2023 news},
  author = {{frnewsbench contributors}},
  year   = {2026},
  note   = {Named entities, TIMEX3 temporal expressions and quotations in five French news articles, version """ + SCHEMA_VERSION + """}
}"""

SPAN = {"start": Value("int32"), "end": Value("int32"), "text": Value("string")}
ENTITY = {"id": Value("string"), **SPAN, "label": Value("string"), "entity_id": Value("string"), "canonical_name": Value("string")}
TIMEX = {"id": Value("string"), **SPAN, "type": Value("string"), "value": Value("string"), "mod": Value("string")}
QUOTE = {
    "id": Value("string"), "type": Value("string"), "content": SPAN, "speaker": SPAN,
    "speaker_entity_id": Value("string"), "cue": SPAN,
}
METADATA = {
    "schema_version": Value("string"), "id": Value("string"), "title": Value("string"), "text": Value("string"), "language": Value("string"),
    "source": Value("string"), "dct": Value("string"), "dct_evidence": Value("string"),
    "seed_file": Value("string"), "seed_segments": List(List(Value("int32"))), "text_sha256": Value("string"),
}
# the flat configs give the label columns as ClassLabels (integers with their names), like ner_tags
ENTITY_LABEL = ClassLabel(names=list(ENTITY_LABELS))
TIMEX_TYPE = ClassLabel(names=list(TIMEX_TYPES))
QUOTE_TYPE = ClassLabel(names=list(QUOTE_TYPES))
FEATURES = {
    "documents": Features({**METADATA, "entities": List(ENTITY), "dates": List(TIMEX), "quotes": List(QUOTE)}),
    "ner": Features({
        "id": Value("string"), "document_id": Value("string"), "paragraph": Value("int32"),
        "tokens": List(Value("string")), "token_starts": List(Value("int32")), "token_ends": List(Value("int32")),
        "ner_tags": List(ClassLabel(names=NER_TAGS)),
    }),
    "entities": Features({"document_id": Value("string"), **ENTITY, "label": ENTITY_LABEL}),
    "dates": Features({"document_id": Value("string"), "dct": Value("string"), **TIMEX, "type": TIMEX_TYPE}),
    "quotes": Features({"document_id": Value("string"), **QUOTE, "type": QUOTE_TYPE}),
}
DESCRIPTIONS = {
    "documents": "one row per article: text, metadata (DCT and its evidence, seed file, offset map) and the three layers",
    "ner": ("one row per paragraph: tokens, their character offsets `token_starts`/`token_ends` into the whole "
            "article's `text` (document-level, not paragraph-level) and IOB2 `ner_tags` (ClassLabel; the CoNLL view)"),
    "entities": "one row per entity mention; `label` is a ClassLabel",
    "dates": "one row per TIMEX3 time expression, with the article's DCT; `type` is a ClassLabel",
    "quotes": "one row per quotation: content, speaker and cue spans; `type` is a ClassLabel",
}


def ner_rows(document: Document) -> list[dict]:
    """The CoNLL view of one document, a row per paragraph; misaligned spans raise AlignmentError."""
    tokens = tokenize(document.text)
    tags = iob2_tags(tokens, ((e.start, e.end, e.label, e.id) for e in document.entities), where=document.id, text=document.text)
    rows = []
    for index, (start, end) in enumerate(paragraph_spans(document.text)):
        chosen = [i for i, token in enumerate(tokens) if start <= token.start and token.end <= end]
        rows.append({
            "id": f"{document.id}-p{index:02d}", "document_id": document.id, "paragraph": index,
            "tokens": [tokens[i].text for i in chosen], "token_starts": [tokens[i].start for i in chosen],
            "token_ends": [tokens[i].end for i in chosen], "ner_tags": [NER_TAGS.index(tags[i]) for i in chosen],
        })
    return rows


def config_rows(documents: list[Document]) -> dict[str, list[dict]]:
    documents = sorted(documents, key=lambda d: d.id)
    misaligned = []
    ner = []
    for document in documents:
        try:
            ner.extend(ner_rows(document))
        except AlignmentError as error:
            misaligned.extend(error.misaligned)
    if misaligned:
        raise AlignmentError(misaligned)
    return {
        "documents": [{**document_to_dict(d), "text": d.text} for d in documents],
        "ner": ner,
        "entities": [{"document_id": d.id, **entity_to_dict(e), "label": ENTITY_LABEL.str2int(e.label)}
                     for d in documents for e in d.entities],
        "dates": [{"document_id": d.id, "dct": d.dct, **time_expression_to_dict(t), "type": TIMEX_TYPE.str2int(t.type)}
                  for d in documents for t in d.dates],
        "quotes": [{"document_id": d.id, **quote_to_dict(q), "type": QUOTE_TYPE.str2int(q.type)}
                   for d in documents for q in d.quotes],
    }


def parquet_bytes(rows: list[dict], features: Features, metadata: dict[bytes, bytes] | None = None) -> bytes:
    """The rows as Parquet; ``metadata`` is added to the schema's key-value metadata."""
    schema = features.arrow_schema
    if metadata:
        schema = schema.with_metadata({**(schema.metadata or {}), **metadata})
    table = pa.Table.from_pylist(rows, schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", compression_level=9, use_dictionary=True,
                   write_statistics=True, store_schema=True, row_group_size=1 << 20)
    return sink.getvalue()


def data_path(config: str) -> str:
    return f"data/{config}/{SPLIT}.parquet"


@dataclass(frozen=True)
class Figures:
    """Corpus figures, computed from the data (never typed by hand)."""

    documents: int
    characters: int
    tokens: int
    paragraphs: int
    entities_by_label: dict[str, int]
    distinct_entities: int
    dates_by_type: dict[str, int]
    quotes_by_type: dict[str, int]
    per_document: list[dict]
    content_hash: str

    @classmethod
    def of(cls, documents: list[Document]) -> Figures:
        documents = sorted(documents, key=lambda d: d.id)
        per_document = [{
            "id": d.id, "source": d.source or "(not stated)", "dct": d.dct, "characters": len(d.text),
            "tokens": len(tokenize(d.text)), "entities": len(d.entities), "dates": len(d.dates), "quotes": len(d.quotes),
        } for d in documents]
        return cls(
            documents=len(documents),
            characters=sum(len(d.text) for d in documents),
            tokens=sum(row["tokens"] for row in per_document),
            paragraphs=sum(len(paragraph_spans(d.text)) for d in documents),
            entities_by_label={label: sum(e.label == label for d in documents for e in d.entities) for label in ENTITY_LABELS},
            distinct_entities=len({e.entity_id for d in documents for e in d.entities}),
            dates_by_type={kind: sum(t.type == kind for d in documents for t in d.dates) for kind in TIMEX_TYPES},
            quotes_by_type={kind: sum(q.type == kind for d in documents for q in d.quotes) for kind in QUOTE_TYPES},
            per_document=per_document,
            content_hash=corpus_hash(documents),
        )

    def markdown(self) -> str:
        def row(cells) -> str:
            return "| " + " | ".join(str(cell) for cell in cells) + " |"

        lines = [
            f"Generated by `frnewsbench build` from annotations/ (dataset content hash `{self.content_hash}`).",
            "",
            row(["documents", "characters", "tokens", "paragraphs", "entity mentions", "distinct entities", "time expressions", "quotes"]),
            row(["---"] * 8),
            row([self.documents, self.characters, self.tokens, self.paragraphs, sum(self.entities_by_label.values()),
                 self.distinct_entities, sum(self.dates_by_type.values()), sum(self.quotes_by_type.values())]),
            "",
            row(["layer", *[f"`{key}`" for key in ENTITY_LABELS]]),
            row(["---"] * (len(ENTITY_LABELS) + 1)),
            row(["entities by label", *self.entities_by_label.values()]),
            "",
            row(["layer", *[f"`{key}`" for key in TIMEX_TYPES]]),
            row(["---"] * (len(TIMEX_TYPES) + 1)),
            row(["time expressions by type", *self.dates_by_type.values()]),
            "",
            row(["layer", *[f"`{key}`" for key in QUOTE_TYPES]]),
            row(["---"] * (len(QUOTE_TYPES) + 1)),
            row(["quotes by type", *self.quotes_by_type.values()]),
            "",
            row(["article", "source", "DCT", "characters", "tokens", "entities", "time expressions", "quotes"]),
            row(["---"] * 8),
        ]
        lines += [row([d["id"], d["source"], d["dct"], d["characters"], d["tokens"], d["entities"], d["dates"], d["quotes"]])
                  for d in self.per_document]
        return "\n".join(lines)


def replace_block(document: str, block: str, start: str = FIGURES_START, end: str = FIGURES_END, *, name: str = "DATASHEET.md") -> str:
    """Put ``block`` between the ``start`` and ``end`` markers of ``document``."""
    if start not in document or end not in document:
        raise ValueError(f"{name}: the markers {start} and {end} are missing; add them where the figures belong")
    head, rest = document.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{block}\n{end}{tail}"


def dataset_card(rows: dict[str, list[dict]], parquet: dict[str, bytes], figures: Figures) -> str:
    card_data = DatasetCardData(
        language=["fr"], license=LICENSE, pretty_name=PRETTY_NAME, size_categories=["n<1K"],
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition"], multilinguality="monolingual",
        annotations_creators=["expert-generated"], language_creators=["found", "machine-generated"],
        source_datasets=["original"], tags=["timex3", "temporal-expressions", "quotation-attribution", "news", "french"],
        citation=CITATION, schema_version=SCHEMA_VERSION,
    )
    MetadataConfigs({
        config: {"data_files": [{"split": SPLIT, "path": data_path(config)}], **({"default": True} if config == "documents" else {})}
        for config in FEATURES
    }).to_dataset_card_data(card_data)
    DatasetInfosDict({
        config: DatasetInfo(
            features=FEATURES[config],
            splits=SplitDict({SPLIT: SplitInfo(name=SPLIT, num_bytes=len(parquet[config]), num_examples=len(rows[config]))}),
            download_size=len(parquet[config]), dataset_size=len(parquet[config]),
        ) for config in FEATURES
    }).to_dataset_card_data(card_data)
    configs = "\n".join(f"- `{name}`{' (default)' if name == 'documents' else ''}: {DESCRIPTIONS[name]} ({len(rows[name])} rows)"
                        for name in FEATURES)
    body = f"""# {PRETTY_NAME}

Five French news articles from 2023 (Belarus, China and Russia diplomacy) with gold **named
entities** (PER, ORG, LOC, MISC, with corpus-wide entity ids), **temporal expressions** (TIMEX3
types and normalised values resolved against each article's creation date) and **quotations**
(content, speaker and cue, PARC style). One split, `{SPLIT}`: this is an evaluation set.

All offsets are half-open character offsets `[start, end)` into the article's `text`, in Unicode
code points (`text[start:end] == span.text`); in the `ner` view too, `token_starts` and
`token_ends` are offsets into the whole article's text (document-level), not into the paragraph.
Label columns are `ClassLabel`s: `ner_tags`, and `label` / `type` in the flat `entities`,
`dates` and `quotes` configs (`features["label"].int2str(row["label"])` gives the name); in the
`documents` config they are plain strings.

## Configurations

{configs}

## Usage

With `pip install frnewsbench` the dataset ships inside the package, so this works from any
folder, offline:

```python
import frnewsbench
from datasets import load_dataset

folder = str(frnewsbench.dataset_path())                 # or the path of this card's folder
documents = load_dataset(folder, split="{SPLIT}")
ner = load_dataset(folder, "ner", split="{SPLIT}")
tags = ner.features["ner_tags"].feature.names
entities = load_dataset(folder, "entities", split="{SPLIT}")
labels = entities.features["label"].names              # {list(ENTITY_LABELS)}
```

## Figures

{figures.markdown()}

## Documentation

How the data was collected, annotated and checked, its limits and its licence: DATASHEET.md and
annotations/GUIDELINES.md in the frnewsbench repository. Annotations: {LICENSE.upper()}; the article
texts are third-party news reproduced for research, see the datasheet.

## Citation

```bibtex
{CITATION}
```
"""
    return f"---\n{card_data.to_yaml()}\n---\n\n{body}"


def build_files(documents: list[Document]) -> dict[str, bytes]:
    """Every file of the dataset folder, by relative path."""
    rows = config_rows(documents)
    figures = Figures.of(documents)
    # the content hash goes with the documents, so that scoring reads it instead of computing it again
    stored = {"documents": {CONTENT_HASH_KEY: figures.content_hash.encode("ascii")}}
    parquet = {config: parquet_bytes(rows[config], FEATURES[config], stored.get(config)) for config in FEATURES}
    files = {data_path(config): content for config, content in parquet.items()}
    files["README.md"] = dataset_card(rows, parquet, figures).encode("utf-8")
    return files


class BuildError(ValueError):
    """A build that cannot be made (the message says which file and what to do); nothing was written."""


def planned_files(annotations: str | Path, output: str | Path, datasheet: str | Path | None) -> dict[Path, bytes]:
    """Every file a build writes, with its content: the dataset folder and the datasheet."""
    outputs = [(f"--output {output}: the file", Path(output) / name) for name in ["README.md", *map(data_path, FEATURES)]]
    refuse_inputs([*outputs, ("--datasheet", datasheet)], input_folders=[("the annotation files", annotations, ANNOTATION_GLOB)])
    documents = load_corpus(annotations)
    unannotated = [d.id for d in documents if not (d.entities or d.dates or d.quotes)]
    if unannotated:
        raise BuildError(
            f"{annotations}: {', '.join(unannotated)} not annotated yet (no entity, time expression or quote); "
            "annotate them (README: Annotating with Label Studio) or move their files out of the folder before building"
        )
    files = {Path(output) / relative: content for relative, content in build_files(documents).items()}
    if datasheet is not None:
        path = Path(datasheet)
        if not path.is_file():
            raise BuildError(f"{path}: no such datasheet; pass --datasheet FILE, or --no-datasheet")
        try:
            files[path] = replace_block(path.read_text(encoding="utf-8"), Figures.of(documents).markdown(), name=str(path)).encode("utf-8")
        except ValueError as error:
            raise BuildError(str(error)) from None
    return files


def _leftover_parquet(output: str | Path, files: dict[Path, bytes]) -> list[Path]:
    """Parquet files of the dataset folder that the build does not make (an old config)."""
    return sorted(path for path in Path(output).glob("data/**/*.parquet") if path not in files)


def build(annotations: str | Path = "annotations", output: str | Path = "dataset", datasheet: str | Path | None = "DATASHEET.md") -> dict[Path, bytes]:
    """Validate the annotations, then write the dataset folder and refresh the datasheet figures.

    Everything is computed before the first file is written, then every file is written and the
    Parquet files of configs that no longer exist are removed, all or nothing
    (:func:`frnewsbench.writes.write_all`): a failure leaves the dataset folder and the datasheet
    as they were, and raises :class:`~frnewsbench.writes.OutputError`.
    """
    files = planned_files(annotations, output, datasheet)
    write_all(sorted(files.items()), remove=_leftover_parquet(output, files),
              hint="give --output and --datasheet paths you can write to")
    return files


def _same_content(path: Path, content: bytes) -> bool:
    """Parquet files are compared by table (schema, metadata and rows), so that a different
    writer version does not make the dataset stale; other files byte for byte.

    Read without threads: a pyarrow worker thread that still holds the Python ``bytes`` buffer
    when the interpreter exits makes pyarrow 24 abort ("terminate called without an active
    exception", seen one run in five).
    """
    if not path.is_file():
        return False
    if path.suffix != ".parquet":
        return path.read_bytes() == content
    try:
        current = pq.ParquetFile(path).read(use_threads=False)
    except (pa.ArrowException, OSError):
        return False
    return current.equals(pq.ParquetFile(pa.BufferReader(content)).read(use_threads=False), check_metadata=True)


def stale_files(annotations: str | Path = "annotations", output: str | Path = "dataset", datasheet: str | Path | None = "DATASHEET.md") -> list[str]:
    """The files that a build would change or remove: empty when everything is up to date."""
    files = planned_files(annotations, output, datasheet)
    stale = [str(path) for path, content in sorted(files.items()) if not _same_content(path, content)]
    return stale + [str(path) for path in _leftover_parquet(output, files)]
