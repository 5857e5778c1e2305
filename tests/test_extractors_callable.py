"""``python:`` specs work like Python: ``module:attr`` from the current folder first (as
``python -m``), ``path/to/file.py:attr`` from a file; a module that cannot be imported, or that
exits, is a clear error with exit 1, never a traceback or a silent exit 0."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from frnewsbench.cli import main
from frnewsbench.extractors.callable import load_callable
from frnewsbench.extractors.errors import ExtractorError

GOLD_DIR = Path(__file__).parent / "data" / "harness_gold"
ORACLE_ENTITIES = """\
import json
from pathlib import Path

GOLD = Path({gold!r})


def extract(document):
    raw = json.loads((GOLD / (document.id + ".json")).read_text(encoding="utf-8"))
    return {{"entities": raw["entities"]}}
"""


@pytest.fixture
def own_folder(tmp_path, monkeypatch):
    """An empty folder of one's own as the current folder; sys.path and sys.modules restored after."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith(("my_", "_frnewsbench_file_", "json_")):
            del sys.modules[name]


def run(*args: str) -> int:
    return main(["run", *args, "--gold", str(GOLD_DIR), "--bootstrap-samples", "10", "--output", "r.json"])


def entities_f1(folder: Path) -> float:
    return json.loads((folder / "r.json").read_text(encoding="utf-8"))["evaluation"]["headlines"]["entities"]["value"]


def test_a_module_of_the_current_folder(own_folder):
    (own_folder / "my_sys.py").write_text(ORACLE_ENTITIES.format(gold=str(GOLD_DIR)), encoding="utf-8")
    assert run("--extractor", "python:my_sys:extract") == 0
    assert entities_f1(own_folder) == 1.0


def test_a_file_by_its_path_imports_its_neighbours(own_folder):
    (own_folder / "systems").mkdir()
    (own_folder / "systems" / "my_helpers.py").write_text(ORACLE_ENTITIES.format(gold=str(GOLD_DIR)), encoding="utf-8")
    (own_folder / "systems" / "my_file_sys.py").write_text("from my_helpers import extract as find\n", encoding="utf-8")
    assert run("--extractor", "python:./systems/my_file_sys.py:find") == 0
    assert entities_f1(own_folder) == 1.0


def test_a_file_named_like_a_standard_module_does_not_shadow_it(own_folder):
    (own_folder / "json.py").write_text("def extract(document):\n    return {'entities': []}\n", encoding="utf-8")
    extractor = load_callable(str(own_folder / "json.py") + ":extract")
    assert sys.modules["json"].__name__ == "json" and hasattr(sys.modules["json"], "dumps")
    assert extractor.name.endswith("json.py:extract")


@pytest.mark.parametrize(("source", "message"), [
    ("def extract(document)\n    return {}\n", "module 'my_broken' has a syntax error ({file}, line 1): expected ':'. Fix the code"),
    ("x = 1 / 0\n", "importing module 'my_broken' raised ZeroDivisionError: division by zero ({file}, line 1). "
                    "Fix the module, or install what it imports"),
    ("import my_absent_dependency\n", "importing module 'my_broken' raised ModuleNotFoundError: No module named "
                                      "'my_absent_dependency' ({file}, line 1)"),
    ("import sys\nsys.exit(0)\n", "module 'my_broken' called sys.exit(0) while being imported ({file}, line 2); "
                                  "a module used as an extractor must not exit when imported"),
    ("import sys\nsys.exit('no model')\n", "module 'my_broken' called sys.exit('no model') while being imported"),
])
@pytest.mark.parametrize("form", ["module", "file"])
def test_a_module_that_cannot_be_imported_is_a_clear_error(own_folder, capsys, source, message, form):
    (own_folder / "my_broken.py").write_text(source, encoding="utf-8")
    spec = "my_broken:extract" if form == "module" else "my_broken.py:extract"
    assert run("--extractor", f"python:{spec}") == 1
    error = capsys.readouterr().err.splitlines()[-1]
    expected = message.format(file=own_folder / "my_broken.py")
    if form == "file":
        expected = expected.replace("module 'my_broken'", f"the file {own_folder / 'my_broken.py'}")
    assert error.startswith(f"error: '{spec}': ") and expected in error
    assert not (own_folder / "r.json").exists()


@pytest.mark.parametrize("code", ["0", "1", "None", "'bye'"])
def test_an_extractor_that_exits_when_called_is_an_error_whatever_the_code(own_folder, capsys, code):
    (own_folder / "my_exiting.py").write_text(f"import sys\n\ndef extract(document):\n    sys.exit({code})\n",
                                              encoding="utf-8")
    assert run("--extractor", "python:my_exiting:extract") == 1
    error = capsys.readouterr().err
    assert (f"error: the extractor my_exiting:extract called sys.exit({code}) on document 't-001': an extractor "
            "returns its predictions and never exits; raise an exception instead") in error
    assert "Traceback" not in error and not (own_folder / "r.json").exists()


@pytest.mark.parametrize(("spec", "message"), [
    ("python:my_nowhere:extract", "'my_nowhere:extract': no module 'my_nowhere' in the current folder ({folder}) or "
                                  "the installed packages; run from the folder that holds it, install its package, or "
                                  "name the file: python:path/to/my_nowhere.py:ATTR"),
    ("python:./my_nowhere.py:extract", "'./my_nowhere.py:extract': no such file my_nowhere.py (from the current "
                                       "folder {folder}); give the path of a Python file"),
    ("python:my_pkg.sub:extract", "'my_pkg.sub:extract': no module 'my_pkg.sub' in the current folder"),
])
def test_a_module_or_file_that_is_not_there(own_folder, capsys, spec, message):
    assert run("--extractor", spec) == 1
    assert f"error: {message.format(folder=own_folder)}" in capsys.readouterr().err


def test_an_exception_at_import_keeps_its_cause_in_the_python_api(own_folder):
    (own_folder / "my_raising.py").write_text("raise KeyError('weights')\n", encoding="utf-8")
    with pytest.raises(ExtractorError) as caught:
        load_callable("my_raising:extract")
    assert isinstance(caught.value.__cause__, KeyError)
