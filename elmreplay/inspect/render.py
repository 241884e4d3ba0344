"""Small HTML helpers for the static reprs of the toolkit's reports and widgets.

Every report (replay sessions, verification, what-if and counterfactual reports) renders itself
with these, so the replay layer needs nothing from ``ui``. Reprs built with them show what an
object already holds (counts, positions, verdicts) and never replay, load components or diff
states: they are instant and safe in any display hook. Text forms contain no memory addresses or
timings, so notebooks that print them stay comparable.
"""

from __future__ import annotations

import html
from typing import Any, Iterable, Sequence

#: Rows a static table shows before "… N more".
TABLE_LIMIT = 50

OK_COLOR = "#1a7f37"
BAD_COLOR = "#cf222e"
#: Neither good nor bad news, but news: e.g. a counterfactual whose history diverges.
NOTE_COLOR = "#9a6700"

_TABLE_STYLE = "border-collapse:collapse;font-size:12px;text-align:left"


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def short_hash(h: str | None, n: int = 12) -> str:
    return "-" if not h else h[:n] + "\u2026"


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, total: int | None = None, limit: int = TABLE_LIMIT) -> str:
    """An escaped HTML table of at most ``limit`` rows; ``total`` rows exist in all."""
    shown = []
    for k, row in enumerate(rows):
        if k >= limit:
            break
        shown.append("<tr>" + "".join(f"<td style='padding:1px 8px'>{esc(c)}</td>" for c in row) + "</tr>")
    more = (total if total is not None else len(shown)) - len(shown)
    if more > 0:
        shown.append(f"<tr><td colspan='{len(headers)}' style='padding:1px 8px'>\u2026 {more} more</td></tr>")
    head = "".join(f"<th style='padding:1px 8px'>{esc(h)}</th>" for h in headers)
    return f"<table style='{_TABLE_STYLE}'><thead><tr>{head}</tr></thead><tbody>{''.join(shown)}</tbody></table>"


def verdict(ok: bool | None, text: str) -> str:
    """A headline in green (True), red (False) or amber (None: it differs, which is the finding)."""
    color = NOTE_COLOR if ok is None else OK_COLOR if ok else BAD_COLOR
    return f"<b style='color:{color}'>{esc(text)}</b>"


def mimebundle(text: str, html_text: str) -> dict[str, str]:
    return {"text/plain": text, "text/html": html_text}
