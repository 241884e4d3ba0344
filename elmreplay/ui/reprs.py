"""Static HTML and plain-text reprs of the toolkit's rich objects.

They show what the objects already hold (counts, positions, verdicts) and never replay, load
components or diff states, so they are instant and safe to call from any display hook. The text
forms contain no memory addresses or timings, so notebooks that print them stay comparable.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    from ..replay.session import ReplaySession
    from ..replay.verify import VerifyReport
    from ..replay.whatif import CounterfactualReport

#: Rows a static table shows before "… N more".
TABLE_LIMIT = 50

OK_COLOR = "#1a7f37"
BAD_COLOR = "#cf222e"

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


def verdict(ok: bool, text: str) -> str:
    return f"<b style='color:{OK_COLOR if ok else BAD_COLOR}'>{esc(text)}</b>"


def mimebundle(text: str, html_text: str) -> dict[str, str]:
    return {"text/plain": text, "text/html": html_text}


# --- ReplaySession -------------------------------------------------------------------------


def session_lines(session: ReplaySession) -> list[str]:
    pos = session.position
    where = "before the first record" if pos < 0 else f"after record #{pos} ({session.records[pos].kind.value})"
    lines = [
        f"ReplaySession over {session.store.name!r}: {len(session)} records, {where}",
        f"  app config: {session.host.app_config_hash or '-'}",
        f"  checkpoints: {session.checkpoint_count} every {session.checkpoint_every} records "
        f"({session.checkpoint_bytes} bytes of {session.memory_budget})",
        f"  live states held in V8: {session.live_checkpoint_count} every {session.live_every} records"
        if session.live_checkpoints
        else "  live states held in V8: off",
        f"  stored reductions as starting points: {'yes' if session.use_reductions else 'no'}",
    ]
    if session.first_index > 0:
        lines.append(f"  history starts at the reduction of record #{session.first_index}")
    if session.logs:
        lines.append(f"  app log lines: {len(session.logs)}")
    return lines


def session_text(session: ReplaySession) -> str:
    return "\n".join(session_lines(session))


def session_html(session: ReplaySession) -> str:
    head, *rest = session_lines(session)
    items = "".join(f"<li>{esc(x.strip())}</li>" for x in rest)
    return f"<div class='elmreplay-session'><b>{esc(head)}</b><ul>{items}</ul></div>"


# --- VerifyReport --------------------------------------------------------------------------


def verify_text(report: VerifyReport) -> str:
    return str(report)


def verify_html(report: VerifyReport) -> str:
    head = str(report).splitlines()[0]
    rows = (
        (f"#{c.index}", short_hash(c.record_hash), "yes" if c.matches else "NO", "yes" if c.app_config_matches else "NO", c.note)
        for c in (report.mismatches or report.checks)
    )
    shown = report.mismatches or report.checks
    caption = "mismatches" if report.mismatches else "reductions checked"
    body = table(("record", "hash", "state matches", "app config matches", "note"), rows, total=len(shown))
    skipped = "".join(f"<li>{esc(s)}</li>" for s in report.skipped)
    return (
        f"<div class='elmreplay-verify'>{verdict(report.ok, head)}"
        f"<details{' open' if report.mismatches else ''}><summary>{len(shown)} {caption}</summary>{body}</details>"
        + (f"<p>skipped:</p><ul>{skipped}</ul>" if skipped else "")
        + ("<p>See <code>report.mismatches[k].diff()</code> for what differs.</p>" if report.mismatches else "")
        + "</div>"
    )


# --- CounterfactualReport ------------------------------------------------------------------


def counterfactual_text(report: CounterfactualReport) -> str:
    lines = [report.summary_line()]
    first = report.first_divergence
    if first is not None:
        what = " and ".join(w for w, d in (("response", first.response_differs), ("state", first.state_differs)) if d)
        lines.append(f"  first divergence: record #{first.index} {first.record_hash} ({what} differs)")
    return "\n".join(lines)


def counterfactual_html(report: CounterfactualReport) -> str:
    ok = report.deploy.accepted
    diverging = [e for e in report.events if e.response_differs or e.state_differs]
    parts = [f"<div class='elmreplay-counterfactual'>{verdict(ok, report.summary_line())}"]
    if not ok:
        parts.append(f"<pre style='white-space:pre-wrap'>{esc(report.deploy.message)}</pre>")
    if diverging:
        rows = (
            (f"#{e.index}", short_hash(e.record_hash), "yes" if e.response_differs else "", "yes" if e.state_differs else "")
            for e in diverging
        )
        parts.append(
            f"<details><summary>{len(diverging)} of {len(report.events)} later events diverge</summary>"
            + table(("record", "hash", "response differs", "state differs"), rows, total=len(diverging))
            + "</details>"
        )
    parts.append("</div>")
    return "".join(parts)
