"""A Label Studio JSON export into annotation files: resolve, choose, check, then write.

Rules, applied to every task of the export:

- **Which article**: the task's ``data.doc_id`` names the annotation file ``DIR/<doc_id>.json``,
  whose text must equal the task's text character for character. A task without ``doc_id`` is
  matched by its text. A task for a document that has no file yet (a new article) is accepted
  when its data carries the whole metadata (as ``export``/``push`` write it) and its text has
  the recorded ``text_sha256``; any other task is an unknown text, reported. Two tasks for one
  document are reported too.
- **Which annotation becomes gold**: skipped (cancelled) annotations are left out; among the
  others, the one marked as ground truth in Label Studio (the star) wins; without a star, the
  most recently updated one (``updated_at``, else ``created_at``; ties: the highest annotation
  id, compared as numbers: ``12`` and ``"12"`` are the number 12; a tie between ids that are not
  all numbers is reported, never broken by string order). A timestamp that is missing or not
  ISO 8601 is then reported, naming the task and the annotation, never guessed. Two annotations
  of a task with the same id are reported. A task without annotations leaves its file unchanged
  and is listed as skipped. When a task has several annotations, the agreement between every
  pair is reported with the harness's metrics.
- **Exports of Label Studio before 1.0** hold ``completions`` instead of ``annotations``: they
  are read the same way, a completion marked ``skipped`` (or ``was_cancelled``) being a skipped
  annotation, and ``created_at`` given as Unix seconds. A task with both keys is reported.
- **Removals**: an annotation that would remove every span of a layer of an existing article
  (an empty result, most often by mistake) is reported unless ``allow_removals`` is given
  (``--allow-removals``); the plan lists each such layer.
- **Duplicate articles**: a task whose ``doc_id`` names no file but whose text is that of an
  existing article (a ``doc_id`` edited in Label Studio) is reported, and the validator refuses
  two articles with the same text.
- **Metadata** comes from the existing file (the source of truth); only the layers change.
- **Nothing is written** unless every annotation of every task reads without a problem and the
  whole folder, with the new layers in place, passes :func:`frnewsbench.validate.validate_files`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from ..corpus import ANNOTATION_GLOB, annotation_files, document_from_dict, document_to_dict, dumps_document, read_raw, write_all, write_document
from ..jsonread import JSONReadError, json_type, loads
from ..schema import LAYERS, Document, sha256_text
from ..validate import Problem, ValidationError, validate_files
from ..writes import OutputError, resolved
from .agreement import Agreement, annotation_agreement
from .convert import Layers, result_to_layers

METADATA_FIELDS = ("doc_id", "language", "dct", "dct_evidence", "seed_file", "seed_segments", "text_sha256")


@dataclass(frozen=True)
class ImportedDocument:
    """One document as it will be written, with where it came from and what changed."""

    document: Document
    path: Path
    task: str
    annotation: str
    choice: str
    """Why this annotation is the gold (the rule that picked it)."""
    new_file: bool
    changes: dict[str, tuple[int, int]]
    """layer -> (spans added, spans removed) compared with the file before the import."""
    agreement: tuple[Agreement, ...] = ()
    trimmed: tuple[str, ...] = ()
    regions: dict[str, str] = field(default_factory=dict)
    """span id -> the Label Studio region it was read from."""

    @property
    def emptied(self) -> tuple[tuple[str, int], ...]:
        """``(layer, spans before)`` for each layer of an existing file that the import empties."""
        if self.new_file:
            return ()
        return tuple((layer, removed) for layer, (added, removed) in self.changes.items()
                     if removed and not added and not getattr(self.document, layer))


@dataclass(frozen=True)
class ImportPlan:
    documents: tuple[ImportedDocument, ...]
    skipped: tuple[str, ...]
    """Tasks left out, each with the reason (no annotation yet)."""


def read_export(path: str | Path) -> list[dict[str, Any]]:
    """The tasks of a Label Studio JSON export (or of a tasks file written by ``export``)."""
    path = Path(path)
    try:
        tasks = loads(path.read_bytes())
    except JSONReadError as error:
        fix = "export the project again in Label Studio's JSON format" if error.column is not None else error.fix
        raise ValidationError([Problem(str(path), error.where, error.expected, error.found, fix)],
                              subject=f"the Label Studio export {path}") from None
    except OSError as error:
        raise ValidationError([Problem(str(path), "", "a readable Label Studio export", error.strerror or str(error),
                                       "check the path")], subject=f"the Label Studio export {path}") from None
    if not isinstance(tasks, list):
        raise ValidationError([Problem(str(path), "", "a JSON list of tasks", json_type(tasks),
                                       "use Label Studio's JSON export (not JSON-MIN or CSV)")],
                              subject=f"the Label Studio export {path}")
    return tasks


def _task_name(task: Any, index: int) -> str:
    task_id = task.get("id") if isinstance(task, dict) else None
    return f"task {task_id}" if task_id is not None else f"task #{index + 1}"


def _annotation_name(annotation: dict[str, Any], index: int) -> str:
    annotation_id = annotation.get("id")
    return f"annotation {annotation_id}" if annotation_id is not None else f"annotation #{index + 1}"


_ISO_TIMESTAMP = re.compile(
    r"^(?P<main>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:[.,](?P<fraction>\d+))?"
    r"(?P<zone>Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_timestamp(text: str) -> dt.datetime:
    """An ISO 8601 timestamp as Label Studio writes it, the same on Python 3.10 and later:
    ``2024-01-02T03:04:05.123456789+00:00``, ``2024-01-02T03:04:05.1Z``. The fraction is cut or
    padded to microseconds (Python 3.10's ``fromisoformat`` takes 3 or 6 digits only), ``Z`` is
    UTC, and a time without a zone is taken as UTC. Raises ``ValueError`` for anything else.
    """
    match = _ISO_TIMESTAMP.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not an ISO 8601 timestamp")
    zone = match["zone"] or "+00:00"
    if zone in ("Z", "z"):
        zone = "+00:00"
    elif len(zone) == 3:
        zone += ":00"
    elif ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    fraction = "." + (match["fraction"] or "")[:6].ljust(6, "0")
    try:
        return dt.datetime.fromisoformat(match["main"] + fraction + zone)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a valid timestamp: {error}") from None


class AnnotationChoiceError(ValueError):
    """The rule that picks the gold annotation cannot be applied; ``annotation`` names the one at fault."""

    def __init__(self, annotation: str, expected: str, found: str, fix: str):
        self.annotation, self.expected, self.found, self.fix = annotation, expected, found, fix
        super().__init__(f"{annotation}: expected {expected}; found {found}. Fix: {fix}")


def _timestamp(annotation: dict[str, Any], index: int) -> dt.datetime:
    """When ``annotation`` was last updated, for the "most recently updated" rule; raises
    :class:`AnnotationChoiceError` when it has no readable timestamp."""
    key = "updated_at" if annotation.get("updated_at") is not None else "created_at"
    raw = annotation.get(key)
    name = _annotation_name(annotation, index)
    if raw is None:
        raise AnnotationChoiceError(name, "an 'updated_at' or 'created_at' timestamp (to find the most recent "
                                    "annotation)", "neither", "export the project again from Label Studio, or mark the "
                                    "gold annotation as ground truth (the star)")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 0 <= raw < 32503680000:
        return dt.datetime.fromtimestamp(raw, tz=dt.timezone.utc)  # Label Studio before 1.0: Unix seconds
    try:
        when = parse_timestamp(raw)
    except ValueError:
        raise AnnotationChoiceError(name, f"'{key}' as an ISO 8601 timestamp such as 2024-01-02T03:04:05.123456Z",
                                    repr(raw), "export the project again from Label Studio, or mark the gold "
                                    "annotation as ground truth (the star)") from None
    return when


def annotation_number(annotation: dict[str, Any]) -> int | None:
    """The annotation id as a number (``12`` or ``"12"``), or ``None`` when it is not one."""
    annotation_id = annotation.get("id")
    if isinstance(annotation_id, int) and not isinstance(annotation_id, bool):
        return annotation_id
    if isinstance(annotation_id, str) and annotation_id.isascii() and annotation_id.isdigit():
        return int(annotation_id)
    return None


def _latest(annotations: Sequence[dict[str, Any]], usable: Sequence[int]) -> int:
    """The most recently updated annotation; a tie goes to the highest numeric id."""
    when = {i: _timestamp(annotations[i], i) for i in usable}
    newest = max(when.values())
    tied = [i for i in usable if when[i] == newest]
    if len(tied) == 1:
        return tied[0]
    numbers = {i: annotation_number(annotations[i]) for i in tied}
    if any(number is None for number in numbers.values()):
        names = ", ".join(_annotation_name(annotations[i], i) for i in tied)
        raise AnnotationChoiceError(names, "annotations updated at different times, or numeric ids to break the tie "
                                    "(the highest id wins)", f"{len(tied)} annotations updated at {newest.isoformat()} "
                                    "whose ids are not all numbers", "mark the gold annotation as ground truth (the star)")
    return max(tied, key=lambda i: numbers[i])


def _cancelled(annotation: dict[str, Any]) -> bool:
    """Skipped in Label Studio: ``was_cancelled`` (1.x) or ``skipped`` (completions before 1.0)."""
    return bool(annotation.get("was_cancelled") or annotation.get("skipped"))


def choose_annotation(annotations: Sequence[dict[str, Any]]) -> tuple[int, str] | None:
    """Index of the annotation that becomes gold and the rule that chose it; ``None`` if none counts.

    Raises :class:`AnnotationChoiceError` when several annotations are marked as ground truth, or
    when the most recently updated one is asked for and an annotation has no readable timestamp.
    """
    usable = [i for i, a in enumerate(annotations) if not _cancelled(a)]
    if not usable:
        return None
    starred = [i for i in usable if annotations[i].get("ground_truth")]
    if len(starred) > 1:
        names = ", ".join(_annotation_name(annotations[i], i) for i in starred)
        raise AnnotationChoiceError(names, "at most one annotation marked as ground truth",
                                    f"{len(starred)} annotations marked as ground truth",
                                    "remove the ground-truth star from all but one annotation")
    if starred:
        return starred[0], "marked as ground truth"
    if len(usable) == 1:
        return usable[0], "the only annotation"
    latest = _latest(annotations, usable)
    return latest, f"the most recently updated of {len(usable)} (none marked as ground truth)"


class _Importer:
    def __init__(self, annotations_dir: Path, source: str, trim_spaces: bool):
        self.dir, self.source, self.trim_spaces = annotations_dir, source, trim_spaces
        self.problems: list[Problem] = []
        self.files: dict[str, tuple[Path, Document]] = {}
        for path in annotation_files(annotations_dir):
            try:
                document = document_from_dict(read_raw(path))
            except (ValueError, KeyError, TypeError) as error:
                found = f"no key {error}" if isinstance(error, KeyError) else str(error)
                self.problems.append(Problem(str(path), "", "a readable annotation file", found,
                                             "run frnewsbench validate and fix the file first"))
                continue
            self.files[document.id] = (path, document)
        self.by_text = {document.text_sha256: document.id for _, document in self.files.values()}

    def problem(self, where: str, expected: str, found: str, fix: str) -> None:
        self.problems.append(Problem(self.source, where, expected, found, fix))

    def document_for(self, name: str, data: Any) -> tuple[Document, Path, bool] | None:
        """The document a task annotates, its file, and whether the file is new."""
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            self.problem(name, "a task whose data has the article 'text'", repr(data)[:80],
                         "export the project again in Label Studio's JSON format")
            return None
        text, doc_id = data["text"], data.get("doc_id")
        if doc_id is not None and not isinstance(doc_id, str):
            self.problem(name, "'doc_id' as a string (the annotation file's name)", repr(doc_id)[:80],
                         "export the project again; do not edit doc_id in Label Studio")
            return None
        same_text = self.by_text.get(sha256_text(text))
        if doc_id is None:
            doc_id = same_text
        if doc_id not in self.files and same_text is not None:
            self.problem(name, f"the doc_id of the article with this text ({same_text!r}, {self.files[same_text][0]})",
                         f"doc_id {doc_id!r}, which has no file",
                         f"restore doc_id {same_text!r} in the task data (a doc_id edited in Label Studio would make a "
                         "second article with the same text)")
            return None
        if doc_id in self.files:
            path, document = self.files[doc_id]
            if document.text != text:
                at = next((i for i, (a, b) in enumerate(zip(document.text, text)) if a != b),
                          min(len(document.text), len(text)))
                self.problem(name, f"the text of {path} (document {doc_id})",
                             f"a different text from character {at}: {text[at:at + 30]!r} instead of "
                             f"{document.text[at:at + 30]!r}",
                             "the article text must not change in Label Studio; push the article again from its file")
                return None
            return document, path, False
        missing = [key for key in METADATA_FIELDS if key not in data]
        if missing or not isinstance(doc_id, str) or data.get("text_sha256") != sha256_text(text):
            found = (f"document {doc_id!r}" if isinstance(doc_id, str) else "no 'doc_id'") + \
                    f" with no file in {self.dir}" + (f" and no metadata ({', '.join(missing)})" if missing else "")
            self.problem(name, f"a task for an article of {self.dir} (by doc_id or by text)", found,
                         "create the article first (frnewsbench new-article SEED_FILE --id ID ...) and push it, "
                         "or pass the --annotations folder the project was pushed from")
            return None
        raw = {key: data.get(key) for key in ("title", "language", "source", "dct", "dct_evidence", "seed_file",
                                              "seed_segments", "text_sha256")}
        raw.update(id=doc_id, text=text.split("\n"))
        try:
            document = document_from_dict(raw)
        except (KeyError, TypeError, ValueError) as error:
            self.problem(name, "the article's metadata in the task data", repr(error), "push the article again")
            return None
        return document, self.dir / f"{doc_id}.json", True

    def annotations_of(self, name: str, task: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The task's annotations (``completions`` before Label Studio 1.0), each id once; or None."""
        if "annotations" in task and "completions" in task:
            self.problem(name, "either 'annotations' (Label Studio 1.0 and later) or 'completions' (before 1.0)",
                         "both", "export the project again from one Label Studio")
            return None
        key = "completions" if "completions" in task else "annotations"
        annotations = task.get(key) or []
        if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
            self.problem(name, f"{key!r} as a list of objects", repr(annotations)[:60], "export the project again")
            return None
        seen: dict[str, int] = {}
        for position, annotation in enumerate(annotations):
            annotation_id = annotation.get("id")
            if annotation_id is not None and not isinstance(annotation_id, (str, int)) or isinstance(annotation_id, bool):
                self.problem(f"{name} annotation #{position + 1}", "an annotation id (a number or a string)",
                             repr(annotation_id)[:60], "export the project again")
                return None
            flags = {key: annotation[key] for key in ("ground_truth", "was_cancelled", "skipped")
                     if annotation.get(key) is not None and not isinstance(annotation[key], bool)}
            if flags:
                self.problem(f"{name} {_annotation_name(annotation, position)}", "true or false",
                             ", ".join(f"{key}={value!r}" for key, value in flags.items())[:120], "export the project again")
                return None
            label = _annotation_name(annotation, position)
            if annotation_id is not None and label in seen:
                self.problem(f"{name} {label}", "annotation ids unique in the task",
                             f"two annotations with id {annotation_id!r} (#{seen[label] + 1} and #{position + 1})",
                             "export the project again; if the export was edited, give each annotation its own id")
                return None
            seen[label] = position
        return annotations

    def read_task(self, task: Any, index: int) -> tuple[ImportedDocument | None, str | None]:
        name = _task_name(task, index)
        if not isinstance(task, dict):
            self.problem(name, "a task object", repr(task)[:60], "export the project again")
            return None, None
        resolved = self.document_for(name, task.get("data"))
        annotations = self.annotations_of(name, task)
        if resolved is None or annotations is None:
            return None, None
        document, path, new_file = resolved
        try:
            chosen = choose_annotation(annotations)
        except AnnotationChoiceError as error:
            self.problem(f"{name} ({document.id}) {error.annotation}", error.expected, error.found, error.fix)
            return None, None
        if chosen is None:
            return None, f"{name} ({document.id}): no annotation (or only skipped ones); {path} left unchanged"
        read: dict[int, tuple[str, Layers]] = {}
        for position, annotation in enumerate(annotations):
            if _cancelled(annotation):
                continue
            where = f"{name} ({document.id}) {_annotation_name(annotation, position)}"
            layers, problems = result_to_layers(document.text, annotation.get("result"), source=self.source,
                                                where=where, trim_spaces=self.trim_spaces)
            self.problems.extend(problems)
            if layers is not None:
                read[position] = (_annotation_name(annotation, position), layers)
        if len(read) != sum(not _cancelled(a) for a in annotations):
            return None, None
        index_chosen, rule = chosen
        chosen_name, layers = read[index_chosen]
        read = list(read.values())
        imported = replace(document, entities=layers.entities, dates=layers.dates, quotes=layers.quotes)
        agreement = annotation_agreement(imported, read, chosen=chosen_name) if len(read) > 1 else ()
        return ImportedDocument(
            document=imported, path=path, task=name, annotation=chosen_name, choice=rule, new_file=new_file,
            changes=_changes(document, imported), agreement=agreement, trimmed=layers.trimmed,
            regions=layers.region_of,
        ), None


def _span_keys(document: Document, layer: str) -> set[str]:
    items = document_to_dict(document)[layer]
    return {json.dumps({k: v for k, v in item.items() if k != "id"}, sort_keys=True, ensure_ascii=False) for item in items}


def _changes(before: Document, after: Document) -> dict[str, tuple[int, int]]:
    changes = {}
    for layer in LAYERS:
        old, new = _span_keys(before, layer), _span_keys(after, layer)
        changes[layer] = (len(new - old), len(old - new))
    return changes


def plan_import(tasks: Sequence[Any], *, annotations_dir: str | Path, source: str = "export",
                trim_spaces: bool = False, allow_removals: bool = False) -> ImportPlan:
    """Read every task, choose each gold annotation and check the result; write nothing.

    An annotation that empties a layer of an existing article is reported unless
    ``allow_removals`` (see :attr:`ImportedDocument.emptied`).

    Raises :class:`~frnewsbench.validate.ValidationError` with every problem, each naming the
    task, the annotation and the region (or the annotation file and span for validator checks).
    """
    annotations_dir = Path(annotations_dir)
    importer = _Importer(annotations_dir, source, trim_spaces)
    imported: list[ImportedDocument] = []
    skipped: list[str] = []
    seen: dict[str, str] = {}
    for index, task in enumerate(tasks):
        result, skip = importer.read_task(task, index)
        if skip:
            skipped.append(skip)
        if result is None:
            continue
        doc_id = result.document.id
        if doc_id in seen:
            importer.problem(result.task, "one task per document", f"document {doc_id} also in {seen[doc_id]}",
                             "delete the duplicate task in Label Studio, or export only one of them")
            continue
        seen[doc_id] = result.task
        imported.append(result)
        for layer, before in () if allow_removals else result.emptied:
            importer.problem(f"{result.task} ({doc_id}) {result.annotation}",
                             f"an annotation that keeps some of the {before} {layer} of {result.path}",
                             "none: importing it would remove every one of them",
                             "if the removal is intended, import again with --allow-removals; otherwise fix the "
                             "annotation in Label Studio (an empty result is most often a mistake)")
    if importer.problems:
        raise ValidationError(importer.problems, subject=f"the Label Studio export {source}")
    problems = _validate_with(imported, annotations_dir)
    if problems:
        raise ValidationError(problems, subject=f"the annotation files as the import of {source} would write them")
    return ImportPlan(tuple(imported), tuple(skipped))


def _validate_with(imported: Sequence[ImportedDocument], annotations_dir: Path) -> list[Problem]:
    """Validate the whole folder as it will be after the import, in a temporary copy."""
    with tempfile.TemporaryDirectory(prefix="frnewsbench-import-") as temporary:
        temporary_dir = Path(temporary)
        for path in annotation_files(annotations_dir):
            shutil.copyfile(path, temporary_dir / path.name)
        for item in imported:
            write_document(item.document, temporary_dir / item.path.name)
        problems = validate_files(annotation_files(temporary_dir))
    origin = {item.path.name: item for item in imported}
    return [_locate(problem, str(temporary_dir), str(annotations_dir), origin) for problem in problems]


def _locate(problem: Problem, temporary: str, real: str, origin: dict[str, ImportedDocument]) -> Problem:
    """Point a validator problem at the real files and, for imported spans, at the Label Studio region."""
    file, where, found = (text.replace(temporary, real) for text in (problem.file, problem.where, problem.found))
    item = origin.get(Path(problem.file).name) if problem.file.startswith(temporary) else None
    if item is not None:
        match = re.search(r"\bid=(\S+)", where)
        region = item.regions.get(match.group(1)) if match else None
        where += f" (Label Studio {item.task} {item.annotation}" + (f" region {region})" if region else ")")
    return replace(problem, file=file, where=where, found=found)


def write_import(plan: ImportPlan, *, also: Sequence[tuple[Path, str]] = ()) -> list[Path]:
    """Write every document of a checked plan and the files of ``also`` (e.g. the export), all or none
    (:func:`frnewsbench.writes.write_all`); return the annotation paths written. A file that cannot be
    written raises :class:`~frnewsbench.validate.ValidationError` naming it.
    """
    try:
        write_all([*((item.path, dumps_document(document_to_dict(item.document))) for item in plan.documents), *also])
    except OutputError as error:
        raise ValidationError([Problem(str(error.path), "", "an annotation file that can be written", error.reason,
                                       f"check the --annotations folder exists and can be written; {error.done}")]) from None
    return [item.path for item in plan.documents]


def import_export(export: str | Path, *, annotations_dir: str | Path, trim_spaces: bool = False,
                  dry_run: bool = False, allow_removals: bool = False) -> ImportPlan:
    """Read a Label Studio JSON export, check it against ``annotations_dir`` and write the files.

    An export that is itself one of the annotation files (a ``*.json`` of ``annotations_dir``,
    which the import reads and rewrites) raises :class:`~frnewsbench.writes.OutputError`."""
    if resolved(export).parent == resolved(annotations_dir) and Path(export).match(ANNOTATION_GLOB):
        raise OutputError(f"the Label Studio export {export} is in the annotations folder {annotations_dir}, whose "
                          f"{ANNOTATION_GLOB} files the import reads and rewrites: an output never replaces an input; "
                          "move the export out of that folder. Nothing was written", path=Path(export))
    plan = plan_import(read_export(export), annotations_dir=annotations_dir, source=str(export),
                       trim_spaces=trim_spaces, allow_removals=allow_removals)
    if not dry_run:
        write_import(plan)
    return plan
