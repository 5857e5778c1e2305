"""Documents and predictions to Label Studio tasks, and Label Studio results back to layers.

How the three layers are drawn in Label Studio (``config.xml``):

| layer | region (Labels control) | per-region fields | relations |
|---|---|---|---|
| entities | ``entity``: PER, ORG, LOC, MISC | ``entity_id``, ``canonical_name`` (TextArea) | |
| dates | ``timex``: DATE, TIME, DURATION, SET | ``timex_value`` (TextArea), ``timex_mod`` (Choices) | |
| quotes | ``quote``: Quote (the content) | ``quote_type`` (Choices), ``speaker_entity_id`` (TextArea) | Quote -> Speaker (``speaker``), Quote -> Cue (``cue``) |
| | ``quote``: Speaker, Cue | | |

Offsets are Label Studio's ``value.start``/``value.end``: code points into ``data.text``, the same
convention as the annotation files, so they are copied as they are. ``value.text`` is the
region's text and must equal ``text[start:end]``.

Reading results back follows fixed rules, each reported as a :class:`~frnewsbench.validate.Problem`
naming the task, the annotation and the region when it is broken:

- a region has exactly one label, of a known control; its per-region fields belong to its layer;
- a relation joins a Quote region and a Speaker or Cue region, in either direction; its label,
  when given, must name the role of the other end; a quote has at most one speaker and one cue;
  every Speaker and Cue region is linked to at least one quote;
- a region keeps its id as the span id when it has the form of its layer's ids (``e12``,
  ``t3``, ``q7``) and is not taken; other regions (drawn in Label Studio) get the next free
  number of their layer;
- spans of each layer are sorted by ``(start, end)``, ties kept in the order of the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Sequence

from ..corpus import METADATA_KEYS, document_to_dict
from ..schema import (
    ENTITY_LABELS, QUOTE_TYPES, TIMEX_MODS, TIMEX_TYPES, Document, Entity, Prediction, Quote, Span,
    TimeExpression,
)
from ..spantext import mismatch_hint, normalisation_fix, normalisation_mismatch
from ..validate import Problem

TEXT_NAME = "text"
QUOTE_ROLES = ("Quote", "Speaker", "Cue")
LABEL_CONTROLS = {"entity": ENTITY_LABELS, "timex": TIMEX_TYPES, "quote": QUOTE_ROLES}
LAYER_OF_CONTROL = {"entity": "entities", "timex": "dates", "quote": "quotes"}
TEXTAREA_FIELDS = {"entity_id": "entity", "canonical_name": "entity", "timex_value": "timex", "speaker_entity_id": "quote"}
CHOICE_FIELDS = {"timex_mod": ("timex", TIMEX_MODS), "quote_type": ("quote", QUOTE_TYPES)}
RELATION_LABELS = ("speaker", "cue")
ROLE_OF_RELATION = {"speaker": "Speaker", "cue": "Cue"}
ITEM_TYPE_OF_CONTROL = {**{name: "labels" for name in LABEL_CONTROLS}, **{name: "textarea" for name in TEXTAREA_FIELDS},
                        **{name: "choices" for name in CHOICE_FIELDS}}
SPAN_ID_PREFIX = {"entities": "e", "dates": "t", "quotes": "q"}


class ConversionError(ValueError):
    """A document or prediction that cannot become a task (its spans do not match its text)."""


# ---------------------------------------------------------------- documents -> tasks


def task_data(document: Document) -> dict[str, Any]:
    """The task's ``data``: the text and the document's metadata (shown: ``doc_id`` and ``dct``)."""
    metadata = document_to_dict(document)
    shown = {"text": document.text, "doc_id": document.id}
    return {**shown, **{key: metadata[key] for key in METADATA_KEYS if key not in ("schema_version", "id")}}


def _region(region_id: str, control: str, span: Span, label: str) -> dict[str, Any]:
    return {
        "id": region_id, "type": "labels", "from_name": control, "to_name": TEXT_NAME,
        "value": {"start": span.start, "end": span.end, "text": span.text, "labels": [label]},
    }


def _textarea(region_id: str, name: str, span: Span, value: str) -> dict[str, Any]:
    return {
        "id": region_id, "type": "textarea", "from_name": name, "to_name": TEXT_NAME,
        "value": {"start": span.start, "end": span.end, "text": [value]},
    }


def _choice(region_id: str, name: str, span: Span, value: str) -> dict[str, Any]:
    return {
        "id": region_id, "type": "choices", "from_name": name, "to_name": TEXT_NAME,
        "value": {"start": span.start, "end": span.end, "text": span.text, "choices": [value]},
    }


def _relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {"type": "relation", "from_id": from_id, "to_id": to_id, "direction": "right", "labels": [label]}


def _region_ids(entities: Sequence[Entity], dates: Sequence[TimeExpression], quotes: Sequence[Quote]) -> tuple[list[str], list[str], list[str]]:
    """The spans' own ids when all are set and distinct, else ``e1.., t1.., q1..`` by position."""
    ids = [item.id for item in (*entities, *dates, *quotes)]
    if all(ids) and len(set(ids)) == len(ids):
        return [e.id for e in entities], [t.id for t in dates], [q.id for q in quotes]
    return ([f"e{n}" for n in range(1, len(entities) + 1)], [f"t{n}" for n in range(1, len(dates) + 1)],
            [f"q{n}" for n in range(1, len(quotes) + 1)])


