from dataclasses import replace

from conftest_paths import REPO
from helpers import small_document, span

from frnewsbench.agreement import agreement
from frnewsbench.cli import main
from frnewsbench.schema import TimeExpression


def figures(rows):
    return {(row.layer, row.figure): row.value for row in rows}


def test_agreement_counts_worked_by_hand():
    a = small_document()
    text = a.text
    # B: drops "Moscou" (3 of 4 entities agree), gives Poutine another id, shifts a date by one word
    # and gives the week another value.
    wang = a.entities[3]
    entities = (a.entities[0], replace(a.entities[1], entity_id="poutine", canonical_name="Poutine"), wang)
    la_semaine = span(text, "la semaine prochaine")
    dates = (
        TimeExpression(la_semaine.start, la_semaine.end, la_semaine.text, "DATE", "2023-W13"),
        a.dates[1],
    )
    quote = replace(a.quotes[0], speaker=span(text, "Wang Wenbin"))
    b = replace(a, entities=entities, dates=dates, quotes=(quote,))
    result = figures(agreement(a=[a], b=[b]))
    assert result[("entities", "span F1, strict (span and label)")] == 2 * 3 / (4 + 3)
    assert result[("entities", "same entity_id on strict matches")] == 2 / 3
    assert result[("time expressions", "span F1, strict")] == 0.5  # 1 of 2 on each side
    assert result[("time expressions", "span F1, relaxed (overlap)")] == 1.0
    assert result[("time expressions", "value agreement on relaxed matches")] == 0.5
    assert result[("quotes", "content exact F1")] == 1.0
    assert result[("quotes", "speaker agreement on content matches")] == 1.0  # overlapping speaker spans, same id
    assert result[("quotes", "same speaker span on content matches")] == 0.0  # "Wang Wenbin" vs "le porte-parole Wang Wenbin"
    assert result[("entities", "span F1, overlap (overlap and label)")] == 2 * 3 / (4 + 3)


def test_quote_disagreements_worked_by_hand():
    a = small_document()
    text = a.text
    # B cuts the content to its first two words ("La paix": 2 of 4 words, overlap 0.5), names
    # Xi Jinping as the speaker, and adds an indirect quote A does not have.
    extra = replace(a.quotes[0], content=span(text, "Xi Jinping rencontrera Poutine à Moscou"), type="indirect",
                    speaker=None, speaker_entity_id=None, cue=None)
    first = replace(a.quotes[0], content=span(text, "La paix"), speaker=span(text, "Xi Jinping"), speaker_entity_id="xi_jinping")
    b = replace(a, quotes=(extra, first))
    result = figures(agreement(a=[a], b=[b]))
    assert result[("quotes", "content overlap F1")] == 2 * 1 / (1 + 2)  # one match, one extra on B's side
    assert result[("quotes", "content exact F1")] == 0.0
    assert result[("quotes", "speaker agreement on content matches")] == 0.0
    assert result[("quotes", "attribution F1 (content and speaker)")] == 0.0


def test_agreement_refuses_different_texts():
    a = small_document()
    b = replace(a, text_sha256="0" * 64)
    try:
        agreement(a=[a], b=[b])
    except ValueError as error:
        assert "text_sha256" in str(error)
    else:
        raise AssertionError("different texts were compared")


def test_datasheet_agreement_figures_are_up_to_date(monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["agreement", "--check"]) == 0


def test_agreement_cli_errors_are_messages(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["agreement", "--datasheet", str(tmp_path / "missing.md")]) == 1
    assert "no such datasheet" in capsys.readouterr().err
    assert main(["agreement", "--a", str(tmp_path)]) == 1
    assert "no annotation files" in capsys.readouterr().err
