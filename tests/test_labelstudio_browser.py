"""Annotating in Label Studio's web page as a person does, then pulling the work back.

A real Label Studio server (fixture ``label_studio_server``) and a real headless Chromium
driven by Selenium: log in, open the task, draw regions by dragging the mouse over the text
(the browser makes the selection, Label Studio's JavaScript computes the offsets), label them,
fill their per-region fields, link a quote to its speaker and cue, submit. Then
``frnewsbench labelstudio pull`` must bring back exactly those spans.

The article puts a non-BMP character (𝕏, two UTF-16 units) before every span, so an offset
counted in UTF-16 by the page would be one too far; the entity contains an elision (``d’``)
and the quote a no-break space and a narrow no-break space.

Marked ``browser`` and ``labelstudio``: ``pytest -m browser`` selects it. It is skipped when
Chromium, chromedriver or selenium are missing only outside CI; in CI it fails instead.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from conftest import LABEL_STUDIO_PASSWORD, LABEL_STUDIO_USER, headless_chromium
from helpers import span
from test_labelstudio_convert import document_b, make_document, snapshot, without_layers, write_corpus

from frnewsbench.cli import main
from frnewsbench.corpus import write_document
from frnewsbench.schema import Entity, Quote, TimeExpression

pytestmark = [pytest.mark.browser, pytest.mark.labelstudio]

NBSP, NNBSP = "\u00a0", "\u202f"
TEXT = ("Sur 𝕏, le 28 février, la ministre a parlé de la Côte d’Ivoire.\n"
        f"« L’inflation atteint 4,5{NBSP}%{NNBSP}: c’est trop{NBSP}», a déclaré la ministre.")
QUOTE = f"L’inflation atteint 4,5{NBSP}%{NNBSP}: c’est trop"
PROJECT = "frnewsbench in the browser"
PAGE_TIMEOUT = 180.0  # the first page load compiles the editor's bundle on a busy 2-core machine
STEP_TIMEOUT = 60.0

# Offsets counted by hand, in code points: "Sur 𝕏, le " is 10 characters (𝕏 counts 1), so
# "28 février" is [10, 20); "Côte d’Ivoire" (13 characters) starts after the 48 of
# "Sur 𝕏, le 28 février, la ministre a parlé de la ". Line 2 starts at 63 (62 + the newline):
# "« " puts the quote at 65, 38 characters long; ", a déclaré la ministre" follows "{NBSP}»".
EXPECTED = {"Côte d’Ivoire": (48, 61), "28 février": (10, 20), QUOTE: (65, 103), "a déclaré": (107, 116),
            "la ministre": (117, 128)}

# The rectangle of one character of the rendered text, found by its line and its UTF-16 offset
# in that line (the DOM counts UTF-16 units; regions already drawn split the text nodes).
CHARACTER_RECTANGLE = """
const [line, unit] = arguments;
const element = document.querySelectorAll('.lsf-richtext__line')[line];
const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
let seen = 0, node;
while ((node = walker.nextNode())) {
  if (unit < seen + node.length) {
    const range = document.createRange();
    range.setStart(node, unit - seen);
    range.setEnd(node, unit - seen + 1);
    const box = range.getBoundingClientRect();
    return [box.left, box.right, box.top, box.bottom];
  }
  seen += node.length;
}
return null;
"""


@pytest.fixture
def browser():
    profile = tempfile.mkdtemp(prefix="frnewsbench-chromium-")
    driver = headless_chromium(Path(profile))
    driver.set_page_load_timeout(PAGE_TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


class LabelingPage:
    """Label Studio's labeling page for one task, used with the mouse and the keyboard."""

    def __init__(self, driver, url: str, text: str):
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver, self.url, self.text = driver, url, text
        self.wait = WebDriverWait(driver, STEP_TIMEOUT)

    def log_in(self, user: str, password: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(f"{self.url}/user/login/")
        WebDriverWait(self.driver, PAGE_TIMEOUT).until(lambda d: d.find_elements(By.NAME, "email"))
        self.driver.find_element(By.NAME, "email").send_keys(user)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(self.driver, PAGE_TIMEOUT).until(lambda d: "/user/login" not in d.current_url)

    def open_task(self, project_id: int, task_id: int) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(f"{self.url}/projects/{project_id}/data?task={task_id}")
        WebDriverWait(self.driver, PAGE_TIMEOUT).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, ".lsf-richtext__line")) == self.text.count("\n") + 1)
        shown = self.driver.execute_script(
            "return [...document.querySelectorAll('.lsf-richtext__line')].map(line => line.textContent).join('\\n')")
        assert shown == self.text  # the page shows the text as stored: no-break spaces and 𝕏 included

    def _character_box(self, offset: int) -> tuple[float, float, float, float]:
        line = self.text.count("\n", 0, offset)
        line_start = self.text.rfind("\n", 0, offset) + 1
        unit = len(self.text[line_start:offset].encode("utf-16-le")) // 2
        box = self.driver.execute_script(CHARACTER_RECTANGLE, line, unit)
        assert box is not None, f"character {offset} is not rendered"
        return tuple(box)

    def drag_over(self, start: int, end: int) -> None:
        """Press the mouse on the first character's left part, release it on the last one's right part."""
        from selenium.webdriver.common.actions.action_builder import ActionBuilder

        left, right, top, bottom = self._character_box(start)
        last_left, last_right, last_top, last_bottom = self._character_box(end - 1)
        actions = ActionBuilder(self.driver)
        actions.pointer_action.move_to_location(int(left + (right - left) * 0.3), int((top + bottom) / 2))
        actions.pointer_action.pointer_down()
        actions.pointer_action.move_to_location(int((last_left + last_right) / 2), int((last_top + last_bottom) / 2))
        actions.pointer_action.move_to_location(int(last_right - (last_right - last_left) * 0.3),
                                                int((last_top + last_bottom) / 2))
        actions.pointer_action.pointer_up()
        actions.perform()

    def _label(self, name: str):
        from selenium.webdriver.common.by import By

        return self.wait.until(lambda d: next(
            (label for label in d.find_elements(By.CSS_SELECTOR, ".lsf-label")
             if label.find_element(By.CSS_SELECTOR, ".lsf-label__text").text == name), None))

    def highlight(self, start: int, end: int):
        """The region Label Studio drew at ``[start, end)`` (its own data-start/data-end attributes)."""
        from selenium.webdriver.common.by import By

        return self.wait.until(lambda d: d.find_element(
            By.CSS_SELECTOR, f'.htx-highlight[data-start="{start}"][data-end="{end}"]'))

    def draw(self, label: str, needle: str, occurrence: int = 1):
        """Pick the label, drag over the ``occurrence``-th ``needle``; the region Label Studio made."""
        start = -1
        for _ in range(occurrence):
            start = self.text.index(needle, start + 1)
        end = start + len(needle)
        self._label(label).click()
        self.drag_over(start, end)
        region = self.highlight(start, end)
        self.unselect()
        return region

    def unselect(self) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        ActionChains(self.driver).send_keys(Keys.ESCAPE).perform()

    def type_into(self, field: str, value: str) -> None:
        """Type into the selected region's text field ``field`` and press Enter."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as EC

        box = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, f'input[name="{field}"]')))
        box.click()
        box.send_keys(value)
        box.send_keys(Keys.ENTER)
        shown = f'[data-testid="htx-textbox-content"][name^="{field}:"]'  # the value kept for the region
        self.wait.until(lambda d: any(e.text == value for e in d.find_elements(By.CSS_SELECTOR, shown)))

    def choose(self, value: str) -> None:
        """Tick the selected region's choice ``value``."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC

        self.wait.until(EC.visibility_of_element_located(
            (By.XPATH, f'//input[@name="{value}"]/ancestor::label'))).click()
        self.wait.until(lambda d: d.find_element(By.XPATH, f'//input[@name="{value}"]').is_selected())

    def press(self, aria_label: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC

        self.wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, f'button[aria-label="{aria_label}"]'))).click()

    def relate(self, source, target, count_after: int) -> None:
        """Select ``source``, press "Create Relation", click ``target``."""
        from selenium.webdriver.common.by import By

        source.click()
        self.press("Create Relation")
        target.click()
        self.unselect()
        self.open_relations()
        self.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".lsf-relations__item")) == count_after)

    def open_relations(self) -> None:
        from selenium.webdriver.common.by import By

        self.wait.until(lambda d: d.find_element(By.XPATH, '//*[text()="Relations"]')).click()

    def label_relation(self, index: int, value: str) -> None:
        """Hover the ``index``-th relation, open its labels, pick ``value``."""
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By

        item = self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".lsf-relations__item")[index])
        ActionChains(self.driver).move_to_element(item).perform()
        show = self.wait.until(lambda d: next(
            (b for b in item.find_elements(By.CSS_SELECTOR, 'button[aria-label="Show Relation Labels"]')
             if b.is_displayed()), None))
        show.click()
        self.wait.until(lambda d: next(
            (e for e in item.find_elements(By.XPATH, './/*[text()="Select labels"]') if e.is_displayed()), None)).click()
        self.wait.until(lambda d: next(
            (e for e in d.find_elements(By.XPATH, f'//*[normalize-space(text())="{value}"]') if e.is_displayed()),
            None)).click()
        self.unselect()