def _check_span(text: str, span: Span, where: str) -> None:
    if not (0 <= span.start < span.end <= len(text)) or text[span.start:span.end] != span.text:
        found = text[span.start:span.end] if 0 <= span.start <= span.end <= len(text) else "out of the text"
        raise ConversionError(
            f"{where}: expected text[{span.start}:{span.end}] == {span.text!r}; found {found!r}. "
            "Fix: validate the annotation or predictions file first (frnewsbench validate)"
        )


def layers_to_result(text: str, *, entities: Sequence[Entity] = (), dates: Sequence[TimeExpression] = (),
                     quotes: Sequence[Quote] = (), where: str = "document") -> list[dict[str, Any]]:
    """The Label Studio ``result`` list drawing these spans on ``text``.

    Fields that are ``None`` (an entity without id in a prediction, a time expression without
    mod, a quote without speaker) produce no item. A Speaker or Cue span shared by several
    quotes is one region with one relation per quote.
    """
    entity_ids, date_ids, quote_ids = _region_ids(entities, dates, quotes)
    result: list[dict[str, Any]] = []
    for region_id, entity in zip(entity_ids, entities):
        _check_span(text, entity.span, f"{where} entity {region_id}")
        result.append(_region(region_id, "entity", entity.span, entity.label))
        if entity.entity_id is not None:
            result.append(_textarea(region_id, "entity_id", entity.span, entity.entity_id))
        if entity.canonical_name is not None:
            result.append(_textarea(region_id, "canonical_name", entity.span, entity.canonical_name))
    for region_id, timex in zip(date_ids, dates):
        _check_span(text, timex.span, f"{where} time expression {region_id}")
        result.append(_region(region_id, "timex", timex.span, timex.type))
        result.append(_textarea(region_id, "timex_value", timex.span, timex.value))
        if timex.mod is not None:
            result.append(_choice(region_id, "timex_mod", timex.span, timex.mod))
    parts: dict[tuple[str, int, int], str] = {}
    relations: list[dict[str, Any]] = []
    for region_id, quote in zip(quote_ids, quotes):
        _check_span(text, quote.content, f"{where} quote {region_id} content")
        result.append(_region(region_id, "quote", quote.content, "Quote"))
        result.append(_choice(region_id, "quote_type", quote.content, quote.type))
        if quote.speaker_entity_id is not None:
            result.append(_textarea(region_id, "speaker_entity_id", quote.content, quote.speaker_entity_id))
        for relation, role, span in (("speaker", "Speaker", quote.speaker), ("cue", "Cue", quote.cue)):
            if span is None:
                continue
            _check_span(text, span, f"{where} quote {region_id} {relation}")
            key = (role, span.start, span.end)
            if key not in parts:
                parts[key] = f"{region_id}-{relation}"
                result.append(_region(parts[key], "quote", span, role))
            relations.append(_relation(region_id, parts[key], relation))
    return result + relations


