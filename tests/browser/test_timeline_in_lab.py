"""The timeline in a real JupyterLab, in headless Chromium, used as a person uses it: a default
``Timeline(store)`` on the tracker sample; drag the slider handle, play, pause, change the speed,
keys, click an error row, expand a node, step and find it still expanded, search the state, copy a path,
skip an event. Every check is on the widget DOM (never on a text fallback).

Skips (with the reason) when Chromium or Playwright is missing. Screenshots go to ``artifacts/``
(not committed): ``timeline-*.png``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Iterator

import nbformat
import pytest

from .lab import CHROMIUM, CHROMIUM_ARGS, Lab, missing_requirements, start_lab

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
WAIT_MS = 120_000

_reason = missing_requirements()
if _reason is not None:
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import Locator, Page, sync_playwright  # noqa: E402

NOTEBOOK_CELLS = [
    "import elmreplay\n"
    "from elmreplay.ui.timeline import Timeline\n"
    "store = elmreplay.open_store('sample_histories/tracker/store')",
    "timeline = Timeline(store)\ntimeline",
]

KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle'
    && !!w.content && w.content.widgets.length === %d;
}"""

TL = ".jupyter-widgets.elmreplay-timeline"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("lab-root")
    # Lab autosaves what it opens: it gets a copy of the notebook and a link to the samples
    (root / "sample_histories").symlink_to(REPO / "sample_histories", target_is_directory=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in NOTEBOOK_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "timeline.ipynb")
    server = start_lab(root, tmp_path_factory.mktemp("lab-home"))
    yield server
    server.stop()


def header(page: Page) -> str:
    return str(page.locator(f"{TL} .elmreplay-header").first.inner_html())


def shown_index(page: Page) -> int:
    m = re.search(r"<b>#(\d+)</b>", header(page))
    assert m, header(page)
    return int(m.group(1))


def _wait_header(page: Page, index: int, *, shows: bool) -> None:
    """Until the header shows record ``index`` (``shows``) or another one."""
    page.wait_for_function(
        "([i, shows]) => { const h = document.querySelector('.elmreplay-timeline .elmreplay-header');"
        " return !!h && h.innerHTML.includes('<b>#' + i + '</b>') === shows; }",
        arg=[index, shows],
        timeout=WAIT_MS,
    )


def wait_for_header(page: Page, index: int) -> None:
    _wait_header(page, index, shows=True)


def wait_until_moved(page: Page, before: int) -> int:
    _wait_header(page, before, shows=False)
    return shown_index(page)


def wait_for_state(page: Page, index: int) -> None:
    """The state pane shows the state after record ``index`` (it is computed after the header)."""
    page.locator(f"{TL} .elmreplay-treeview .elmreplay-state[data-index='{index}']").wait_for(timeout=WAIT_MS)


def tree(page: Page) -> Locator:
    return page.locator(f"{TL} .elmreplay-treeview .elmreplay-tree")


def button(page: Page, title: str) -> Locator:
    return page.locator(f"{TL} button[title='{title}']")


def shot(page: Page, name: str) -> None:
    page.locator(TL).screenshot(path=str(ARTIFACTS / f"timeline-{name}.png"))


