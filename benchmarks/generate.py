"""Seeded synthetic corpora in the project's schema, with predictions that carry controlled errors.

Documents are French-news-like texts built from templates (a lexicon of 2023 Belarus, China,
Russia and Ukraine diplomacy), with the span density of the real corpus (DATASHEET.md: 22,533
characters, 98 paragraphs, 347 entities, 70 time expressions, 84 quotes, so about one entity
per 65 characters, one time expression per 320, one quote per 270, paragraphs of ~230
characters). Documents are shorter than the real articles (4 to 6 paragraphs, ~1,200
characters, against ~4,500): the span density is the real one, the length keeps a 100k-document
run within minutes. Every span is token-aligned and the entities are flat, as in the gold.

Document ``i`` of seed ``s`` depends on ``(s, i)`` only, so a 1k corpus is the first tenth of
the 10k one. Predictions derive from the gold with at most one error per gold item, drawn with
the :class:`ErrorRates` probabilities, plus spurious items; :class:`Ledger` counts what was
injected. Predicted entities never overlap each other and overlap at most their own gold entity
(no spurious one overlaps a gold entity), so every strict scorer must give the same figures.

    python benchmarks/generate.py --documents 1000 --seed 0 --output /tmp/synthetic
    # writes /tmp/synthetic/annotations/*.json and /tmp/synthetic/predictions.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterable

from frnewsbench.corpus import write_atomic, write_document
from frnewsbench.predictions import write_predictions
from frnewsbench.schema import ENTITY_LABELS, Document, Entity, Prediction, Quote, Span, TimeExpression, sha256_text
from frnewsbench.tokenize import TOKEN_RE

# The real corpus (DATASHEET.md figures), the targets of the synthetic density.
REAL_CORPUS = {"characters": 22533, "paragraphs": 98, "entities": 347, "dates": 70, "quotes": 84}
NBSP = "\u00a0"
# Paragraphs per document, sentences per paragraph (1 to 4) and the share of sentences that are quotes: tuned so that
# the synthetic density matches REAL_CORPUS (benchmarks/RESULTS.md prints both).
PARAGRAPHS = (2, 4)  # paragraphs per document, after the title line
PARAGRAPH_SENTENCES = (0, 2, 4, 4)
QUOTE_SHARE = 0.30

# label -> (entity_id, canonical name, surface forms)
LEXICON: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "PER": [
        ("vladimir_poutine", "Vladimir Poutine", ("Vladimir Poutine", "Poutine")),
        ("xi_jinping", "Xi Jinping", ("Xi Jinping", "Xi")),
        ("alexandre_loukachenko", "Alexandre Loukachenko", ("Alexandre Loukachenko", "Loukachenko")),
        ("volodymyr_zelensky", "Volodymyr Zelensky", ("Volodymyr Zelensky", "Zelensky")),
        ("emmanuel_macron", "Emmanuel Macron", ("Emmanuel Macron", "Macron")),
        ("olaf_scholz", "Olaf Scholz", ("Olaf Scholz", "Scholz")),
        ("serguei_lavrov", "Sergueï Lavrov", ("Sergueï Lavrov", "Lavrov")),
        ("wang_yi", "Wang Yi", ("Wang Yi",)),
        ("antony_blinken", "Antony Blinken", ("Antony Blinken", "Blinken")),
        ("dmitri_peskov", "Dmitri Peskov", ("Dmitri Peskov", "Peskov")),
        ("li_shangfu", "Li Shangfu", ("Li Shangfu",)),
        ("svetlana_tikhanovskaia", "Svetlana Tikhanovskaïa", ("Svetlana Tikhanovskaïa", "Tikhanovskaïa")),
        ("ursula_von_der_leyen", "Ursula von der Leyen", ("Ursula von der Leyen", "von der Leyen")),
        ("jean_yves_le_drian", "Jean-Yves Le Drian", ("Jean-Yves Le Drian", "Le Drian")),
        ("joe_biden", "Joe Biden", ("Joe Biden", "Biden")),
    ],
    "LOC": [
        ("moscou", "Moscou", ("Moscou",)), ("pekin", "Pékin", ("Pékin",)), ("minsk", "Minsk", ("Minsk",)),
        ("kiev", "Kiev", ("Kiev",)), ("russie", "Russie", ("Russie",)), ("chine", "Chine", ("Chine",)),
        ("bielorussie", "Biélorussie", ("Biélorussie",)), ("washington", "Washington", ("Washington",)),
        ("paris", "Paris", ("Paris",)), ("berlin", "Berlin", ("Berlin",)), ("pologne", "Pologne", ("Pologne",)),
        ("lituanie", "Lituanie", ("Lituanie",)), ("crimee", "Crimée", ("Crimée",)), ("varsovie", "Varsovie", ("Varsovie",)),
        ("taiwan", "Taïwan", ("Taïwan",)), ("bakhmout", "Bakhmout", ("Bakhmout",)),
        ("etats_unis", "États-Unis", ("États-Unis",)), ("asie_centrale", "Asie centrale", ("Asie centrale",)),
    ],
    "LOCV": [  # vowel-initial places, after the elided article l'
        ("ukraine", "Ukraine", ("Ukraine",)), ("europe", "Europe", ("Europe",)), ("occident", "Occident", ("Occident",)),
        ("allemagne", "Allemagne", ("Allemagne",)), ("ouzbekistan", "Ouzbékistan", ("Ouzbékistan",)),
    ],
    "ORG": [
        ("kremlin", "Kremlin", ("Kremlin",)), ("cnn", "CNN", ("CNN",)), ("afp", "AFP", ("AFP",)),
        ("reuters", "Reuters", ("Reuters",)), ("xinhua", "Xinhua", ("Xinhua",)),
        ("conseil_de_securite", "Conseil de sécurité", ("Conseil de sécurité",)), ("wagner", "Wagner", ("Wagner",)),
        ("belta", "Belta", ("Belta",)),
    ],
    "ORGV": [
        ("otan", "Otan", ("Otan",)), ("onu", "ONU", ("ONU",)), ("union_europeenne", "Union européenne", ("Union européenne",)),
        ("aiea", "AIEA", ("AIEA",)), ("organisation_de_cooperation_de_shanghai", "Organisation de coopération de Shanghai",
                                      ("Organisation de coopération de Shanghai",)),
    ],
    "MISC": [
        ("nord_stream", "Nord Stream", ("Nord Stream",)), ("g7", "G7", ("G7",)), ("nouvelles_routes_de_la_soie", "Nouvelles routes de la soie",
                                                                               ("Nouvelles routes de la soie",)),
    ],
}
SLOT_LABEL = {"PER": "PER", "LOC": "LOC", "LOCV": "LOC", "ORG": "ORG", "ORGV": "ORG", "MISC": "MISC"}

# Sentences: {SLOT} is an entity of that lexicon entry, {DATE} a point in time with its
# preposition, {DUR} a duration.
SENTENCES = (
    "{PER} s'est rendu à {LOC} {DATE} pour s'entretenir avec {PER}.",
    "Les discussions entre {LOC} et {LOC} ont porté sur la coopération économique et militaire.",
    "Selon {ORG}, la situation reste très tendue dans la région.",
    "{PER} a rencontré son homologue {PER} à {LOC}.",
    "Le chef de la diplomatie, {PER}, doit se rendre en {LOC} {DATE}.",
    "La guerre en {LOCV} dure depuis {DUR}.",
    "Les pays de l'{ORGV} ont annoncé de nouvelles sanctions {DATE}.",
    "Les relations entre {LOC} et {LOC} se sont nettement renforcées ces dernières années.",
    "Les membres de l'{ORGV} restent divisés sur la question des livraisons d'armes à l'{LOCV}.",
    "Des manifestations ont eu lieu à {LOC} {DATE}, a rapporté {ORG}.",
    "Le dirigeant de {LOC} n'a pas précisé si son pays participerait au sommet.",
    "Cette visite intervient alors que {LOC} cherche à renforcer ses liens avec {LOC}.",
    "D'après {ORG}, les échanges commerciaux avec {LOC} ont doublé en {DUR}.",
    "Le projet {MISC} a également été évoqué lors de la rencontre.",
    "Cette décision a suscité de vives réactions dans les capitales européennes.",
    "Les détails de l'accord n'ont pas été rendus publics.",
    "Aucune date n'a encore été fixée pour la prochaine réunion.",
    "Les observateurs y voient un signal adressé aux partenaires occidentaux.",
    "La question des réfugiés reste au cœur des préoccupations.",
    "Plusieurs experts doutent toutefois de la portée réelle de ces annonces.",
    "La réunion s'est tenue {DATE} à huis clos.",
    "Un nouveau cycle de pourparlers est prévu {DATE}.",
    "Les deux délégations se sont quittées sans déclaration commune.",
    "Les entretiens ont duré plus longtemps que prévu.",
    "Aucun communiqué n'a été publié à l'issue de la séance.",
    "La presse locale a largement commenté cette initiative.",
    "Le calendrier des prochaines étapes reste incertain.",
)
TITLES = (
    "{PER} rencontre {PER} à {LOC}",
    "{LOC} et {LOC} renforcent leur coopération",
    "Nouvelle visite de {PER} en {LOC}",
    "L'{ORGV} face à la guerre en {LOCV}",
)
CONTENTS = (
    "la coopération entre {LOC} et {LOC} doit se poursuivre",
    "{LOC} restera un partenaire fiable",
    "les négociations reprendront {DATE}",
    "personne ne souhaite une escalade du conflit",
    "il n'y a pas d'alternative au dialogue",
    "nous soutenons pleinement les efforts de paix de {LOC}",
    "la sécurité de l'{LOCV} n'est pas négociable",
    "cette rencontre marque une nouvelle étape dans nos relations",
    "les sanctions imposées par l'{ORGV} n'ont aucun effet",
    "nous ne céderons pas aux pressions extérieures",
)
MIXED_WORDS = ("historique", "très constructive", "inacceptable", "une provocation", "indestructible", "sans précédent")
CUES = ("a déclaré", "a affirmé", "a souligné", "a assuré", "a indiqué")
OTHER_SPEAKERS = ("son porte-parole", "le ministère", "son bureau", "un haut responsable")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
DURATIONS = (("deux ans", "P2Y"), ("trois jours", "P3D"), ("plusieurs mois", "PXM"), ("dix mois", "P10M"),
             ("une semaine", "P1W"), ("six mois", "P6M"))
NUMBERS = {"deux": 2, "trois": 3, "dix": 10, "une": 1, "six": 6}


@dataclass(frozen=True)
class ErrorRates:
    """Per gold item, the chance of each error (at most one per item; the rest are right),
    and ``spurious``: the expected number of spurious predictions per gold item."""

    drop: float = 0.08
    shift: float = 0.07  # boundary moved by one token (entities, dates) or a few words (quote content)
    label: float = 0.05  # entity label, TIMEX3 type or quote type
    value: float = 0.08  # TIMEX3 value
    speaker: float = 0.10  # quote speaker
    cue: float = 0.05  # quote cue left out
    spurious: float = 0.05


@dataclass
class Ledger:
    """What the prediction generator injected, per layer: ``right`` items were copied as they are."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, layer: str, kind: str, number: int = 1) -> None:
        layer_counts = self.counts.setdefault(layer, {})
        layer_counts[kind] = layer_counts.get(kind, 0) + number

    def get(self, layer: str, kind: str) -> int:
        return self.counts.get(layer, {}).get(kind, 0)

    def merge(self, other: Ledger) -> None:
        for layer, kinds in other.counts.items():
            for kind, number in kinds.items():
                self.add(layer, kind, number)


