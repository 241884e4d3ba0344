"""The recorder: a host-faithful writer of NEW stores (public as :class:`elmreplay.Recorder`).

It behaves like the Elm-fullstack host (§4, §5.3, §6.5):

* an app event is processed first, then its record is appended;
* a reduction is written after an app event when 10 minutes of host time passed since the last
  one (or every ``reduction_every_events`` events, if set), and at the start of every admin
  operation (deploy, set-state, revert);
* deploys, set-state and reverts are first tested on a projected store (restore must succeed,
  a migration or set-state must return Ok); only accepted events are written, and the live
  process is then restarted from the store;
* with a 2023 web-service app (state shim, System.Text.Json writer era ``2022-03``): an app event
  the shim refuses is not written (``ProcessElmAppEvent`` @ ``4bf750c3``), and
  :meth:`Recorder.apply_function` applies an exposed function to the live state and writes an
  ``ApplyFunctionOnElmAppState`` record when it committed (the admin interface's
  ``/api/apply-database-function``: no projection, no reduction, no restart).
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Callable, Iterable, Mapping, Sequence

from ..errors import ElmReplayError
from ..runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S
from ..runtime.sources import RuntimeResolver, default_resolver
from ..store.files import DirectoryFiles
from ..store.records import RecordKind
from ..store.store import Store
from ..store.trees import TreeEncoding, build_tree
from ..store.components import component_hash
from ..store.writer import DirectorySink, StoreWriter, WriterEra
from .host import HostProcess, Snapshot
from .projection import Projection, TestOutcome, deploy_appender, test_continue_with
from .restore import restore

REDUCTION_INTERVAL_MS = 10 * 60 * 1000


class AdminRejected(ElmReplayError):
    """The recorder's admin operation was rejected by the projected-store test (like HTTP 400)."""

    def __init__(self, outcome: TestOutcome):
        super().__init__(outcome.message)
        self.outcome = outcome


def http_request_event(
    *,
    time_ms: int,
    method: str = "GET",
    uri: str = "/",
    body: bytes = b"",
    headers: Iterable[tuple[str, Sequence[str]]] = (),
    request_id: str | None = None,
    client_address: str | None = "127.0.0.1",
    era: WriterEra | str = WriterEra.E5,
) -> str:
    """An ``HttpRequestEvent`` as the 2021 host serialized it (store-format §7), e.g.
    ``{"HttpRequestEvent":{"posixTimeMilli":…,"httpRequestId":"…-1","requestContext":…,"request":…}}``.
    From the 2022-03-20 writer era (``"2022-03"``) the host serialized events with
    System.Text.Json (non-ASCII and ``"&'+<>``` escaped), before with Newtonsoft."""
    return event_text(
        {
            "HttpRequestEvent": {
                "posixTimeMilli": time_ms,
                "httpRequestId": request_id if request_id is not None else f"{time_ms}-1",
                "requestContext": {"clientAddress": client_address} if client_address is not None else {},
                "request": {
                    "method": method,
                    "uri": uri,
                    "bodyAsBase64": base64.b64encode(body).decode("ascii"),
                    "headers": [{"name": name, "values": list(values)} for name, values in headers],
                },
            }
        },
        era,
    )


def arrived_at_time_event(time_ms: int, era: WriterEra | str = WriterEra.E5) -> str:
    """An ``ArrivedAtTimeEvent`` (the host's clock tick for time subscriptions)."""
    return event_text({"ArrivedAtTimeEvent": {"posixTimeMilli": time_ms}}, era)


def task_complete_event(task_id: str, task_result: Mapping[str, object], era: WriterEra | str = WriterEra.E5) -> str:
    """A ``TaskCompleteEvent`` of the 2021-09+ hosts (docs/modern-eras-replay.md §2.3), e.g.
    ``task_result={"CreateVolatileProcessResponse": {"Ok": {"processId": "1"}}}``. Give it as the
    host's serializer wrote it: null members and zero numbers (``durationInMilliseconds`` of a
    0 ms request) omitted."""
    return event_text({"TaskCompleteEvent": {"taskId": task_id, "taskResult": dict(task_result)}}, era)


def event_text(value: object, era: WriterEra | str = WriterEra.E5) -> str:
    """An event object serialized as the host of ``era`` did (Newtonsoft; System.Text.Json from 2022-03-20)."""
    return WriterEra(era).json(value).decode("utf-8")


