"""The timeline in a real JupyterLab, in headless Chromium: run a notebook that shows it, click
step, switch to the diff tab, move the slider, and check the panes changed in the widget DOM.

Skips (with the reason) when Chromium or Playwright is missing. Saves ``artifacts/timeline.png``.
"""

from __future__ import annotations

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

from playwright.sync_api import Page, sync_playwright  # noqa: E402

NOTEBOOK_CELLS = [
    "import elmreplay\n"
    "from elmreplay.ui.timeline import Timeline\n"
    "store = elmreplay.open_store('sample_histories/tracker/store')",
    "timeline = Timeline(store, index=2624)\ntimeline",
]

KERNEL_IDLE = """() => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle'
    && !!w.content && w.content.widgets.length === %d;
}"""


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


def pane(page: Page, name: str) -> str:
    """The inner HTML of one of the timeline's panes (state, diff, ...), as the DOM holds it."""
    index = ["state", "diff", "event", "response"].index(name)
    return str(page.locator(".elmreplay-timeline .elmreplay-pane").nth(index).inner_html())


def header(page: Page) -> str:
    return str(page.locator(".elmreplay-timeline .elmreplay-header").inner_html())


def wait_for_header(page: Page, index: int) -> None:
    page.wait_for_function(
        "i => { const h = document.querySelector('.elmreplay-timeline .elmreplay-header');"
        " return !!h && h.innerHTML.includes('<b>#' + i + '</b>'); }",
        arg=index,
        timeout=WAIT_MS,
    )


def test_timeline_steps_and_slides_in_jupyterlab(lab: Lab) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "timeline-failure.png").unlink(missing_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        try:
            page.goto(lab.url("lab/tree/timeline.ipynb"), timeout=WAIT_MS)
            page.wait_for_function(KERNEL_IDLE % len(NOTEBOOK_CELLS), timeout=WAIT_MS)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

            # the widget rendered (widget manager present): its DOM, not its text fallback
            page.wait_for_selector(".jupyter-widgets.elmreplay-timeline .elmreplay-pane .elmreplay-tree", timeout=WAIT_MS)
            assert page.locator(".elmreplay-timeline .widget-slider").count() == 1
            assert page.locator(".elmreplay-timeline .widget-select select option").count() == 15  # one page
            wait_for_header(page, 2624)
            state_before = pane(page, "state")

            # step: the state pane shows the next record's state (2625: Dave's rename)
            page.locator(".elmreplay-timeline button[title='next record']").click()
            wait_for_header(page, 2625)
            page.wait_for_function(
                "before => document.querySelectorAll('.elmreplay-timeline .elmreplay-pane')[0].innerHTML !== before",
                arg=state_before,
                timeout=WAIT_MS,
            )
            assert pane(page, "state") != state_before

            # the diff tab computes when shown: record 2625 against 2624
            page.locator(".elmreplay-timeline .lm-TabBar-tab", has_text="diff").click()
            page.wait_for_selector(".elmreplay-timeline .elmreplay-pane .elmreplay-statediff", timeout=WAIT_MS)
            diff_before = pane(page, "diff")
            assert "#2624 -&gt; #2625" in diff_before

            # the slider, set through its readout, moves to the next rename (Erin's)
            readout = page.locator(".elmreplay-timeline .widget-slider .widget-readout")
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("2961")
            page.keyboard.press("Enter")
            wait_for_header(page, 2961)
            page.wait_for_function(
                "before => document.querySelectorAll('.elmreplay-timeline .elmreplay-pane')[1].innerHTML !== before",
                arg=diff_before,
                timeout=WAIT_MS,
            )
            diff_after = pane(page, "diff")
            assert "#2960 -&gt; #2961" in diff_after
            assert page.locator(".elmreplay-timeline .elmreplay-statediff tbody tr").count() > 10
            page.locator(".elmreplay-timeline").screenshot(path=str(ARTIFACTS / "timeline.png"))
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "timeline-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert (ARTIFACTS / "timeline.png").stat().st_size > 10_000
    shutil.copy(lab.log, ARTIFACTS / "lab.log")