# ---------------------------------------------------------------- gold documents


class _Writer:
    """Appends text and records the spans of one document as it is written."""

    def __init__(self, rng: random.Random, dct: dt.date):
        self.rng, self.dct = rng, dct
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[Entity] = []
        self.dates: list[TimeExpression] = []
        self.quotes: list[Quote] = []

    def write(self, text: str) -> Span:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return Span(start, self.length, text)

    def entity(self, slot: str) -> Entity:
        entity_id, name, forms = self.rng.choice(LEXICON[slot])
        span = self.write(self.rng.choice(forms))
        entity = Entity(span.start, span.end, span.text, SLOT_LABEL[slot], entity_id, name, id=f"e{len(self.entities) + 1}")
        self.entities.append(entity)
        return entity

    def date(self, duration: bool) -> None:
        prefix, text, type_, value, mod = _duration(self.rng) if duration else _point_in_time(self.rng, self.dct)
        self.write(prefix)
        span = self.write(text)
        self.dates.append(TimeExpression(span.start, span.end, text, type_, value, mod, id=f"t{len(self.dates) + 1}"))

    def template(self, template: str) -> None:
        """Write ``template``, filling each ``{SLOT}``."""
        rest = template
        while "{" in rest:
            head, _, tail = rest.partition("{")
            slot, _, rest = tail.partition("}")
            self.write(head)
            if slot in ("DATE", "DUR"):
                self.date(duration=slot == "DUR")
            else:
                self.entity(slot)
        self.write(rest)

    def quote(self) -> None:
        rng = self.rng
        kind = rng.choices(("direct", "indirect", "mixed"), weights=(31, 30, 23))[0]
        speaker_kind = rng.choices(("entity", "other", "none"), weights=(85, 12, 3))[0]
        if kind != "direct" and speaker_kind == "none":
            speaker_kind = "other"
        cue_text = rng.choice(CUES)
        content = speaker = cue = None
        speaker_id = None

        def write_speaker() -> None:
            nonlocal speaker, speaker_id
            if speaker_kind == "entity":
                entity = self.entity("PER")
                speaker, speaker_id = entity.span, entity.entity_id
            else:
                speaker = self.write(rng.choice(OTHER_SPEAKERS))

        def write_content(template: str) -> Span:
            start = self.length
            self.template(template)
            return Span(start, self.length, "".join(self.parts)[start:self.length])

        if kind == "direct" and (speaker_kind == "none" or rng.random() < 0.5):
            self.write(f"«{NBSP}")
            content = write_content(rng.choice(CONTENTS))
            if speaker_kind == "none":
                self.write(f"{NBSP}», pouvait-on lire dans le communiqué.")
            else:
                self.write(f"{NBSP}», ")
                cue = self.write(cue_text)
                self.write(" ")
                write_speaker()
                self.write(".")
        elif kind == "direct":
            write_speaker()
            self.write(" ")
            cue = self.write(cue_text)
            self.write(f"{NBSP}: «{NBSP}")
            content = write_content(rng.choice(CONTENTS))
            self.write(f"{NBSP}».")
        elif kind == "indirect" and rng.random() < 0.5:
            cue = self.write("Selon")
            self.write(" ")
            write_speaker()
            self.write(", ")
            content = write_content(rng.choice(CONTENTS))
            self.write(".")
        else:
            write_speaker()
            self.write(" ")
            cue = self.write(cue_text if kind == "indirect" else "a estimé")
            self.write(" que ")
            template = rng.choice(CONTENTS)
            if kind == "mixed":
                template += f" et que la rencontre était «{NBSP}{rng.choice(MIXED_WORDS)}{NBSP}»"
            content = write_content(template)
            self.write(".")
        self.quotes.append(Quote(content, kind, speaker, speaker_id, cue, id=f"q{len(self.quotes) + 1}"))

    def text(self) -> str:
        return "".join(self.parts)


