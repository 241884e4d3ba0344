"""Keyboard shortcuts for the timeline: ←/→ step, space plays and pauses, Home/End jump.

A small anywidget showing the shortcuts as a hint. Its JavaScript listens for keys on the whole
timeline (which it makes focusable) and sends them to Python. Keys typed into text boxes, drop
downs, the event list or the slider stay theirs. The timeline is marked so that JupyterLab's own
notebook shortcuts do not take these keys while it has focus.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import anywidget

#: Browser key -> the name sent to Python.
KEYS = {"ArrowLeft": "left", "ArrowRight": "right", " ": "space", "Home": "home", "End": "end"}

HINT = "\u2328 \u2190/\u2192 step \u00b7 space play/pause \u00b7 Home/End first/last"

_ESM = r"""
const KEYS = %s;
const OWN = "input, textarea, select, [contenteditable], .widget-slider, .widget-select";

function attach(model, el) {
  const root = el.closest(".elmreplay-timeline");
  if (!root) return false;
  if (root.dataset.elmreplayKeys) return true;
  root.dataset.elmreplayKeys = "1";
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  if (!root.hasAttribute("tabindex")) root.tabIndex = 0;
  root.addEventListener("keydown", (e) => {
    const key = KEYS[e.key];
    if (!key || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target.closest && e.target.closest(OWN)) return;
    e.preventDefault();
    e.stopPropagation();
    model.send({ key });
  });
  // a click anywhere in the timeline (not in a control) gives it the keyboard
  root.addEventListener("mousedown", (e) => {
    if (!(e.target.closest && e.target.closest(OWN + ", button, summary, .cp"))) setTimeout(() => root.focus({ preventScroll: true }), 0);
  });
  return true;
}

function render({ model, el }) {
  el.innerHTML = `<span class="elmreplay-keys" style="font-size:11px;color:#57606a"
    title="click an empty spot of the timeline first, so that it has the keyboard">%s</span>`;
  let tries = 0;
  const wait = () => { if (!attach(model, el) && tries++ < 200) setTimeout(wait, 50); };
  wait();
}
export default { render };
"""


class Keyboard(anywidget.AnyWidget):
    """Sends ``left``, ``right``, ``space``, ``home`` and ``end`` to ``on_key``."""

    _esm = _ESM % (json.dumps(KEYS), HINT)

    def __init__(self, on_key: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_key = on_key
        self.on_msg(self._handle)

    def _handle(self, widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("key") in KEYS.values():
            self._on_key(content["key"])

    def __repr__(self) -> str:
        return "Keyboard(" + ", ".join(KEYS.values()) + ")"
