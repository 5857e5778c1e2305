"""The package as a new user gets it: an sdist, a wheel built from it, installed (not editable)
into a fresh virtual environment, used from an empty folder outside the checkout.

Built once for the module (about 30 s): the source is copied to a temporary folder, its sdist is
made by the project's build backend and unpacked, and the wheel is built from the sdist, as
``python -m build`` does; nothing is fetched (``--no-build-isolation``) and nothing is written
into the checkout. The fresh environment sees the test interpreter's dependencies (datasets,
pyarrow, ...) through a ``.pth`` file, never its frnewsbench.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.version import Version

from frnewsbench.corpus import corpus_hash
from frnewsbench.gold import load_corpus, load_documents
from frnewsbench.predictions import write_predictions
from frnewsbench.schema import gold_as_prediction

from conftest_paths import DATASET, REPO

PACKAGE = REPO / "eval" / "frnewsbench"
DOCUMENTS = {"predictions": REPO / "eval" / "PREDICTIONS.md", "metrics": REPO / "eval" / "METRICS.md"}
LICENSES = ("LICENSE", "LICENSE-DATA")
HARNESS_GOLD = Path(__file__).parent / "data" / "harness_gold"
ORACLE_SYSTEM = """\
import frnewsbench
from frnewsbench.schema import gold_as_prediction

GOLD = {document.id: document for document in frnewsbench.load_gold()}


def extract(document):
    return gold_as_prediction(GOLD[document.id])
