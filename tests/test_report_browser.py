"""The HTML error report in a real headless Chromium (Debian's chromium + chromedriver, driven
by selenium): what a reader sees without hovering, the errors-only switch, the figures against
the result JSON, print media, and a screenshot of the first article under the test's tmp folder."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from conftest import headless_chromium
from frnewsbench.api import load_gold, score
from frnewsbench.extractors.combined import PARTS as COMBINED_PARTS
from frnewsbench.predictions import read_predictions, write_predictions
from frnewsbench.schema import Prediction

pytestmark = pytest.mark.browser

RUNS = Path(__file__).parents[1] / "leaderboard" / "runs"
SYSTEM = "my-combined-system.v7"
# the headline counts of each layer in the result JSON (eval/METRICS.md)
HEADLINE_COUNTS = {"entities": "strict", "dates": "value", "quotes": "attribution"}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chrome = headless_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield chrome
    chrome.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The real baselines' cached predictions, one layer from each part of the combined baseline
    (what combined-baseline.v3 gives), scored on the real gold, page and result written."""
    folder = tmp_path_factory.mktemp("report")
    gold = load_gold()
    parts = {layer: read_predictions(RUNS / name / "predictions.jsonl", documents=gold)
             for layer, name in COMBINED_PARTS.items()}
    run = folder / "combined.jsonl"
    write_predictions(run, [Prediction(id=d.id, **{layer: getattr(parts[layer][d.id], layer) for layer in parts})
                            for d in gold])
    score(predictions=run, gold=gold, system=SYSTEM, html=folder / "report.html", output=folder / "result.json",
          bootstrap_samples=50)
    return gold, folder / "report.html", json.loads((folder / "result.json").read_text(encoding="utf-8"))


def open_page(browser, page: Path):
    from selenium.webdriver.common.by import By

    browser.get(page.as_uri())
    return browser.find_element(By.TAG_NAME, "body")


def visible_text(browser, selector: str) -> str:
    from selenium.webdriver.common.by import By

    return "\n".join(element.text for element in browser.find_elements(By.CSS_SELECTOR, selector))


def page_height(browser) -> int:
    """The height of the whole page laid out (content-visibility skips the layout of articles off screen)."""
    browser.execute_script("document.querySelectorAll('details.doc').forEach(d => d.style.contentVisibility = 'visible')")
    return browser.execute_script("return document.documentElement.scrollHeight")


def test_every_label_and_timex_value_is_in_the_visible_text(browser, report):
    from selenium.webdriver.common.by import By

    gold, page, _ = report
    body = open_page(browser, page)
    assert SYSTEM in browser.title and body.text.startswith(f"{SYSTEM}: frnewsbench error report")
    headers = visible_text(browser, ".row.head .cell").split("\n")
    assert headers == ["gold", SYSTEM] * (3 * len(gold))  # the system's name as given, never "predictions"
    for number, document in enumerate(gold, 1):
        # the gold side of each article's dates and entities, as rendered (innerText: no tooltip, no hidden text)
        dates = visible_text(browser, f'#a{number}-dates [data-side="gold"]')
        assert {d.value for d in document.dates} <= set(dates.split()), document.id
        entities = visible_text(browser, f'#a{number}-entities [data-side="gold"]').split()
        for entity in document.entities:
            assert entity.label in entities, (document.id, entity)
        badges = browser.find_elements(By.CSS_SELECTOR, f'#a{number}-quotes [data-side="gold"] .m.quotes > .b')
        assert len(badges) == len(document.quotes), document.id  # each quote names its type, speaker and cue
        assert all(" quote · speaker " in badge.text or " quote · no speaker" in badge.text for badge in badges)
    labels = {entity.label for document in gold for entity in document.entities}
    assert labels == {"LOC", "MISC", "ORG", "PER"}


def test_the_errors_only_switch_hides_the_right_spans(browser, report):
    from selenium.webdriver.common.by import By

    _, page, result = report
    open_page(browser, page)
    right = browser.find_elements(By.CSS_SELECTOR, ".rows .m.ok > .b")
    errors = browser.find_elements(By.CSS_SELECTOR, ".rows .m.wrong > .b, .rows .m.fn > .b, .rows .m.fp > .b, "
                                                    ".rows .m.off > .b")
    plain = browser.find_elements(By.CSS_SELECTOR, ".row.body:not(.err)")
    assert right and errors and plain
    assert all(badge.is_displayed() for badge in right[:50])
    height = page_height(browser)
    browser.find_element(By.ID, "errors-only").click()
    assert not any(badge.is_displayed() for badge in right)
    assert not any(row.is_displayed() for row in plain)
    assert all(badge.is_displayed() for badge in errors)
    # every error of every layer is on the shown page: as many error badges as errors in the figures
    kinds = browser.find_elements(By.CSS_SELECTOR, "#kinds tr[data-layer]")
    in_table = sum(int(cell.text) for row in kinds for cell in row.find_elements(By.CSS_SELECTOR, "td")[2:6])
    quote_roles = len(browser.find_elements(By.CSS_SELECTOR, ".rows .role:not(.ok) > .b"))
    # a matched pair that is wrong shows on both sides (columns: right, right for the headline, wrong, ...)
    pairs = sum(int(cell.text) for row in kinds for cell in row.find_elements(By.CSS_SELECTOR, "td")[2:4])
    assert len(errors) - quote_roles == in_table + pairs
    assert page_height(browser) < 0.7 * height
    browser.find_element(By.ID, "errors-only").click()
    assert all(badge.is_displayed() for badge in right[:50])


