"""One app config running in its own V8 context (mini-racer), behind the runtime contract.

Every context is created with a hard memory limit and every call into app code has a timeout.
Failures become :class:`AppCrashed`, :class:`AppTimeout` or :class:`AppOutOfMemory` naming the
event (the caller maps batch offsets to record indices). After any failure the context is
closed: a context that hit its memory limit stays poisoned, and an app that threw may have left
its state half-updated.
"""

from __future__ import annotations

import asyncio
import atexit
import weakref
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterator, Mapping, Sequence, overload

import orjson
from py_mini_racer import JSEvalException, JSOOMException, JSParseException, JSTimeoutException, MiniRacer, init_mini_racer

from ..errors import AppCrashed, AppError, AppOutOfMemory, AppTimeout, RuntimeUnavailable

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_MEMORY = 1 << 30  # 1 GiB of V8 heap per app

_HARNESS = resources.files(__package__).joinpath("harness.js").read_text(encoding="utf-8")
#: Find conditions evaluated inside V8 (helpers for ``inspect.query.to_js`` output); loaded with
#: the harness, before the app's code.
_QUERY = resources.files(__package__).joinpath("query.js").read_text(encoding="utf-8")


#: Starts and separates the events of a batch text (see :func:`batch_text`): an ASCII control
#: character, which a JSON text can only hold escaped, so the host's events never contain it.
EVENT_SEPARATOR = "\x1e"


def batch_text(events: list[str]) -> str:
    """The text a batch of events crosses into V8 as: each event preceded by
    :data:`EVENT_SEPARATOR`, split inside V8 (5x cheaper there than parsing a JSON array of the
    same strings, and nothing to encode here); a JSON array when an event holds the separator."""
    text = EVENT_SEPARATOR + EVENT_SEPARATOR.join(events)
    if text.count(EVENT_SEPARATOR) == len(events):
        return text
    return orjson.dumps(events).decode()


class EncodedEvents(Sequence[str]):
    """App event strings still encoded as JSON string tokens, as they stand inside the records of
    literal log files: read without building a Python string per event on the main thread (the
    replay's per-event cost on the Python side); :meth:`batch_text` decodes them all at once."""

    def __init__(self, tokens: list[bytes], texts: list[str] | None = None):
        self.tokens = tokens
        #: The decoded events, once :meth:`batch_text` decoded them (slices share them: a run
        #: read ahead in a thread and cut into batches is not decoded again per batch).
        self._texts = texts
        self._text: str | None = None  # batch_text(), once made

    def __len__(self) -> int:
        return len(self.tokens)

    @overload
    def __getitem__(self, k: int) -> str: ...
    @overload
    def __getitem__(self, k: slice) -> EncodedEvents: ...
    def __getitem__(self, k: int | slice) -> str | EncodedEvents:
        if isinstance(k, slice):
            if k.indices(len(self.tokens)) == (0, len(self.tokens), 1):
                return self  # a batch of the whole run keeps the text made ahead (batch_text)
            return EncodedEvents(self.tokens[k], None if self._texts is None else self._texts[k])
        if self._texts is not None:
            return self._texts[k]
        text: str = orjson.loads(self.tokens[k])
        return text

    def text_size(self) -> int:
        """About the bytes of the events' JSON: the batch text's length once it is made (a
        reader thread makes it ahead), else the tokens' bytes."""
        return len(self._text) if self._text is not None else sum(map(len, self.tokens))

    def batch_text(self) -> str:
        """The events as one batch text (made once: a reader thread may make it ahead). Tokens
        that orjson does not decode (a lone surrogate escape, which V8 takes) go as the JSON
        array they already are."""
        if self._text is None:
            if self._texts is None:
                array = b"[" + b",".join(self.tokens) + b"]"
                try:
                    self._texts = orjson.loads(array)
                except (orjson.JSONDecodeError, TypeError):
                    self._text = array.decode("utf-8")
                    return self._text
            self._text = batch_text(self._texts)
        return self._text


#: Per-event digest requests (``run_batch(digests=[...])``); ``n >= 0``: hash when the length is n.
DIGEST_HASH, DIGEST_SKIP, DIGEST_LENGTH = -2, -3, -4


