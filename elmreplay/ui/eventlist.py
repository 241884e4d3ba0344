"""The timeline's event list without any widget: rows, filters, pages, markers and statuses.

Filters are applied to the whole history *before* it is cut into pages, so a page never hides
a match that lies beyond it. Everything here works on the store's events table (no replay);
response statuses and errors become known as the timeline replays records and reports them.

A row says what the event did: its kind, the HTTP method and path, a short summary of the
request body (``op=rename userId="dave"`` for a JSON body; an app can pass its own
:data:`Summarizer`) and the response status. :data:`COLUMNS` and :data:`MARKS` explain every
column and mark (the timeline shows them as a legend with tooltips).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import numpy as np
import orjson
import pandas as pd

from ..store.records import RecordKind
from ..store.store import Store

#: Short names of record kinds, as the list shows them.
SHORT_KIND = {
    RecordKind.UPDATE.value: "event",
    RecordKind.DEPLOY_INIT.value: "deploy+init",
    RecordKind.DEPLOY_MIGRATE.value: "deploy+migrate",
    RecordKind.SET_STATE.value: "set-state",
    RecordKind.REVERT.value: "revert",
}

#: Marker kinds, in the order the track and the jump menu list them, with their colours.
MARKERS: dict[str, str] = {
    "deployment": "#0969da",
    "migration": "#8250df",
    "set-state": "#bf8700",
    "revert": "#bc4c00",
    "reduction": "#1a7f37",
    "error": "#cf222e",
}

#: Longest decoded HTTP body kept for the text filter.
BODY_SEARCH_LIMIT = 500
#: Width of the body summary in a row, and of one value inside it.
SUMMARY_WIDTH = 72
SUMMARY_VALUE_WIDTH = 24

#: Short names of app event types in a row's kind column.
SHORT_EVENT_TYPE = {
    "HttpRequestEvent": "http",
    "ArrivedAtTimeEvent": "time",
    "PosixTimeHasArrivedEvent": "time",
    "TaskCompleteEvent": "task",
}

#: The marks column of a row: one letter each (a blank where it does not apply).
MARKS: dict[str, str] = {
    "R": "a stored reduction (a snapshot of the state) exists for this record",
    "x": "reverted: a later RevertProcessTo hid this record",
    "!": "error: a 4xx/5xx response, an event the app could not decode, a failed app or a rejected set-state or migration",
}

#: The columns of a row, in order, with what each means.
COLUMNS: dict[str, str] = {
    "#": "record index: 0-based append order, as in `elmreplay events` and everywhere in elmreplay (reverted records count)",
    "marks": "R reduction, x reverted, ! error",
    "time": "host time of the record (UTC)",
    "kind": "http = HttpRequestEvent, time = ArrivedAtTimeEvent, task = TaskCompleteEvent; deploy+init, deploy+migrate, set-state, revert",
    "request": "HTTP method and path of the request",
    "status": "HTTP status of the app's response (-1: the app could not decode the event; blank: none or not replayed yet)",
    "what": "a summary of the request body: top-level JSON fields as key=value (or the app's own summarizer)",
}


@dataclass(frozen=True)
class EventFilter:
    """Which records the list shows: by short kind, by event type and by text (case-insensitive
    substring of the row and, for HTTP events, of the decoded request body). None: any."""

    kind: str | None = None
    event_type: str | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return self.kind is None and self.event_type is None and not self.text.strip()

    def describe(self) -> str:
        parts = [f"kind={self.kind}" if self.kind else "", f"type={self.event_type}" if self.event_type else ""]
        if self.text.strip():
            parts.append(f"text={self.text.strip()!r}")
        return " ".join(p for p in parts if p) or "none"


def decode_body(body_base64: Any, limit: int | None = None) -> str | None:
    """An HTTP body (base64) as text when it is UTF-8, else None."""
    if not isinstance(body_base64, str):
        return None
    try:
        raw = base64.b64decode(body_base64, validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return text if limit is None or len(text) <= limit else text[:limit] + "\u2026"


def _http_responses(response_json: str) -> list[dict[str, Any]] | None:
    """The ``completeHttpResponses`` of an app's response, or None when it is no
    ``DecodeEventSuccess`` (the app could not decode the event)."""
    try:
        obj = orjson.loads(response_json)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(obj, dict):
        return None
    success = obj.get("DecodeEventSuccess")
    if isinstance(success, list) and len(success) == 1:  # 2023+ tagged form
        success = success[0]
    if not isinstance(success, dict):
        return None
    completed = success.get("completeHttpResponses")
    return [c for c in completed if isinstance(c, dict)] if isinstance(completed, list) else []


def response_status(response_json: str | None, request_id: str | None = None) -> int | None:
    """The HTTP status the app answered the event with: the completed response for the event's
    own request id when present, else the first completed response; None when none completed.
    ``-1`` when the app failed to decode the event. Statuses of 400 and above (and -1) count
    as errors in the timeline."""
    if response_json is None:
        return None
    completed = _http_responses(response_json)
    if completed is None:
        return -1
    chosen = next((c for c in completed if c.get("httpRequestId") == request_id), completed[0] if completed else None)
    if chosen is None:
        return None
    response = chosen.get("response")
    status = response.get("statusCode") if isinstance(response, dict) else None
    return status if isinstance(status, int) else None


@dataclass(frozen=True)
class AppEvent:
    """One app event as a :data:`Summarizer` sees it.

    ``body`` is the decoded request body (UTF-8 text, None when there is none or it is not
    UTF-8) and ``body_json`` its JSON value when it parses (None otherwise); ``event`` is the
    whole event as recorded (e.g. ``{"HttpRequestEvent": {...}}``).
    """

    index: int
    event_type: str
    method: str
    path: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    body_json: Any = None
    event: Any = None


#: Turns an app event into the text of a row's "what" column; None falls back to the default.
Summarizer = Callable[[AppEvent], "str | None"]

_NO_JSON = object()


_BARE_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.:-]*\Z")


def _short_value(value: Any) -> str:
    if isinstance(value, str):
        if _BARE_WORD.match(value) and len(value) <= SUMMARY_VALUE_WIDTH:
            return value  # op=rename: a word needs no quotes
        text = value if len(value) <= SUMMARY_VALUE_WIDTH else value[: SUMMARY_VALUE_WIDTH - 1] + "\u2026"
        return orjson.dumps(text).decode("utf-8")
    text = orjson.dumps(value).decode("utf-8")
    if len(text) <= SUMMARY_VALUE_WIDTH:
        return text
    return f"[{len(value)} items]" if isinstance(value, list) else "{\u2026}"


def summarize_body(ev: AppEvent) -> str:
    """The default summary: a JSON object's top-level fields as ``key=value`` (strings quoted and
    cut, objects as ``{…}``, lists as ``[n]``), another JSON value or text as a cut string."""
    if isinstance(ev.body_json, dict):
        return " ".join(f"{k}={_short_value(v)}" for k, v in ev.body_json.items())
    if ev.body_json is not None:
        return _short_value(ev.body_json)
    if ev.body:
        return "(not JSON) " + ev.body.strip()
    if ev.event_type == "HttpRequestEvent":
        return "(no body)"
    if ev.event_type:
        inner = ev.event.get(ev.event_type) if isinstance(ev.event, dict) else None
        if isinstance(inner, list) and len(inner) == 1:
            inner = inner[0]
        if isinstance(inner, dict):
            return " ".join(f"{k}={_short_value(v)}" for k, v in inner.items())
    return ""


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())  # one line
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _short_uri(uri: Any) -> str:
    if not isinstance(uri, str):
        return ""
    parts = urlsplit(uri)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Row:
    """One record as the list shows it."""

    index: int
    kind: str
    event_type: str
    time: str
    method: str
    uri: str
    request_id: str | None
    reverted: bool
    has_reduction: bool

    @property
    def request(self) -> str:
        return f"{self.method} {self.uri}".strip()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


class EventList:
    """Rows, filters, pages and markers over a store's records.

    Parameters
    ----------
    store
        The store whose ``events()`` table the list shows.
    events
        That table when the caller already has it (it is computed otherwise).
    """

    def __init__(self, store: Store, events: pd.DataFrame | None = None, *, summarizer: Summarizer | None = None) -> None:
        self.store = store
        self.summarizer = summarizer
        self._summaries: dict[int, str] = {}
        df = store.events() if events is None else events
        times = df["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
        self.rows: list[Row] = [
            Row(
                int(i), SHORT_KIND.get(kind, kind), _text(etype), _text(t), _text(method), _short_uri(uri),
                rid if isinstance(rid, str) else None, bool(rev), bool(red),
            )  # fmt: skip
            for i, kind, etype, t, method, uri, rid, rev, red in zip(
                df["index"], df["kind"], df["event_type"], times, df["http_method"], df["http_uri"],
                df["http_request_id"], df["reverted"], df["has_reduction"],
            )  # fmt: skip
        ]
        self._app_config: dict[int, str] = {
            int(i): h for i, h in zip(df["index"], df["app_config_hash"]) if isinstance(h, str)
        }
        self._index = np.arange(len(self.rows), dtype=np.int64)
        self._kind = np.array([r.kind for r in self.rows], dtype=object)
        self._event_type = np.array([r.event_type for r in self.rows], dtype=object)
        self._status: dict[int, int] = {}
        #: Grows whenever a status or an error is learnt (views compare it to know when to redraw).
        self.version = 0
        self._errors: set[int] = set()
        self._fixed_markers = self._static_markers()
        self._search: list[str] | None = None  # lower-cased row text + body, built on first text filter

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, with the statuses known so far."""
        df = pd.DataFrame([asdict(r) for r in self.rows])
        df["status"] = pd.array([self._status.get(r.index) for r in self.rows], dtype="Int64")
        return df

    # --- facts learnt while replaying ----------------------------------------------------

    def note_response(self, index: int, response: str | None) -> None:
        """Record the app's response to record ``index`` (its status, and whether it failed)."""
        status = response_status(response, self.rows[index].request_id)
        if status is None or self._status.get(index) == status:
            return
        self._status[index] = status
        self.version += 1
        if status < 0 or status >= 400:
            self._errors.add(index)

    def note_responses(self, start: int, responses: Iterable[str | None]) -> None:
        for offset, response in enumerate(responses):
            if response is not None:
                self.note_response(start + offset, response)

    def note_error(self, index: int) -> None:
        """A record the replay reported a failure for (a rejected set-state or migration)."""
        if index not in self._errors:
            self._errors.add(index)
            self.version += 1

    def status(self, index: int) -> int | None:
        return self._status.get(index)

    # --- filters and pages ------------------------------------------------------------------

    def kinds(self) -> list[str]:
        """Short kinds present, in first-seen order."""
        return list(dict.fromkeys(r.kind for r in self.rows))

    def event_types(self) -> list[str]:
        return sorted({r.event_type for r in self.rows if r.event_type})

    def _search_text(self) -> list[str]:
        if self._search is None:
            self._search = [
                " ".join((r.kind, r.event_type, r.request, r.request_id or "", (self._body(r.index) or "") if r.kind == "event" else "")).lower()
                for r in self.rows
            ]
        return self._search

    def _body(self, index: int) -> str | None:
        ev = self.app_event(index)
        if ev is None or ev.body is None:
            return None
        return ev.body if len(ev.body) <= BODY_SEARCH_LIMIT else ev.body[:BODY_SEARCH_LIMIT] + "\u2026"

    def matches(self, flt: EventFilter) -> np.ndarray:
        """Record indices (ascending) of every row the filter keeps, over the whole history."""
        mask = np.ones(len(self.rows), dtype=bool)
        if flt.kind:
            mask &= self._kind == flt.kind
        if flt.event_type:
            mask &= self._event_type == flt.event_type
        needle = flt.text.strip().lower()
        if needle:
            mask &= np.fromiter((needle in t for t in self._search_text()), dtype=bool, count=len(self.rows))
        return self._index[mask]

    @staticmethod
    def page_count(total: int, page_size: int) -> int:
        return max(1, -(-total // page_size))

    @staticmethod
    def page_of(matches: np.ndarray, index: int, page_size: int) -> int:
        """The page holding ``index``, or the first match after it (the last page if none)."""
        pos = int(np.searchsorted(matches, index, side="left"))
        pos = min(pos, max(len(matches) - 1, 0))
        return pos // page_size

    def page(self, matches: np.ndarray, page: int, page_size: int) -> list[int]:
        """Record indices on ``page`` (0-based) of the filtered list."""
        page = min(max(page, 0), self.page_count(len(matches), page_size) - 1)
        return [int(i) for i in matches[page * page_size : (page + 1) * page_size]]

    # --- rows ------------------------------------------------------------------------------

    def app_event(self, index: int) -> AppEvent | None:
        """Record ``index`` as a :class:`AppEvent` (None when it is not an app event)."""
        r = self.rows[index]
        if r.kind != "event":
            return None
        try:
            obj = orjson.loads(self.store.event_json(index))
        except (orjson.JSONDecodeError, ValueError):
            return AppEvent(index, r.event_type, r.method, r.uri)
        inner = obj.get(next(iter(obj))) if isinstance(obj, dict) and obj else None
        if isinstance(inner, list) and len(inner) == 1:  # 2023+ tagged form
            inner = inner[0]
        request = inner.get("request") if isinstance(inner, dict) else None
        if not isinstance(request, dict):
            return AppEvent(index, r.event_type, r.method, r.uri, event=obj)
        headers = [
            (str(h.get("name")), ", ".join(str(v) for v in h.get("values") or []))
            for h in request.get("headers") or []
            if isinstance(h, dict)
        ]
        body = decode_body(request.get("bodyAsBase64"))
        body_json: Any = None
        if body:
            try:
                body_json = orjson.loads(body)
            except orjson.JSONDecodeError:
                body_json = None
        return AppEvent(index, r.event_type, r.method, r.uri, headers, body, body_json, obj)

    def summary(self, index: int) -> str:
        """What record ``index`` did, in a few words (the row's last column)."""
        if index not in self._summaries:
            ev = self.app_event(index)
            text = ""
            if ev is not None:
                custom = self.summarizer(ev) if self.summarizer is not None else None
                text = custom if custom is not None else summarize_body(ev)
            else:
                config = self._app_config.get(index)
                text = f"app config {config[:12]}\u2026" if config else ""
            self._summaries[index] = _cut(text, SUMMARY_WIDTH)
        return self._summaries[index]

    def app_config(self, index: int) -> str | None:
        """The app config a deployment record deploys (None for other records)."""
        return self._app_config.get(index)

    def is_error(self, index: int) -> bool:
        return index in self._errors

    def marks(self, index: int) -> str:
        """The marks column (see :data:`MARKS`)."""
        r = self.rows[index]
        return ("R" if r.has_reduction else " ") + ("x" if r.reverted else " ") + ("!" if index in self._errors else " ")

    def short_kind(self, index: int) -> str:
        r = self.rows[index]
        if r.kind == "event":
            return SHORT_EVENT_TYPE.get(r.event_type, r.event_type or "event")
        return r.kind

    def label(self, index: int) -> str:
        """One fixed-width line: index, marks, time, kind, request, status, summary (see :data:`COLUMNS`)."""
        r = self.rows[index]
        status = self._status.get(index)
        return (
            f"#{index:<6} {self.marks(index)} {r.time[5:]:<14} {self.short_kind(index):<14.14} {r.request:<16.16} "
            f"{'' if status is None else status:>4}  {self.summary(index)}"
        ).rstrip()

    # --- markers ---------------------------------------------------------------------------

    def _static_markers(self) -> dict[str, list[int]]:
        kind, idx = self._kind, self._index
        reductions = np.array([r.has_reduction for r in self.rows], dtype=bool)
        return {
            "deployment": [int(i) for i in idx[(kind == "deploy+init") | (kind == "deploy+migrate")]],
            "migration": [int(i) for i in idx[kind == "deploy+migrate"]],
            "set-state": [int(i) for i in idx[kind == "set-state"]],
            "revert": [int(i) for i in idx[kind == "revert"]],
            "reduction": [int(i) for i in idx[reductions]],
        }

    def markers(self) -> dict[str, list[int]]:
        """Record indices of each marker kind (errors: those known so far)."""
        return {**self._fixed_markers, "error": sorted(self._errors)}

    def next_marker(self, marker: str, index: int, *, forward: bool = True) -> int | None:
        """The next (or previous) record of a marker kind after (before) ``index``."""
        points = self.markers()[marker]
        if forward:
            k = bisect.bisect_right(points, index)
            return points[k] if k < len(points) else None
        k = bisect.bisect_left(points, index) - 1
        return points[k] if k >= 0 else None