def _wait_for(what: str, condition, timeout: float = STEP_TIMEOUT):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"waited {timeout:.0f} s for {what}")


def test_an_annotation_made_in_the_web_page_comes_back_with_exact_offsets(tmp_path, label_studio_server, browser,
                                                                          monkeypatch, capsys):
    from label_studio_sdk import LabelStudio

    for needle, offsets in EXPECTED.items():
        occurrence = 2 if needle == "la ministre" else 1
        found = span(TEXT, needle, occurrence)
        assert (found.start, found.end) == offsets  # the hand count agrees with Python
    assert len(TEXT[:48].encode("utf-16-le")) // 2 == 49  # in UTF-16 the entity would start one later

    server = label_studio_server
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.token)
    live = make_document("doc-live", TEXT)
    folder = write_corpus(tmp_path / "annotations", [live, document_b()])  # doc-b: gold already there
    assert main(["labelstudio", "push", "--project", PROJECT, "--url", server.url, "--annotations", str(folder)]) == 0
    before = snapshot(folder)

    client = LabelStudio(base_url=server.url, api_key=server.token)
    (project,) = [p for p in client.projects.list() if p.title == PROJECT]
    task_ids = {task.data["doc_id"]: task.id for task in client.tasks.list(project=project.id)}

    page = LabelingPage(browser, server.url, TEXT)
    page.log_in(LABEL_STUDIO_USER, LABEL_STUDIO_PASSWORD)
    page.open_task(project.id, task_ids["doc-live"])

    country = page.draw("LOC", "Côte d’Ivoire")
    country.click()
    page.type_into("entity_id", "cote_d_ivoire")
    page.type_into("canonical_name", "Côte d’Ivoire")
    page.unselect()
    date = page.draw("DATE", "28 février")
    date.click()
    page.type_into("timex_value", "2023-02-28")
    page.unselect()
    quote = page.draw("Quote", QUOTE)
    speaker = page.draw("Speaker", "la ministre", occurrence=2)
    cue = page.draw("Cue", "a déclaré")
    quote.click()
    page.choose("direct")
    page.unselect()
    page.relate(quote, speaker, count_after=1)
    page.relate(quote, cue, count_after=2)
    page.label_relation(0, "speaker")
    page.label_relation(1, "cue")
    page.press("Submit current annotation")
    annotations = _wait_for("the submitted annotation on the server",
                            lambda: client.tasks.get(id=task_ids["doc-live"]).annotations)
    (annotation,) = annotations
    for item in annotation["result"]:  # the page's offsets are code points, and its text is text[start:end]
        if item["type"] == "labels":
            value = item["value"]
            assert value["text"] == TEXT[value["start"]:value["end"]]
            assert (value["start"], value["end"]) == EXPECTED[value["text"]]
    relations = sorted((item["labels"], item["from_id"]) for item in annotation["result"] if item["type"] == "relation")
    assert [labels for labels, _ in relations] == [["cue"], ["speaker"]]

    export = tmp_path / "export.json"
    capsys.readouterr()
    assert main(["labelstudio", "pull", "--project", PROJECT, "--url", server.url, "--annotations", str(folder),
                 "--save-export", str(export)]) == 0
    out = capsys.readouterr().out
    assert "doc-live:" in out and "entities +1 -0, dates +1 -0, quotes +1 -0" in out

    expected = make_document("doc-live", TEXT, entities=[
        Entity(48, 61, "Côte d’Ivoire", "LOC", "cote_d_ivoire", "Côte d’Ivoire"),
    ], dates=[
        TimeExpression(10, 20, "28 février", "DATE", "2023-02-28"),
    ], quotes=[
        Quote(span(TEXT, QUOTE), "direct", speaker=span(TEXT, "la ministre", 2), speaker_entity_id=None,
              cue=span(TEXT, "a déclaré")),
    ])
    write_document(expected, tmp_path / "expected.json")
    after = snapshot(folder)
    assert after["doc-live.json"] == (tmp_path / "expected.json").read_bytes()  # exactly the spans drawn
    assert {name: data for name, data in after.items() if name != "doc-live.json"} == \
        {name: data for name, data in before.items() if name != "doc-live.json"}  # nothing else changed
    assert sorted(after) == sorted(before)
    assert len(json.loads(export.read_text(encoding="utf-8"))) == 2
    assert without_layers(expected) == live
