"""Quote figures: content overlap and thresholds, speaker, cue and full attribution, by hand."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from frnewsbench.schema import Entity, Quote, Span
from frnewsbench.tokenize import tokenize
from frnewsbench.scoring.counts import AccuracyCounts, PRFCounts
from frnewsbench.scoring.quotes import QuoteCounts, WordIndex, canonical_names, overlap_ratio, score_quotes, speaker_is_right
from frnewsbench.scoring.records import BOUNDARY, CUE, FALSE_POSITIVE, MATCH, SPEAKER, TYPE

TEXT = (
    "« Nous ne céderons pas », a affirmé Volodymyr Zelensky. "
    "Le ministre a ajouté que les livraisons d'armes continueraient. "
    "Selon un diplomate, la guerre durera."
)


def span(needle: str) -> Span:
    start = TEXT.index(needle)
    return Span(start, start + len(needle), needle)


def entity(needle: str, entity_id: str, name: str) -> Entity:
    found = span(needle)
    return Entity(found.start, found.end, found.text, "PER", entity_id, name)


GOLD_ENTITIES = [entity("Volodymyr Zelensky", "zelensky", "Volodymyr Zelensky")]
PREDICTED_ENTITIES = [entity("Zelensky", "Z1", "volodymyr zelensky")]  # its own id, same name (case aside)
GOLD = [
    Quote(span("Nous ne céderons pas"), "direct", span("Volodymyr Zelensky"), "zelensky", span("a affirmé")),
    Quote(span("les livraisons d'armes continueraient"), "indirect", span("Le ministre"), None, span("a ajouté")),
    Quote(span("la guerre durera"), "indirect", span("un diplomate"), None, span("Selon")),
]
PREDICTED = [
    # guillemets included (same 4 words: ratio 1); another id, but the same canonical name; cue too short
    Quote(span("« Nous ne céderons pas »"), "direct", span("Zelensky"), "Z1", span("affirmé")),
    # 4 of the gold's 5 words (les, livraisons, d', armes, continueraient): ratio 0.8; wrong speaker
    Quote(span("livraisons d'armes continueraient"), "indirect", span("Volodymyr Zelensky"), None, span("a ajouté")),
    # 2 of 3 words: ratio 2/3; wrong type; speaker span overlaps the gold one; no cue
    Quote(span("la guerre"), "direct", span("un diplomate"), None, None),
    # spurious
    Quote(span("Le ministre a ajouté"), "indirect", None, None, None),
]


def score(gold=GOLD, predicted=PREDICTED):
    return score_quotes(gold=gold, predicted=predicted, text=TEXT,
                        gold_entities=GOLD_ENTITIES, predicted_entities=PREDICTED_ENTITIES)


def test_overlap_ratio_counts_word_tokens_of_the_longer_span():
    words = WordIndex(TEXT)
    gold_run = words.run(span("les livraisons d'armes continueraient"))
    assert gold_run[1] - gold_run[0] == 5
    assert overlap_ratio(gold_run, words.run(span("livraisons d'armes continueraient"))) == pytest.approx(0.8)
    assert overlap_ratio(words.run(span("Nous ne céderons pas")), words.run(span("« Nous ne céderons pas »"))) == 1.0
    assert overlap_ratio(words.run(span("la guerre durera")), words.run(span("la guerre"))) == pytest.approx(2 / 3)


def test_hand_worked_quote_figures():
    counts = score().counts
    # no content span is equal: TP 0, FP 4, FN 3
    assert counts.content_exact == PRFCounts(0, 4, 3)
    # overlap: the three pairs match, "Le ministre a ajouté" is spurious -> P 3/4, R 1
    assert counts.content_overlap == PRFCounts(3, 1, 0)
    # ratios 1, 0.8, 2/3: all >= 0.3; only the first two >= 0.8
    assert counts.content_overlap_30 == PRFCounts(3, 1, 0)
    assert counts.content_overlap_80 == PRFCounts(2, 2, 1)
    # on the 3 matches: type wrong for "la guerre"; speaker wrong for the ministre's quote
    assert counts.type_accuracy == AccuracyCounts(2, 3)
    assert counts.speaker_accuracy == AccuracyCounts(2, 3)
    # attribution: TP 2; FP = wrong-speaker match + spurious = 2; FN = wrong-speaker gold = 1
    # P 2/4, R 2/3, F1 = 2*2 / (2*2 + 2 + 1) = 4/7
    assert counts.attribution == PRFCounts(2, 2, 1)
    assert counts.attribution.f1 == pytest.approx(4 / 7)
    # cues: gold {a affirmé, a ajouté, Selon}, predicted {affirmé, a ajouté}
    assert counts.cue == PRFCounts(1, 1, 2)  # exact: a ajouté
    assert counts.cue_overlap == PRFCounts(2, 0, 1)  # affirmé overlaps a affirmé


def test_by_type_counts_add_up():
    result = score()
    assert sum(result.by_label.values(), QuoteCounts()) == result.counts
    # "la guerre" (predicted direct) is matched to an indirect gold quote: counted under indirect
    assert result.by_label["direct"].content_overlap == PRFCounts(1, 0, 0)
    assert result.by_label["indirect"].content_overlap == PRFCounts(2, 1, 0)


def test_records_name_boundary_type_speaker_and_cue():
    records = score().records
    summary = [(r.outcome, r.differences, r.overlap) for r in records]
    assert summary == [
        (MATCH, (BOUNDARY, CUE), 1.0),
        (FALSE_POSITIVE, (), None),
        (MATCH, (BOUNDARY, SPEAKER), pytest.approx(0.8)),
        (MATCH, (BOUNDARY, TYPE, CUE), pytest.approx(2 / 3)),
    ]


# The gold quote GOLD[0] is said by the span "Volodymyr Zelensky", entity id "zelensky" (canonical
# name "Volodymyr Zelensky"). The predicted entities give the id "Z1" the same name (case aside).
# Each right speaker below meets exactly one of the three criteria; the wrong ones meet none.
SPEAKER_CASES = [
    # (1) the same entity id; no span and no name to compare
    ("same id", None, "zelensky", 1),
    # (2) another id with the same canonical name; the span "Le ministre" does not overlap
    ("same canonical name", "Le ministre", "Z1", 1),
    # (3) an id of its own that names nothing, but the speaker span overlaps the gold one
    ("overlapping span", "Zelensky", "X9", 1),
    ("exact span, own id", "Volodymyr Zelensky", "X9", 1),
    ("overlapping span, no id", "Zelensky", None, 1),
    # none of the three: another id naming nothing, a span elsewhere
    ("wrong speaker", "Le ministre", "X9", 0),
    ("wrong span, no id", "un diplomate", None, 0),
    ("no speaker at all", None, None, 0),
]


@pytest.mark.parametrize(("case", "speaker", "speaker_id", "right"), SPEAKER_CASES, ids=[c[0] for c in SPEAKER_CASES])
def test_speaker_is_right_by_id_or_name_or_overlapping_span(case, speaker, speaker_id, right):
    gold = GOLD[0]
    predicted = Quote(gold.content, "direct", None if speaker is None else span(speaker), speaker_id)
    counts = score([gold], [predicted]).counts
    assert counts.speaker_accuracy == AccuracyCounts(right, 1)
    # full attribution: a right speaker is a TP; a wrong one is a FP and a FN
    assert counts.attribution == (PRFCounts(1, 0, 0) if right else PRFCounts(0, 1, 1))


def test_a_quote_without_speaker_is_right_only_against_one_without_speaker():
    anonymous = Quote(GOLD[0].content, "direct", None, None)
    assert score([anonymous], [anonymous]).counts.speaker_accuracy == AccuracyCounts(1, 1)
    for predicted in (Quote(GOLD[0].content, "direct", span("Zelensky"), None),
                      Quote(GOLD[0].content, "direct", None, "zelensky")):
        assert score([anonymous], [predicted]).counts.speaker_accuracy == AccuracyCounts(0, 1)


def test_matching_prefers_the_right_speaker():
    gold = [GOLD[0]]
    wrong = Quote(span("Nous ne céderons"), "direct", span("Le ministre"), None)
    right = Quote(span("céderons pas"), "direct", span("Zelensky"), None)
    result = score(gold, [wrong, right])
    assert result.counts.attribution == PRFCounts(1, 1, 0)


def test_oracle_and_empty_system():
    oracle = score(GOLD, GOLD).counts
    for name in ("content_exact", "content_overlap", "content_overlap_30", "content_overlap_80", "cue", "cue_overlap", "attribution"):
        assert getattr(oracle, name).f1 == 1.0, name
    assert oracle.speaker_accuracy.accuracy == oracle.type_accuracy.accuracy == 1.0
    empty = score(GOLD, []).counts
    assert empty.attribution.recall == 0.0 and empty.attribution.precision is None
    assert empty.speaker_accuracy.accuracy is None
    assert score([], []).counts.attribution.f1 is None


@pytest.mark.parametrize("seed", range(20))
def test_word_runs_follow_the_project_tokenizer_even_when_only_regions_are_tokenised(seed):
    rng = random.Random(seed)
    pieces = ["l’Ukraine", "d'armes", "aujourd'hui", "Hong-Kong", "«", "»", ",", "2023", "a-t-il", "paix", "\u00a0:", "—"]
    text = "".join(rng.choice(pieces) + rng.choice([" ", " ", "\n", "\u202f", ""]) for _ in range(rng.randrange(1, 40)))
    words = [t for t in tokenize(text) if any(char.isalnum() for char in t.text)]
    spans = []
    for _ in range(rng.randrange(1, 6)):
        start = rng.randrange(len(text))
        end = rng.randrange(start, len(text) + 1)
        spans.append(Span(start, end, text[start:end]))
    for index in (WordIndex(text), WordIndex(text, spans)):
        for s in spans:
            first, last = index.run(s)
            expected = [w for w in words if w.start < s.end and s.start < w.end]
            assert [(index.starts[i], index.ends[i]) for i in range(first, last)] == [(w.start, w.end) for w in expected]


def _best_sums(pairs, keys):
    """The lexicographically best sums of ``keys`` over every one-to-one subset of ``pairs``."""
    best = (0,) * 5
    for size in range(1, len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            if len({g for g, _ in subset}) == size == len({p for _, p in subset}):
                best = max(best, tuple(map(sum, zip(*(keys[pair] + (0,) * (5 - len(keys[pair])) for pair in subset)))))
    return best


def _counts_by_definition(gold, predicted, text, gold_entities, predicted_entities):
    """The document's total counts from the module docstring's definitions, by exhaustive search."""
    words = [t for t in tokenize(text) if any(char.isalnum() for char in t.text)]
    w = lambda s: {i for i, t in enumerate(words) if t.start < s.end and s.start < t.end}  # noqa: E731
    names = canonical_names(gold_entities), canonical_names(predicted_entities)
    pairs = [(g, p) for g in range(len(gold)) for p in range(len(predicted))
             if w(gold[g].content) & w(predicted[p].content)]
    shared = {(g, p): len(w(gold[g].content) & w(predicted[p].content)) for g, p in pairs}
    longest = {(g, p): max(len(w(gold[g].content)), len(w(predicted[p].content))) for g, p in pairs}

    def prf(tp):
        return PRFCounts(tp, len(predicted) - tp, len(gold) - tp)

    right = {pair: speaker_is_right(gold[pair[0]], predicted[pair[1]], *names) for pair in pairs}
    keys = {(g, p): (1, int(right[(g, p)]), int(gold[g].type == predicted[p].type)) for g, p in pairs}
    matched, speakers, types = _best_sums(pairs, keys)[:3]
    at = {t: _best_sums([pr for pr in pairs if shared[pr] * 10 >= t * longest[pr]], {pr: (1,) for pr in pairs})[0]
          for t in (3, 8)}
    spans = lambda quotes: [(q.content.start, q.content.end) for q in quotes]  # noqa: E731
    exact = sum((Counter(spans(gold)) & Counter(spans(predicted))).values())
    cues = [sorted({(q.cue.start, q.cue.end) for q in side if q.cue and q.cue.start < q.cue.end}) for side in (gold, predicted)]
    cue_pairs = [(g, p) for g, (a, b) in enumerate(cues[0]) for p, (c, d) in enumerate(cues[1]) if a < d and c < b]
    cue_matched = _best_sums(cue_pairs, {pr: (1,) for pr in cue_pairs})[0]
    cue_exact = len(set(cues[0]) & set(cues[1]))
    return QuoteCounts(
        content_exact=prf(exact), content_overlap=prf(matched), content_overlap_30=prf(at[3]),
        content_overlap_80=prf(at[8]), type_accuracy=AccuracyCounts(types, matched),
        speaker_accuracy=AccuracyCounts(speakers, matched),
        cue=PRFCounts(cue_exact, len(cues[1]) - cue_exact, len(cues[0]) - cue_exact),
        cue_overlap=PRFCounts(cue_matched, len(cues[1]) - cue_matched, len(cues[0]) - cue_matched),
        attribution=PRFCounts(speakers, len(predicted) - speakers, len(gold) - speakers),
    )


@pytest.mark.parametrize("seed", range(40))
def test_document_counts_equal_the_definitions_on_random_quotes(seed):
    # overlapping, nested and duplicated quotes, so that matching components of several pairs (and
    # their ties) are common; the counts must be those of an exhaustive search over the definitions
    rng = random.Random(seed)
    words = ["l’armée", "a", "dit", "«", "nous", "resterons", "»", ",", "d'après", "Kyiv", "aujourd'hui", "2023", "—"]
    text = " ".join(rng.choice(words) for _ in range(30))
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == " "]

    def some_span():
        first = rng.randrange(len(starts) - 1)
        last = min(len(starts) - 1, first + rng.randrange(1, 8))
        start, end = starts[first], starts[last] - 1 if last < len(starts) - 1 else len(text)
        end = max(start + 1, end - rng.choice([0, 0, 1]))  # now and then a span that ends inside a word
        return Span(start, end, text[start:end])

    ids = ["a", "b", None]
    # gold id "a" is named twice, the last name counting ("Anne"); predicted id "b" names "anne"
    entities = [Entity(0, 1, text[0], "PER", "a", "Bob"), Entity(0, 1, text[0], "PER", "a", "Anne"),
                Entity(0, 1, text[0], "PER", "b", "anne")]

    def some_quote():
        speaker = rng.choice([None, some_span()])
        return Quote(some_span(), rng.choice(["direct", "indirect"]), speaker, rng.choice(ids),
                     rng.choice([None, some_span()]))

    gold = [some_quote() for _ in range(rng.randrange(5))]
    predicted = [some_quote() for _ in range(rng.randrange(5))]
    predicted += rng.sample(gold, min(len(gold), rng.randrange(3)))  # some exact copies
    result = score_quotes(gold=gold, predicted=predicted, text=text, gold_entities=entities[:2],
                          predicted_entities=entities[2:], records=False)
    assert result.counts == _counts_by_definition(gold, predicted, text, entities[:2], entities[2:])
    assert sum(result.by_label.values(), QuoteCounts()) == result.counts
    assert score_quotes(gold=gold, predicted=predicted, text=text, gold_entities=entities[:2],
                        predicted_entities=entities[2:]).by_label == result.by_label
