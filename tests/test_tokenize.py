import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frnewsbench.tokenize import (
    APOSTROPHES, WORD_TOKEN_RE, AlignmentError, edge_pair, ends_between, ends_token, iob2_tags, spans_from_iob2, starts_between,
    starts_token, tokenize,
)


def words(text):
    return [token.text for token in tokenize(text)]


@pytest.mark.parametrize("text, expected", [
    ("l’Ukraine et l'OTAN", ["l’", "Ukraine", "et", "l'", "OTAN"]),
    ("qu'il jusqu’à d'État", ["qu'", "il", "jusqu’", "à", "d'", "État"]),
    ("aujourd'hui", ["aujourd'hui"]),
    ("Hong-Kong, a-t-il dit", ["Hong", "-", "Kong", ",", "a", "-", "t", "-", "il", "dit"]),
    ("« par tous les temps »", ["«", "par", "tous", "les", "temps", "»"]),
    ("mois-ci\u00a0» :\u202fok", ["mois", "-", "ci", "»", ":", "ok"]),
    ("d‘ »un", ["d", "‘", "»", "un"]),
    ("G20 www.ntv.de", ["G20", "www", ".", "ntv", ".", "de"]),
])
def test_french_tokenization(text, expected):
    assert words(text) == expected


def test_tokens_carry_their_offsets():
    text = "l’Ukraine\u00a0»"
    for token in tokenize(text):
        assert text[token.start:token.end] == token.text


def test_iob2_from_character_spans_and_back():
    text = "Le Grand Palais du Peuple de Pékin et l’OTAN"
    tokens = tokenize(text)
    start = text.index("Grand")
    end = text.index(" et")
    otan = text.index("OTAN")
    spans = [(start, end, "LOC"), (otan, otan + 4, "ORG")]
    tags = iob2_tags(tokens, spans)
    assert tags == ["O", "B-LOC", "I-LOC", "I-LOC", "I-LOC", "I-LOC", "I-LOC", "O", "O", "B-ORG"]
    assert spans_from_iob2(tokens, tags) == spans


def test_misaligned_span_is_reported_not_shifted():
    text = "la Chine-Bélarus"
    tokens = tokenize(text)
    with pytest.raises(AlignmentError) as error:
        iob2_tags(tokens, [(3, 7, "LOC", "e4")], where="doc-1", text=text)  # "Chin"
    assert "doc-1 e4 LOC 'Chin' [3, 7)" in str(error.value)


@pytest.mark.parametrize("tags, chunks", [
    # worked by hand from conlleval.pl's startOfChunk/endOfChunk: a tag without "-" has the empty type
    (["B", "I", "O"], [(0, 2, "")]),
    (["I", "I", "O"], [(0, 2, "")]),
    (["B", "B", "O"], [(0, 1, ""), (1, 2, "")]),
    (["B-PER", "I", "O"], [(0, 1, "PER"), (1, 2, "")]),
    (["B", "I-PER", "I-PER"], [(0, 1, ""), (1, 3, "PER")]),
    (["O", "I", "I-LOC"], [(1, 2, ""), (2, 3, "LOC")]),
    (["B-", "I-", "O"], [(0, 2, "")]),
    (["B-PER-X", "I-PER-X", "I-PER"], [(0, 2, "PER-X"), (2, 3, "PER")]),
])
def test_bare_iob2_tags_are_read_as_conlleval_reads_them(tags, chunks):
    tokens = tokenize("a b c")
    spans = spans_from_iob2(tokens, tags)
    assert spans == [(tokens[first].start, tokens[last - 1].end, kind) for first, last, kind in chunks]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["O", "B", "I", "B-PER", "I-PER", "B-LOC", "I-LOC", "I-", "B-"]), max_size=12))
def test_chunks_agree_with_seqeval_default_mode_a_port_of_conlleval(tags):
    from seqeval.metrics.sequence_labeling import get_entities

    tokens = tokenize(" ".join("w" * (index + 1) for index in range(len(tags))))
    expected = [(tokens[first].start, tokens[last].end, "" if kind == "_" else kind)
                for kind, first, last in get_entities(list(tags))]
    assert sorted(spans_from_iob2(tokens, tags)) == sorted(expected)


# --- token edges without tokenising: the same decisions as tokenize() at every position ----------

# letters (with French accents), digits, every apostrophe, elision prefixes' letters, punctuation,
# hyphens, guillemets, kinds of whitespace, an underscore and a non-Latin letter
EDGE_ALPHABET = "lLdjqusctnmaeé0' ’‘ʼ-–.,;«»\u00a0\u202f\n_Ж"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=EDGE_ALPHABET, max_size=40))
def test_token_edges_agree_with_tokenize_at_every_position(text):
    tokens = tokenize(text)
    starts, ends = {token.start for token in tokens}, {token.end for token in tokens}
    for position in range(-1, len(text) + 2):
        assert starts_token(text, position) == (position in starts), (text, position)
        assert ends_token(text, position) == (position in ends), (text, position)


@pytest.mark.parametrize(("text", "starts", "ends"), [
    ("l’Ukraine", {0, 2}, {2, 9}),  # elision: l’ | Ukraine
    ("aujourd'hui.", {0, 11}, {11, 12}),  # an apostrophe inside a word stays in it
    ("qu'1", {0}, {4}),  # no elision before a digit: one word
    ("Hong-Kong", {0, 4, 5}, {4, 5, 9}),
])
def test_token_edges_on_worked_examples(text, starts, ends):
    assert {p for p in range(len(text) + 1) if starts_token(text, p)} == starts
    assert {p for p in range(len(text) + 1) if ends_token(text, p)} == ends


@settings(max_examples=300, deadline=None)
# with capitals and letters that fold to an elision's under IGNORECASE (long s, Kelvin sign)
@given(st.text(alphabet=EDGE_ALPHABET + "AZ9!?()SQJLCPſ\u212aıİ", max_size=40))
def test_word_tokens_are_the_tokens_with_a_letter_or_digit(text):
    from frnewsbench.tokenize import TOKEN_RE

    assert [m.span() for m in WORD_TOKEN_RE.finditer(text)] == [
        m.span() for m in TOKEN_RE.finditer(text) if m.lastgroup != "other"]


# every kind of whitespace the chunk search must stop at (str.isspace), beside apostrophes and elisions
WIDE_ALPHABET = EDGE_ALPHABET + "\t\r\u2009\u3000\x1c"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=WIDE_ALPHABET, max_size=40))
def test_token_edges_and_edge_pairs_agree_with_tokenize_with_any_whitespace(text):
    tokens = tokenize(text)
    starts, ends = {token.start for token in tokens}, {token.end for token in tokens}
    padded = f" {text} "
    for position in range(len(text) + 1):
        assert starts_token(text, position) == (position in starts), (text, position)
        assert ends_token(text, position) == (position in ends), (text, position)
        # the pair of characters decides, or says it cannot (an apostrophe: elision or not)
        pair = edge_pair(padded, position)
        assert starts_between(pair) in (position in starts, None), (text, position)
        assert ends_between(pair) in (position in ends, None), (text, position)
        assert (starts_between(pair) is None) == any(char in APOSTROPHES for char in pair)