def test_timeline_as_a_person_uses_it(lab: Lab) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "timeline-failure.png").unlink(missing_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1700})
        try:
            page.goto(lab.url("lab/tree/timeline.ipynb"), timeout=WAIT_MS)
            page.wait_for_function(KERNEL_IDLE % len(NOTEBOOK_CELLS), timeout=WAIT_MS)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

            # the widgets rendered (widget manager and anywidget present), with the errors marked
            tree(page).wait_for(timeout=WAIT_MS)
            wait_for_state(page, 0)
            track = page.locator(f"{TL} .elmreplay-track")
            assert "error (184)" in track.inner_text()
            assert track.locator("rect[fill='#cf222e']").count() > 50
            assert page.locator(f"{TL} .widget-select select option").count() == 15  # one page
            assert page.locator(f"{TL} .elmreplay-columns abbr[title]").count() >= 9  # every column explained
            wait_for_header(page, 0)
            shot(page, "1-opened")

            # drag the slider handle to about two thirds
            handle = page.locator(f"{TL} .widget-slider .noUi-handle")
            rail = page.locator(f"{TL} .widget-slider .noUi-target").bounding_box()
            box = handle.bounding_box()
            assert rail is not None and box is not None
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.mouse.move(rail["x"] + rail["width"] * 0.66, box["y"] + box["height"] / 2, steps=12)
            page.mouse.up()
            dragged = wait_until_moved(page, 0)
            assert 2000 < dragged < 3300, dragged

            # play at 8x, pause: the position stays where it paused (no jump back to #0)
            speed = page.locator(f"{TL} .widget-dropdown select").first
            speed.select_option(label="8x")
            play = page.locator(f"{TL} .widget-toggle-button", has_text="play")
            play.click()
            wait_until_moved(page, dragged)
            page.locator(f"{TL} .widget-toggle-button", has_text="pause").click()
            page.locator(f"{TL} .widget-toggle-button", has_text="play").wait_for(timeout=WAIT_MS)
            paused = shown_index(page)
            assert paused > dragged
            page.wait_for_timeout(600)
            assert shown_index(page) == paused
            speed.select_option(label="0.25x")
            assert speed.locator("option:checked").inner_text() == "0.25x"

            # keyboard: click an empty spot of the timeline, then → → ← End Home
            page.locator(f"{TL} .elmreplay-header").first.click()
            page.keyboard.press("ArrowRight")
            wait_for_header(page, paused + 1)
            page.keyboard.press("ArrowRight")
            wait_for_header(page, paused + 2)
            page.keyboard.press("ArrowLeft")
            wait_for_header(page, paused + 1)
            page.keyboard.press("End")
            wait_for_header(page, 3972)
            page.keyboard.press("Home")
            wait_for_header(page, 0)
            page.keyboard.press(" ")  # space plays ...
            wait_until_moved(page, 0)
            page.keyboard.press(" ")  # ... and pauses
            page.locator(f"{TL} .widget-toggle-button", has_text="play").wait_for(timeout=WAIT_MS)

            # click an error row of the list: the first page holds #3, answered 400
            button(page, "first record (Home)").click()
            wait_for_header(page, 0)
            error_row = page.locator(f"{TL} .widget-select select option", has_text=re.compile(r"^#3\s+!\s"))
            assert re.search(r"\s400\s+op=close", error_row.inner_text())  # the list pads with no-break spaces
            error_row.click()
            wait_for_header(page, 3)
            assert "error" in header(page) and "status 400" in header(page)

            # jump to the next error from there
            page.locator(f"{TL} button", has_text="next \u25b6").click()
            after_jump = wait_until_moved(page, 3)
            assert after_jump > 3 and "error" in header(page)

            # go to the rename (#2625) through the filter, expand .issues and one issue, step: still expanded
            text_filter = page.locator(f"{TL} input[placeholder^='filter rows']")
            text_filter.fill("rename")
            text_filter.press("Enter")
            page.locator(f"{TL} .widget-select select option", has_text=re.compile(r"^#2625\s")).click()
            wait_for_header(page, 2625)
            wait_for_state(page, 2625)
            issues = tree(page).locator("li[data-path='.issues'] > details")
            issues.locator("> summary").click()
            issue = tree(page).locator("li[data-path='.issues[2]'] > details")
            issue.locator("> summary").click()
            assert issue.evaluate("d => d.open")
            changed = tree(page).locator("li.chg[data-path='.issues[2].assignee']")
            assert changed.count() == 1  # the rename cleared it: highlighted
            shot(page, "2-expanded-and-highlighted")
            page.wait_for_timeout(300)  # the toggles reach the kernel
            button(page, "next record (\u2192)").click()
            wait_for_header(page, 2626)
            wait_for_state(page, 2626)
            assert tree(page).locator("li.chg[data-path='.issues[2].assignee']").count() == 0  # #2626 did not change it
            assert tree(page).locator("li[data-path='.issues'] > details").evaluate("d => d.open")
            assert tree(page).locator("li[data-path='.issues[2]'] > details").evaluate("d => d.open")
            assert tree(page).locator("li[data-path='.issues[2].assignee']").count() == 1
            shot(page, "3-stepped-still-expanded")

            # search the state
            search = page.locator(f"{TL} input[placeholder^='search the state']")
            search.fill("Kowalski")
            search.press("Enter")
            tree(page).locator("li.hit").first.wait_for(timeout=WAIT_MS)
            assert "Kowalski" in tree(page).inner_text()
            assert tree(page).locator("li[data-path='.issues']").count() == 0  # only matching branches
            assert tree(page).locator("li.hit[data-path='.users[\"dave\"].displayName']").count() == 1
            shot(page, "4-search")

            # copy the path of the match (the link shows on hover)
            hit = tree(page).locator("li.hit[data-path='.users[\"dave\"].displayName']")
            hit.hover()
            hit.locator("> .cp").click()
            page.locator(f"{TL} code", has_text='.users["dave"].displayName').wait_for(timeout=WAIT_MS)
            search.fill("")
            search.press("Enter")
            tree(page).locator("li[data-path='.issues']").wait_for(timeout=WAIT_MS)

            # skip the rename: the header says it is a counterfactual
            button(page, "previous record (\u2190)").click()
            wait_for_header(page, 2625)
            wait_for_state(page, 2625)
            page.locator(f"{TL} .widget-toggle-button", has_text="skip this event").click()
            banner = page.locator(f"{TL} .elmreplay-counterfactual").first
            banner.wait_for(timeout=WAIT_MS)
            assert "COUNTERFACTUAL" in banner.inner_text() and "nothing is written" in banner.inner_text()
            button(page, "next record (\u2192)").click()
            wait_for_header(page, 2626)
            page.locator(f"{TL} .elmreplay-treeview .elmreplay-counterfactual").wait_for(timeout=WAIT_MS)
            shot(page, "5-skip-counterfactual")
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "timeline-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    for name in ("1-opened", "2-expanded-and-highlighted", "3-stepped-still-expanded", "4-search", "5-skip-counterfactual"):
        assert (ARTIFACTS / f"timeline-{name}.png").stat().st_size > 10_000
    shutil.copy(lab.log, ARTIFACTS / "lab.log")
