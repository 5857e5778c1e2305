"""``frnewsbench``: thin subcommands over the importable API.

Exit codes: 0 success, 1 the input has problems (reported, nothing written), 2 usage error.
Each subcommand lives in its own ``_cmd_*`` function registered in :data:`COMMANDS`; errors that
users can fix are raised as :class:`UserError` (or ``ValidationError``) and printed without a
traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from .validate import ValidationError

DEFAULT_ANNOTATIONS = Path("annotations")
DEFAULT_DATASET = Path("dataset")


class UserError(Exception):
    """A problem with the user's input: printed as it is, exit status 1."""


def _cmd_validate(args: argparse.Namespace) -> int:
    from .corpus import annotation_files
    from .validate import validate_files

    files = annotation_files(args.annotations)
    if not files:
        raise UserError(f"{args.annotations}: no annotation files (*.json) found; pass --annotations DIR")
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
    parser.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
    parser.add_argument("--seeds", type=Path, default=None, help="also check each text against its seed file")
    parser.set_defaults(handler=_cmd_validate)


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import build, stale_files
    from .tokenize import AlignmentError

    datasheet = None if args.no_datasheet else args.datasheet
    try:
        if args.check:
            stale = stale_files(args.annotations, args.output, datasheet)
            if stale:
                listing = "\n".join(f"  - {path}" for path in stale)
                raise UserError(f"the built dataset is stale against {args.annotations}:\n{listing}\nRun `frnewsbench build` and commit the result")
            print(f"{args.output} and {datasheet or 'the dataset card'} are up to date with {args.annotations}")
            return 0
        files = build(args.annotations, args.output, datasheet)
    except AlignmentError as error:
        raise UserError(str(error)) from None
    print(f"wrote {len(files)} file(s) to {args.output}" + (f" and the figures of {datasheet}" if datasheet else ""))
    return 0


def _add_build(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="annotations/ -> dataset/ (Parquet and dataset card), datasheet figures")
    parser.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
    parser.add_argument("--output", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--datasheet", type=Path, default=Path("DATASHEET.md"))
    parser.add_argument("--no-datasheet", action="store_true", help="do not refresh the datasheet figures")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a build would change any file")
    parser.set_defaults(handler=_cmd_build)


def _cmd_new_article(args: argparse.Namespace) -> int:
    import datetime as dt

    from .corpus import write_document
    from .seeds import document_from_seed

    target = args.annotations / f"{args.id}.json"
    if target.exists():
        raise UserError(f"{target} exists already; pick another --id or edit that file")
    if not args.seed.is_file():
        raise UserError(f"{args.seed}: no such seed file")
    try:
        dt.date.fromisoformat(args.dct)
    except ValueError:
        raise UserError(f"--dct {args.dct!r}: expected an ISO date YYYY-MM-DD") from None
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
    parser.add_argument("--annotations", type=Path, default=DEFAULT_ANNOTATIONS)
    parser.set_defaults(handler=_cmd_new_article)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_validate, _add_build, _add_new_article]


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="frnewsbench", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"frnewsbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (UserError, ValidationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
