"""Nothing corrupts the gold or an output: all-or-nothing writes, an output never an input, SIGTERM.

Every test snapshots the bytes of the whole tree before and after and asserts they are identical
(no file changed, none added: no temporary file left behind, no folder made).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import TEXT, small_document, write_small_corpus

from frnewsbench import writes
from frnewsbench.build import FIGURES_END, FIGURES_START, build
from frnewsbench.cli import main
from frnewsbench.corpus import write_document
from frnewsbench.predictions import write_predictions
from frnewsbench.schema import gold_as_prediction
from frnewsbench.writes import OutputError, refuse_inputs, write_all

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"


def tree(root: Path) -> dict[str, bytes | str]:
    """Every path under ``root`` with its bytes (files), its target (symlinks) or "folder"."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_fifo():
            found[key] = "fifo"
        elif path.is_dir():
            found[key] = "folder"
        else:
            found[key] = path.read_bytes()
    return found


def cli(*args) -> int:
    return main([*map(str, args)])


# --- write_all ----------------------------------------------------------------------------------

def test_a_rename_that_fails_half_way_puts_every_file_back(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    (tmp_path / "b.txt").write_text("old b", encoding="utf-8")
    (tmp_path / "gone.txt").write_text("to remove", encoding="utf-8")
    before = tree(tmp_path)
    real_replace, calls = os.replace, []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 3:  # a.txt and b.txt are already replaced
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(writes.os, "replace", failing_replace)
    with pytest.raises(OutputError) as error:
        write_all([(tmp_path / "a.txt", "new a"), (tmp_path / "b.txt", b"new b"), (tmp_path / "c" / "c.txt", "new c")],
                  remove=[tmp_path / "gone.txt"])
    assert str(error.value).startswith(f"cannot write {tmp_path / 'c' / 'c.txt'}: No space left on device. Nothing was written")
    monkeypatch.setattr(writes.os, "replace", real_replace)
    assert tree(tmp_path) == before  # a and b put back, no c/ folder, gone.txt kept, no .tmp or .old file


def test_a_removal_that_fails_puts_the_written_files_back(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    (tmp_path / "gone.txt").write_text("to remove", encoding="utf-8")
    before = tree(tmp_path)

    real_unlink = os.unlink

    def failing_unlink(path, *args, **kwargs):
        if Path(path).name == "gone.txt":
            raise PermissionError(13, "Permission denied")
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(writes.os, "unlink", failing_unlink)
    with pytest.raises(OutputError, match=r"cannot remove .*gone.txt: Permission denied\. Nothing was written"):
        write_all([(tmp_path / "a.txt", "new a")], remove=[tmp_path / "gone.txt"])
    monkeypatch.setattr(writes.os, "unlink", real_unlink)
    assert tree(tmp_path) == before


def test_an_interruption_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    before = tree(tmp_path)
    real_chmod, calls = os.chmod, []

    def interrupted_chmod(path, mode):
        calls.append(path)
        if len(calls) == 2:  # the second file is written, not yet renamed
            raise KeyboardInterrupt
        return real_chmod(path, mode)

    monkeypatch.setattr(writes.os, "chmod", interrupted_chmod)
    with pytest.raises(KeyboardInterrupt):
        write_all([(tmp_path / "a.txt", "new a"), (tmp_path / "new" / "b.txt", "new b")])
    assert tree(tmp_path) == before


def test_write_all_writes_every_file_and_removes(tmp_path):
    (tmp_path / "a.txt").write_text("old", encoding="utf-8")
    (tmp_path / "gone.txt").write_text("x", encoding="utf-8")
    write_all([(tmp_path / "a.txt", "é\n"), (tmp_path / "d" / "b.bin", b"\x00\x01")], remove=[tmp_path / "gone.txt"])
    assert tree(tmp_path) == {"a.txt": "é\n".encode(), "d": "folder", "d/b.bin": b"\x00\x01"}


# --- an output is never an input ----------------------------------------------------------------

def test_refuse_inputs_follows_symlinks_and_compares_outputs(tmp_path):
    (tmp_path / "preds.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "link.jsonl").symlink_to("preds.jsonl")
    with pytest.raises(OutputError, match=r"^--output .*link.jsonl is the predictions file \(.*preds.jsonl\): an output never "
                                          r"replaces an input; give --output another path\. Nothing was written$"):
        refuse_inputs([("--output", tmp_path / "link.jsonl")], [("the predictions file", tmp_path / "preds.jsonl")])
    with pytest.raises(OutputError, match=r"^--markdown .*r.md and --output .*r.md are the same file"):
        refuse_inputs([("--output", tmp_path / "r.md"), ("--markdown", tmp_path / "sub" / ".." / "r.md")])
    with pytest.raises(OutputError, match=r"is in the annotation files \(.*every \*\.json there is read as input\)"):
        refuse_inputs([("--output", tmp_path / "new.json")], input_folders=[("the annotation files", tmp_path, "*.json")])
    refuse_inputs([("--output", tmp_path / "new.md"), ("--html", None)], [("the predictions file", tmp_path / "preds.jsonl")],
                  input_folders=[("the annotation files", tmp_path, "*.json")])


@pytest.fixture()
def scored(tmp_path):
    """A folder with the predictions (oracle) of the small gold, a symlink to them and a copy of the gold."""
    predictions = tmp_path / "preds.jsonl"
    from frnewsbench.gold import load_corpus

    write_predictions(predictions, [gold_as_prediction(document) for document in load_corpus(GOLD_DIR)])
    (tmp_path / "link.jsonl").symlink_to("preds.jsonl")
    gold = tmp_path / "gold"
    gold.mkdir()
    for path in GOLD_DIR.glob("*.json"):
        (gold / path.name).write_bytes(path.read_bytes())
    return tmp_path


@pytest.mark.parametrize("arguments, message", [
    (["score", "--predictions", "{p}/preds.jsonl", "--output", "{p}/link.jsonl"],
     "--output {p}/link.jsonl is the predictions file ({p}/preds.jsonl): an output never replaces an input"),
    (["score", "--predictions", "{p}/link.jsonl", "--markdown", "{p}/preds.jsonl"],
     "--markdown {p}/preds.jsonl is the predictions file ({p}/link.jsonl)"),
    (["score", "--predictions", "{p}/preds.jsonl", "--output", "{p}/r.json", "--html", "{p}/./r.json"],
     "--html {p}/r.json and --output {p}/r.json are the same file"),
    (["score", "--predictions", "{p}/preds.jsonl", "--errors", "{p}/gold/t-001.json"],
     "--errors {p}/gold/t-001.json is in the gold ({p}/gold, every *.json there is read as input)"),
    (["run", "--extractor", "file:{p}/preds.jsonl", "--save-predictions", "{p}/link.jsonl"],
     "--save-predictions {p}/link.jsonl is the predictions file of the extractor ({p}/preds.jsonl)"),
    (["compare", "--a", "{p}/preds.jsonl", "--b", "{p}/preds.jsonl", "--output", "{p}/link.jsonl"],
     "--output {p}/link.jsonl is the predictions of A ({p}/preds.jsonl)"),
    (["labelstudio", "export", "--annotations", "{p}/gold", "--output", "{p}/gold/t-002.json"],
     "--output {p}/gold/t-002.json is in the annotation files ({p}/gold, every *.json there is read as input)"),
    (["labelstudio", "export", "--annotations", "{p}/gold", "--predictions", "{p}/preds.jsonl", "--model-version", "m",
      "--output", "{p}/link.jsonl"], "--output {p}/link.jsonl is --predictions ({p}/preds.jsonl)"),
    (["labelstudio", "pull", "--url", "http://127.0.0.1:9", "--project-id", "1", "--annotations", "{p}/gold",
      "--save-export", "{p}/gold/export.json"], "--save-export {p}/gold/export.json is in the annotation files"),
    (["labelstudio", "import", "{p}/gold/t-001.json", "--annotations", "{p}/gold"],
     "the Label Studio export {p}/gold/t-001.json is in the annotations folder {p}/gold"),
    (["leaderboard", "--submissions", "{p}/subs", "--runs", "{p}/runs", "--output", "{p}/subs/mine/board.md"],
     "--output {p}/subs/mine/board.md is in the submissions ({p}/subs, every file there is read as input)"),
    (["leaderboard", "--submissions", "{p}/subs", "--runs", "{p}/runs", "--output", "{p}/gold/board.json"],
     "--output {p}/gold/board.json is in the gold ({p}/gold, every *.json there is read as input)"),
    (["agreement", "--a", "{p}/gold", "--b", "{p}/gold", "--datasheet", "{p}/gold/t-001.json"],
     "--datasheet {p}/gold/t-001.json is in annotator A's files ({p}/gold, every *.json there is read as input)"),
    (["build", "--annotations", "{p}/gold", "--output", "{p}/dataset", "--datasheet", "{p}/gold/t-002.json"],
     "--datasheet {p}/gold/t-002.json is in the annotation files ({p}/gold, every *.json there is read as input)"),
])
def test_an_output_that_is_an_input_is_refused_before_any_work(scored, capsys, arguments, message):
    arguments = [argument.format(p=scored) for argument in arguments]
    if arguments[0] in ("score", "run", "compare", "leaderboard"):
        arguments += ["--gold", str(scored / "gold")]
    before = tree(scored)
    assert cli(*arguments) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: " + message.format(p=scored)), error
    assert error.rstrip().endswith("Nothing was written")
    assert tree(scored) == before


# --- build: all or nothing ------------------------------------------------------------------------

@pytest.fixture()
def project(tmp_path, monkeypatch):
    """A built project whose annotations have changed since (the next build rewrites every file)."""
    monkeypatch.chdir(tmp_path)
    write_small_corpus(tmp_path / "annotations", 2)
    (tmp_path / "DATASHEET.md").write_text(f"# Sheet\n{FIGURES_START}\n{FIGURES_END}\n", encoding="utf-8")
    build(tmp_path / "annotations", tmp_path / "dataset", tmp_path / "DATASHEET.md")
    (tmp_path / "dataset" / "data" / "old").mkdir()
    (tmp_path / "dataset" / "data" / "old" / "test.parquet").write_bytes(b"a config that no longer exists")
    document = small_document("doc-3", text=TEXT + "\nUn troisième article.")  # texts are unique in a corpus
    write_document(document, tmp_path / "annotations" / "doc-3.json")
    return tmp_path


def test_build_with_a_folder_where_a_file_goes_changes_nothing(project, capsys):
    (project / "dataset" / "data" / "quotes" / "test.parquet").unlink()
    (project / "dataset" / "data" / "quotes" / "test.parquet").mkdir()
    before = tree(project)
    assert cli("build") == 1
    assert capsys.readouterr().err == (f"error: cannot write dataset/data/quotes/test.parquet: it is a folder; "
                                       "give a file path. Nothing was written\n")
    assert tree(project) == before


def test_build_with_a_file_where_a_folder_goes_changes_nothing(project, capsys):
    (project / "dataset" / "data" / "quotes" / "test.parquet").unlink()
    (project / "dataset" / "data" / "quotes").rmdir()
    (project / "dataset" / "data" / "quotes").write_bytes(b"a file")
    before = tree(project)
    assert cli("build") == 1
    error = capsys.readouterr().err
    assert error.startswith("error: cannot write dataset/data/quotes/test.parquet: Not a directory. Nothing was written; "
                            "give --output and --datasheet paths you can write to")
    assert tree(project) == before


@pytest.mark.parametrize("failing", [1, 4, 7, 8])  # renames: DATASHEET.md, then the 6 files of dataset/; 8: the removal
def test_build_that_fails_part_way_changes_nothing(project, capsys, monkeypatch, failing):
    before = tree(project)
    real_replace, real_unlink, calls = os.replace, os.unlink, []

    def count(real):
        def changed(path, *args, **kwargs):
            calls.append(path)
            if len(calls) == failing:
                raise OSError(28, "No space left on device")
            return real(path, *args, **kwargs)
        return changed

    monkeypatch.setattr(writes.os, "replace", count(real_replace))
    monkeypatch.setattr(writes.os, "unlink", count(real_unlink))
    assert cli("build") == 1
    monkeypatch.undo()
    assert len(calls) >= failing  # the failing change was reached (then undone)
    error = capsys.readouterr().err
    assert "No space left on device. Nothing was written" in error
    assert tree(project) == before


def test_build_removes_an_old_config_and_writes_every_file(project, capsys):
    assert cli("build") == 0
    after = tree(project)
    assert "dataset/data/old/test.parquet" not in after
    assert not [path for path in after if path.endswith((".tmp", ".old"))]
    assert "| doc-3 |" in after["DATASHEET.md"].decode("utf-8")


# --- SIGTERM --------------------------------------------------------------------------------------

SLOW_SYSTEM = """\
import json, os, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
time.sleep(60)
"""


@pytest.mark.parametrize("command", ["run", "score"])
def test_sigterm_stops_the_command_and_leaves_no_output(tmp_path, command):
    """run: SIGTERM while the system runs; score: while the predictions are read from a FIFO."""
    started = tmp_path / "started"
    if command == "run":
        system = tmp_path / "slow.py"
        system.write_text(SLOW_SYSTEM, encoding="utf-8")
        arguments = ["run", "--extractor", f"command:{sys.executable} {system} {started}", "--timeout", "120",
                     "--save-predictions", tmp_path / "out" / "p.jsonl"]
    else:
        fifo = tmp_path / "preds.jsonl"
        os.mkfifo(fifo)
        arguments = ["score", "--predictions", fifo]
    before = tree(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "frnewsbench.cli", *map(str, arguments), "--gold", GOLD_DIR,
                                "--output", tmp_path / "out" / "result.json", "--markdown", tmp_path / "result.md"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if command == "run":
        deadline = time.monotonic() + 60
        while not started.exists() or not started.read_text():
            assert time.monotonic() < deadline and process.poll() is None, process.communicate()
            time.sleep(0.05)
        child = int(started.read_text())
    else:  # wait until the command opens the FIFO, then leave it waiting for the predictions
        deadline = time.monotonic() + 60
        while True:
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:  # ENXIO: no reader yet
                assert time.monotonic() < deadline and process.poll() is None, process.communicate()
                time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    if command == "score":
        os.close(writer)
    assert process.returncode == 128 + signal.SIGTERM
    assert stderr.rstrip().endswith("terminated") and "Traceback" not in stderr
    after = tree(tmp_path)
    if command == "run":
        after.pop("started")
        with pytest.raises(ProcessLookupError):  # the system was killed with the command
            for _ in range(50):
                os.kill(child, 0)
                time.sleep(0.1)
    assert after == before