"""


@dataclass(frozen=True)
class Installed:
    wheel: Path
    sdist: Path
    python: Path
    command: Path
    folder: Path  # an empty folder of one's own, the current folder of every command
    env: dict[str, str]

    def run(self, *args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(arg) for arg in args], cwd=self.folder, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=300)


def _run(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run([str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", *LICENSES):
        shutil.copy2(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(REPO / "eval", source / "eval", ignore=ignore)
    shutil.copytree(DATASET, source / "dataset", ignore=ignore)
    dist = root / "dist"
    _run(sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_sdist({str(dist)!r})", cwd=source)
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(root / "unpacked", filter="data")
    (unpacked,) = (root / "unpacked").iterdir()
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-cache-dir", "-q",
         "-w", dist, ".", cwd=unpacked)
    (wheel,) = dist.glob("*.whl")

    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    dependencies = [path for path in sys.path if path.endswith(("site-packages", "dist-packages")) or path in ours]
    (purelib / "test-dependencies.pth").write_text("\n".join(dict.fromkeys(dependencies)) + "\n", encoding="utf-8")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-cache-dir", "-q", wheel, cwd=root)

    folder = root / "my-folder"
    folder.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "FRNEWSBENCH_GOLD", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_DATASETS_CACHE=str(root / "hf-cache"),
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return Installed(wheel, sdist, python, venv / "bin" / "frnewsbench", folder, env)


def test_the_sdist_and_the_wheel_carry_the_dataset_as_it_is_in_the_checkout(installed):
    shipped = {path.relative_to(DATASET).as_posix(): path.read_bytes() for path in DATASET.rglob("*") if path.is_file()}
    assert sorted(shipped) == ["README.md", *(f"data/{c}/test.parquet" for c in ("dates", "documents", "entities", "ner", "quotes"))]
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        assert {name: wheel.read(f"frnewsbench/dataset/{name}") for name in shipped} == shipped
    with tarfile.open(installed.sdist) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        assert {f"{top}/dataset/{name}" for name in shipped} <= set(sdist.getnames())
    modules = {f"frnewsbench/{path.relative_to(PACKAGE).as_posix()}" for path in PACKAGE.rglob("*")
               if path.suffix in (".py", ".json", ".xml", ".typed") and "__pycache__" not in path.parts}
    missing = sorted(modules - names)
    assert not missing, (f"not in the wheel: {missing}; add each new sub-package to [tool.setuptools] packages "
                         "in pyproject.toml")


def test_the_wheel_carries_the_format_documents_as_they_are_in_the_checkout(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        shipped = {name: wheel.read(name) for name in wheel.namelist() if name.startswith("frnewsbench/docs/")}
    assert shipped == {f"frnewsbench/docs/{path.name}": path.read_bytes() for path in DOCUMENTS.values()}
    with tarfile.open(installed.sdist) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        assert {f"{top}/eval/{path.name}" for path in DOCUMENTS.values()} <= set(sdist.getnames())


def test_the_licences_are_in_the_wheels_dist_info_and_the_sdist(installed):
    with zipfile.ZipFile(installed.wheel) as wheel:
        (metadata_name,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(wheel.read(metadata_name))
        dist_info = metadata_name.rpartition("/")[0]
        # Metadata 2.4 (PEP 639) puts them under licenses/; older setuptools beside METADATA
        folder = f"{dist_info}/licenses" if Version(metadata["Metadata-Version"]) >= Version("2.4") else dist_info
        assert metadata.get_all("License-File") == list(LICENSES)
        assert {name: wheel.read(f"{folder}/{name}") for name in LICENSES} == {
            name: (REPO / name).read_bytes() for name in LICENSES}
    assert "MIT (LICENSE)" in metadata["License"] and "CC BY 4.0" in metadata["License"]
    with tarfile.open(installed.sdist) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        assert {f"{top}/{name}" for name in LICENSES} <= set(sdist.getnames())


def test_an_installed_user_finds_the_licences_through_the_metadata(installed):
    code = ("import importlib.metadata as m; files = m.files('frnewsbench'); "
            "print('\\n'.join(str(f.locate()) for f in files if f.name.startswith('LICENSE')))")
    done = installed.run(installed.python, "-c", code)
    assert done.returncode == 0, done.stderr
    found = {Path(line).name: Path(line).read_bytes() for line in done.stdout.splitlines()}
    assert found == {name: (REPO / name).read_bytes() for name in LICENSES}
    assert all(str(installed.python.parent.parent) in line for line in done.stdout.splitlines())


def test_an_installed_user_reads_the_format_documents_offline(installed):
    site = installed.python.parent.parent
    listing = installed.run(installed.command, "docs")
    assert listing.returncode == 0, listing.stderr
    paths = [Path(line.strip()) for line in listing.stdout.splitlines() if line.startswith("  ")]
    assert [path.name for path in paths] == ["PREDICTIONS.md", "METRICS.md"]
    assert all(path.is_relative_to(site) and path.parent.name == "docs" for path in paths)
    for name, source in DOCUMENTS.items():
        printed = installed.run(installed.command, "docs", name)
        assert printed.returncode == 0 and printed.stdout == source.read_text(encoding="utf-8"), printed.stderr
        where = installed.run(installed.command, "docs", name, "--path")
        assert Path(where.stdout.strip()) == paths[list(DOCUMENTS).index(name)]
    helped = installed.run(installed.command, "score", "--help")
    assert "frnewsbench docs predictions" in helped.stdout and "eval/" not in helped.stdout


def test_the_installed_package_is_the_wheels_and_finds_its_dataset(installed):
    done = installed.run(installed.python, "-c", "import frnewsbench; print(frnewsbench.__file__); "
                                                 "print(frnewsbench.dataset_path()); print(frnewsbench.__version__)")
    assert done.returncode == 0, done.stderr
    module, dataset, version = done.stdout.split("\n")[:3]
    site = Path(module).parent.parent
    assert Path(module) == site / "frnewsbench" / "__init__.py" and str(installed.python.parent.parent) in module
    assert Path(dataset) == site / "frnewsbench" / "dataset" and version == "0.1.0"


def test_load_dataset_through_dataset_path_from_anywhere_offline(installed):
    code = """
import json, frnewsbench
from datasets import load_dataset
folder = str(frnewsbench.dataset_path())
ner = load_dataset(folder, "ner", split="test")
entities = load_dataset(folder, "entities", split="test")
documents = load_dataset(folder, split="test")
print(json.dumps({"ner_rows": ner.num_rows, "tags": ner.features["ner_tags"].feature.names[:3],
                  "labels": entities.features["label"].names, "entities": entities.num_rows,
                  "first": entities.features["label"].int2str(entities[0]["label"]), "documents": sorted(documents["id"])}))