def _point_in_time(rng: random.Random, dct: dt.date) -> tuple[str, str, str, str, str | None]:
    """``(words before, span text, type, value, mod)`` of a date resolved against ``dct``."""
    form = rng.choices(("day", "weekday", "relative", "month", "end_of_month", "week", "year", "present"),
                       weights=(30, 20, 10, 12, 5, 8, 10, 5))[0]
    if form == "day":
        day = dct + dt.timedelta(days=rng.randint(-40, 10))
        year = f" {day.year}" if rng.random() < 0.3 else ""
        return "le ", f"{day.day} {MONTHS[day.month - 1]}{year}", "DATE", day.isoformat(), None
    if form == "weekday":
        day = dct + dt.timedelta(days=rng.choice((-3, -2, -1, 1, 2, 3)))
        return "", WEEKDAYS[day.weekday()], "DATE", day.isoformat(), None
    if form == "relative":
        text, shift = rng.choice((("hier", -1), ("aujourd'hui", 0), ("demain", 1)))
        return "", text, "DATE", (dct + dt.timedelta(days=shift)).isoformat(), None
    if form in ("month", "end_of_month"):
        month = rng.randint(1, dct.month)
        if form == "month":
            return "en ", MONTHS[month - 1], "DATE", f"{dct.year}-{month:02d}", None
        return "", f"fin {MONTHS[month - 1]}", "DATE", f"{dct.year}-{month:02d}", "END"
    if form == "week":
        year, week, _ = dct.isocalendar()
        return "", "cette semaine", "DATE", f"{year}-W{week:02d}", None
    if form == "year":
        text, value = rng.choice((("cette année", dct.year), ("l'an dernier", dct.year - 1)))
        return "", text, "DATE", str(value), None
    return "", "actuellement", "DATE", "PRESENT_REF", None


