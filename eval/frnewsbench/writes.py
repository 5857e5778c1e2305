"""All-or-nothing writes of a set of files, and the rule that an output never replaces an input.

Every command computes all of its outputs first, then hands them to :func:`write_all`: each file is
written to a temporary file beside its target, and only once all are written are they renamed into
place. If a rename fails, the files already replaced are put back as they were; an interruption
(SIGINT, or SIGTERM once the CLI turns it into an exception) while writing leaves no temporary file
behind, and the renames themselves run with those signals held back. :func:`refuse_inputs` is called
before any work: an output that resolves (symlinks included) to an input or to another output of
the same command is refused.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Sequence

PathLike = str | os.PathLike
Content = str | bytes | Callable[[BinaryIO], Any]  # a callable streams the content into the open file


class OutputError(OSError):
    """Output files that cannot be written; the message names the file, the reason and what was
    written. ``path``, ``reason`` and ``done`` ("nothing was written") say the same for callers that
    report it their own way."""

    def __init__(self, message: str, *, path: Path | None = None, reason: str = "", done: str = ""):
        super().__init__(message)
        self.path, self.reason, self.done = path, reason, done


def resolved(path: PathLike) -> Path:
    """``path`` made absolute with every symlink followed (also for files that do not exist yet)."""
    return Path(os.path.realpath(os.path.abspath(path)))


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether writing ``a`` would replace ``b``: the same resolved path, or the same existing file."""
    if resolved(a) == resolved(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_inputs(outputs: Iterable[tuple[str, PathLike | None]], inputs: Iterable[tuple[str, PathLike | None]] = (),
                  *, input_folders: Iterable[tuple[str, PathLike | None, str | None]] = ()) -> None:
    """Raise :class:`OutputError` when an output is an input or another output; call it before any work.

    ``outputs`` and ``inputs`` are ``(what, path)`` pairs (``None`` paths are left out), e.g.
    ``("--output", "result.json")`` and ``("the predictions file", "preds.jsonl")``.
    ``input_folders`` are ``(what, folder, pattern)``: every file of ``folder`` matching the glob
    ``pattern`` (existing or not) is read as input, so no output may land there; with the
    pattern ``None``, no output may land anywhere under ``folder``.
    """
    outputs = [(what, Path(path)) for what, path in outputs if path is not None]
    inputs = [(what, Path(path)) for what, path in inputs if path is not None]
    for index, (what, path) in enumerate(outputs):
        for other, other_path in outputs[:index]:
            if same_file(path, other_path):
                raise OutputError(f"{what} {path} and {other} {other_path} are the same file: each output needs its own "
                                  f"path; give {what} another path. Nothing was written", path=path,
                                  reason="the same file as another output", done="nothing was written")
        for source, source_path in inputs:
            if same_file(path, source_path):
                raise OutputError(f"{what} {path} is {source} ({source_path}): an output never replaces an input; "
                                  f"give {what} another path. Nothing was written", path=path,
                                  reason=f"it is {source}", done="nothing was written")
        for source, folder, pattern in input_folders:
            if folder is None:
                continue
            target = resolved(path)
            inside = (target.is_relative_to(resolved(folder)) if pattern is None
                      else target.parent == resolved(folder) and target.match(pattern))
            if inside:
                read = "every file there" if pattern is None else f"every {pattern} there"
                raise OutputError(f"{what} {path} is in {source} ({folder}, {read} is read as input): "
                                  f"an output never replaces an input; give {what} a path outside {folder}. "
                                  "Nothing was written", path=path, reason=f"it is in {source}",
                                  done="nothing was written")


def write_atomic(path: PathLike, content: Content) -> None:
    """Write one file all or nothing (:func:`write_all`)."""
    write_all([(path, content)])


def write_all(files: Sequence[tuple[PathLike, Content]], *, remove: Sequence[PathLike] = (),
              hint: str = "give paths in folders you can write to") -> None:
    """Write every ``(path, content)`` and delete every path of ``remove``, or do none of it.

    Text is written as UTF-8 with ``\\n`` line ends; a callable ``content`` is called with the
    temporary file open for binary writing, to stream a large output without holding it. Each file goes to a temporary file beside its
    path (missing folders are made), then, once all are written, every file is renamed into place
    and the removals are made; if any of that fails, what was done is undone and the temporary
    files and the folders made for them are removed. An ``OSError`` becomes :class:`OutputError`
    naming the path and the reason.
    """
    paths = [Path(path) for path, _ in files]
    for index, path in enumerate(paths):
        if any(same_file(path, other) for other in paths[:index]):
            raise OutputError(f"{path}: the same file is asked for two outputs; {hint}. Nothing was written",
                              path=path, reason="asked for two outputs", done="nothing was written")
        if path.is_dir():
            raise OutputError(f"cannot write {path}: it is a folder; give a file path. Nothing was written",
                              path=path, reason="it is a folder", done="nothing was written")
    umask = os.umask(0)
    os.umask(umask)
    staged: list[tuple[Path, Path]] = []
    removed: list[Path] = []
    made: list[Path] = []
    current: Path | None = None
    try:
        for path, (_, content) in zip(paths, files):
            current = path
            made += _make_folders(path.parent)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((Path(temporary), path))
            if isinstance(content, bytes):
                with os.fdopen(handle, "wb") as out:
                    out.write(content)
            elif callable(content):
                with os.fdopen(handle, "wb") as out:
                    content(out)
            else:
                with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                    out.write(content)
            os.chmod(temporary, 0o666 & ~umask)
        current = None
        removed = [Path(path) for path in remove]
        with _signals_held():
            _commit(staged, removed)
    except BaseException as error:
        for temporary, _ in staged:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:  # not empty: another file was put there meanwhile
                pass
        if isinstance(error, OSError) and not isinstance(error, OutputError):
            where = current if current is not None else Path(error.filename or "?")
            verb = "remove" if current is None and where in removed else "write"
            reason = error.strerror or str(error)
            raise OutputError(f"cannot {verb} {where}: {reason}. Nothing was written; {hint}", path=where,
                              reason=reason, done="nothing was written") from None
        raise


def _commit(staged: Sequence[tuple[Path, Path]], remove: Sequence[Path]) -> None:
    """Rename every staged file into place and delete ``remove``; on failure put everything back.

    The file being changed when an ``OSError`` happens is attached to it as ``.filename``.
    """
    undo: list[tuple[Path, Path | None]] = []  # (path, its former content kept aside, or None: it did not exist)
    changes = [(path, temporary) for temporary, path in staged] + [(path, None) for path in remove]
    try:
        for path, temporary in changes:
            try:
                if temporary is None and not os.path.lexists(path):
                    continue
                undo.append((path, _keep_aside(path)))
                if temporary is None:
                    os.unlink(path)
                else:
                    os.replace(temporary, path)
            except OSError as error:
                error.filename = str(path)
                raise
    except BaseException:
        for path, kept in reversed(undo):
            try:
                if kept is not None and os.path.lexists(path) and os.path.samefile(kept, path):
                    os.unlink(kept)  # never changed (renaming a link onto itself would keep both)
                elif kept is not None:
                    os.replace(kept, path)
                elif os.path.lexists(path):
                    os.unlink(path)
            except OSError:  # put back what can be; the first error is the one reported
                pass
        raise
    for _, kept in undo:
        if kept is not None:
            os.unlink(kept)


def _keep_aside(path: Path) -> Path | None:
    """A hard link to ``path``'s current file (to put it back), or None when there is none."""
    if not os.path.lexists(path):
        return None
    while True:
        kept = path.with_name(f".{path.name}.{secrets.token_hex(4)}.old")
        try:
            os.link(path, kept, follow_symlinks=False)
            return kept
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: a copy does as well
            shutil.copy2(path, kept, follow_symlinks=False)
            return kept


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (in the main thread) until the block is done."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; the ones made, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    for made in reversed(missing):
        made.mkdir()
    return list(reversed(missing))