"""
    done = installed.run(installed.python, "-c", code)
    assert done.returncode == 0, done.stderr
    gold = load_documents(DATASET)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "ner_rows": sum(len([line for line in d.text.split("\n") if line.strip()]) for d in gold),
        "tags": ["O", "B-PER", "I-PER"], "labels": ["PER", "ORG", "LOC", "MISC"],
        "entities": sum(len(d.entities) for d in gold), "first": gold[0].entities[0].label,
        "documents": [d.id for d in gold]}


def shipped_gold_line(installed: Installed, stderr: str) -> str:
    line = stderr.splitlines()[0]
    gold = load_documents(DATASET)
    site = installed.python.parent.parent
    assert line.startswith(f"gold: {site}") and line.endswith(
        f"/frnewsbench/dataset (from the dataset shipped with frnewsbench 0.1.0), 5 document(s), dataset {corpus_hash(gold)}")
    return line


def test_score_without_gold_uses_the_shipped_dataset_and_the_oracle_scores_one(installed):
    oracle = installed.folder / "oracle.jsonl"
    write_predictions(oracle, [gold_as_prediction(document) for document in load_documents(DATASET)])
    done = installed.run(installed.command, "score", "--predictions", "oracle.jsonl", "--bootstrap-samples", "100",
                         "--output", "result.json")
    assert done.returncode == 0, done.stderr
    shipped_gold_line(installed, done.stderr)
    assert "gold:" not in done.stdout
    result = json.loads((installed.folder / "result.json").read_text(encoding="utf-8"))
    assert {layer: h["value"] for layer, h in result["evaluation"]["headlines"].items()} == {
        "entities": 1.0, "dates": 1.0, "quotes": 1.0}
    assert "| entities | strict micro F1 (exact span and label) | 1.000 | [1.000, 1.000] |" in done.stdout


@pytest.mark.parametrize("spec", ["python:./systems/oracle_file.py:extract", "python:oracle_module:extract"])
def test_run_a_python_system_of_ones_own_folder(installed, spec):
    (installed.folder / "systems").mkdir(exist_ok=True)
    (installed.folder / "systems" / "oracle_file.py").write_text(ORACLE_SYSTEM, encoding="utf-8")
    (installed.folder / "oracle_module.py").write_text(ORACLE_SYSTEM, encoding="utf-8")
    done = installed.run(installed.command, "run", "--extractor", spec, "--bootstrap-samples", "100")
    assert done.returncode == 0, done.stderr
    shipped_gold_line(installed, done.stderr)
    for row in ("| entities | strict micro F1 (exact span and label) | 1.000 | [1.000, 1.000] |",
                "| dates | TempEval-3 value F1 (relaxed match, exact TIMEX3 value) | 1.000 | [1.000, 1.000] |",
                "| quotes | full attribution F1 (content overlap match with the right speaker) | 1.000 | [1.000, 1.000] |"):
        assert row in done.stdout


def test_a_broken_system_of_ones_own_folder_is_a_clear_error(installed):
    (installed.folder / "broken_system.py").write_text("def extract(document)\n    pass\n", encoding="utf-8")
    done = installed.run(installed.command, "run", "--extractor", "python:broken_system:extract")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (f"error: 'broken_system:extract': module 'broken_system' has a syntax error "
                                            f"({installed.folder / 'broken_system.py'}, line 1): expected ':'. Fix the code")
    assert "Traceback" not in done.stderr


def test_the_variable_names_a_folder_of_annotation_files_and_an_explicit_gold_wins(installed):
    small = load_corpus(HARNESS_GOLD)
    write_predictions(installed.folder / "small.jsonl", [gold_as_prediction(document) for document in small])
    variable = {"FRNEWSBENCH_GOLD": str(HARNESS_GOLD)}
    done = installed.run(installed.command, "score", "--predictions", "small.jsonl", "--bootstrap-samples", "10",
                         env=variable)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (f"gold: {HARNESS_GOLD} (from FRNEWSBENCH_GOLD), 2 document(s), "
                                           f"dataset {corpus_hash(small)}")
    elsewhere = {"FRNEWSBENCH_GOLD": str(installed.folder / "nowhere")}  # never read when --gold is given
    done = installed.run(installed.command, "score", "--predictions", "small.jsonl", "--gold", HARNESS_GOLD,
                         "--bootstrap-samples", "10", env=elsewhere)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0].startswith(f"gold: {HARNESS_GOLD} (from --gold), 2 document(s), ")
    assert installed.run(installed.command, "score", "--predictions", "small.jsonl", env=elsewhere).returncode == 1