def _duration(rng: random.Random) -> tuple[str, str, str, str, str | None]:
    text, value = rng.choice(DURATIONS)
    return "", text, "DURATION", value, None


def generate_document(index: int, *, seed: int = 0) -> Document:
    """Synthetic gold document ``index`` of ``seed`` (id ``syn-{index:07d}``)."""
    rng = random.Random(f"frnewsbench-synthetic:{seed}:{index}")
    dct = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(45, 364))
    writer = _Writer(rng, dct)
    writer.template(rng.choice(TITLES))
    title = writer.text()
    for _ in range(rng.randint(*PARAGRAPHS)):
        writer.write("\n")
        sentences = rng.choices((1, 2, 3, 4), weights=PARAGRAPH_SENTENCES)[0]
        for number in range(sentences):
            if number:
                writer.write(" ")
            if rng.random() < QUOTE_SHARE:
                writer.quote()
            else:
                writer.template(rng.choice(SENTENCES))
    text = writer.text()
    doc_id = f"syn-{index:07d}"
    return Document(
        id=doc_id, title=title, text=text, language="fr", source="synthetic", dct=dct.isoformat(),
        dct_evidence="synthetic document: the DCT is drawn by the generator", seed_file=f"synthetic/{doc_id}.txt",
        text_sha256=sha256_text(text), seed_segments=((0, 0, len(text)),),
        entities=tuple(writer.entities), dates=tuple(writer.dates), quotes=tuple(writer.quotes),
    )


