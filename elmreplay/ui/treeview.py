"""The state tree as a widget that keeps the reader's place.

The tree's HTML comes from :func:`elmreplay.ui.tree.state_tree`; this widget shows it and
reports back what the reader does in the browser: which nodes they open or close (by path, in
``expanded``, which the timeline passes to the next render, so a step keeps them open), which
path they copied (``copied``; it also goes to the clipboard), and which collection they asked to
see more of (a message the timeline answers by raising that path's page).

An anywidget: its JavaScript is the small module below, shipped in the Python package (no build
step). Where no widget frontend runs, the same HTML shows as plain ``<details>`` elements.
"""

from __future__ import annotations

from typing import Any, Callable

import anywidget
import traitlets

_ESM = r"""
function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).catch(() => {});
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  document.body.appendChild(area);
  area.select();
  try { document.execCommand("copy"); } catch (e) {}
  area.remove();
}

function render({ model, el }) {
  el.classList.add("elmreplay-treeview");
  const box = document.createElement("div");
  el.appendChild(box);
  // toggles the browser fires for nodes drawn open are not the reader's: skip them
  let drawnOpen = new WeakMap();
  const touched = new WeakSet();
  const draw = () => {
    box.innerHTML = model.get("value");
    drawnOpen = new WeakMap();
    for (const d of box.querySelectorAll("details")) drawnOpen.set(d, d.open);
  };
  draw();
  model.on("change:value", draw);
  box.addEventListener("toggle", (e) => {
    const d = e.target;
    if (!(d instanceof HTMLDetailsElement)) return;
    if (!touched.has(d) && drawnOpen.get(d) === d.open) return;
    touched.add(d);
    const li = d.parentElement;
    if (!li || li.dataset.path === undefined) return;
    const expanded = { ...model.get("expanded") };
    expanded[li.dataset.path] = d.open;
    model.set("expanded", expanded);
    model.save_changes();
  }, true);
  box.addEventListener("click", (e) => {
    const cp = e.target.closest(".cp");
    if (cp) {
      e.preventDefault();
      e.stopPropagation();
      copyText(cp.dataset.path);
      model.set("copied", cp.dataset.path);
      model.save_changes();
      cp.textContent = "copied";
      setTimeout(() => { cp.textContent = "copy path"; }, 1200);
      return;
    }
    const more = e.target.closest("[data-more]");
    if (more) model.send({ more: more.dataset.more });
  });
}
export default { render };
"""


class StateTreeView(anywidget.AnyWidget):
    """Shows a state tree's HTML (``value``); ``expanded`` and ``copied`` come from the browser.

    Parameters
    ----------
    on_more
        Called with a collection's path when the reader clicks its "… N more" line.
    """

    _esm = _ESM
    value = traitlets.Unicode("").tag(sync=True)
    expanded = traitlets.Dict(default_value={}).tag(sync=True)
    copied = traitlets.Unicode("").tag(sync=True)

    def __init__(self, on_more: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_more = on_more
        self.on_msg(self._handle)

    def _handle(self, widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and isinstance(content.get("more"), str) and self._on_more is not None:
            self._on_more(content["more"])

    def __repr__(self) -> str:
        return f"StateTreeView({len(self.expanded)} nodes toggled)"
