"""``frnewsbench``: thin subcommands over the importable API.

Exit codes: 0 success, 1 the input has problems (reported, nothing written), 2 usage error.
Each subcommand lives in its own ``_cmd_*`` function registered in :data:`COMMANDS`; errors that
users can fix are raised as :class:`UserError` (or ``ValidationError``) and printed without a
traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .validate import ValidationError

DEFAULT_ANNOTATIONS = Path("annotations")
DEFAULT_DATASET = Path("dataset")


class UserError(Exception):
    """A problem with the user's input: printed as it is, exit status 1."""


ANNOTATIONS_HELP = "the folder of the annotation files, one <document id>.json each (default: ./annotations)"


def _annotation_files(folder: Path) -> list[Path]:
    """The annotation files of ``folder`` (``--annotations``); a clear error when there is none."""
    from .corpus import annotation_files

    files = annotation_files(folder)
    if not files:
        raise UserError(f"{folder}: no annotation files (*.json) found; pass their folder with --annotations DIR")
    return files


def _cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate_files

    files = _annotation_files(args.annotations)
    problems = validate_files(files, seeds_dir=args.seeds)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(files)} file(s)", file=sys.stderr)
        return 1
    print(f"{len(files)} annotation file(s) valid")
    return 0


def _add_validate(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("validate", help="check every annotation file and report all problems")
    parser.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS, metavar="DIR", help=ANNOTATIONS_HELP)
    parser.add_argument("--seeds", type=Path, default=None, help="also check each text against its seed file")
    parser.set_defaults(handler=_cmd_validate)


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildError, build, stale_files
    from .tokenize import AlignmentError

    datasheet = None if args.no_datasheet else args.datasheet
    _annotation_files(args.annotations)
    try:
        if args.check:
            stale = stale_files(args.annotations, args.output, datasheet)
            if stale:
                listing = "\n".join(f"  - {path}" for path in stale)
                raise UserError(f"the built dataset is stale against {args.annotations}:\n{listing}\nRun `frnewsbench build` and commit the result")
            print(f"{args.output} and {datasheet or 'the dataset card'} are up to date with {args.annotations}")
            return 0
        files = build(args.annotations, args.output, datasheet)
    except (AlignmentError, BuildError, FileNotFoundError) as error:
        raise UserError(str(error)) from None
    print(f"wrote {len(files)} file(s) to {args.output}" + (f" and the figures of {datasheet}" if datasheet else ""))
    return 0


def _add_build(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="annotations/ -> dataset/ (Parquet and dataset card), datasheet figures")
    parser.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS, metavar="DIR", help=ANNOTATIONS_HELP)
    parser.add_argument("--output", type=Path, default=DEFAULT_DATASET, metavar="DIR",
                        help="the folder of the built dataset: Parquet files per config and the dataset card "
                             "README.md (default: ./dataset)")
    parser.add_argument("--datasheet", type=Path, default=Path("DATASHEET.md"),
                        help="the datasheet whose figures are refreshed (default: ./DATASHEET.md)")
    parser.add_argument("--no-datasheet", action="store_true", help="do not refresh the datasheet figures")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a build would change any file")
    parser.set_defaults(handler=_cmd_build)


def _cmd_new_article(args: argparse.Namespace) -> int:
    from .corpus import write_document
    from .seeds import document_from_seed
    from .validate import DOCUMENT_ID, is_iso_date

    if not DOCUMENT_ID.match(args.id):
        raise UserError(f"--id {args.id!r}: expected letters, digits, '-', '_' or '.' (e.g. frnb-005), used as the file name")
    target = args.annotations / f"{args.id}.json"
    if target.exists():
        raise UserError(f"{target} exists already; pick another --id or edit that file")
    if not args.seed.is_file():
        raise UserError(f"{args.seed}: no such seed file")
    if not is_iso_date(args.dct):
        raise UserError(f"--dct {args.dct!r}: expected an ISO date YYYY-MM-DD that exists (e.g. 2023-02-28), "
                        "as validate checks it")
    try:
        document = document_from_seed(args.seed, id=args.id, title=args.title, source=args.source,
                                      dct=args.dct, dct_evidence=args.dct_evidence)
    except ValueError as error:
        raise UserError(str(error)) from None
    write_document(document, target)
    print(f"wrote {target} ({len(document.text)} characters, no annotations yet)")
    return 0


def _add_new_article(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("new-article", help="create an annotation file for a new article from its seed text")
    parser.add_argument("seed", type=Path, help="the article as a UTF-8 text file")
    parser.add_argument("--id", required=True, help="document id, e.g. frnb-005")
    parser.add_argument("--dct", required=True, help="document creation date, YYYY-MM-DD")
    parser.add_argument("--dct-evidence", required=True, help="how the DCT was inferred from the text")
    parser.add_argument("--title", default=None, help="the title line, as it stands in the text")
    parser.add_argument("--source", default=None, help="the outlet as the text states it")
    parser.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS,
                        help="the folder of the annotation files, where <id>.json is written (default: ./annotations)")
    parser.set_defaults(handler=_cmd_new_article)