def test_a_counterpart_link_jumps_to_the_other_side(browser, report):
    from selenium.webdriver.common.by import By

    _, page, _ = report
    open_page(browser, page)
    link = browser.find_elements(By.CSS_SELECTOR, '[data-side="gold"] a.counterpart')[5]
    target_id = link.get_attribute("href").split("#")[1]
    link.click()
    assert browser.execute_script("return location.hash") == f"#{target_id}"
    target = browser.find_element(By.ID, target_id)
    assert target.find_element(By.XPATH, "ancestor::div[@data-side]").get_attribute("data-side") == "system"
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", target)
    assert 0 < top < browser.execute_script("return window.innerHeight")  # scrolled into view
    back = target.find_element(By.CSS_SELECTOR, "a.counterpart")
    assert back.get_attribute("href").endswith("#" + link.find_element(By.XPATH, "../..").get_attribute("id"))


def test_the_figures_on_the_page_equal_the_result_json(browser, report):
    from selenium.webdriver.common.by import By

    gold, page, result = report
    open_page(browser, page)
    for layer, key in HEADLINE_COUNTS.items():
        counts = result["evaluation"]["layers"][layer]["counts"][key]
        row = browser.find_element(By.CSS_SELECTOR, f'#headline tr[data-layer="{layer}"]')
        shown = [row.find_element(By.CSS_SELECTOR, f"td.{name}").text for name in ("tp", "fp-count", "fn-count")]
        assert shown == [str(counts["tp"]), str(counts["fp"]), str(counts["fn"])], layer
        assert row.find_element(By.CSS_SELECTOR, "td:nth-child(3)").text == f"{result['evaluation']['headlines'][layer]['value']:.3f}"
        sums = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, f'#kinds tr[data-layer="{layer}"] td')[6:]]
        assert [text.split(" = ")[0] for text in sums] == shown, layer
        for number, document in enumerate(result["evaluation"]["layers"][layer]["documents"], 1):
            header = browser.find_element(By.CSS_SELECTOR, f"#a{number}-{layer} h3").text
            headline = document["counts"][key]
            assert f"TP {headline['tp']} · FP {headline['fp']} · FN {headline['fn']}" in header, (layer, number)


def test_print_keeps_the_badges_and_a_screenshot_of_the_first_article(browser, report, tmp_path):
    from selenium.webdriver.common.by import By

    gold, page, _ = report
    open_page(browser, page)
    browser.execute_script("location.hash = 'a1'")
    shot = tmp_path / "first-article.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.ID, "errors-only").is_displayed()
        badges = browser.find_elements(By.CSS_SELECTOR, "#a1 .rows .b")
        assert badges and all(badge.is_displayed() for badge in badges[:40])
        dates = visible_text(browser, '#a1-dates [data-side="gold"]')
        assert {d.value for d in gold[0].dates} <= set(dates.split())
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_no_side_runs_past_its_row_however_long_its_badges(browser, tmp_path):
    """A long badge (a quote's, with speaker, cue and counterpart) wraps inside its column instead
    of widening it: both sides of every row stay inside the row (they ran past it, text cut off)."""
    gold = load_gold()
    document = gold[0]
    quote = document.quotes[0]
    other = "indirect" if quote.type == "direct" else "direct"
    prediction = Prediction(id=document.id, quotes=(dataclasses.replace(quote, type=other),))
    run = tmp_path / "one-quote.jsonl"
    write_predictions(run, [prediction])
    score(predictions=run, gold=gold, html=tmp_path / "report.html", bootstrap_samples=10)
    open_page(browser, tmp_path / "report.html")
    page_height(browser)  # every article laid out
    overflowing = browser.execute_script("""
        const found = [];
        document.querySelectorAll('.rows .row:not(.plain)').forEach(row => {
          const box = row.getBoundingClientRect();
          if (box.width === 0) return;
          row.querySelectorAll(':scope > .cell').forEach(cell => {
            const right = cell.getBoundingClientRect().right;
            if (right > box.right + 1 || cell.scrollWidth > cell.clientWidth + 1) found.push(cell.textContent.slice(0, 60));
          });
        });
        return found;""")
    assert overflowing == []