def document_to_task(document: Document, *, with_gold: bool = True,
                     predictions: Iterable[tuple[Prediction, str]] = ()) -> dict[str, Any]:
    """A Label Studio task for ``document``.

    ``with_gold`` adds the gold layers as one annotation (``ground_truth`` left false, so the
    star stays an annotator's decision), unless the document has no span yet.
    ``predictions`` are ``(prediction, model_version)`` pairs added as pre-annotations.
    """
    task: dict[str, Any] = {"data": task_data(document)}
    if with_gold and (document.entities or document.dates or document.quotes):
        result = layers_to_result(document.text, entities=document.entities, dates=document.dates,
                                  quotes=document.quotes, where=f"document {document.id} gold")
        task["annotations"] = [{"result": result, "ground_truth": False}]
    task["predictions"] = [prediction_to_ls(document, prediction, model_version=version)
                           for prediction, version in predictions]
    if not task["predictions"]:
        del task["predictions"]
    return task


def documents_to_tasks(documents: Sequence[Document], *, with_gold: bool = True,
                       predictions: Mapping[str, Sequence[tuple[Prediction, str]]] | None = None) -> list[dict[str, Any]]:
    """One task per document; ``predictions`` maps a document id to ``(prediction, model_version)`` pairs."""
    predictions = predictions or {}
    return [document_to_task(document, with_gold=with_gold, predictions=predictions.get(document.id, ()))
            for document in documents]


def prediction_to_ls(document: Document, prediction: Prediction, *, model_version: str) -> dict[str, Any]:
    """A Label Studio prediction (pre-annotation) from a system's output for ``document``."""
    if prediction.id != document.id:
        raise ConversionError(f"prediction for {prediction.id!r} given with document {document.id!r}")
    result = layers_to_result(document.text, entities=prediction.entities or (), dates=prediction.dates or (),
                              quotes=prediction.quotes or (), where=f"document {document.id} prediction {model_version}")
    return {"model_version": model_version, "result": result}


def model_version(name: str, versions: dict[str, str] | None = None) -> str:
    """``model_version`` of a system's predictions: its versioned name and the versions behind it,
    e.g. ``combined-baseline.v3 (frnewsbench 0.1.0, spacy 3.8.7)``."""
    if not versions:
        return name
    return f"{name} ({', '.join(f'{key} {value}' for key, value in sorted(versions.items()))})"


# ---------------------------------------------------------------- results -> layers


@dataclass
class _Region:
    id: str
    control: str
    label: str
    start: int
    end: int
    order: int
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def layer(self) -> str:
        return LAYER_OF_CONTROL[self.control]


@dataclass(frozen=True)
class Layers:
    """The three layers read from one annotation, and the region each span came from."""

    entities: tuple[Entity, ...]
    dates: tuple[TimeExpression, ...]
    quotes: tuple[Quote, ...]
    region_of: dict[str, str]
    """span id -> Label Studio region id (for error messages)."""
    trimmed: tuple[str, ...] = ()
    """Regions whose spaces at the edges were trimmed (only with ``trim_spaces``)."""