def _labelstudio_tasks(args: argparse.Namespace) -> list[dict]:
    """The selected documents as Label Studio tasks, with gold and the requested predictions."""
    from .gold import load_corpus
    from .labelstudio.convert import ConversionError, documents_to_tasks, model_version

    documents = load_corpus(args.annotations)
    if args.document:
        known = {document.id for document in documents}
        unknown = [doc_id for doc_id in args.document if doc_id not in known]
        if unknown:
            raise UserError(f"no document {', '.join(map(repr, unknown))} in {args.annotations}; "
                            f"known: {', '.join(sorted(known))}")
        documents = [document for document in documents if document.id in args.document]
    if not documents:
        raise UserError(f"{args.annotations}: no annotation files (*.json) found; pass --annotations DIR")
    predictions: dict[str, list] = {document.id: [] for document in documents}
    for spec in args.extractor or ():  # the specs of `frnewsbench run --extractor`
        from .api import build_extractor, predict
        from .extractors.base import extractor_versions

        with _HarnessUserErrors():
            extractor = build_extractor(spec, documents=documents)
            outputs = predict(extractor, documents)
            version = model_version(extractor.name, extractor_versions(extractor))
        for doc_id, prediction in outputs.items():
            predictions[doc_id].append((prediction, version))
    if args.predictions:
        from .predictions import PredictionsError, read_predictions

        if not args.model_version:
            raise UserError("--predictions needs --model-version NAME (the system's versioned name)")
        try:
            for doc_id, prediction in read_predictions(args.predictions, documents=documents).items():
                predictions[doc_id].append((prediction, args.model_version))
        except PredictionsError as error:
            raise UserError(str(error)) from None
    try:
        return documents_to_tasks(documents, with_gold=not args.without_gold, predictions=predictions)
    except ConversionError as error:
        raise UserError(str(error)) from None


def _labelstudio_connection(args: argparse.Namespace):
    from .labelstudio.server import ServerError, connect

    try:
        return connect(args.url)
    except ServerError as error:
        raise UserError(str(error)) from None


def _print_import(plan, *, written: bool) -> None:
    for item in plan.documents:
        changes = ", ".join(f"{layer} +{added} -{removed}" for layer, (added, removed) in item.changes.items())
        state = "new file" if item.new_file else changes
        print(f"{item.document.id}: {item.task} {item.annotation} ({item.choice}) -> {item.path} [{state}]")
        for line in item.trimmed:
            print(f"  trimmed {line}")
        for agreement in item.agreement:
            print(f"  agreement {agreement}")
        for layer, before in item.emptied:
            print(f"  removes all {before} {layer} of {item.path} (allowed by --allow-removals)")
    for line in plan.skipped:
        print(f"skipped {line}")
    verb = "wrote" if written else "would write (dry run)"
    print(f"{verb} {len(plan.documents)} annotation file(s)")


def _labelstudio_write_all(files: list[tuple[Path, str]], option: str) -> None:
    """Write the files all or nothing; a path that cannot be written is an :class:`OutputError`."""
    from .writes import write_all

    write_all(files, hint=f"give {option} a path in a folder you can write to")


def _refuse_annotation_outputs(args: argparse.Namespace, option: str, path: Path | None) -> None:
    """Refuse, before any work, an output that is one of the files the command reads."""
    from .api import extractor_input
    from .corpus import ANNOTATION_GLOB
    from .writes import refuse_inputs

    inputs = [("--predictions", getattr(args, "predictions", None))]
    inputs += [(f"the predictions file of --extractor {spec}", extractor_input(spec)) for spec in getattr(args, "extractor", None) or ()]
    refuse_inputs([(option, path)], inputs, input_folders=[("the annotation files", args.annotations, ANNOTATION_GLOB)])


