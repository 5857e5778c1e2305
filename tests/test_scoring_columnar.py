"""The corpus-wide array scorers of entities and dates give the per-document scorers' counts."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from test_scoring_evaluate import random_document, random_prediction

from frnewsbench.schema import Document, Entity, Prediction, Quote, Span, TimeExpression, sha256_text
from frnewsbench.scoring.columnar import CORPUS_SCORERS, score_dates_corpus, score_entities_corpus
from frnewsbench.scoring.counts import PRFCounts, SchemeCounts, total
from frnewsbench.scoring.dates import score_dates
from frnewsbench.scoring.entities import score_entities

PER_DOCUMENT = {"entities": score_entities, "dates": score_dates}


def _headline_by_document(columns, documents: int) -> list[tuple[Counter, Counter, Counter]]:
    found = [tuple(Counter() for _ in range(3)) for _ in range(documents)]
    for column, (indices, offsets) in enumerate(zip(columns.documents, columns.offsets)):
        for index, offset in zip(indices.tolist(), offsets.tolist()):
            found[index][column][offset] += 1
    return found


def _corpus_against_documents(layer: str, gold: list, predicted: list) -> set[int]:
    """Score with the arrays and document by document; assert equal; the documents left to the
    per-document scorer."""
    reference = [PER_DOCUMENT[layer](gold=g, predicted=p, records=False) for g, p in zip(gold, predicted)]
    left_to_documents: set[int] = set()

    def per_document(index: int):
        left_to_documents.add(index)
        return reference[index]

    _assert_same_scores(CORPUS_SCORERS[layer](gold, predicted, per_document), reference)
    return left_to_documents


def _assert_same_scores(scores, reference) -> None:
    """The corpus scores ``scores`` are the per-document ``reference`` scores: per document, in
    total, per label (in label order) and the headline's positions."""
    assert scores.document_counts == [score.counts for score in reference]
    assert scores.counts == total(scores.document_counts, type(scores.counts)())
    by_label: dict = {}
    for score in reference:
        for label, counts in score.by_label.items():
            by_label[label] = by_label[label] + counts if label in by_label else counts
    assert scores.by_label == dict(sorted(by_label.items())) and list(scores.by_label) == sorted(by_label)
    expected = [tuple(Counter(getattr(score.headline, column)) for column in ("tp", "fp", "fn")) for score in reference]
    assert _headline_by_document(scores.headline, len(reference)) == expected


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("layer", ["entities", "dates"])
def test_random_corpora_give_the_per_document_counts(layer, seed):
    rng = random.Random(seed)
    gold_documents = [random_document(rng, f"d{index:02d}") for index in range(40)]
    predictions = [random_prediction(rng, d) if rng.random() < 0.9 else None for d in gold_documents]
    gold = [getattr(d, layer) for d in gold_documents]
    predicted = [() if p is None else getattr(p, layer) for p in predictions]
    left = _corpus_against_documents(layer, gold, predicted)
    assert len(left) < len(gold)  # the arrays scored some documents themselves


def E(start, end, label):
    return Entity(start, end, "x" * (end - start), label)