@dataclass
class BatchResult:
    """What one batch of events produced inside V8."""

    done: int
    responses: list[str] | None
    states: dict[int, str]
    logs: list[tuple[int, str]] = field(default_factory=list)
    #: Where a find condition held: (batch offset, [[concrete path, value], ...]).
    matches: list[tuple[int, list[list[Any]]]] = field(default_factory=list)
    #: With ``digests=True``: per event, the response's and the resulting state's 64-bit hash
    #: (two 32-bit halves) and length, flat: ``[rh1, rh2, rlen, sh1, sh2, slen, ...]``.
    digests: list[int] | None = None


@dataclass(frozen=True)
class EventFailure:
    """Where in a batch the app failed, and how."""

    offset: int
    error: AppError


class AppProcess:
    """An app's JavaScript evaluated in a fresh V8 context, with ``app_state = initState`` run.

    Parameters
    ----------
    js_source
        A program satisfying the runtime contract (design.md).
    app_config_hash
        Which app config this is (for messages).
    timeout_s, max_memory
        Limits for every call into app code.
    """

    #: Until ``__init__`` has made the context (an interrupt may stop it before), there is
    #: nothing to close.
    closed: bool = True

    def __init__(
        self,
        js_source: str,
        *,
        app_config_hash: str,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_memory: int = DEFAULT_MAX_MEMORY,
    ) -> None:
        self.app_config_hash = app_config_hash
        self.timeout_s = timeout_s
        self.max_memory = max_memory
        self.last_logs: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        self._inbox: Any = None
        #: Ids of the states held in the context (:meth:`hold`).
        self._held: set[str] = set()
        #: Keys of the find conditions defined in the context (:meth:`define_query`).
        self._queries: set[str] = set()
        #: Set when the next engine call starts (:meth:`set_when_evaluating`).
        self._on_evaluating: list[threading.Event] = []
        self._ctx = _new_context()
        self.closed = False  # (from here on there is a context to close)
        _LIVE.add(self)
        self._ctx.set_hard_memory_limit(max_memory)
        try:
            self._eval(_HARNESS, what="loading elmreplay's harness")
            self._eval(_QUERY, what="loading elmreplay's harness")
            # The harness's inbox (handed out once, before any app code runs): big string
            # arguments are stored into it as V8 strings, with no JSON encoding and no JavaScript
            # source to parse (evaluating a batch as a literal cost ~3x the transfer itself).
            self._inbox = self._eval("__elmreplay.takeInbox()", what="loading elmreplay's harness")
            self._eval(js_source, what="evaluating the app's JavaScript")
            contract = orjson.loads(self._eval("__elmreplay.contract()", what="checking the runtime contract"))
        except AppError:
            self.close()
            raise
        missing = [k for k in ("initState", "processEventAndUpdateState", "getSerializedState", "setSerializedState") if not contract[k]]
        if missing:
            self.close()
            raise RuntimeUnavailable(
                f"The JavaScript for app config {app_config_hash} does not define {', '.join(missing)} (runtime contract)",
                app_config_hash=app_config_hash,
            )
        self.has_migrate = bool(contract["interface_migrate"])
        #: The 2023 web-service contract's ``applyFunction`` (exposed functions of the state shim).
        self.has_apply_function = bool(contract["applyFunction"])
        #: Why the migration of this app config could not be prepared (compiled runtimes only).
        self.migrate_preparation_error: str | None = contract.get("interface_migrate_preparation_error")
        self.init()

    # --- low level -----------------------------------------------------------------------

    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        """Turn mini-racer's exceptions into elmreplay's app errors."""
        try:
            yield
        except JSTimeoutException:
            raise AppTimeout(
                f"The app did not finish {what} within {self.timeout_s:g} s", app_config_hash=self.app_config_hash
            ) from None
        except JSOOMException:
            raise AppOutOfMemory(
                f"The app exceeded the memory limit of {self.max_memory >> 20} MiB while {what}",
                app_config_hash=self.app_config_hash,
            ) from None
        except JSParseException as e:
            raise AppCrashed(
                f"The app's JavaScript does not parse ({what}): {str(e).splitlines()[0] if str(e) else e}",
                app_config_hash=self.app_config_hash,
                js_message=str(e),
            ) from None
        except JSEvalException as e:
            raise AppCrashed(
                f"The app threw while {what}: {_first_line(str(e))}", app_config_hash=self.app_config_hash, js_message=str(e)
            ) from None

    def _check_open(self) -> None:
        if self.closed:
            raise AppCrashed(f"The V8 context of app config {self.app_config_hash} was closed after an earlier failure")

    def _eval(self, code: str, *, what: str, event_index: int | None = None) -> Any:
        self._check_open()
        with self._translated(what):
            return self._ctx.eval(code, timeout_sec=self.timeout_s)

    def _call(self, fn: str, arg: str | None, *args: str | bool | None, what: str) -> Any:
        """Call a harness function: ``arg`` goes through the inbox, ``args`` as JSON literals."""
        self._check_open()
        literal = ",".join(orjson.dumps(a).decode() for a in args)
        with self._lock, self._translated(what):
            self._inbox["arg"] = arg
            for event in self._on_evaluating:
                event.set()
            self._on_evaluating.clear()
            return self._ctx.eval(f"__elmreplay.{fn}({literal})", timeout_sec=self.timeout_s)

    def set_when_evaluating(self, event: threading.Event) -> None:
        """Set ``event`` when the next harness call has handed its argument to V8 and starts
        running: Python work meant to overlap the engine waits for it (not to contend for the
        GIL with the hand-over)."""
        self._on_evaluating.append(event)

    def _op(self, op: str, arg: str | None, *, what: str) -> str | None:
        try:
            raw = self._call("runOp", arg, op, what=what)
        except AppError:
            self.close()
            raise
        # Without logs or an error the harness returns the value itself, marked (states can be
        # megabytes: no JSON envelope to encode and parse again).
        if raw[:1] == "=":
            self.last_logs = []
            return str(raw[1:])
        if raw == "-":
            self.last_logs = []
            return None
        out = _loads(raw)
        self.last_logs = [(int(i), str(line)) for i, line in out.get("logs") or []]
        if out["error"] is not None:
            self.close()
            raise _thrown(out["error"], what=what, app_config_hash=self.app_config_hash)
        value: str | None = out["value"]
        return value

    # --- the runtime contract ------------------------------------------------------------

    def init(self) -> None:
        """``app_state = initState`` (what the host ran after evaluating the script)."""
        self._op("init", None, what="setting app_state = initState")

    def get_state(self) -> str:
        """``getSerializedState()``."""
        value = self._op("get", None, what="serializing the state")
        assert value is not None
        return value

    def state_digest(self) -> tuple[int, int, int]:
        """The current state's digest without carrying it out of V8: the 64-bit hash of
        ``getSerializedState()`` as two 32-bit halves, and its length (as in batch digests)."""
        value = self._op("digest", None, what="serializing the state")
        assert value is not None
        h1, h2, n = (int(x) for x in value.split(","))
        return h1, h2, n

    def set_state(self, state_json: str) -> None:
        """``setSerializedState(s)`` (the app never throws on bad JSON; it ends up DeserializeFailed)."""
        self._op("set", state_json, what="deserializing a state")

    def migrate(self, previous_state_json: str) -> str:
        """``interface_migrate(previousStateJson)``: the result JSON ``{"Ok":[…]}`` / ``{"Err":[…]}``."""
        value = self._op("migrate", previous_state_json, what="running the migration")
        assert value is not None
        return value

    def try_set_state(self, state_json: str) -> str | None:
        """``setSerializedState(s)`` of the 2023 contract: None when the state was set, else the
        text of the Error it threw (the shim's error; the state is kept, the context lives on)."""
        value = self._op("trySet", state_json, what="deserializing a state")
        return value[1:] if value else None

    def apply_function(self, function_name: str, serialized_arguments_json: Sequence[str]) -> str:
        """``applyFunction(name, [argument JSON texts])`` of the 2023 contract: its result JSON
        ``{"Ok":{"resultLessStateJson":…,"committedState":…}}`` / ``{"Err":"…"}``."""
        call = orjson.dumps([function_name, list(serialized_arguments_json)]).decode()
        value = self._op("apply", call, what=f"applying the function {function_name}")
        assert value is not None
        return value

    def process_event(self, event_json: str) -> str:
        """One event through ``processEventAndUpdateState`` (one engine call; prefer batches)."""
        value = self._op("event", event_json, what="processing an event")
        assert value is not None
        return value

    # --- live states: references to earlier values of app_state ---------------------------

    def hold(self, key: str) -> None:
        """Keep a reference to the current ``app_state`` under ``key`` (replacing an earlier one)."""
        self._op("hold", key, what="holding the state")
        self._held.add(key)

    def resume(self, key: str) -> None:
        """``app_state = <the state held under key>``: back to that state exactly, at no cost."""
        if key not in self._held:
            raise KeyError(f"app config {self.app_config_hash} holds no state {key!r}")
        self._op("resume", key, what="resuming a held state")

    def release(self, keys: Sequence[str]) -> None:
        """Drop held states (V8 collects them once nothing else refers to them)."""
        gone = [k for k in keys if k in self._held]
        if gone and not self.closed:
            self._op("release", orjson.dumps(gone).decode(), what="releasing held states")
        self._held.difference_update(gone)

    def holds(self, key: str) -> bool:
        """Whether the context (still) holds a state under ``key``."""
        return not self.closed and key in self._held

    @property
    def held_count(self) -> int:
        return len(self._held) if not self.closed else 0

    def heap_used(self) -> int:
        """Bytes of V8 heap in use, garbage not yet collected included (0 once closed)."""
        if self.closed:
            return 0
        with self._lock:
            return int(self._ctx.heap_stats()["used_heap_size"])

    def collect_garbage(self) -> None:
        """Ask V8 for a full garbage collection (so that :meth:`heap_used` counts live objects)."""
        if not self.closed:
            with self._lock:
                self._ctx.low_memory_notification()

    # --- find conditions -----------------------------------------------------------------

    def define_query(self, key: str, js: str) -> None:
        """Make a condition compiled by ``inspect.query.to_js`` available under ``key`` (once);
        ``js`` embeds the condition's literals as JSON, never its text as code."""
        if key not in self._queries:
            self._eval(f"__elmreplay_query.define({orjson.dumps(key).decode()}, {js});0", what="defining a find condition")
            self._queries.add(key)

    def drop_query(self, key: str) -> None:
        """Forget a condition (and the states it remembered)."""
        if key in self._queries and not self.closed:
            self._eval(f"__elmreplay_query.drop({orjson.dumps(key).decode()});0", what="dropping a find condition")
        self._queries.discard(key)

    # --- batches -------------------------------------------------------------------------

    def run_batch(
        self,
        events: Sequence[str],
        *,
        responses: bool = False,
        states_after: Sequence[int] = (),
        hold_after: Mapping[int, str] | None = None,
        query: tuple[str, Sequence[int] | None] | None = None,
        digests: bool | Sequence[int] = False,
    ) -> tuple[BatchResult, EventFailure | None]:
        """Process ``events`` in order inside V8 with one engine call.

        Returns what was done and, when the app failed at some event, where and how (the
        results before it are kept). ``states_after`` are batch offsets after which to capture
        the serialized state; ``hold_after`` maps batch offsets to the keys under which to hold
        the state after them (see :meth:`hold`). ``query`` is ``(key, offsets)``: evaluate the
        condition defined under ``key`` after those offsets (None: after every event).
        ``digests`` asks for each event's response and
        state digest (:attr:`BatchResult.digests`; see :meth:`state_digest`): ``True`` hashes
        every state; a sequence says per event what to do with the state: ``DIGEST_HASH`` (-2)
        hash it, ``DIGEST_LENGTH`` (-4) only its length, ``DIGEST_SKIP`` (-3) nothing, ``n >= 0``
        hash it when its length is ``n`` (fields not computed are -1). A runtime that defines
        the optional ``getStateDigest()`` gives the hash with the length, whatever was asked
        (the state's text is never written then).
        """
        payload = events.batch_text() if isinstance(events, EncodedEvents) else batch_text(list(events))
        snaps = orjson.dumps(sorted(set(states_after))).decode()
        holds = sorted((hold_after or {}).items())
        args: tuple[str | bool | None, ...] = (responses, snaps, orjson.dumps(holds).decode()) if holds else (responses, snaps)
        options: dict[str, Any] = {}
        if query is not None:
            options["query"] = {"key": query[0], "at": None if query[1] is None else sorted(query[1])}
        if digests is not False:
            if not isinstance(digests, bool) and len(digests) != len(events):
                raise ValueError("digests needs one entry per event")
            options["digests"] = True if digests is True else list(digests)
        if options:
            args = (responses, snaps, orjson.dumps(holds).decode() if holds else None, orjson.dumps(options).decode())
        try:
            raw = self._call("runBatch", payload, *args, what=f"processing a batch of {len(events)} events")
        except AppError as e:
            offset = self._last_offset()
            self.close()
            return BatchResult(max(offset, 0), None, {}), EventFailure(max(offset, 0), e)
        out = _loads(raw)
        result = BatchResult(
            out["done"],
            out["responses"],
            {int(k): v for k, v in out["states"].items()},
            [(int(i), str(line)) for i, line in out.get("logs") or []],
            [(int(i), m) for i, m in out.get("matches") or []],
            out.get("digests"),
        )
        self._held.update(key for off, key in holds if off < result.done)
        if out["error"] is not None:
            self.close()
            return result, EventFailure(
                int(out["error"].get("offset", out["done"])),
                _thrown(out["error"], what="processing an event", app_config_hash=self.app_config_hash),
            )
        return result, None

    def _last_offset(self) -> int:
        """Which event a timed-out batch was on (the context survives a timeout, not an OOM)."""
        try:
            value = self._ctx.eval("__elmreplay.lastIndex()", timeout_sec=1.0)
            return int(value) if isinstance(value, (int, float)) else -1
        except Exception:  # a poisoned context cannot tell; the caller reports the batch start
            return -1

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._held.clear()
            self._queries.clear()
            self._inbox = None  # release the handle before its context
            self._ctx.close()

    def __enter__(self) -> AppProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