def _cmd_labelstudio_export(args: argparse.Namespace) -> int:
    import json

    _refuse_annotation_outputs(args, "--output", args.output)
    tasks = _labelstudio_tasks(args)
    _labelstudio_write_all([(args.output, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")], "--output")
    with_gold = sum(1 for task in tasks if task.get("annotations"))
    with_predictions = sum(len(task.get("predictions", ())) for task in tasks)
    print(f"wrote {len(tasks)} task(s) to {args.output} ({with_gold} with gold, {with_predictions} prediction(s))")
    return 0


def _cmd_labelstudio_import(args: argparse.Namespace) -> int:
    from .labelstudio.importer import import_export

    plan = import_export(args.export, annotations_dir=args.annotations, trim_spaces=args.trim_spaces,
                         dry_run=args.dry_run, allow_removals=args.allow_removals)
    _print_import(plan, written=not args.dry_run)
    return 0


def _cmd_labelstudio_push(args: argparse.Namespace) -> int:
    from .labelstudio.server import ServerError, push

    tasks = _labelstudio_tasks(args)
    connection = _labelstudio_connection(args)
    try:
        report = push(connection, tasks, title=args.project, project_id=args.project_id,
                      update_config=args.update_config)
    except ServerError as error:
        raise UserError(str(error)) from None
    print(f"project {report.project_id} at {connection.url}" + (" (created)" if report.project_created else ""))
    for label, ids in (("new tasks", report.created), ("predictions added", report.predictions_added),
                       ("already there, unchanged", report.unchanged)):
        if ids:
            print(f"  {label}: {', '.join(ids)}")
    return 0


def _cmd_labelstudio_pull(args: argparse.Namespace) -> int:
    import json

    from .labelstudio.importer import plan_import, write_import
    from .labelstudio.server import ServerError, export_project

    _refuse_annotation_outputs(args, "--save-export", args.save_export)
    connection = _labelstudio_connection(args)
    try:
        tasks = export_project(connection, title=args.project, project_id=args.project_id)
    except ServerError as error:
        raise UserError(str(error)) from None
    source = f"{connection.url} project {args.project_id or repr(args.project)}"
    plan = plan_import(tasks, annotations_dir=args.annotations, source=source, trim_spaces=args.trim_spaces,
                       allow_removals=args.allow_removals)
    export = [] if args.save_export is None else [(args.save_export, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")]
    if args.dry_run:
        _labelstudio_write_all(export, "--save-export")
    else:
        write_import(plan, also=export)  # the export and the annotation files, all or none
    _print_import(plan, written=not args.dry_run)
    if args.save_export is not None:
        print(f"wrote the export to {args.save_export}")
    return 0


def _cmd_labelstudio_serve_model(args: argparse.Namespace) -> int:
    import signal

    from .api import build_extractor
    from .labelstudio.ml_backend import PredictionService, serve

    if args.extractor.startswith("file:"):
        raise UserError(f"--extractor {args.extractor!r}: a predictions file cannot predict on new tasks; "
                        "push it with `frnewsbench labelstudio push --predictions FILE --model-version NAME` instead")
    with _HarnessUserErrors():
        service = PredictionService(build_extractor(args.extractor))
    try:
        server = serve(service, args.host, args.port)
    except OSError as error:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}; "
                        "pick another --port (0 picks a free one)") from None
    print(f"serving {service.model_version} at {server.url} (Label Studio ML backend: /health, /setup, /predict)")
    print(f"connect it in Label Studio: the project's Settings > Model > Connect Model, URL {server.url}; "
          "a server on this machine reaches it only when started with LABEL_STUDIO_ML_BLOCK_LOCAL_IP=false and "
          "LABEL_STUDIO_SSRF_PROTECTION_ENABLED=false. Ctrl-C stops.", flush=True)

    def stop(signum, frame):  # SIGTERM stops it as Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
    return 0


def _add_labelstudio(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("labelstudio", help="round trip with Label Studio: export|import files, push|pull a server, serve-model (live pre-annotation)")
    group = parser.add_subparsers(dest="labelstudio_command", required=True)

    def selection(command: argparse.ArgumentParser) -> None:
        command.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
        command.add_argument("--document", action="append", metavar="ID", help="only this document (repeatable)")
        command.add_argument("--extractor", action="append", metavar="SPEC",
                             help="add this system's predictions as pre-annotations (repeatable): a registered "
                                  "name, or python:MODULE:ATTR, spacy:MODEL, transformers:FOLDER, "
                                  "command:'PROGRAM ARGS', file:PATH, as for `frnewsbench run`")
        command.add_argument("--predictions", type=Path, metavar="FILE", help="add predictions from a JSON Lines file")
        command.add_argument("--model-version", help="the model_version shown for --predictions")
        command.add_argument("--without-gold", action="store_true", help="leave the gold annotations out")

    def server(command: argparse.ArgumentParser) -> None:
        command.add_argument("--url", default=None, help="server URL (default: $LABEL_STUDIO_URL or http://localhost:8080); "
                                                          "the token is read from $LABEL_STUDIO_API_KEY")
        target = command.add_mutually_exclusive_group(required=True)
        target.add_argument("--project", metavar="TITLE", help="the project's title")
        target.add_argument("--project-id", type=int, metavar="N", help="the project's id")

    export = group.add_parser("export", help="annotations (and predictions) -> a Label Studio tasks JSON file")
    selection(export)
    export.add_argument("--output", type=Path, required=True)
    export.set_defaults(handler=_cmd_labelstudio_export)

    import_ = group.add_parser("import", help="a Label Studio JSON export -> annotation files (checked first)")
    import_.add_argument("export", type=Path)
    import_.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
    import_.add_argument("--trim-spaces", action="store_true", help="trim spaces at span edges instead of reporting them")
    import_.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    import_.add_argument("--allow-removals", action="store_true",
                         help="accept annotations that remove every span of a layer of an existing article")
    import_.set_defaults(handler=_cmd_labelstudio_import)

    push = group.add_parser("push", help="send articles (gold and predictions) to a Label Studio project")
    selection(push)
    server(push)
    push.add_argument("--update-config", action="store_true", help="replace the project's labeling config by ours")
    push.set_defaults(handler=_cmd_labelstudio_push)

    pull = group.add_parser("pull", help="export a Label Studio project into the annotation files (checked first)")
    server(pull)
    pull.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
    pull.add_argument("--save-export", type=Path, metavar="FILE", help="also keep the raw export")
    pull.add_argument("--trim-spaces", action="store_true", help="trim spaces at span edges instead of reporting them")
    pull.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    pull.add_argument("--allow-removals", action="store_true",
                      help="accept annotations that remove every span of a layer of an existing article")
    pull.set_defaults(handler=_cmd_labelstudio_pull)

    serve_model = group.add_parser("serve-model", help="a Label Studio ML backend pre-annotating each task with a system")
    serve_model.add_argument("--extractor", required=True, metavar="SPEC",
                             help="the system: a registered name, or python:MODULE:ATTR, spacy:MODEL, "
                                  "transformers:FOLDER, command:'PROGRAM ARGS', as for `frnewsbench run`")
    serve_model.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_model.add_argument("--port", type=_non_negative_int, default=9090, help="port (default 9090; 0 picks a free one)")
    serve_model.set_defaults(handler=_cmd_labelstudio_serve_model)


def _cmd_agreement(args: argparse.Namespace) -> int:
    from .agreement import AGREEMENT_END, AGREEMENT_START, agreement, agreement_markdown
    from .build import replace_block
    from .corpus import ANNOTATION_GLOB
    from .gold import load_corpus
    from .writes import refuse_inputs, write_atomic

    refuse_inputs([("--datasheet", args.datasheet)], input_folders=[("annotator A's files", args.a, ANNOTATION_GLOB),
                                                                    ("annotator B's files", args.b, ANNOTATION_GLOB)])
    try:
        rows = agreement(a=load_corpus(args.a), b=load_corpus(args.b))
    except (ValueError, FileNotFoundError) as error:
        raise UserError(str(error)) from None
    block = agreement_markdown(rows, a_name=str(args.a), b_name=str(args.b))
    print(block)
    if args.datasheet is None:
        return 0
    if not args.datasheet.is_file():
        raise UserError(f"{args.datasheet}: no such datasheet; pass --datasheet FILE")
    current = args.datasheet.read_text(encoding="utf-8")
    try:
        updated = replace_block(current, block, AGREEMENT_START, AGREEMENT_END, name=str(args.datasheet))
    except ValueError as error:
        raise UserError(str(error)) from None
    if args.check:
        if updated != current:
            raise UserError(f"{args.datasheet}: the agreement figures are stale; run `frnewsbench agreement` and commit the result")
        return 0
    write_atomic(args.datasheet, updated)
    return 0


def _add_agreement(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("agreement", help="inter-annotator agreement of two annotations, into DATASHEET.md")
    parser.add_argument("--a", type=Path, default=DEFAULT_ANNOTATIONS / "double" / "a", help="annotator A's files")
    parser.add_argument("--b", type=Path, default=DEFAULT_ANNOTATIONS / "double" / "b", help="annotator B's files")
    parser.add_argument("--datasheet", type=Path, default=Path("DATASHEET.md"), help="write the figures here")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the datasheet figures differ")
    parser.set_defaults(handler=_cmd_agreement)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_validate, _add_build, _add_new_article, _add_agreement]
COMMANDS.append(_add_labelstudio)


def _harness_errors():
    """The errors of the harness that users fix themselves (printed without a traceback)."""
    from .api import HarnessError
    from .extractors.base import RegistryError
    from .extractors.errors import ExtractorError
    from .gold import GoldError
    from .predictions import PredictionsError
    from .report.records import RecordsError
    from .report.result import ResultError
    from .scoring import ScoringError

    return (HarnessError, RegistryError, ExtractorError, GoldError, PredictionsError, RecordsError, ResultError,
            ScoringError)


class _HarnessUserErrors:
    """``with _HarnessUserErrors():`` the harness errors users fix themselves become :class:`UserError`."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, traceback) -> bool:
        if error is not None and isinstance(error, _harness_errors()):
            raise UserError(str(error)) from None
        return False


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {minimum}, found {value}")
        return value

    return parse


_positive_int, _non_negative_int = _int_at_least(1), _int_at_least(0)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, found {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds greater than 0, found {text}")
    return value


def _read_gold(args: argparse.Namespace):
    """The gold of ``--gold`` (else $FRNEWSBENCH_GOLD, else the shipped dataset), said on stderr."""
    from .gold import read_gold

    with _HarnessUserErrors():
        loaded = read_gold(args.gold)
    print(loaded.describe(), file=sys.stderr)
    return loaded


def _read_gold_batches(args: argparse.Namespace):
    """The gold to score a batch at a time (:func:`~frnewsbench.gold.read_gold_batches`), said on
    stderr as :func:`_read_gold` says it; ``None`` if it is to be read whole."""
    from .gold import read_gold_batches

    with _HarnessUserErrors():
        batches = read_gold_batches(args.gold)
    if batches is not None:
        print(batches.describe(), file=sys.stderr)
    return batches


def _refuse_outputs_that_are_inputs(args: argparse.Namespace, inputs: list[tuple[str, Path | None]]) -> None:
    """Before any work: no output of the command is one of its ``inputs``, the gold or another output."""
    from .api import check_outputs

    options = ("output", "markdown", "errors", "html", "records", "save_predictions")
    with _HarnessUserErrors():
        check_outputs(gold=args.gold, inputs=inputs,
                      outputs=[(f"--{option.replace('_', '-')}", getattr(args, option, None)) for option in options])


def _report_result(result, args: argparse.Namespace) -> None:
    from .report.markdown import dropped_labels_line, headline_table

    evaluation = result.evaluation
    print(f"{result.system.name} on {len(evaluation.document_ids)} document(s), dataset {result.dataset_hash}")
    if evaluation.missing_documents:
        print(f"documents without predictions (scored as empty): {', '.join(evaluation.missing_documents)}")
    dropped = dropped_labels_line(result.system.dropped_labels)
    if dropped:
        print(dropped)
    print(headline_table(result))
    _report_alignment(result)
    for option in ("output", "markdown", "errors", "html", "records", "save_predictions"):
        path = getattr(args, option, None)
        if path is not None:
            print(f"wrote {path}")


def _report_alignment(result) -> None:
    from .align import alignment_line

    line = alignment_line(result.alignment)
    if line:
        print(line)
        missing = result.alignment.not_found
        for document, decision in missing[:10]:
            print(f"  not found in {document}: {decision.layer}[{decision.item}] {decision.role} {decision.text!r}")
        if len(missing) > 10:
            print(f"  ... and {len(missing) - 10} more not found (all listed by --errors and in --output)")


def _one_blas_thread() -> None:
    """Before numpy is first imported, its BLAS (OpenBLAS) on one thread, unless the environment
    says otherwise: the scoring commands' products are thin and run on one thread anyway
    (:func:`frnewsbench.scoring.bootstrap.resampled_sums`), and starting OpenBLAS's pool of
    threads at import costs a tenth of a CPU second, 7% of `score` on 5,000 documents."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _cmd_score(args: argparse.Namespace) -> int:
    _one_blas_thread()
    from .api import score
    from .gcpause import collector_paused

    _refuse_outputs_that_are_inputs(args, [("the predictions file", args.predictions), ("--ner-tags", args.ner_tags)])
    gold = None
    if args.predictions is not None and args.errors is None and args.html is None and args.records is None:
        gold = _read_gold_batches(args)  # scored a batch at a time, not read here
    if gold is None:
        with collector_paused():  # score() pauses it too: here for the gold
            gold = _read_gold(args).documents
    with _HarnessUserErrors():
        predictions, system, versions = args.predictions, args.system, None
        if args.ner_tags is not None:
            predictions, versions = _ner_tag_predictions(args.ner_tags, gold)
            system = system or args.ner_tags.stem
        result = score(predictions=predictions, gold=gold, layers=args.layers, system=system,
                       system_versions=versions, output=args.output, markdown=args.markdown, errors=args.errors,
                       html=args.html, records=args.records, keep_records=False,
                       bootstrap_samples=args.bootstrap_samples, seed=args.seed)
    _report_result(result, args)
    return 0


def _ner_tag_predictions(path: Path, documents):
    """``score --ner-tags``: the predictions of a tag file against the gold ``documents``, the file's versions."""
    from .ner_tags import predictions_from_ner_tags, read_ner_tags

    tags, sha256 = read_ner_tags(path)
    predictions = predictions_from_ner_tags(tags, gold=documents, source=str(path))
    return predictions, {"ner_tags_file": path.name, "ner_tags_sha256": sha256}


def _cmd_run(args: argparse.Namespace) -> int:
    from .api import build_extractor, extractor_inputs, run
    from .gcpause import collector_paused
    from .extractors import entry_point_problems, registered_names

    if args.list:
        for name in registered_names():
            print(name)
        for problem in entry_point_problems():
            print(f"warning: {problem}", file=sys.stderr)
        return 0
    if not args.extractor:
        raise UserError("give the system to run with --extractor NAME or PREFIX:ARGUMENT (--list shows the names)")
    from tqdm import tqdm

    _refuse_outputs_that_are_inputs(args, extractor_inputs(args.extractor))
    with collector_paused():
        documents = _read_gold(args).documents
    with _HarnessUserErrors():
        extractor = build_extractor(args.extractor, documents=documents, timeout=args.timeout,
                                    transformers_options=_transformers_options(args))
        with tqdm(total=len(documents), desc=extractor.name, unit="doc", file=sys.stderr) as bar:
            result = run(extractor=extractor, gold=documents, layers=args.layers, output=args.output,
                         markdown=args.markdown, errors=args.errors, html=args.html,
                         records=args.records, keep_records=False,
                         predictions_output=args.save_predictions, progress=bar.update,
                         bootstrap_samples=args.bootstrap_samples, seed=args.seed)
    _report_result(result, args)
    return 0


def _bootstrap_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bootstrap-samples", type=_positive_int, default=1000, metavar="N",
                        help="bootstrap resamples, at least 1 (default 1000)")
    parser.add_argument("--seed", type=_non_negative_int, default=0, help="bootstrap seed, 0 or more (default 0)")


def _gold_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold", type=Path, default=None, metavar="DIR",
                        help="the gold: a built dataset folder or a folder of annotation files (default: $FRNEWSBENCH_GOLD if set, else the dataset shipped with frnewsbench)")


def _scoring_options(parser: argparse.ArgumentParser) -> None:
    _gold_option(parser)
    parser.add_argument("--layers", help="comma-separated layers to score, e.g. entities,dates (default: every predicted layer)")
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the result (JSON, with provenance)")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="write the Markdown tables")
    parser.add_argument("--errors", type=Path, metavar="FILE", help="write the error analysis (Markdown)")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write the HTML error report: one self-contained page, gold and system side by side")
    parser.add_argument("--records", type=Path, metavar="FILE",
                        help="write every match record (the error analysis's input), streamed: Parquet for a .parquet path, "
                             "else JSON Lines")
    _bootstrap_options(parser)


def _add_score(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("score", help="score a predictions file (JSON Lines, see `frnewsbench docs predictions`)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--predictions", type=Path, metavar="FILE",
                        help="the system's predictions: JSON Lines, one object per document "
                             "(the format: `frnewsbench docs predictions`)")
    source.add_argument("--ner-tags", type=Path, metavar="FILE",
                        help="IOB2 tags of the ner config's rows (JSON Lines: one list of tags or ClassLabel ids per row, "
                             "in the config's order), e.g. a token classifier's output")
    parser.add_argument("--system", help="the system's name in the result (default: the file name)")
    _scoring_options(parser)
    parser.set_defaults(handler=_cmd_score)


def _transformers_options(args: argparse.Namespace) -> dict:
    """The options given for a transformers: model (``--label-map`` read here)."""
    from .extractors.labels import read_label_map

    options = {name: getattr(args, name) for name in ("aggregation", "device") if getattr(args, name) is not None}
    if args.label_map is not None:
        options["label_map"] = args.label_map
    if options and not args.extractor.startswith("transformers:"):
        raise UserError(f"--aggregation, --device and --label-map apply to transformers: models only; "
                        f"the system is {args.extractor!r}")
    if args.label_map is not None:
        options["label_map"] = read_label_map(args.label_map)
    return options


def _add_run(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="run an extractor over the gold, then score it")
    parser.add_argument("--extractor", metavar="SPEC",
                        help="a registered name, or python:MODULE:ATTR, spacy:MODEL, transformers:FOLDER, "
                             "command:'PROGRAM ARGS', file:PATH")
    parser.add_argument("--list", action="store_true", help="list the registered extractors and stop")
    parser.add_argument("--save-predictions", type=Path, metavar="FILE", help="also write the predictions (JSON Lines)")
    parser.add_argument("--timeout", type=_positive_seconds, metavar="SECONDS",
                        help="for command: systems, more than 0 (default 600)")
    parser.add_argument("--label-map", type=Path, metavar="FILE",
                        help="for transformers: models, a JSON object: model label -> PER, ORG, LOC, MISC or null "
                             "(left out), added to the default table")
    parser.add_argument("--aggregation", choices=("simple", "first", "average", "max"),
                        help="for transformers: models, how sub-word tokens become entities "
                             "(default first: a word takes its first token's label, so no word is cut)")
    parser.add_argument("--device", help="for transformers: models, cpu (default), cuda, cuda:N or mps")
    _scoring_options(parser)
    parser.set_defaults(handler=_cmd_run)


def _cmd_compare(args: argparse.Namespace) -> int:
    _one_blas_thread()
    from .api import compare
    from .report.display import comparison_table

    _refuse_outputs_that_are_inputs(args, [("the predictions of A", args.a), ("the predictions of B", args.b)])
    gold = _read_gold(args)
    with _HarnessUserErrors():
        comparison = compare(a=args.a, b=args.b, gold=gold.documents, layers=args.layers, output=args.output,
                             a_name=args.a_name, b_name=args.b_name, bootstrap_samples=args.bootstrap_samples,
                             seed=args.seed)
    print(f"A = {comparison.a}, B = {comparison.b}, dataset {comparison.dataset_hash}")
    print(f"  names from: A {comparison.a_named_from}; B {comparison.b_named_from} (set them with --a-name, --b-name)")
    print(comparison_table(comparison.tests))
    for layer, side in comparison.one_sided:
        other = "B" if side == "A" else "A"
        print(f"{layer}: not compared, only {side} ({getattr(comparison, side.lower())}) predicts it; "
              f"{other} gives no {layer} (a paired test needs the layer from both)")
    print(f"paired bootstrap over {comparison.tests[0].interval.units} paragraph(s), "
          f"{args.bootstrap_samples} resamples, seed {args.seed}; p: share of draws whose A − B goes beyond "
          "twice the observed difference (`frnewsbench docs metrics`)")
    if args.output is not None:
        print(f"wrote {args.output}")
    return 0


def _add_compare(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("compare", help="compare two systems' predictions with the paired bootstrap test")
    parser.add_argument("--a", type=Path, required=True, metavar="PRED_A",
                        help="system A's predictions (JSON Lines), its run folder or its result.json (the "
                             "predictions.jsonl beside it is compared)")
    parser.add_argument("--b", type=Path, required=True, metavar="PRED_B", help="system B's, the same way")
    _gold_option(parser)
    parser.add_argument("--a-name", metavar="NAME", help="system A's name (default: the name its metadata.json or "
                                                          "result.json gives, else the file name)")
    parser.add_argument("--b-name", metavar="NAME", help="system B's name (same default)")
    parser.add_argument("--layers", help="comma-separated layers to compare (default: every layer both predict)")
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the comparison (JSON, with provenance)")
    _bootstrap_options(parser)
    parser.set_defaults(handler=_cmd_compare)


def _cmd_report(args: argparse.Namespace) -> int:
    _one_blas_thread()
    from .api import check_outputs, write_reports
    from .gcpause import collector_paused

    with _HarnessUserErrors():  # before any work: no output is an input (the gold's files included)
        check_outputs(gold=args.gold, inputs=[("the result file", args.result), ("the records file", args.records)],
                      outputs=[(f"--{option}", getattr(args, option)) for option in ("markdown", "errors", "html")])
    with collector_paused():
        gold = _read_gold(args)  # says on stderr which gold it is
    with _HarnessUserErrors():
        result = write_reports(result=args.result, records_from=args.records, gold=gold.documents,
                               markdown=args.markdown, errors=args.errors, html=args.html)
    print(f"{result.system.name}, dataset {result.dataset_hash}")
    for option in ("markdown", "errors", "html"):
        path = getattr(args, option)
        if path is not None:
            print(f"wrote {path}")
    return 0


def _add_report(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("report", help="the Markdown tables, error analysis and HTML page of a result scored "
                                           "before (its --output file and its --records file), without scoring again")
    parser.add_argument("result", type=Path, metavar="RESULT", help="the result JSON (written by score/run --output)")
    parser.add_argument("--records", type=Path, metavar="FILE",
                        help="the match records written with it (score/run --records; JSON Lines or Parquet): "
                             "what --errors and --html are made of")
    _gold_option(parser)
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="write the Markdown tables")
    parser.add_argument("--errors", type=Path, metavar="FILE", help="write the error analysis (Markdown)")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write the HTML error report")
    parser.set_defaults(handler=_cmd_report)


COMMANDS += [_add_score, _add_run, _add_compare, _add_report]


def _cmd_leaderboard(args: argparse.Namespace) -> int:
    from .leaderboard import DEFAULT_RUNS, DEFAULT_SUBMISSIONS, SUBMISSION, LeaderboardError, dropped_cell, leaderboard

    runs = DEFAULT_RUNS if args.runs is None else args.runs
    submissions = DEFAULT_SUBMISSIONS if args.submissions is None else args.submissions
    _refuse_board_inputs(args.output, submissions=submissions, gold=args.gold)
    gold = _read_gold(args)
    try:
        board, written = leaderboard(gold=gold.documents, runs=runs, submissions=submissions, output=args.output,
                                     rerun=args.rerun, systems=args.systems, offline_cache=args.offline_cache)
    except (LeaderboardError, *_harness_errors()) as error:
        raise UserError(str(error)) from None
    print(f"{len(board.systems)} system(s) on {len(board.document_ids)} document(s), dataset {board.dataset_hash}")
    for system in board.systems:
        how = "submission" if system.source == SUBMISSION else (
            f"predictions from a stale cache ({system.stale})" if system.stale else
            "predictions from the cache" if system.cached else f"ran ({system.note})")
        dropped = "" if system.dropped is None else f"; dropped: {dropped_cell(system.dropped)}"
        missing = system.result.evaluation.missing_documents
        print(f"  {system.name}: {how}{dropped}" + (f"; documents without predictions: {', '.join(missing)}" if missing else ""))
    for layer, rows in board.rankings.items():
        if rows:
            value = rows[0].headline.value
            print(f"{layer}: first {rows[0].system.name}" + ("" if value is None else f" ({value:.3f})"))
    for name in board.unranked_runs:
        print(f"note: {runs / name} is not on this board (not registered, not submitted or not selected)")
    print(f"wrote {args.output}, {written[-2]} and {len(written) - 2} file(s) under {runs}")
    return 0


def _refuse_board_inputs(output: Path, *, submissions: Path, gold: Path) -> None:
    """The board and its chart are neither a submission's file nor the gold's (checked before any run)."""
    from .api import check_outputs
    from .leaderboard import chart_path
    from .writes import refuse_inputs

    for written in (("--output", output), (f"the chart of --output {output}", chart_path(output))):
        refuse_inputs([written], input_folders=[("the submissions", submissions, None)])
        with _HarnessUserErrors():
            check_outputs(gold=gold, outputs=[written])


def _add_leaderboard(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("leaderboard", help="run every registered system and rank it with the submissions: "
                                                "LEADERBOARD.md and its chart")
    _gold_option(parser)
    parser.add_argument("--runs", type=Path, default=None, metavar="DIR",
                        help="each system's predictions, result and metadata (default: leaderboard/runs)")
    parser.add_argument("--submissions", type=Path, default=None, metavar="DIR",
                        help="outside systems, one folder each (default: leaderboard/submissions)")
    parser.add_argument("--output", type=Path, default=Path("LEADERBOARD.md"),
                        help="the board (default: LEADERBOARD.md; the PNG chart is written beside it)")
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--rerun", action="store_true", help="run every system afresh instead of reusing cached predictions")
    cache.add_argument("--offline-cache", action="store_true",
                       help="use cached predictions made with other versions than those installed (marked stale "
                            "on the board) instead of running the system again")
    parser.add_argument("--systems", nargs="+", metavar="NAME", help="rank only these registered systems and submissions")
    parser.set_defaults(handler=_cmd_leaderboard)


COMMANDS.append(_add_leaderboard)


def _cmd_docs(args: argparse.Namespace) -> int:
    from .documentation import DOCUMENTS, DocumentationError, documentation_path

    if args.path and args.name is None:
        args.docs_parser.error("--path needs a document name, e.g. frnewsbench docs predictions --path")
    try:
        if args.name is None:
            for name, (_, what) in DOCUMENTS.items():
                print(f"{name}: {what}\n  {documentation_path(name)}")
            print("read one with `frnewsbench docs NAME` (Markdown)")
        elif args.path:
            print(documentation_path(args.name))
        else:
            sys.stdout.write(documentation_path(args.name).read_text(encoding="utf-8"))
    except DocumentationError as error:
        raise UserError(str(error)) from None
    return 0


def _add_docs(sub: argparse._SubParsersAction) -> None:
    from .documentation import DOCUMENTS

    parser = sub.add_parser("docs", help="read the documents installed with the package: the predictions format, "
                                         "the metrics")
    parser.add_argument("name", nargs="?", choices=list(DOCUMENTS),
                        help="print this document (Markdown); without a name, list them with their paths")
    parser.add_argument("--path", action="store_true", help="print where the document is installed instead")
    parser.set_defaults(handler=_cmd_docs, docs_parser=parser)


COMMANDS.append(_add_docs)


def build_parser() -> argparse.ArgumentParser:
    from .version import __version__

    parser = argparse.ArgumentParser(prog="frnewsbench", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"frnewsbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


class Terminated(BaseException):
    """SIGTERM, raised like ``KeyboardInterrupt`` so that temporary files and child processes are cleaned up."""


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While the command runs (in the main thread), SIGTERM raises :class:`Terminated`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum, frame) -> None:
        raise Terminated()

    before = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _check_text_arguments(args: argparse.Namespace) -> None:
    """Every text option is valid Unicode: a byte that is not UTF-8 on the command line arrives as a
    lone surrogate, which no output could hold. (Paths may hold them: they name files as they are.)"""
    from .jsonread import surrogate_problem

    for name, value in sorted(vars(args).items()):
        for item in value if isinstance(value, list) else [value]:
            problem = surrogate_problem(item) if isinstance(item, str) else None
            if problem:
                raise UserError(f"--{name.replace('_', '-')} {item!r}: expected valid UTF-8 text; found {problem} "
                                "(a byte that is not UTF-8). Fix: give the value in UTF-8")


def main(argv: list[str] | None = None) -> int:
    from .writes import OutputError

    args = build_parser().parse_args(argv)
    try:
        _check_text_arguments(args)
        with _sigterm_raises():
            return args.handler(args)
    except (UserError, ValidationError, OutputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated", file=sys.stderr)
        return 128 + signal.SIGTERM


if __name__ == "__main__":
    sys.exit(main())
