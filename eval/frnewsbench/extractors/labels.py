"""The documented table that maps a system's entity labels to ours (PER, ORG, LOC, MISC).

Systems trained on WikiNER or CoNLL (spaCy's ``fr_core_news_*``, most French token
classifiers) already emit PER, ORG, LOC and MISC. Systems trained on OntoNotes or other
schemes emit more types; the table says what each becomes, following
``annotations/GUIDELINES.md``:

| system label | ours | why |
|---|---|---|
| PER, PERS, PERSON | PER | named people |
| ORG, ORGANIZATION, ORGANISATION | ORG | organisations, institutions, companies, media |
| LOC, LOCATION, GPE, FAC | LOC | named places of any kind, buildings included; countries and cities (GPE) too |
| MISC, MISCELLANEOUS, EVENT, PRODUCT, WORK_OF_ART, LAW | MISC | other proper names: events, plans, documents |
| NORP, LANGUAGE | (not an entity) | demonyms and nationality words are not entities in our guidelines |
| DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL | (not an entity) | values, not names (time expressions are the ``dates`` layer) |

A label the table does not list is an error (:class:`UnknownLabelError`) naming the label
and this table, never dropped silently: pass your own ``label_map`` to the adapter (from the
command line, ``--label-map FILE``: a JSON object read by :func:`read_label_map`).
Labels mapped to ``None`` are left out on purpose and counted by the adapters.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from ..jsonread import JSONReadError, json_type, loads
from ..schema import ENTITY_LABELS
from .errors import ExtractorError

NOT_AN_ENTITY = None

DEFAULT_LABEL_MAP: Mapping[str, str | None] = {
    "PER": "PER", "PERS": "PER", "PERSON": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "LOC": "LOC", "LOCATION": "LOC", "GPE": "LOC", "FAC": "LOC",
    "MISC": "MISC", "MISCELLANEOUS": "MISC", "EVENT": "MISC", "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC", "LAW": "MISC",
    "NORP": NOT_AN_ENTITY, "LANGUAGE": NOT_AN_ENTITY,
    "DATE": NOT_AN_ENTITY, "TIME": NOT_AN_ENTITY, "PERCENT": NOT_AN_ENTITY,
    "MONEY": NOT_AN_ENTITY, "QUANTITY": NOT_AN_ENTITY, "ORDINAL": NOT_AN_ENTITY,
    "CARDINAL": NOT_AN_ENTITY,
}


class UnknownLabelError(ExtractorError, ValueError):
    """A system label that the label map does not list."""


def check_label_map(label_map: Mapping[str, str | None]) -> None:
    """Every target of ``label_map`` must be one of our labels or ``None``."""
    bad = {source: target for source, target in label_map.items() if target is not None and target not in ENTITY_LABELS}
    if bad:
        raise UnknownLabelError(
            f"label map targets {bad!r} are not entity labels: expected {', '.join(ENTITY_LABELS)} or None (leave out)"
        )


def map_label(label: str, label_map: Mapping[str, str | None], *, system: str) -> str | None:
    """Our label for ``label``, ``None`` for a label the table leaves out; raise on an unknown label."""
    if label in label_map:
        return label_map[label]
    listing = ", ".join(f"{source}->{target or '(left out)'}" for source, target in sorted(label_map.items(), key=lambda kv: kv[0]))
    raise UnknownLabelError(
        f"{system}: the entity label {label!r} is not in the label map. Expected one of: {listing}. "
        f"Fix: give a label map with {label!r} (--label-map FILE, a JSON object such as {{{json.dumps(label)}: \"PER\"}}, "
        f"values PER, ORG, LOC, MISC or null; label_map={{..., {label!r}: 'PER'|'ORG'|'LOC'|'MISC'|None}} in Python); "
        "null/None leaves the label out on purpose; see frnewsbench/extractors/labels.py"
    )


def read_label_map(path: str | Path) -> dict[str, str | None]:
    """A label map from a JSON file: an object, model label -> ``PER``, ``ORG``, ``LOC``, ``MISC``
    or ``null`` (left out on purpose)."""
    path = Path(path)
    try:
        data = loads(path.read_bytes())
    except FileNotFoundError:
        raise ExtractorError(f"{path}: no such label map file") from None
    except OSError as error:
        raise ExtractorError(f"{path}: cannot read the label map ({error.strerror or error})") from None
    except JSONReadError as error:  # a key given twice too: never keep one of the two silently
        where = f" at {error.where}" if error.where else ""
        raise ExtractorError(f"{path}{where}: expected {error.expected} in a label map; found {error.found}. "
                             f"Fix: {error.fix}") from None
    if not isinstance(data, dict):
        raise ExtractorError(f"{path}: expected a JSON object such as {{\"PERSON\": \"PER\", \"DATE\": null}}; "
                             f"found {json_type(data)}")
    try:
        check_label_map(data)
    except UnknownLabelError as error:
        raise UnknownLabelError(f"{path}: {error}") from None
    return data