def generate_corpus(documents: int, *, seed: int = 0) -> list[Document]:
    return [generate_document(index, seed=seed) for index in range(documents)]


# ---------------------------------------------------------------- predictions


class _Layout:
    """The tokens of a document, computed once: where each starts and ends, which hold a word."""

    def __init__(self, text: str):
        self.text = text
        # the matches of frnewsbench.tokenize's own pattern, without building Token objects (4x faster)
        matches = list(TOKEN_RE.finditer(text))
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]
        self.by_start = {start: index for index, start in enumerate(self.starts)}
        self.by_end = {end: index for index, end in enumerate(self.ends)}
        self.word = [m.lastgroup != "other" for m in matches]  # elisions and words hold a letter or digit


class _Taken:
    """Which tokens a layer's gold or predicted spans hold already."""

    def __init__(self, layout: _Layout, gold_spans: Iterable[tuple[int, int]]):
        self.layout = layout
        self.taken: set[int] = set()
        for start, end in gold_spans:
            self.taken.update(range(layout.by_start[start], layout.by_end[end] + 1))

    def is_free_word(self, index: int) -> bool:
        return 0 <= index < len(self.layout.starts) and index not in self.taken and self.layout.word[index]

    def same_line(self, first: int, last: int) -> bool:
        return "\n" not in self.layout.text[self.layout.starts[first]:self.layout.ends[last]]

    def span(self, first: int, last: int) -> Span:
        start, end = self.layout.starts[first], self.layout.ends[last]
        return Span(start, end, self.layout.text[start:end])

    def shifted(self, start: int, end: int, rng: random.Random) -> Span | None:
        """``[start, end)`` grown by a free word token on one side, or shrunk by its first or
        last token (keeping words at both edges); ``None`` when no such move exists."""
        first, last = self.layout.by_start[start], self.layout.by_end[end]
        word = self.layout.word
        moves = []
        if self.is_free_word(first - 1) and self.same_line(first - 1, last):
            moves.append((first - 1, last))
        if self.is_free_word(last + 1) and self.same_line(first, last + 1):
            moves.append((first, last + 1))
        if last > first:
            moves += [(first + 1, last), (first, last - 1)]
        moves = [(a, b) for a, b in moves if word[a] and word[b]]
        if not moves:
            return None
        a, b = rng.choice(moves)
        self.taken.update((a, b))
        return self.span(a, b)

    def spurious_spans(self, count: int, rng: random.Random) -> list[Span]:
        """``count`` one-word spans on free words (fewer if the text has no more), marked taken."""
        if count == 0:
            return []
        free = [index for index in range(len(self.layout.starts)) if self.is_free_word(index)]
        chosen = rng.sample(free, min(count, len(free)))
        self.taken.update(chosen)
        return [self.span(index, index) for index in sorted(chosen)]


