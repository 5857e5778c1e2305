"""Inter-annotator agreement between two annotations of the same articles.

Agreement is computed with the harness's own metrics, annotator A taken as the reference and
annotator B as the prediction (F1 is symmetric, so the choice does not change the F1 figures):

| layer | figure | harness metric |
|---|---|---|
| entities | span F1, strict | exact span and label (strict micro F1) |
| entities | span F1, overlap | overlapping span and same label (SemEval-2013 `type` scheme F1) |
| time expressions | span F1, strict / relaxed | exact span / overlapping span |
| time expressions | value agreement | same TIMEX3 value over relaxed span matches |
| quotes | content overlap F1 | token-overlap match of the content |
| quotes | speaker agreement | same speaker (harness rule) / same speaker span, over content matches |
| quotes | attribution F1 | content overlap match with the same speaker |
"""

from __future__ import annotations

from dataclasses import dataclass

from .schema import Document, gold_as_prediction
from .scoring import MATCH, evaluate

AGREEMENT_START, AGREEMENT_END = "<!-- agreement:start -->", "<!-- agreement:end -->"


@dataclass(frozen=True)
class AgreementRow:
    layer: str
    figure: str
    value: float | None
    support: str


def agreement(*, a: list[Document], b: list[Document]) -> list[AgreementRow]:
    """Agreement figures of annotation ``b`` against annotation ``a`` (same document ids and texts)."""
    a_by_id, b_by_id = {d.id: d for d in a}, {d.id: d for d in b}
    if a_by_id.keys() != b_by_id.keys():
        raise ValueError(f"the two annotations cover different documents: {sorted(a_by_id.keys() ^ b_by_id.keys())}")
    for doc_id, document in a_by_id.items():
        if document.text_sha256 != b_by_id[doc_id].text_sha256:
            raise ValueError(f"{doc_id}: the two annotations are not of the same text (text_sha256 differs)")
    result = evaluate(gold=a, predictions={d.id: gold_as_prediction(d) for d in b}, bootstrap_samples=1, token_view=False)  # intervals unused here
    entities, dates, quotes = (result.layers[layer].counts for layer in ("entities", "dates", "quotes"))

    def prf(counts) -> str:
        return f"A {counts.gold}, B {counts.predicted}, both {counts.tp}"

    return [
        AgreementRow("entities", "span F1, strict (span and label)", entities.strict.f1, prf(entities.strict)),
        AgreementRow("entities", "span F1, overlap (overlap and label)", entities.semeval_type.f1,
                     f"A {entities.semeval_type.possible}, B {entities.semeval_type.actual}, both {entities.semeval_type.correct}"),
        _entity_id_row(a_by_id, b_by_id),
        AgreementRow("time expressions", "span F1, strict", dates.strict_span.f1, prf(dates.strict_span)),
        AgreementRow("time expressions", "span F1, relaxed (overlap)", dates.relaxed_span.f1, prf(dates.relaxed_span)),
        AgreementRow("time expressions", "value agreement on relaxed matches", dates.value_accuracy.accuracy,
                     f"{dates.value_accuracy.correct} of {dates.value_accuracy.total}"),
        AgreementRow("quotes", "content overlap F1", quotes.content_overlap.f1, prf(quotes.content_overlap)),
        AgreementRow("quotes", "content exact F1", quotes.content_exact.f1, prf(quotes.content_exact)),
        AgreementRow("quotes", "speaker agreement on content matches", quotes.speaker_accuracy.accuracy,
                     f"{quotes.speaker_accuracy.correct} of {quotes.speaker_accuracy.total}"),
        _speaker_span_row(result.layers["quotes"]),
        AgreementRow("quotes", "attribution F1 (content and speaker)", quotes.attribution.f1, prf(quotes.attribution)),
    ]


def _entity_id_row(a_by_id: dict[str, Document], b_by_id: dict[str, Document]) -> AgreementRow:
    """Same ``entity_id`` on the mentions both annotators marked with the same span and label."""
    same = both = 0
    for doc_id, document in a_by_id.items():
        b_ids = {(e.start, e.end, e.label): e.entity_id for e in b_by_id[doc_id].entities}
        for entity in document.entities:
            key = (entity.start, entity.end, entity.label)
            if key in b_ids:
                both += 1
                same += b_ids[key] == entity.entity_id
    return AgreementRow("entities", "same entity_id on strict matches", same / both if both else None, f"{same} of {both}")


def _speaker_span_row(quotes) -> AgreementRow:
    """Exactly the same speaker span (or both none) on the quotes matched by content overlap:
    stricter than the harness's speaker rule, which also accepts overlapping spans and equal ids."""
    pairs = [record for document in quotes.documents for record in document.records if record.outcome == MATCH]
    same = sum(record.gold.speaker == record.predicted.speaker for record in pairs)
    return AgreementRow("quotes", "same speaker span on content matches", same / len(pairs) if pairs else None,
                        f"{same} of {len(pairs)}")


def agreement_markdown(rows: list[AgreementRow], *, a_name: str, b_name: str) -> str:
    lines = [
        f"Generated by `frnewsbench agreement` from `{a_name}` (A) and `{b_name}` (B), before adjudication.",
        "",
        "| layer | figure | agreement | counts |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        value = "n/a" if row.value is None else f"{row.value:.4f}"
        lines.append(f"| {row.layer} | {row.figure} | {value} | {row.support} |")
    return "\n".join(lines)