#: Above this size the harness's output is parsed with the standard library: orjson peaks at
#: about 13x the size of a long string value (650 MiB for one 50 MB state), json at about 1x.
BIG_OUTPUT_CHARS = 1 << 20


def _loads(raw: str) -> Any:
    return json.loads(raw) if len(raw) > BIG_OUTPUT_CHARS else orjson.loads(raw)


#: Open processes, closed at interpreter exit: an unclosed mini-racer context can hang the exit.
_LIVE: weakref.WeakSet[AppProcess] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for proc in list(_LIVE):
        proc.close()


class _ContextMaker:
    """Makes MiniRacer contexts on one long-lived thread, started where V8 was initialized.

    Created inside a running asyncio loop (a Jupyter kernel), mini-racer adopts that loop and
    then refuses synchronous calls with a timeout; so such contexts are made on a thread where no
    loop runs. That thread must be started by the thread that initialized V8: on CPUs with
    protection keys (PKU) V8 guards its memory per thread, threads inherit the permission from
    the thread that starts them, and a context made on a thread without it segfaults (a kernel's
    widget callbacks may run on threads of their own).
    """

    def __init__(self) -> None:
        init_mini_racer(ignore_duplicate_init=True)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="elmreplay-v8")
        # Start the worker now, on this (the initializing) thread, not lazily on a caller's.
        self._pool.submit(lambda: None).result()

    def make(self) -> MiniRacer:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return MiniRacer()
        return self._pool.submit(MiniRacer).result()


_CONTEXT_MAKER = _ContextMaker()


def _new_context() -> MiniRacer:
    """A MiniRacer with its own event loop thread (see :class:`_ContextMaker`)."""
    return _CONTEXT_MAKER.make()


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return text


def _thrown(info: dict[str, Any], *, what: str, app_config_hash: str) -> AppError:
    message = str(info.get("message"))
    kind = str(info.get("type"))
    stack = info.get("stack")
    if kind == "RangeError" and "call stack" in message:
        text = f"The app exceeded the call stack while {what}: {message}"
    elif kind == "BadReturn":
        text = f"The app's {message} ({what})"
    else:
        text = f"The app threw while {what}: {kind}: {message}"
    return AppCrashed(text, app_config_hash=app_config_hash, js_message=str(stack or message))