def _wrong_value(timex: TimeExpression, rng: random.Random) -> str:
    value = timex.value
    if timex.type == "DURATION":
        return "P5Y" if value != "P5Y" else "P4Y"
    if value in ("PRESENT_REF", "PAST_REF"):
        return "PAST_REF" if value == "PRESENT_REF" else "PRESENT_REF"
    if len(value) == 10:  # YYYY-MM-DD
        return (dt.date.fromisoformat(value) + dt.timedelta(days=rng.choice((-1, 1)))).isoformat()
    return str(int(value[:4]) - 1) + value[4:]


def _draw(rng: random.Random, rates: ErrorRates, kinds: tuple[str, ...]) -> str:
    roll = rng.random()
    for kind in kinds:
        roll -= getattr(rates, kind)
        if roll < 0:
            return kind
    return "right"


def _spurious_count(rng: random.Random, gold: int, rate: float) -> int:
    return sum(rng.random() < rate for _ in range(gold))


def _predict_entities(document: Document, layout: _Layout, rng: random.Random, rates: ErrorRates, ledger: Ledger) -> list[Entity]:
    """Flat, token-aligned predicted entities: a shift takes only free words, spurious ones too."""
    taken = _Taken(layout, [(e.start, e.end) for e in document.entities])
    entities = []
    for gold in document.entities:
        kind = _draw(rng, rates, ("drop", "shift", "label"))
        span = taken.shifted(gold.start, gold.end, rng) if kind == "shift" else None
        if kind == "shift" and span is None:
            kind = "right"
        ledger.add("entities", kind)
        if kind == "shift":
            entities.append(replace(gold, start=span.start, end=span.end, text=span.text, id=""))
        elif kind == "label":
            entities.append(replace(gold, label=rng.choice([label for label in ENTITY_LABELS if label != gold.label]), id=""))
        elif kind == "right":
            entities.append(replace(gold, id=""))
    for span in taken.spurious_spans(_spurious_count(rng, len(document.entities), rates.spurious), rng):
        entities.append(Entity(span.start, span.end, span.text, rng.choice(ENTITY_LABELS)))
        ledger.add("entities", "spurious")
    return entities


def _predict_dates(document: Document, layout: _Layout, rng: random.Random, rates: ErrorRates, ledger: Ledger) -> list[TimeExpression]:
    taken = _Taken(layout, [(t.start, t.end) for t in document.dates])
    dates = []
    for gold in document.dates:
        kind = _draw(rng, rates, ("drop", "shift", "label", "value"))
        span = taken.shifted(gold.start, gold.end, rng) if kind == "shift" else None
        if kind == "shift" and span is None:
            kind = "right"
        ledger.add("dates", kind)
        if kind == "shift":
            dates.append(replace(gold, start=span.start, end=span.end, text=span.text, id=""))
        elif kind == "label":
            dates.append(replace(gold, type="SET" if gold.type != "SET" else "DATE", id=""))
        elif kind == "value":
            dates.append(replace(gold, value=_wrong_value(gold, rng), id=""))
        elif kind == "right":
            dates.append(replace(gold, id=""))
    for span in taken.spurious_spans(_spurious_count(rng, len(document.dates), rates.spurious), rng):
        dates.append(TimeExpression(span.start, span.end, span.text, "DATE", document.dct))
        ledger.add("dates", "spurious")
    return dates


