"""Find every step of a history where a condition holds (``session.find``, ``elmreplay find``).

A *path condition* (:mod:`elmreplay.inspect.query`) is translated to JavaScript and evaluated
inside V8 after each app event of the replay's batches: no call into Python per event. The state
is read as its JSON value (the runtime's optional ``getStateJsonValue``, else serialized and
parsed), and only when a leaf needs it and the state changed (see ``runtime/query.js``). Records
that do not run inside a batch (deploys, set-state, reverts, app events while no app runs) are
evaluated in Python with the same semantics.

A *Python callable* ``where(state, event, response)`` gets parsed JSON (the event as stored,
``{"HttpRequestEvent": ...}``; None where a step has no event, response or app) and is the slow
path: every state is serialized and crosses into Python (:meth:`ReplaySession.trace` in chunks).

Results are exact: every record in ``[start, stop)`` is evaluated, none is sampled. ``index`` is
the 0-based append order of ``elmreplay events`` (reverted records included).
"""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING, Any, Callable, Union

import pandas as pd

from ..inspect.query import MISSING, Condition, Step, evaluate, merge, parse, to_js, uses
from ..store.records import RecordKind
from ..store.store import describe_event_json
from .host import QueryRun

if TYPE_CHECKING:
    from .session import ProgressCallback, ReplaySession

#: Records per replay call when ``first=True`` (the search stops after the chunk with a match).
FIRST_CHUNK = 1000
#: Records per trace call for a Python callable (bounds the states held at once).
CALLABLE_CHUNK = 256
COLUMNS = ["index", "kind", "time", "matched"]

Where = Union[str, Condition, Callable[[Any, Any, Any], Any]]
_keys = itertools.count()


def _loads(text: str | None) -> Any:
    return MISSING if text is None else json.loads(text)


def find_range(session: ReplaySession, start: int | None, stop: int | None) -> tuple[int, int]:
    """``[start, stop)`` checked against the store and the session's first replayable record."""
    n = len(session.records)
    lowest = session.first_index + 1 if session.first_index >= 0 else 0
    start = lowest if start is None else start + n if start < 0 else start
    stop = n if stop is None else stop + n if stop < 0 else stop
    if not 0 <= start <= n or not 0 <= stop <= n:
        raise IndexError(f"find range [{start}, {stop}) out of range: the store has {n} records")
    if start < lowest:
        raise IndexError(f"find range starts at #{start}, before the first record this session replays (#{lowest})")
    return start, max(start, stop)


def find(
    session: ReplaySession,
    where: Where,
    *,
    start: int | None = None,
    stop: int | None = None,
    first: bool = False,
    on_progress: ProgressCallback | None = None,
) -> pd.DataFrame:
    """See :meth:`ReplaySession.find`."""
    start, stop = find_range(session, start, stop)
    if callable(where) and not isinstance(where, str):
        found = _find_callable(session, where, start, stop, first)
    else:
        cond = parse(where) if isinstance(where, str) else where
        found = _find_condition(session, cond, start, stop, first, on_progress)
    found.sort(key=lambda f: f[0])
    if first:
        found = found[:1]
    return _frame(session, found)


def _go_to_start(session: ReplaySession, start: int) -> None:
    if start > 0:
        session.seek(start - 1)
    else:
        session._reset_to_beginning()


def _find_condition(
    session: ReplaySession, cond: Condition, start: int, stop: int, first: bool, on_progress: ProgressCallback | None
) -> list[tuple[int, dict[str, Any]]]:
    parts = uses(cond)
    query = QueryRun(f"find{next(_keys)}", to_js(cond), needs_prev="prev" in parts, per_event=bool(parts & {"event", "response"}))
    store = session.store

    def on_other(index: int, before: str | None) -> None:
        """Python evaluation of a record that ran outside a V8 batch."""
        rec = session.records[index]
        events = store.app_events(rec) if rec.kind is RecordKind.UPDATE else []
        step = Step(
            state=_loads(session.host.snapshot().state_json),
            event=_loads(events[-1]) if events else MISSING,
            prev=_loads(before) if before is not None else MISSING,
        )
        ok, matched = evaluate(cond, step)
        if ok:
            query.found.append((index, [[p, v] for p, v in matched.items()]))

    if start >= stop:
        return []
    try:
        _go_to_start(session, start)
        if not first:
            session._advance(stop - 1, query=query, on_other=on_other, on_progress=on_progress)
        else:
            while session.position < stop - 1 and not query.found:
                session._advance(min(session.position + FIRST_CHUNK, stop - 1), query=query, on_other=on_other, on_progress=on_progress)
    finally:
        session.host.pool.drop_query(query.key)
    return [(i, merge({}, m)) for i, m in query.found if start <= i < stop]


def _find_callable(
    session: ReplaySession, where: Callable[[Any, Any, Any], Any], start: int, stop: int, first: bool
) -> list[tuple[int, dict[str, Any]]]:
    """The slow path: each step's state serialized and parsed in Python, ``where`` called."""
    found: list[tuple[int, dict[str, Any]]] = []
    for lo in range(start, stop, CALLABLE_CHUNK):
        traced = session.trace(lo, min(lo + CALLABLE_CHUNK, stop))
        for index in sorted(traced):
            response, state = traced[index]
            rec = session.records[index]
            events = session.store.app_events(rec) if rec.kind is RecordKind.UPDATE else []
            event = json.loads(events[-1]) if events else None
            result = where(json.loads(state) if state is not None else None, event, json.loads(response) if response else None)
            if result:
                found.append((index, {} if result is True else {"result": result}))
                if first:
                    return found
    return found


def _frame(session: ReplaySession, found: list[tuple[int, dict[str, Any]]]) -> pd.DataFrame:
    rows = []
    for index, matched in found:
        rec = session.records[index]
        events = session.store.app_events(rec) if rec.kind is RecordKind.UPDATE else []
        millis = describe_event_json(events[-1]).posix_time_milli if events else None
        rows.append((index, rec.kind.value, millis, matched))
    df = pd.DataFrame(rows, columns=["index", "kind", "time", "matched"])
    df["index"] = df["index"].astype("int64")
    df["time"] = pd.to_datetime(df["time"], unit="ms", utc=True, errors="coerce")
    return df
