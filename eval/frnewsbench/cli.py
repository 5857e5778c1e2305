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


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_validate]


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
