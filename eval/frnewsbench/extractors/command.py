"""An external command in any language as an extractor.

The command is run once for a batch of documents. It reads the documents as JSON Lines on
its standard input, one object per document::

    {"id": "frnb-000", "title": "...", "text": "...", "language": "fr", "dct": "2023-02-25", "source": null}

and writes one predictions record per document on its standard output (the predictions
contract: ``eval/PREDICTIONS.md``), in any order. Anything it writes on standard error is
shown if it fails. It fails when it exits with a non-zero status, runs longer than
``timeout`` seconds (it is then killed, with its process group and any process it started that
still holds its output), leaves a document without a line, or writes lines
that break the contract.
"""

from __future__ import annotations

import json
import math
import os
import selectors
import shlex
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Callable, Sequence

from ..predictions import parse_predictions
from ..schema import LAYERS, Document, Prediction
from .errors import ExtractorError

DEFAULT_TIMEOUT = 600.0
STDERR_SHOWN = 4000


def document_record(document: Document) -> dict[str, object]:
    """What the command sees of a document: text and metadata, never the gold layers."""
    return {
        "id": document.id, "title": document.title, "text": document.text, "language": document.language,
        "dct": document.dct, "source": document.source,
    }


class CommandExtractor:
    """Runs ``command`` (a string split like a shell would, or an argument list)."""

    layers = LAYERS

    def __init__(self, command: str | Sequence[str], *, name: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        try:
            self.argv = shlex.split(command) if isinstance(command, str) else list(command)
        except ValueError as error:
            raise ExtractorError(f"the command {command!r} cannot be split into arguments like a shell would "
                                 f"({error}); close every quote, or escape it with a backslash") from None
        if not self.argv:
            raise ExtractorError("the command is empty: give the program to run and its arguments")
        self.name = name or f"command:{shlex.join(self.argv)}"
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < math.inf:
            raise ExtractorError(f"{self.name}: timeout {timeout!r}: expected a finite number of seconds greater than 0")
        self.timeout = timeout

    def versions(self) -> dict[str, str]:
        return {"command": shlex.join(self.argv)}

    def extract(self, document: Document) -> Prediction:
        return self.extract_many([document])[document.id]

    def extract_many(self, documents: Sequence[Document], *,
                     progress: Callable[[int], None] | None = None) -> dict[str, Prediction]:
        """Predictions for every document of ``documents``, from one run of the command."""
        documents = list(documents)
        stdin = "".join(json.dumps(document_record(d), ensure_ascii=False) + "\n" for d in documents).encode("utf-8")
        lines, stderr, returncode, timed_out = self._run(stdin, progress)
        shown = self._stderr_tail(stderr)
        if timed_out:
            raise ExtractorError(f"{self.name}: no answer after {self.timeout:g} s; the command was stopped. "
                                 f"Raise the timeout or speed the system up.{shown}")
        if returncode != 0:
            raise ExtractorError(f"{self.name}: the command exited with status {returncode}.{shown}")
        predictions = parse_predictions(lines, documents=documents, source=f"standard output of {self.name}")
        missing = [d.id for d in documents if d.id not in predictions]
        if missing:
            raise ExtractorError(f"{self.name}: no output line for {len(missing)} of {len(documents)} document(s): "
                                 f"{', '.join(missing)}. The command must write one line per input document.{shown}")
        return predictions

    def _run(self, stdin: bytes, progress: Callable[[int], None] | None) -> tuple[list[bytes], bytes, int, bool]:
        """Run the command, reading its output until it ends or the time is up; then it and
        everything it started that still holds its output are killed (no child can make it hang)."""
        try:
            process = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       start_new_session=os.name == "posix")
        except OSError as error:
            raise ExtractorError(f"{self.name}: cannot start {self.argv[0]!r} ({error.strerror or error}); "
                                 "check the program name and that it is executable") from None
        deadline = time.monotonic() + self.timeout
        feeder = threading.Thread(target=_feed, args=(process.stdin, stdin), daemon=True)
        feeder.start()
        outputs = {process.stdout: bytearray(), process.stderr: bytearray()}
        pipes = {os.fstat(pipe.fileno()).st_ino for pipe in outputs}  # type: ignore[union-attr]
        lines: list[bytes] = []
        ended = timed_out = False
        try:
            with selectors.DefaultSelector() as selector:
                for pipe in outputs:
                    selector.register(pipe, selectors.EVENT_READ)  # type: ignore[arg-type]
                while selector.get_map() and not timed_out:
                    ready = selector.select(max(0.0, deadline - time.monotonic()))
                    timed_out = not ready and time.monotonic() >= deadline
                    for key, _ in ready:
                        chunk = os.read(key.fd, 65536)
                        if not chunk:
                            selector.unregister(key.fileobj)
                        elif key.fileobj is process.stdout:
                            outputs[process.stdout] += chunk  # type: ignore[index]
                            *complete, rest = bytes(outputs[process.stdout]).split(b"\n")  # type: ignore[index]
                            outputs[process.stdout] = bytearray(rest)  # type: ignore[index]
                            for line in complete:
                                lines.append(line.rstrip(b"\r"))
                                if progress is not None and line.strip():
                                    progress(1)
                        else:
                            outputs[key.fileobj] += chunk  # type: ignore[index]
            if not timed_out:
                try:
                    process.wait(timeout=max(0.0, deadline - time.monotonic()))
                    ended = True
                except subprocess.TimeoutExpired:
                    timed_out = True
        finally:
            if not ended:
                _kill(process, pipes)
            process.wait()
            for pipe in (process.stdin, process.stdout, process.stderr):
                try:
                    pipe.close()  # type: ignore[union-attr]
                except OSError:
                    pass
            feeder.join(timeout=1)
        rest = bytes(outputs[process.stdout])  # type: ignore[index]
        if rest and not timed_out:
            lines.append(rest.rstrip(b"\r"))
        return lines, bytes(outputs[process.stderr]), process.returncode, timed_out  # type: ignore[index]

    @staticmethod
    def _stderr_tail(stderr: bytes) -> str:
        text = stderr.decode("utf-8", errors="replace").strip()
        if not text:
            return " It wrote nothing on standard error."
        if len(text) > STDERR_SHOWN:
            text = "..." + text[-STDERR_SHOWN:]
        return "\nIts standard error:\n" + text


def _kill(process: subprocess.Popen, pipes: set[int]) -> None:
    """Stop the command, its process group and (on Linux) any process that still holds one of
    its output ``pipes`` (by inode), such as a child that left the group."""
    if os.name == "posix":
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for pid in _pipe_holders(pipes):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    try:
        process.kill()
    except ProcessLookupError:
        pass


def _pipe_holders(pipes: set[int]) -> set[int]:
    """The processes (other than this one) with an open descriptor on one of ``pipes``, read from /proc."""
    holders: set[int] = set()
    proc = Path("/proc")
    if not proc.is_dir():
        return holders
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            for descriptor in (entry / "fd").iterdir():
                target = os.readlink(descriptor)
                if target.startswith("pipe:[") and int(target[6:-1]) in pipes:
                    holders.add(int(entry.name))
                    break
        except (OSError, ValueError):
            continue
    return holders


def _feed(pipe: IO[bytes] | None, data: bytes) -> None:
    try:
        pipe.write(data)  # type: ignore[union-attr]
        pipe.close()  # type: ignore[union-attr]
    except (BrokenPipeError, OSError):
        pass  # the command stopped reading: its exit status and output tell what happened
