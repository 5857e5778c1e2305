"""The package as a whole: the public names at its root, its type marker, and no import circles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import frnewsbench

PACKAGE = Path(frnewsbench.__file__).parent


def imports_of_the_package() -> dict[str, set[str]]:
    """Module -> the modules of the package it imports (at the top or inside a function)."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    found.add(target if target in modules else base)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {target for target in found if target in modules and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    graph = imports_of_the_package()
    assert "frnewsbench.gold" in graph["frnewsbench.api"]  # the graph sees relative imports
    assert "frnewsbench.validate" in graph["frnewsbench.gold"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_public_api_is_at_the_root_and_typed():
    from frnewsbench.api import compare, run, score
    from frnewsbench.gold import dataset_path, load_gold

    assert (frnewsbench.score, frnewsbench.run, frnewsbench.compare) == (score, run, compare)
    assert (frnewsbench.load_gold, frnewsbench.dataset_path) == (load_gold, dataset_path)
    assert {"score", "run", "compare", "load_gold", "dataset_path"} <= set(dir(frnewsbench)) & set(frnewsbench.__all__)
    assert (PACKAGE / "py.typed").is_file()
    assert score.__annotations__["return"] == "Result"


def test_importing_the_package_stays_light():
    code = "import sys, frnewsbench; print(sorted(m for m in ('scipy', 'pyarrow', 'frnewsbench.api', 'importlib.metadata') if m in sys.modules))"
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.strip() == "[]"


def test_the_score_command_imports_what_it_uses_only(tmp_path):
    """``score --output`` runs no extractor and renders no report: it imports neither."""
    data = Path(__file__).parent / "data"
    code = ("import sys; from frnewsbench.cli import main; "
            f"code = main(['score', '--gold', {str(data / 'harness_gold')!r}, '--predictions', "
            f"{str(data / 'harness_predictions.jsonl')!r}, '--bootstrap-samples', '10', '--output', {str(tmp_path / 'r.json')!r}]); "
            "print(code, sorted(m for m in sys.modules if m.startswith(('frnewsbench.extractors', 'frnewsbench.report.', "
            "'importlib.metadata')) and m not in ('frnewsbench.report.result', 'frnewsbench.report.display', "
            "'frnewsbench.report.markdown')))")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.splitlines()[-1] == "0 []"
    assert (tmp_path / "r.json").is_file()