def test_entities_worked_by_hand():
    # document 0: a hit, a boundary error, a label error, a miss, a spurious item: every pair alone
    gold = [(E(0, 5, "PER"), E(6, 10, "LOC"), E(12, 15, "ORG"), E(20, 25, "PER")),
            # document 1: two gold entities overlapping one prediction: left to the per-document scorer
            (E(0, 10, "ORG"), E(3, 8, "LOC")),
            ()]
    predicted = [(E(0, 5, "PER"), E(6, 9, "LOC"), E(12, 15, "PER"), E(30, 33, "LOC")),
                 (E(3, 8, "LOC"),),
                 (E(1, 2, "MISC"),)]
    left = set()

    def per_document(index):
        left.add(index)
        return score_entities(gold=gold[index], predicted=predicted[index], records=False)

    scores = score_entities_corpus(gold, predicted, per_document)
    assert left == {1}
    first = scores.document_counts[0]
    assert first.strict == PRFCounts(tp=1, fp=3, fn=3)
    assert first.semeval_strict == SchemeCounts(correct=1, incorrect=2, partial=0, missed=1, spurious=1)
    assert first.semeval_exact == SchemeCounts(correct=2, incorrect=1, partial=0, missed=1, spurious=1)
    assert first.semeval_partial == SchemeCounts(correct=2, incorrect=0, partial=1, missed=1, spurious=1)
    assert first.semeval_type == SchemeCounts(correct=2, incorrect=1, partial=0, missed=1, spurious=1)
    # document 1 (the per-document scorer): LOC is a hit, ORG a miss
    assert scores.document_counts[1].strict == PRFCounts(tp=1, fp=0, fn=1)
    assert scores.document_counts[2].strict == PRFCounts(tp=0, fp=1, fn=0)
    assert scores.by_label["PER"].strict == PRFCounts(tp=1, fp=1, fn=1)  # the ORG predicted as PER: a FP of PER
    assert scores.by_label["MISC"].semeval_type == SchemeCounts(spurious=1)
    assert sorted(scores.by_label) == ["LOC", "MISC", "ORG", "PER"]
    tp_documents, fp_documents, fn_documents = (c.tolist() for c in scores.headline.documents)
    assert sorted(zip(tp_documents, scores.headline.offsets[0].tolist())) == [(0, 0), (1, 3)]
    assert sorted(zip(fn_documents, scores.headline.offsets[2].tolist())) == [(0, 6), (0, 12), (0, 20), (1, 0)]
    assert sorted(zip(fp_documents, scores.headline.offsets[1].tolist())) == [(0, 6), (0, 12), (0, 30), (2, 1)]


def T(start, end, type_, value):
    return TimeExpression(start, end, "x" * (end - start), type_, value)


def test_dates_worked_by_hand():
    gold = [(T(0, 4, "DATE", "2023"), T(10, 20, "DATE", "2023-03-01"), T(30, 35, "DURATION", "P3D"),
             T(40, 45, "TIME", "2023-03-01T10:00"))]
    predicted = [(T(0, 4, "DATE", "2023"),  # exact, right value
                  T(12, 20, "DATE", "2023-03-02"),  # relaxed, wrong value
                  T(30, 35, "DATE", "P3D"),  # exact span, wrong type, right value
                  T(50, 52, "SET", "P1W"))]  # spurious; the TIME is missed
    scores = score_dates_corpus(gold, predicted, lambda index: pytest.fail("no document needs the per-document scorer"))
    counts = scores.document_counts[0]
    assert counts.strict_span == PRFCounts(tp=2, fp=2, fn=2)
    assert counts.relaxed_span == PRFCounts(tp=3, fp=1, fn=1)
    assert (counts.type_accuracy.correct, counts.type_accuracy.total) == (2, 3)
    assert (counts.value_accuracy.correct, counts.value_accuracy.total) == (2, 3)
    assert counts.value == PRFCounts(tp=2, fp=2, fn=2)
    # the DATE predicted on the DURATION counts under the gold type (DURATION), the spurious SET under SET
    assert scores.by_label["DURATION"].strict_span == PRFCounts(tp=1)
    assert scores.by_label["SET"].relaxed_span == PRFCounts(fp=1)
    assert sorted(scores.by_label) == ["DATE", "DURATION", "SET", "TIME"]
    assert scores.headline.offsets[1].tolist() == [12, 50]  # FP of the value figure: the predicted starts


# --- quotes: nested and shared contents, shared cues, speakers by span, id and canonical name --------

QUOTE_WORDS = ("Il", "a", "dit", "que", "la", "paix", "«", "»", ",", "l’Ukraine", "Xi", "Jinping", "déclaré", ".", "—")