class _ResultReader:
    def __init__(self, text: str, result: Any, *, source: str, where: str, trim_spaces: bool, complete: bool):
        self.text, self.result, self.source, self.where = text, result, source, where
        self.trim_spaces, self.complete = trim_spaces, complete
        self.problems: list[Problem] = []
        self.trimmed: list[str] = []

    def problem(self, region: str | None, expected: str, found: str, fix: str) -> None:
        where = self.where if region is None else f"{self.where} region {region}"
        self.problems.append(Problem(self.source, where, expected, found, fix))

    # -- items

    def read(self) -> Layers | None:
        if not isinstance(self.result, list):
            self.problem(None, "'result' to be a list of regions and relations", repr(self.result)[:80],
                         "export the project again in Label Studio's JSON format")
            return None
        items: dict[str, list[dict[str, Any]]] = {}
        relations: list[dict[str, Any]] = []
        for index, item in enumerate(self.result):
            if not isinstance(item, dict):
                self.problem(f"#{index}", "a result item (an object)", repr(item)[:60], "export the project again")
            elif item.get("type") == "relation":
                relations.append(item)
            elif not isinstance(item.get("id"), str) or not item["id"]:
                self.problem(f"#{index}", "a region with a string 'id'", repr(item.get("id")), "export the project again")
            else:
                items.setdefault(item["id"], []).append(item)
        regions = {}
        for order, (region_id, region_items) in enumerate(items.items()):
            region = self._region(region_id, region_items, order)
            if region is not None:
                regions[region_id] = region
        links = self._relations(relations, items, regions)
        return self._layers(regions, links)

    def _offsets(self, region_id: str, value: dict[str, Any]) -> tuple[int, int] | None:
        start, end = value.get("start"), value.get("end")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
            self.problem(region_id, "integer 'start' and 'end' in 'value'", f"start={start!r}, end={end!r}",
                         "export the project again in Label Studio's JSON format")
            return None
        return start, end

    def _region(self, region_id: str, items: list[dict[str, Any]], order: int) -> _Region | None:
        labels = [item for item in items if item.get("type") == "labels"]
        problems_before = len(self.problems)
        known = ITEM_TYPE_OF_CONTROL
        for item in items:
            name = item.get("from_name")
            if not isinstance(name, str) or name not in known:
                self.problem(region_id, f"a control of the labeling config ({', '.join(known)})", repr(name),
                             "annotate with the project config frnewsbench/labelstudio/config.xml")
            elif item.get("type") != known[name]:
                self.problem(region_id, f"{name!r} items of type {known[name]!r}", repr(item.get("type")),
                             "annotate with the project config frnewsbench/labelstudio/config.xml")
            elif item.get("to_name") != TEXT_NAME:
                self.problem(region_id, f"to_name {TEXT_NAME!r}", repr(item.get("to_name")),
                             "annotate with the project config frnewsbench/labelstudio/config.xml")
            elif not isinstance(item.get("value"), dict):
                self.problem(region_id, "a 'value' object", repr(item.get("value"))[:60], "export the project again")
        if len(self.problems) > problems_before:
            return None
        if len(labels) != 1:
            found = "no label" if not labels else "labels of " + " and ".join(repr(item["from_name"]) for item in labels)
            self.problem(region_id, "one label from one of entity, timex or quote", found,
                         "give the region exactly one label (a region belongs to one layer)")
            return None
        value = labels[0]["value"]
        control = labels[0]["from_name"]
        names = value.get("labels")
        if not (isinstance(names, list) and len(names) == 1 and names[0] in LABEL_CONTROLS[control]):
            self.problem(region_id, f"one {control} label in {', '.join(LABEL_CONTROLS[control])}", repr(names),
                         f"relabel the region with one of {', '.join(LABEL_CONTROLS[control])} "
                         "(and keep the project's labeling config equal to frnewsbench/labelstudio/config.xml)")
            return None
        offsets = self._offsets(region_id, value)
        if offsets is None:
            return None
        start, end = offsets
        if not self._span_matches(region_id, start, end, value.get("text")):
            return None
        region = _Region(region_id, control, names[0], start, end, order)
        for item in items:
            if item is labels[0]:
                continue
            offsets = self._offsets(region_id, item["value"])
            if offsets is not None and offsets != (start, end):
                self.problem(region_id, f"its {item['from_name']!r} value at the region's offsets [{start}, {end})",
                             f"[{item['value'].get('start')}, {item['value'].get('end')})",
                             "export the project again; if the export was edited, edit every item of the region alike")
                continue
            if offsets is not None:
                self._field(region, item)
        return self._trimmed(region)

    def _span_matches(self, region_id: str, start: int, end: int, text: Any) -> bool:
        if not 0 <= start < end <= len(self.text):
            self.problem(region_id, f"0 <= start < end <= {len(self.text)} (the text length)",
                         f"start={start}, end={end}", "the export does not belong to this text: export it again")
            return False
        if not isinstance(text, str):
            self.problem(region_id, "'value.text', the region's text", repr(text),
                         "export the project again in Label Studio's JSON format")
            return False
        actual = self.text[start:end]
        if actual != text:
            fix = ("the offsets were shifted: export again from Label Studio, or correct start/end in the export"
                   if normalisation_mismatch(actual, text) is None else normalisation_fix(actual))
            self.problem(region_id, f"text[{start}:{end}] == {text!r}", f"{actual!r}{mismatch_hint(self.text, start, end, text)}", fix)
            return False
        return True

    def _trimmed(self, region: _Region) -> _Region | None:
        span = self.text[region.start:region.end]
        if span == span.strip():
            return region
        if not span.strip():
            self.problem(region.id, "a region covering some text", repr(span), "delete the region")
            return None
        if not self.trim_spaces:
            self.problem(region.id, "a span without spaces at its edges", repr(span),
                         "select the words without the spaces around them in Label Studio, "
                         "or import with --trim-spaces to trim them")
            return None
        left = len(span) - len(span.lstrip())
        right = len(span) - len(span.rstrip())
        self.trimmed.append(f"{self.where} region {region.id}: {span!r} -> {span.strip()!r}")
        return replace(region, start=region.start + left, end=region.end - right)

    def _field(self, region: _Region, item: dict[str, Any]) -> None:
        name = item["from_name"]
        owner = TEXTAREA_FIELDS.get(name) or CHOICE_FIELDS[name][0]
        if owner != region.control or (name in ("quote_type", "speaker_entity_id") and region.label != "Quote"):
            kind = "Quote" if owner == "quote" else f"{owner} region"
            self.problem(region.id, f"{name!r} only on a {kind}", f"on a {region.label} region",
                         f"clear {name!r} on this region, or relabel it")
            return
        if name in region.fields:
            self.problem(region.id, f"one {name!r} value", "several", "keep one value")
            return
        if name in CHOICE_FIELDS:
            choices = item["value"].get("choices")
            allowed = CHOICE_FIELDS[name][1]
            if not (isinstance(choices, list) and len(choices) == 1 and choices[0] in allowed):
                self.problem(region.id, f"one {name!r} in {', '.join(allowed)}", repr(choices), f"pick one {name!r}")
                return
            region.fields[name] = choices[0]
            return
        values = item["value"].get("text")
        values = [values] if isinstance(values, str) else values
        if not (isinstance(values, list) and all(isinstance(v, str) for v in values)):
            self.problem(region.id, f"{name!r} as a list of strings", repr(values)[:60], "export the project again")
            return
        values = [v for v in values if v.strip()]
        if len(values) > 1:
            self.problem(region.id, f"one {name!r} value", repr(values), f"delete all but one {name!r} value")
        elif values and values[0] != values[0].strip():
            self.problem(region.id, f"{name!r} without spaces at its edges", repr(values[0]), f"retype {name!r}")
        elif values:
            region.fields[name] = values[0]

    # -- relations

    def _relations(self, relations: list[dict[str, Any]], items: dict[str, Any],
                   regions: dict[str, _Region]) -> dict[str, dict[str, str]]:
        links: dict[str, dict[str, str]] = {}
        linked: set[str] = set()
        for relation in relations:
            ends = (relation.get("from_id"), relation.get("to_id"))
            name = f"relation {ends[0]}->{ends[1]}"
            if not all(isinstance(end, str) for end in ends):
                self.problem(name if all(isinstance(end, (str, int)) for end in ends) else "relation",
                             "'from_id' and 'to_id' naming two regions (strings)",
                             f"from_id={ends[0]!r}, to_id={ends[1]!r}"[:120], "export the project again")
                continue
            missing = [end for end in ends if end not in items]
            if missing:
                self.problem(name, "a relation between two regions of the annotation",
                             f"no region {', '.join(map(repr, missing))}",
                             "delete the relation, or draw it again between existing regions")
                continue
            if any(end not in regions for end in ends):
                continue  # that region's own problem is reported already
            first, second = regions[ends[0]], regions[ends[1]]
            quote, other = (first, second) if first.label == "Quote" else (second, first)
            if quote.label != "Quote" or other.control != "quote" or other.label not in ("Speaker", "Cue"):
                self.problem(name, "a relation from a Quote region to a Speaker or Cue region",
                             f"{first.label} {first.id!r} -> {second.label} {second.id!r}",
                             "delete the relation; link each Quote to its Speaker and its Cue")
                continue
            labels = relation.get("labels") or []
            if not isinstance(labels, list) or any(not isinstance(label, str) or ROLE_OF_RELATION.get(label) != other.label
                                                   for label in labels):
                self.problem(name, f"no label or the label {other.label.lower()!r} (it points to a {other.label})",
                             repr(labels), "correct the relation's label")
                continue
            role = other.label.lower()
            known = links.setdefault(quote.id, {})
            if known.get(role, other.id) != other.id:
                self.problem(quote.id, f"at most one {role} per quote",
                             f"{role} regions {known[role]!r} and {other.id!r}", f"keep one {role} relation")
                continue
            known[role] = other.id
            linked.add(other.id)
        for region in regions.values():
            if region.control == "quote" and region.label != "Quote" and region.id not in linked:
                self.problem(region.id, f"the {region.label} region linked to a Quote by a relation",
                             f"{self.text[region.start:region.end]!r} linked to no quote",
                             "draw a relation from its Quote region to it, or delete it")
        return links

    # -- layers

    def _layers(self, regions: dict[str, _Region], links: dict[str, dict[str, str]]) -> Layers | None:
        by_layer: dict[str, list[_Region]] = {"entities": [], "dates": [], "quotes": []}
        for region in regions.values():
            if region.control != "quote" or region.label == "Quote":
                by_layer[region.layer].append(region)
        region_of: dict[str, str] = {}
        spans: dict[str, list[Any]] = {}
        for layer, members in by_layer.items():
            members.sort(key=lambda r: (r.start, r.end, r.order))
            ids = _span_ids(layer, [r.id for r in members])
            spans[layer] = []
            for span_id, region in zip(ids, members):
                region_of[span_id] = region.id
                built = self._span(layer, span_id, region, regions, links.get(region.id, {}))
                if built is not None:
                    spans[layer].append(built)
        if self.problems:
            return None
        return Layers(tuple(spans["entities"]), tuple(spans["dates"]), tuple(spans["quotes"]), region_of,
                      tuple(self.trimmed))

    def _require(self, region: _Region, name: str, box: str) -> str | None:
        value = region.fields.get(name)
        if value is None:
            self.problem(region.id, f"a value in the {box} box of the {region.label} {self.text[region.start:region.end]!r}",
                         "an empty box", f"fill the {box} box of the region")
        return value

    def _span(self, layer: str, span_id: str, region: _Region, regions: dict[str, _Region],
              link: dict[str, str]) -> Entity | TimeExpression | Quote | None:
        text = self.text[region.start:region.end]
        if layer == "entities":
            if self.complete:
                entity_id = self._require(region, "entity_id", "Entity id")
                name = self._require(region, "canonical_name", "Canonical name")
                if entity_id is None or name is None:
                    return None
            else:
                entity_id, name = region.fields.get("entity_id"), region.fields.get("canonical_name")
            return Entity(region.start, region.end, text, region.label, entity_id, name, id=span_id)
        if layer == "dates":
            value = self._require(region, "timex_value", "TIMEX3 value")
            if value is None:
                return None
            return TimeExpression(region.start, region.end, text, region.label, value,
                                  region.fields.get("timex_mod"), id=span_id)
        quote_type = self._require(region, "quote_type", "Quote type")
        if quote_type is None:
            return None

        def part(role: str) -> Span | None:
            if role not in link:
                return None
            other = regions[link[role]]
            return Span(other.start, other.end, self.text[other.start:other.end])

        return Quote(content=Span(region.start, region.end, text), type=quote_type, speaker=part("speaker"),
                     speaker_entity_id=region.fields.get("speaker_entity_id"), cue=part("cue"), id=span_id)