def _predict_quotes(document: Document, layout: _Layout, rng: random.Random, rates: ErrorRates, ledger: Ledger) -> list[Quote]:
    """Content boundaries move by whole words; a wrong speaker is another person of the text."""
    people = [e for e in document.entities if e.label == "PER"]
    quotes = []
    for gold in document.quotes:
        kind = _draw(rng, rates, ("drop", "shift", "label", "speaker", "cue"))
        quote = replace(gold, id="")
        if kind == "shift":
            first, last = layout.by_start[gold.content.start], layout.by_end[gold.content.end]
            inside = [index for index in range(first, last + 1) if layout.word[index]]
            cut = rng.randint(1, max(1, len(inside) // 3))
            if len(inside) <= cut:
                kind = "right"
            elif rng.random() < 0.5:
                start, end = layout.starts[inside[cut]], gold.content.end
            else:
                start, end = gold.content.start, layout.ends[inside[-1 - cut]]
            if kind == "shift":
                quote = replace(quote, content=Span(start, end, document.text[start:end]))
        elif kind == "label":
            quote = replace(quote, type=rng.choice([t for t in ("direct", "indirect", "mixed") if t != gold.type]))
        elif kind == "speaker":
            others = [p for p in people if p.entity_id != gold.speaker_entity_id]
            if gold.speaker is None or not others:
                others = people  # no speaker in the gold: any named speaker is wrong
            other = rng.choice(others) if others else None
            quote = replace(quote, speaker=None if other is None else other.span,
                            speaker_entity_id=None if other is None else other.entity_id)
        elif kind == "cue":
            quote = replace(quote, cue=None)
        ledger.add("quotes", kind)
        if kind != "drop":
            quotes.append(quote)
    lines = [(start, start + len(line)) for start, line in _lines(document.text) if line and line != document.title]
    for _ in range(_spurious_count(rng, len(document.quotes), rates.spurious)):
        start, end = rng.choice(lines)
        quotes.append(Quote(Span(start, end, document.text[start:end]), "indirect"))
        ledger.add("quotes", "spurious")
    return quotes


def generate_prediction(document: Document, *, seed: int = 0, rates: ErrorRates = ErrorRates()) -> tuple[Prediction, Ledger]:
    """The prediction of ``document`` with errors drawn from ``rates``, and what was injected."""
    rng = random.Random(f"frnewsbench-synthetic-prediction:{seed}:{document.id}")
    ledger = Ledger()
    layout = _Layout(document.text)
    prediction = Prediction(
        id=document.id,
        entities=tuple(_predict_entities(document, layout, rng, rates, ledger)),
        dates=tuple(_predict_dates(document, layout, rng, rates, ledger)),
        quotes=tuple(_predict_quotes(document, layout, rng, rates, ledger)),
    )
    return prediction, ledger


def _lines(text: str) -> list[tuple[int, str]]:
    lines, position = [], 0
    for line in text.split("\n"):
        lines.append((position, line))
        position += len(line) + 1
    return lines


def generate_predictions(documents: Iterable[Document], *, seed: int = 0,
                         rates: ErrorRates = ErrorRates()) -> tuple[dict[str, Prediction], Ledger]:
    predictions, ledger = {}, Ledger()
    for document in documents:
        prediction, document_ledger = generate_prediction(document, seed=seed, rates=rates)
        predictions[document.id] = prediction
        ledger.merge(document_ledger)
    return predictions, ledger


def write_corpus(documents: Iterable[Document], directory: str | Path) -> int:
    """Write one annotation file per document into ``directory``; the number written."""
    written = 0
    for document in documents:
        write_document(document, Path(directory) / f"{document.id}.json")
        written += 1
    return written


def corpus_figures(documents: list[Document]) -> dict[str, float]:
    """Size and span density of ``documents``, to set beside :data:`REAL_CORPUS`."""
    characters = sum(len(d.text) for d in documents)
    paragraphs = sum(sum(1 for line in d.text.split("\n") if line.strip()) for d in documents)
    entities = sum(len(d.entities) for d in documents)
    dates = sum(len(d.dates) for d in documents)
    quotes = sum(len(d.quotes) for d in documents)
    return {
        "documents": len(documents), "characters": characters, "paragraphs": paragraphs,
        "entities": entities, "dates": dates, "quotes": quotes,
        "characters_per_entity": characters / max(entities, 1), "characters_per_date": characters / max(dates, 1),
        "characters_per_quote": characters / max(quotes, 1), "characters_per_paragraph": characters / max(paragraphs, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, required=True, help="folder for annotations/ and predictions.jsonl")
    args = parser.parse_args(argv)
    if args.documents < 1:
        print("error: --documents must be at least 1", file=sys.stderr)
        return 1
    documents = generate_corpus(args.documents, seed=args.seed)
    predictions, ledger = generate_predictions(documents, seed=args.seed)
    write_corpus(documents, args.output / "annotations")
    write_predictions(args.output / "predictions.jsonl", predictions.values())
    write_atomic(args.output / "injected_errors.json", json.dumps(asdict(ledger), indent=1, sort_keys=True) + "\n")
    figures = corpus_figures(documents)
    print(json.dumps({key: round(value, 1) if isinstance(value, float) else value for key, value in figures.items()}))
    print(f"wrote {args.output / 'annotations'} ({len(documents)} files) and {args.output / 'predictions.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