def _random_quote_document(rng: random.Random, number: int):

    words = [rng.choice(QUOTE_WORDS) for _ in range(rng.randint(4, 40))]
    text = " ".join(words)
    bounds, position = [], 0
    for word in words:
        bounds.append((position, position + len(word)))
        position += len(word) + 1

    def span(max_words: int) -> Span:
        first = rng.randrange(len(bounds))
        last = min(len(bounds) - 1, first + rng.randrange(max_words))
        start, end = bounds[first][0], bounds[last][1]
        return Span(start, end, text[start:end])

    entities = [Entity(*bounds[i], text[slice(*bounds[i])], "PER", f"e{rng.randrange(3)}", rng.choice([None, "Xi", "xi"]))
                for i in rng.sample(range(len(bounds)), min(3, len(bounds)))]
    cues = [span(1) for _ in range(2)]

    def quote() -> Quote:
        speaker = span(2) if rng.random() < 0.7 else None
        return Quote(span(8), rng.choice(["direct", "indirect", "mixed"]), speaker,
                     rng.choice([None, "e0", "e1", "e2"]), rng.choice(cues + [None]))

    gold = [quote() for _ in range(rng.randint(0, 6))]
    gold += [Quote(q.content, rng.choice(["direct", "indirect"]), q.speaker, q.speaker_entity_id, q.cue)
             for q in gold if rng.random() < 0.2]  # the same content twice, perhaps of another type
    document = Document(f"q{number:03d}", None, text, "fr", None, "2023-03-01", "test", "seed.txt", sha256_text(text),
                        entities=tuple(entities), quotes=tuple(gold))
    predicted = [q for q in gold if rng.random() < 0.6]
    predicted += [Quote(span(8) if rng.random() < 0.5 else q.content, rng.choice(["direct", "indirect"]),
                        span(2) if rng.random() < 0.5 else q.speaker, rng.choice([None, "e0", "e1"]),
                        rng.choice(cues + [None])) for q in gold if rng.random() < 0.5]
    predicted += [quote() for _ in range(rng.randint(0, 2))]
    predicted_entities = [Entity(e.start, e.end, e.text, "PER", e.entity_id, rng.choice([None, "XI", "Li"]))
                          for e in entities]
    return document, Prediction(document.id, entities=tuple(predicted_entities), quotes=tuple(predicted))


@pytest.mark.parametrize("seed", range(15))
def test_quotes_of_random_corpora_give_the_per_document_counts(seed):
    from frnewsbench.scoring.columnar import score_quotes_corpus
    from frnewsbench.scoring.quotes import score_quotes

    rng = random.Random(seed)
    pairs = [_random_quote_document(rng, number) for number in range(50)]
    documents = [document for document, _ in pairs]
    predictions = [prediction if rng.random() < 0.95 else None for _, prediction in pairs]

    def reference(index):
        prediction = predictions[index]
        return score_quotes(gold=documents[index].quotes, predicted=() if prediction is None else prediction.quotes,
                            text=documents[index].text, gold_entities=documents[index].entities,
                            predicted_entities=() if prediction is None else prediction.entities, records=False)

    expected = [reference(index) for index in range(len(documents))]
    left: set[int] = set()

    def per_document(index):
        left.add(index)
        return expected[index]

    _assert_same_scores(score_quotes_corpus(documents, predictions, per_document), expected)
    assert len(left) < len(documents) // 2  # the arrays scored most documents themselves


def test_quote_data_exercises_shared_components_and_every_figure():
    """The random quote corpora above hold what makes quotes hard: contents overlapping more than
    one quote of the other side, and every count non-zero."""
    from frnewsbench.scoring.matching import components, overlapping_pairs
    from frnewsbench.scoring.quotes import WordIndex

    rng = random.Random(0)
    shared = 0
    for number in range(50):
        document, prediction = _random_quote_document(rng, number)
        words = WordIndex(document.text)
        pairs = overlapping_pairs([words.run(q.content) for q in document.quotes],
                                  [words.run(q.content) for q in prediction.quotes])
        shared += sum(len(group) > 1 for group in components(pairs))
    assert shared >= 20