def _span_ids(layer: str, region_ids: list[str]) -> list[str]:
    """Keep region ids that look like span ids of the layer (``e12``); number the others after them."""
    prefix = SPAN_ID_PREFIX[layer]
    pattern = re.compile(rf"^{prefix}([1-9][0-9]*)$")
    taken: set[str] = set()
    kept: list[str | None] = []
    for region_id in region_ids:
        if pattern.match(region_id) and region_id not in taken:
            taken.add(region_id)
            kept.append(region_id)
        else:
            kept.append(None)
    next_number = max((int(pattern.match(i).group(1)) for i in taken), default=0) + 1
    ids = []
    for region_id in kept:
        if region_id is None:
            region_id = f"{prefix}{next_number}"
            next_number += 1
        ids.append(region_id)
    return ids


def result_to_layers(text: str, result: Any, *, source: str, where: str, trim_spaces: bool = False,
                     complete: bool = True) -> tuple[Layers | None, list[Problem]]:
    """Read one annotation's ``result`` on ``text``: the layers, or ``None`` and every problem found.

    ``where`` prefixes each problem's location (e.g. ``"task 12 annotation 3"``); ``source`` is
    the export file. ``complete`` requires what gold needs (an entity id and canonical name on
    every entity); ``complete=False`` reads a system's predictions, where they may be missing.
    """
    reader = _ResultReader(text, result, source=source, where=where, trim_spaces=trim_spaces, complete=complete)
    layers = reader.read()
    return layers, reader.problems


def layers_to_prediction(document_id: str, layers: Layers) -> Prediction:
    """One annotation's layers seen as a system's output (to measure agreement between annotators)."""
    return Prediction(id=document_id, entities=layers.entities, dates=layers.dates, quotes=layers.quotes)