@dataclass
class Recorder:
    """Write a NEW store by running apps the way the Elm-fullstack host did.

    Every record is what the host would have written: app events are processed first and then
    appended; deploys, set-state and reverts are tried on a projection of the store first and
    written only when the host would have accepted them (else :class:`AdminRejected`, and
    nothing is written); reductions land where the host's 10-minute rule puts them (or every
    ``reduction_every_events``), and at the start of every admin operation. The store being
    written is a fresh directory: an existing non-empty directory is refused, as is one inside a
    store opened in this process.

    Example (runs from the repository root)::

        import tempfile, elmreplay
        apps = "sample_histories/apps/counter"
        with tempfile.TemporaryDirectory() as tmp, elmreplay.Recorder(
            f"{tmp}/store", era="E5", runtimes=["sample_histories/counter_admin/runtimes"]
        ) as rec:
            rec.deploy(f"{apps}/v1", migrate=False, time_ms=1_626_180_000_000)
            rec.request("POST", "/", body=b'{"addition":3}', time_ms=1_626_180_001_000)
            rec.set_state("10", time_ms=1_626_180_002_000)
            rec.revert(rec.records[1][:8], time_ms=1_626_180_003_000)  # a hash prefix will do
            rec.reduce()                          # a provisional reduction of the newest record
            rec.restart()                         # restore from the store, as the host did
            assert elmreplay.verify(rec.store(), runtimes=rec.runtimes, progress=False).ok

    Parameters
    ----------
    directory
        An empty or not yet existing directory.
    resolver
        JavaScript for the app configs that will be deployed; or give ``runtimes`` (runtime
        directories) or ``compile=True`` (compile each app's Elm source) instead.
    era
        Writer generation: ``"E1"``-``"E4"`` (head-hash chain layouts of 2020-2021) or ``"E5"``
        (literal log files, 2021-07 on).
    """

    directory: Path
    resolver: RuntimeResolver | None = None
    era: WriterEra | str = WriterEra.E5
    tree_encoding: TreeEncoding | None = None
    reduction_every_events: int | None = None
    #: The host's interval was 10 minutes "by default"; a longer one keeps sample stores small.
    reduction_interval_ms: int = REDUCTION_INTERVAL_MS
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory: int = DEFAULT_MAX_MEMORY
    runtimes: Sequence[str | os.PathLike[str]] = ()
    compile: bool = False
    #: Hash of every record written, in order (the public view of the new history).
    records: list[str] = field(default_factory=list)
    #: The app's response to each record (None for admin records and unanswered events).
    responses: list[str | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.directory = Path(self.directory)
        self.era = WriterEra(self.era)
        if self.resolver is None:
            self.resolver = default_resolver(None, self.runtimes, compile=self.compile)
        self.writer = StoreWriter(DirectorySink(self.directory), self.era, tree_encoding=self.tree_encoding)
        self.live: HostProcess | None = None
        self._last_reduction_ms: int | None = None
        self._events_since_reduction = 0
        self._requests = 0

    # --- helpers -------------------------------------------------------------------------

    @property
    def _resolver(self) -> RuntimeResolver:
        assert self.resolver is not None  # set in __post_init__
        return self.resolver

    def _store(self) -> Store:
        # A fresh view each time: the store grows, and an opened view assumes it does not.
        return Store(DirectoryFiles(self.directory), name=os.fspath(self.directory))

    def store(self) -> Store:
        """The store as written so far, opened read-only (a new view: open it again after
        recording more)."""
        return self._store()

    def app_config_hash(self, files: Mapping[str, bytes]) -> str:
        """The hash this recorder's era gives an app config."""
        return component_hash(build_tree(files, self.writer.tree_encoding))

    def _write_reduction(self) -> None:
        head = self.writer.parent_hash
        if head is None:
            return  # nothing is written when the log is empty
        live = self.live
        snap = live.snapshot() if live is not None else Snapshot(None, None)
        self.writer.write_reduction(
            head,
            state_json=snap.state_json.encode("utf-8") if snap.state_json is not None else None,
            app_config_hash=snap.app_config_hash,
        )
        self._events_since_reduction = 0

    def restart(self) -> None:
        """Stop the live process and restore it from the store, as the host did at startup
        (newest usable reduction, then the records after it)."""
        if self.live is not None:
            self.live.close()
            self.live = None
        restored = restore(self._store(), self._resolver, timeout_s=self.timeout_s, max_memory=self.max_memory)
        self.live = restored.host


    def reduce(self) -> None:
        """Write a provisional reduction of the newest record now (the live state)."""
        self._write_reduction()

    def _admin(self, kind: RecordKind, append: Callable[[StoreWriter], object], time_ms: int) -> TestOutcome:
        self._write_reduction()  # the host stored a reduction at the start of every admin operation
        self._last_reduction_ms = time_ms
        projection = Projection.of(self._store(), era=self.writer.era, tree_encoding=self.writer.tree_encoding)
        outcome = test_continue_with(
            projection, kind, append, self._resolver, timeout_s=self.timeout_s, max_memory=self.max_memory  # type: ignore[arg-type]
        )
        if outcome.restored is not None:
            outcome.restored.close()
        if not outcome.accepted:
            raise AdminRejected(outcome)
        append(self.writer)  # the same record, now into the real (new) store
        self.records.append(self.writer.parent_hash or "")
        self.responses.append(None)
        self.restart()
        self._requests = 0  # the restarted public app counts its HTTP requests from 1 again
        return outcome

    # --- operations ----------------------------------------------------------------------

    def deploy(self, app: Mapping[str, bytes] | str | os.PathLike[str], *, migrate: bool, time_ms: int) -> TestOutcome:
        """deploy+init or deploy+migrate of an app (its directory, or ``{path: bytes}``),
        tested on a projection first."""
        from .script import read_app_dir

        files = app if isinstance(app, Mapping) else read_app_dir(app)
        kind = RecordKind.DEPLOY_MIGRATE if migrate else RecordKind.DEPLOY_INIT
        return self._admin(kind, deploy_appender(files, migrate=migrate, time_ms=time_ms), time_ms)

    def set_state(self, state_json: str, *, time_ms: int) -> TestOutcome:
        data = state_json.encode("utf-8")
        return self._admin(RecordKind.SET_STATE, lambda w: w.append_set_state(data, time_ms), time_ms)

    def revert(self, record_hash: str, *, time_ms: int) -> TestOutcome:
        """Revert the process to the state after a record (its hash or a unique prefix)."""
        if len(record_hash) != 64:
            record_hash = self._store().record_hash(record_hash)
        return self._admin(RecordKind.REVERT, lambda w: w.append_revert(record_hash, time_ms), time_ms)

    def apply_function(self, function_name: str, serialized_arguments_json: Sequence[str], *, time_ms: int) -> str:
        """Apply an exposed function of the live 2023 web-service app to its state, committing
        (``Backend.ExposeFunctionsToAdmin.<name>`` with the JSON text of each argument), and write
        the ``ApplyFunctionOnElmAppState`` record; returns the shim's answer (JSON). A function
        the shim refuses raises :class:`AdminRejected` with the host's text; nothing is written."""
        from .webservice_semantics import WebService2023, admin_function_error, shim_result

        started = time.perf_counter()
        live = self.live
        if not self.writer.era.system_text_json:
            raise ValueError("ApplyFunctionOnElmAppState records exist only in System.Text.Json stores (era 2022-03)")
        if live is None or live.process is None or live.app_config_hash is None:
            message = "No application deployed."
        elif not isinstance(live.semantics_for(live.app_config_hash), WebService2023):
            message = f"App config {live.app_config_hash} is no 2023 web-service app: it has no functions to apply"
        else:
            args = list(serialized_arguments_json)
            raw = live.process.apply_function(function_name, args)
            error = shim_result(raw)[1]
            if error is None:
                self.records.append(self.writer.append_apply_function(function_name, args, time_ms).record_hash)
                self.responses.append(raw)
                return raw
            message = admin_function_error(function_name, error)
        parent = self.writer.parent_hash
        outcome = TestOutcome(False, message, "", parent, None, time.perf_counter() - started, None, "2023")
        raise AdminRejected(outcome)

    def event(self, event_json: str, *, time_ms: int) -> str | None:
        """Process one app event (its JSON, as the host serialized it) and append its record;
        returns the app's response (None when no app is deployed)."""
        return self.events([(event_json, time_ms)])[0]

    def request(
        self,
        method: str,
        uri: str,
        *,
        time_ms: int,
        body: bytes = b"",
        headers: Iterable[tuple[str, Sequence[str]]] = (),
        client_address: str | None = "127.0.0.1",
    ) -> str | None:
        """An HTTP request to the app (an ``HttpRequestEvent``); returns the app's response."""
        self._requests += 1  # the host's request ids: time, then a counter
        event = http_request_event(
            time_ms=time_ms, method=method, uri=uri, body=body, headers=headers,
            request_id=f"{time_ms}-{self._requests}", client_address=client_address, era=self.writer.era,
        )  # fmt: skip
        return self.event(event, time_ms=time_ms)

    def time_arrived(self, time_ms: int) -> str | None:
        """The host's clock tick (an ``ArrivedAtTimeEvent``)."""
        return self.event(arrived_at_time_event(time_ms, self.writer.era), time_ms=time_ms)

    def task_complete(self, task_id: str, task_result: Mapping[str, object], *, time_ms: int) -> str | None:
        """A volatile-process task's result (a ``TaskCompleteEvent``, 2021-09+ hosts)."""
        return self.event(task_complete_event(task_id, task_result, self.writer.era), time_ms=time_ms)

    def events(self, events: Sequence[tuple[str, int]]) -> list[str | None]:
        """Process app events (JSON, host time in ms) and append their records; returns responses.

        Events run inside V8 in batches; reductions land exactly where the host's 10-minute
        rule (or ``reduction_every_events``) puts them.
        """
        out: list[str | None] = []
        start = 0
        while start < len(events):
            stop, reduce_after = self._next_reduction_point(events, start)
            chunk = events[start:stop]
            responses = self._process(chunk)
            refused = self._shim_refused(responses)
            for (event_json, t), response, skip in zip(chunk, responses, refused):
                out.append(response)
                if skip:
                    continue  # the 2023 host stored an event only when the shim took it
                self.records.append(self.writer.append_app_event(event_json, t).record_hash)
                self.responses.append(response)
                self._events_since_reduction += 1
            if reduce_after:
                self._write_reduction()
                self._last_reduction_ms = chunk[-1][1]
            start = stop
        return out

    def _next_reduction_point(self, events: Sequence[tuple[str, int]], start: int) -> tuple[int, bool]:
        """Index after the next event that triggers a reduction (or the end), and whether one does."""
        if self._last_reduction_ms is None:
            self._last_reduction_ms = events[start][1]
        for i in range(start, len(events)):
            n = self._events_since_reduction + (i - start) + 1
            by_count = self.reduction_every_events is not None and n >= self.reduction_every_events
            by_time = self.reduction_every_events is None and events[i][1] - self._last_reduction_ms >= self.reduction_interval_ms
            if by_count or by_time:
                return i + 1, True
        return len(events), False

    def _process(self, chunk: Sequence[tuple[str, int]]) -> list[str | None]:
        live = self.live
        if live is None or live.process is None:
            return [None] * len(chunk)  # no app deployed: the host ignored the event
        pending = [(_PendingRecord(len(self.records) + k), e) for k, (e, _) in enumerate(chunk)]
        responses, _ = live.run_app_events(pending, responses=True)  # type: ignore[arg-type]
        return responses

    def _shim_refused(self, responses: Sequence[str | None]) -> list[bool]:
        """Per response: whether a 2023 state shim answered Err (the event was not stored)."""
        from .webservice_semantics import WebService2023

        live = self.live
        if live is None or live.app_config_hash is None or not isinstance(live.semantics_for(live.app_config_hash), WebService2023):
            return [False] * len(responses)
        return [r is not None and r.startswith('{"Err":') for r in responses]

    def torn_append(self, garbage: bytes, *, time_ms: int) -> None:
        """Leave a partial record at the end of the newest log file (a crash mid-append)."""
        self.writer.append_torn(garbage, time_ms)

    def close(self) -> None:
        """Stop the live process and close the log file being appended to."""
        if self.live is not None:
            self.live.close()
            self.live = None
        sink = self.writer.sink
        if isinstance(sink, DirectorySink):
            sink.close()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


@dataclass(frozen=True)
class _PendingRecord:
    """Stands in for a record that is not appended yet, so failures name its future index."""

    index: int
    hash: str = "(not yet appended)"
