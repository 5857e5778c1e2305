"""The format documents as the `docs` command and the help texts show them (the installed wheel's
copy is checked by test_wheel.py), and the README's links within the repository."""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown_it
import pytest

from frnewsbench import documentation
from frnewsbench.cli import build_parser, main
from frnewsbench.documentation import DocumentationError, documentation_path

from conftest_paths import REPO


def test_an_editable_install_reads_the_checkouts_documents():
    assert documentation_path("predictions") == REPO / "eval" / "PREDICTIONS.md"
    assert documentation_path("metrics") == REPO / "eval" / "METRICS.md"
    with pytest.raises(DocumentationError, match="no document 'metric'; expected one of predictions, metrics"):
        documentation_path("metric")


@pytest.mark.parametrize("name, file", [("predictions", "PREDICTIONS.md"), ("metrics", "METRICS.md")])
def test_docs_prints_a_document_or_its_path(capsys, name, file):
    assert main(["docs", name]) == 0
    assert capsys.readouterr().out == (REPO / "eval" / file).read_text(encoding="utf-8")
    assert main(["docs", name, "--path"]) == 0
    assert capsys.readouterr().out == f"{REPO / 'eval' / file}\n"


def test_docs_without_a_name_lists_them_and_path_needs_one(capsys):
    assert main(["docs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines[0:4:2]] == ["predictions", "metrics"]
    assert lines[1:4:2] == [f"  {REPO / 'eval' / 'PREDICTIONS.md'}", f"  {REPO / 'eval' / 'METRICS.md'}"]
    with pytest.raises(SystemExit) as stop:
        main(["docs", "--path"])
    assert stop.value.code == 2
    assert "--path needs a document name" in capsys.readouterr().err


def test_a_missing_document_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(documentation, "SHIPPED_DOCS", tmp_path / "docs")
    monkeypatch.setattr(documentation, "CHECKOUT_DOCS", tmp_path / "eval")  # no pyproject.toml beside it
    assert main(["docs", "metrics"]) == 1
    assert capsys.readouterr().err == (f"error: this frnewsbench installation has no METRICS.md (looked for "
                                       f"{tmp_path / 'docs' / 'METRICS.md'}); reinstall frnewsbench from its "
                                       "wheel or checkout\n")


def _help_texts(parser: argparse.ArgumentParser) -> dict[str, str]:
    texts = {parser.prog: parser.format_help()}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                texts.update(_help_texts(child))
    return texts


def test_no_help_text_sends_an_installed_user_to_a_file_of_the_checkout():
    texts = _help_texts(build_parser())
    assert len(texts) > 10 and "frnewsbench score" in texts
    pointing = {prog: name for prog, text in texts.items() for name in ("eval/", "PREDICTIONS.md", "METRICS.md")
                if name in text}
    assert pointing == {}
    assert "frnewsbench docs predictions" in " ".join(texts["frnewsbench score"].split())


def _links(markdown: str) -> list[str]:
    found = []
    for token in markdown_it.MarkdownIt("commonmark").parse(markdown):
        for child in token.children or []:
            if child.type == "link_open":
                found.append(child.attrs["href"])
    return found


@pytest.mark.parametrize("page", ["README.md", "eval/PREDICTIONS.md", "eval/METRICS.md"])
def test_the_links_of_the_repositorys_pages_lead_to_files_that_exist(page):
    links = _links((REPO / page).read_text(encoding="utf-8"))
    local = [href for href in links if not urlsplit(href).scheme and not href.startswith("#")]
    missing = [href for href in local if not (REPO / page).parent.joinpath(unquote(urlsplit(href).path)).exists()]
    assert missing == []
    if page == "README.md":
        assert {"eval/PREDICTIONS.md", "eval/METRICS.md", "LICENSE", "LICENSE-DATA"} <= set(local)
