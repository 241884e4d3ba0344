"""The host's process while replaying: which app config runs, its V8 process, and how each kind of
composition event changes it (store-format §5.2; state held in JS).

What a deploy, migration, set-state or restore means depends on the app config's interface
(:mod:`.interface_semantics`): the 2020 - 2021-08 interface (this module's own methods) or the
2021-09 ``backendMain`` interface (era 1b). Apps and records of interfaces elmreplay does not
replay (the 2023 web service, the 2025 Pine VM; see :mod:`elmreplay.store.interfaces`) are never
run: a state stored for them (a reduction) can still be shown, but applying anything to it
raises :class:`UnsupportedEra`.

Both the host-faithful restore (:mod:`.restore`) and the append-order replay session
(:mod:`.session`) drive this one implementation.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, MutableSequence, Sequence, overload

from ..errors import AppError, CorruptTree, RestoreError, RuntimeUnavailable, StoreError, UnsupportedEra
from ..runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S, AppProcess, EncodedEvents
from ..runtime.sources import RuntimeResolver
from ..store.interfaces import PINE_VM_ERA, PINE_VM_MESSAGE, kind_refusal
from ..store.records import CompositionEvent, Record, RecordKind
from ..store.reductions import UsableReduction
from ..store.recordtimes import TimeBounds, record_time_bounds, union_bounds
from ..store.store import Store
from ..store.writer import newtonsoft_json

if TYPE_CHECKING:
    from .interface_semantics import InterfaceSemantics


@dataclass(frozen=True)
class HostTexts:
    """The host's messages, which changed a little between generations."""

    generation: str
    set_state_ok: str
    set_state_err: str
    migration_module: str

    @staticmethod
    def for_store(store: Store) -> HostTexts:
        """2021 texts for stores with literal log files (written from 2021-07-14), else 2020."""
        if "literal-log" in store.log.layouts:
            return HostTexts(
                "2021",
                "Successfully loaded the Elm app state.",
                "Failed to load the serialized state with the Elm app. resulting state:\n",
                "src/Backend/MigrateState.elm",
            )
        return HostTexts(
            "2020",
            "Successfully loaded the elm app state.",
            "Failed to load the serialized state with the elm app. resulting State:\n",
            "src/MigrateBackendState.elm",
        )


NO_APP_FOR_SET_STATE = "Failed to load the serialized state with the elm app: Looks like no app was deployed so far."
DEFAULT_BATCH_SIZE = 1000
MIGRATED_OK = "Successfully migrated the elm app state."
MIGRATION_DECODE_PREFIX = "Decoding of serialized state failed for this migration:\n"
#: Ints per event in a digest run: response hash (2 halves), length; state hash (2 halves), length.
DIGEST_WIDTH = 6
#: The digest of an event no app processed (the host ignored it): no response, no state.
NO_APP_DIGEST = [0, 0, -1, 0, 0, -1]


def batch_bounds(n: int, size: int, tail_share: float = 0.0) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive batches of ``size`` items covering ``0 .. n``; a last batch
    of at most ``tail_share * size`` items is merged into the one before."""
    start = 0
    while start < n:
        stop = n if n - start <= size * (1 + tail_share) else start + size
        yield start, stop
        start = stop


@dataclass(frozen=True)
class Result:
    """The host's ``Result<string, string>`` for set-state and migrations."""

    ok: str | None = None
    err: str | None = None

    @property
    def is_ok(self) -> bool:
        return self.err is None

    def __str__(self) -> str:
        return f"Ok: {self.ok}" if self.err is None else f"Err: {self.err}"


@dataclass(frozen=True)
class Snapshot:
    """The process after some record: app config and serialized state (None: no app running)."""

    app_config_hash: str | None
    state_json: str | None
    #: The state is a Pine value (2025-03+ web-service hosts), shown as JSON; no app can load it.
    pine: bool = False

    @property
    def size(self) -> int:
        return len(self.state_json or "")

    @staticmethod
    def of_reduction(red: UsableReduction) -> Snapshot:
        """The state a usable reduction stores."""
        return Snapshot(red.app_config_hash, red.state_json.decode("utf-8", errors="replace"), red.state_format == "pine")


@dataclass(frozen=True)
class StoredOnly:
    """A stored state (a reduction) of an app elmreplay does not run: it can be shown, and
    applying anything after it raises ``refusal`` naming that record."""

    snapshot: Snapshot
    refusal: UnsupportedEra


@dataclass(frozen=True, eq=False)
class LiveState:
    """A state held inside one V8 process: a reference to an earlier ``app_state`` (a live
    checkpoint). Valid while that process lives; a deploy that replaces the process, a failure
    or closing the host invalidates it."""

    process: AppProcess
    key: str

    @property
    def app_config_hash(self) -> str:
        return self.process.app_config_hash

    @property
    def valid(self) -> bool:
        return self.process.holds(self.key)


@dataclass
class QueryRun:
    """A find condition evaluated inside V8 while app events run (``inspect.query.to_js``).

    ``at``: the item offsets after which to evaluate it (None: after every item); ``matches``
    receives (item offset, [[concrete path, value], ...]) where it held; ``found`` the same per
    record index (filled by the session); ``needs_prev``: the condition compares with the
    previous state (``changed``); ``per_event``: it reads the event or the response.
    """

    key: str
    js: str
    needs_prev: bool = False
    per_event: bool = False
    at: Sequence[int] | None = None
    matches: list[tuple[int, list[list[Any]]]] = field(default_factory=list)
    found: list[tuple[int, list[list[Any]]]] = field(default_factory=list)


class AppEvents(Sequence[tuple[Record, str]]):
    """App events as two parallel lists, event JSON and the record it came from: a run of a
    million events must not allocate a million pairs (the garbage collector would then scan
    every record of the store again and again)."""

    def __init__(self, payloads: list[str] | EncodedEvents, records: Sequence[Record]):
        if len(payloads) != len(records):
            raise ValueError("AppEvents needs one record per event")
        self.payloads = payloads
        self.records = records

    def __len__(self) -> int:
        return len(self.payloads)

    @overload
    def __getitem__(self, k: int) -> tuple[Record, str]: ...
    @overload
    def __getitem__(self, k: slice) -> AppEvents: ...
    def __getitem__(self, k: int | slice) -> tuple[Record, str] | AppEvents:
        if isinstance(k, slice):
            return AppEvents(self.payloads[k], self.records[k])
        return self.records[k], self.payloads[k]


def normalize_json(text: str) -> str | None:
    """Parse and re-serialize compactly, as the host normalized states before comparing (§5.2).
    None when the text is not JSON."""
    try:
        value: Any = json.loads(text)
    except ValueError:
        return None
    return newtonsoft_json(value).decode("utf-8")


def app_deploy_time(store: Store, config_hash: str) -> TimeBounds | None:
    """When ``store`` says the app config was deployed: the bounds of its deploy records'
    write times (:func:`~elmreplay.store.recordtimes.record_time_bounds`), joined when it was
    deployed more than once; None when no deploy record of it is present or none tells.

    It chooses the host generation a compiled runtime follows (one per app config and store).
    A what-if or counterfactual deploy is appended to a projection like the host's own append,
    so its time is that of the store's newest log file (or chain directory)."""
    h = config_hash.lower()
    deployments = store.deployments()
    table = store.log.records
    bounds = [
        b
        for index in deployments.loc[deployments["app_config_hash"].str.lower() == h, "index"]
        if (b := record_time_bounds(table[int(index)])) is not None
    ]
    return union_bounds(bounds)


class ProcessPool:
    """At most one V8 process per app config; creates, reuses and closes them."""

    def __init__(self, store: Store, resolver: RuntimeResolver, *, timeout_s: float, max_memory: int):
        self.store = store
        self.resolver = resolver
        self.timeout_s = timeout_s
        self.max_memory = max_memory
        self._procs: dict[str, AppProcess] = {}

    def _files(self, config_hash: str) -> Callable[[], Mapping[str, bytes]]:
        return lambda: self.store.app_config(config_hash).files

    def fresh(self, config_hash: str) -> AppProcess:
        """A new process of this app config in its init state (a deploy compiles a new one)."""
        js = self.resolver.js_for(config_hash, self._files(config_hash), app_deploy_time(self.store, config_hash))
        old = self._procs.pop(config_hash, None)
        if old is not None:
            old.close()
        proc = AppProcess(js, app_config_hash=config_hash, timeout_s=self.timeout_s, max_memory=self.max_memory)
        self._procs[config_hash] = proc
        return proc

    def reuse(self, config_hash: str) -> AppProcess:
        """A process of this app config whose state the caller will set (contexts are reused)."""
        proc = self._procs.get(config_hash)
        if proc is None or proc.closed:
            return self.fresh(config_hash)
        return proc

    def drop_query(self, key: str) -> None:
        """Forget a find condition in every process (it holds references to states)."""
        for proc in self._procs.values():
            proc.drop_query(key)

    def close(self) -> None:
        for proc in self._procs.values():
            proc.close()
        self._procs.clear()


class HostProcess:
    """The host's live process during a replay (what ``PersistentProcess`` held)."""

    def __init__(
        self,
        store: Store,
        resolver: RuntimeResolver,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_memory: int = DEFAULT_MAX_MEMORY,
        pool: ProcessPool | None = None,
    ):
        self.store = store
        self.texts = HostTexts.for_store(store)
        self.pool = pool or ProcessPool(store, resolver, timeout_s=timeout_s, max_memory=max_memory)
        self.app_config_hash: str | None = None
        self.process: AppProcess | None = None
        self.last_set_state_result: Result | None = None
        self.last_record_hash: str | None = None
        #: Set while the current state is one elmreplay can show but not run (see :class:`StoredOnly`).
        self.stored_only: StoredOnly | None = None
        self._refusals: dict[str, UnsupportedEra | None] = {}
        self._semantics: dict[str, InterfaceSemantics] = {}
        #: ``console.log`` lines of the app (Elm's Debug.log), with the record index they came from.
        self.logs: list[tuple[int, str]] = []
        self._hold_ids = itertools.count()

    # --- snapshots -------------------------------------------------------------------------

    def state_digest(self, *, record: Record | None = None) -> tuple[int, ...]:
        """The current state's digest (the last three ints of a digest run's entry)."""
        if self.process is None:
            return tuple(NO_APP_DIGEST[3:])
        return tuple(self._app(lambda p: p.state_digest(), record))

    def snapshot(self, *, record: Record | None = None) -> Snapshot:
        if self.stored_only is not None:
            return self.stored_only.snapshot
        if self.process is None:
            return Snapshot(self.app_config_hash, None)
        return Snapshot(self.app_config_hash, self._app(lambda p: p.get_state(), record))

    def restore(self, snap: Snapshot, *, record: Record | None = None) -> None:
        """Put the process into a snapshot's state (a reduction, or an in-memory checkpoint).
        A state of an app elmreplay does not run is kept as :attr:`stored_only`."""
        self.app_config_hash = snap.app_config_hash
        self.stored_only = None
        if snap.app_config_hash is None or snap.state_json is None:
            self.process = None
            return
        refusal = self.refusal_for(snap.app_config_hash)
        if refusal is None and snap.pine:
            pine = f"The state of app config {snap.app_config_hash} is a Pine value (a 2025-03+ host): {PINE_VM_MESSAGE}"
            refusal = UnsupportedEra(pine, era=PINE_VM_ERA, app_config_hash=snap.app_config_hash)
        if refusal is not None:
            self.process = None
            self.stored_only = StoredOnly(snap, refusal)
            return
        self.semantics_for(snap.app_config_hash).restore_state(self, snap, record)

    # --- live states (references held inside V8) ------------------------------------------

    def live_token(self) -> LiveState | None:
        """A not yet valid :class:`LiveState` of the current process, to pass to
        :meth:`run_app_events` (``hold_after``); None when no app is running."""
        if self.process is None:
            return None
        return LiveState(self.process, f"h{next(self._hold_ids)}")

    def hold(self, *, record: Record | None = None) -> LiveState | None:
        """Hold the current state (None when no app is running)."""
        live = self.live_token()
        if live is not None:
            self._app(lambda p: p.hold(live.key), record)
        return live

    def resume(self, live: LiveState, *, record: Record | None = None) -> None:
        """Make a held state the current one again, in the process that holds it."""
        if not live.valid:
            raise RestoreError(
                f"The held state {live.key} of app config {live.app_config_hash} is gone (its process was replaced or closed)",
                event_index=record.index if record is not None else None,
                record_hash=record.hash if record is not None else None,
            )
        self.app_config_hash, self.process = live.app_config_hash, live.process
        self._app(lambda p: p.resume(live.key), record)

    def release(self, lives: Iterable[LiveState]) -> None:
        """Drop held states (those of closed processes are gone already)."""
        by_process: dict[AppProcess, list[str]] = defaultdict(list)
        for live in lives:
            if live.valid:
                by_process[live.process].append(live.key)
        for proc, keys in by_process.items():
            proc.release(keys)

    # --- interfaces elmreplay does not replay ------------------------------------------------

    def refusal_for(self, config_hash: str) -> UnsupportedEra | None:
        """Why an app config must not be run with the 2020-2021 semantics (None: it may be).

        In a Pine-era store every state is a Pine value; elsewhere the app config's own files
        say which interface the host drove it through (:func:`~elmreplay.store.interfaces.app_interface`).
        """
        if config_hash not in self._refusals:
            refusal: UnsupportedEra | None = None
            if self.store.holds_pine_states:
                pine = f"App config {config_hash} runs in a 2025 Pine-era store: {PINE_VM_MESSAGE}"
                refusal = UnsupportedEra(pine, era=PINE_VM_ERA, app_config_hash=config_hash)
            else:
                finding = self.store.app_interface(config_hash)
                message = finding.refusal(config_hash)
                if message is not None:
                    refusal = UnsupportedEra(message, era=finding.interface.name, app_config_hash=config_hash)
            self._refusals[config_hash] = refusal
        return self._refusals[config_hash]

    def semantics_for(self, config_hash: str) -> InterfaceSemantics:
        """How the host drove this app config (:mod:`.interface_semantics`); call after
        :meth:`refusal_for` said it is replayed."""
        if config_hash not in self._semantics:
            from .interface_semantics import OldInterface, semantics_of

            interface = self.store.app_interface(config_hash).interface
            self._semantics[config_hash] = semantics_of(interface) or OldInterface()
        return self._semantics[config_hash]

    def interface_name(self) -> str | None:
        """The name of the running app's interface semantics (None: no app)."""
        if self.app_config_hash is None or self.stored_only is not None:
            return None
        return self.semantics_for(self.app_config_hash).name

    def require_runnable(self, record: Record) -> None:
        """Raise :class:`UnsupportedEra` naming ``record`` when the current state is stored-only."""
        if self.stored_only is not None:
            refusal = self.stored_only.refusal
            message = f"Cannot replay past a stored state: {refusal.bare_message}"
            past = UnsupportedEra(message, era=refusal.era, app_config_hash=refusal.app_config_hash)
            raise past.at(event_index=record.index, record_hash=record.hash)

    def _refuse_config(self, config_hash: str, record: Record) -> None:
        refusal = self.refusal_for(config_hash)
        if refusal is not None:
            raise refusal.at(event_index=record.index, record_hash=record.hash)

    # --- applying records ------------------------------------------------------------------

    def _runtime(self, make: Callable[[], AppProcess], record: Record | None) -> AppProcess:
        try:
            return make()
        except AppError as e:
            raise _located(e, record) from None

    def _app(self, op: Callable[[AppProcess], Any], record: Record | None) -> Any:
        assert self.process is not None
        try:
            return op(self.process)
        except AppError as e:
            self.process = None  # the context is gone; a later restore builds a new one
            raise _located(e, record) from None

    def apply(self, record: Record, event: CompositionEvent) -> Result | None:
        """Apply one non-app event (set-state, deploys, revert checks are the caller's) per §5.2."""
        kind = event.kind
        refused = kind_refusal(kind)
        if refused is not None:
            raise UnsupportedEra(refused[1], era=refused[0], event_index=record.index, record_hash=record.hash)
        if kind is not RecordKind.DEPLOY_INIT:
            self.require_runnable(record)
        if kind is RecordKind.SET_STATE and self.process is not None and self.app_config_hash is not None:
            self.semantics_for(self.app_config_hash).before_admin(self, record)
        if kind is RecordKind.SET_STATE:
            return self._set_state(record, event)
        if kind is RecordKind.DEPLOY_INIT:
            deployed = self._deploy(record, event)
            self.last_set_state_result = None
            return deployed
        if kind is RecordKind.DEPLOY_MIGRATE:
            return self._migrate(record, event)
        if kind is RecordKind.UPDATE:
            if self.process is not None and self.app_config_hash is not None and event.value is not None:
                stored = self.store.value_bytes(event.value, record=record).decode("utf-8", errors="replace")
                ev = self.semantics_for(self.app_config_hash).event_payloads(self, [stored], [record])[0]
                self._app(lambda p: p.process_event(ev), record)
            return None
        if kind is RecordKind.APPLY_FUNCTION:
            self._apply_function(record, event)
            return None
        raise RestoreError(
            f"Replaying {kind.value} records (a later host generation) is not supported",
            event_index=record.index,
            record_hash=record.hash,
        )

    def run_app_events(
        self,
        items: Sequence[tuple[Record, str]],
        *,
        responses: bool = False,
        states_after: Sequence[int] = (),
        hold_after: Mapping[int, LiveState] | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        tail_share: float = 0.0,
        query: QueryRun | None = None,
        digests: MutableSequence[int] | None = None,
        digest_want: Sequence[int] | None = None,
    ) -> tuple[list[str | None], dict[int, str]]:
        """Run app events (``(record, event JSON)`` pairs, in order) inside V8 in batches.

        Returns the responses (None where no app was running, as the host ignored the event) and
        the serialized states after the requested item offsets. Failures name the record.
        Pass an :class:`AppEvents` for long runs: it holds the same pairs without a tuple each.
        ``hold_after`` maps item offsets to tokens from :meth:`live_token`, which become valid
        once the state after that offset is held. ``tail_share``: a last batch this much shorter
        than ``batch_size`` joins the one before (see :func:`batch_bounds`). ``query`` collects
        where a find condition held into ``query.matches`` (item offsets). ``digests`` receives,
        per item, the response's and the resulting state's digest (:data:`DIGEST_WIDTH` ints, see
        ``BatchResult.digests``; :data:`NO_APP_DIGEST` where no app runs); ``digest_want`` says per
        item what to do with the state (``AppProcess.run_batch``'s ``digests``; default: hash
        every state).
        """
        out_responses: list[str | None] = []
        out_states: dict[int, str] = {}
        if len(items):
            self.require_runnable(items[0][0])
        if self.process is None:
            if digests is not None:
                digests.extend(NO_APP_DIGEST * len(items))
            return [None] * len(items) if responses else [], {}
        payloads: Sequence[str]
        if isinstance(items, AppEvents):
            payloads, owners = items.payloads, items.records
        else:
            payloads, owners = [e for _, e in items], [r for r, _ in items]
        if self.app_config_hash is not None:  # the stored literals as the app received them
            payloads = self.semantics_for(self.app_config_hash).event_payloads(self, payloads, owners)
        wanted = sorted(set(states_after))
        holds = sorted((hold_after or {}).items())
        if any(live.process is not self.process for _, live in holds):
            raise ValueError("hold_after needs tokens of the current process (HostProcess.live_token)")
        for start, stop in batch_bounds(len(payloads), batch_size, tail_share):
            batch = payloads[start:stop]
            snaps = [o - start for o in wanted if start <= o < start + len(batch)]
            keys = {o - start: live.key for o, live in holds if start <= o < start + len(batch)}
            batch_query: tuple[str, Sequence[int] | None] | None = None
            if query is not None:
                self._app(lambda p: p.define_query(query.key, query.js), owners[start])
                at = None if query.at is None else [o - start for o in query.at if start <= o < start + len(batch)]
                batch_query = (query.key, at)
            result, failure = self.process.run_batch(
                batch,
                responses=responses,
                states_after=snaps,
                hold_after=keys,
                query=batch_query,
                digests=False if digests is None else True if digest_want is None else digest_want[start : start + len(batch)],
            )
            if query is not None:
                query.matches.extend((start + off, m) for off, m in result.matches)
            if failure is not None:
                self.process = None
                raise _located(failure.error, owners[start + min(failure.offset, len(batch) - 1)])
            if responses and result.responses is not None:
                out_responses.extend(result.responses)
            if digests is not None and result.digests is not None:
                digests.extend(result.digests)
            out_states.update({start + k: v for k, v in result.states.items()})
            self.logs.extend((owners[start + i].index, line) for i, line in result.logs if 0 <= i < len(batch))
        return out_responses, out_states

    def _apply_function(self, record: Record, event: CompositionEvent) -> None:
        """An ``ApplyFunctionOnElmAppState`` record (2023-03-15+): only the 2023 hosts wrote it,
        and only their state shim can apply it; without an app the host's restore failed."""
        assert event.value is not None
        literal = self.store.value_bytes(event.value, record=record).decode("utf-8", errors="replace")
        if self.process is None or self.app_config_hash is None:
            from .webservice_semantics import no_app_for_function

            raise no_app_for_function(record, literal)
        self.semantics_for(self.app_config_hash).apply_function(self, record, literal)

    def _config_hash(self, record: Record, event: CompositionEvent) -> str:
        assert event.value is not None and event.value.hash_base16 is not None
        h = event.value.hash_base16
        try:
            self.store.app_config(h)
        except CorruptTree:
            raise RestoreError(
                f"Failed to load component {h} as tree: Failed to parse as tree.", event_index=record.index, record_hash=record.hash
            ) from None
        except StoreError as e:
            raise RestoreError(f"Failed to load component {h} as tree: {e}", event_index=record.index, record_hash=record.hash) from None
        return h

    def _deploy(self, record: Record, event: CompositionEvent) -> Result | None:
        h = self._config_hash(record, event)
        self._refuse_config(h, record)
        self.stored_only = None
        return self.semantics_for(h).deploy_init(self, record, h)

    def _set_state(self, record: Record, event: CompositionEvent) -> Result:
        assert event.value is not None
        state = self.store.value_bytes(event.value, record=record).decode("utf-8", errors="replace")
        if self.process is None or self.app_config_hash is None:
            result = Result(err=NO_APP_FOR_SET_STATE)
        else:
            result = self.semantics_for(self.app_config_hash).set_state(self, record, state)
        self.last_set_state_result = result
        return result

    def _set_state_old_interface(self, record: Record, state: str) -> Result:
        self._app(lambda p: p.set_state(state), record)
        after = self._app(lambda p: p.get_state(), record)
        same = normalize_json(after) == normalize_json(state) and normalize_json(state) is not None
        return Result(ok=self.texts.set_state_ok) if same else Result(err=self.texts.set_state_err + after)

    def _migrate(self, record: Record, event: CompositionEvent) -> Result:
        state_before = self._app(lambda p: p.get_state(), record) if self.process is not None else None
        h = self._config_hash(record, event)
        self._refuse_config(h, record)
        self.stored_only = None
        result = self.semantics_for(h).deploy_migrate(self, record, h, state_before)
        self.last_set_state_result = result
        return result

    def _migrate_old_interface(self, record: Record, h: str, state_before: str | None) -> Result:
        config = self.store.app_config(h)
        # A compile failure propagates: the 2020 host did not catch it, 2021 reported the exception.
        proc = self._runtime(lambda: self.pool.fresh(h), record)
        prepared: str | None = None
        if config.migration_module is None:
            prepared = f"Did not find interface module at '{self.texts.migration_module}'"
        elif not proc.has_migrate and proc.migrate_preparation_error is not None:
            prepared = proc.migrate_preparation_error
        elif not proc.has_migrate:
            raise RuntimeUnavailable(
                f"The runtime for app config {h} does not define interface_migrate, but the app config has "
                f"{config.migration_module}",
                app_config_hash=h,
            )
        migrated: str | None = None
        if prepared is not None:
            result = Result(err=f"Failed to prepare elm app state migration: {prepared}")
        else:
            self.app_config_hash, self.process = h, proc
            raw = self._app(lambda p: p.migrate(state_before if state_before is not None else ""), record)
            result, migrated = self._migration_result(raw, record)
        self.app_config_hash, self.process = h, proc
        target = migrated if migrated is not None else ""
        self._app(lambda p: p.set_state(target), record)
        if migrated is not None:
            after = self._app(lambda p: p.get_state(), record)
            if normalize_json(after) != normalize_json(migrated):
                result = Result(
                    err="Failed to load the migrated serialized state with the destination public app configuration."
                    f" resulting State:\n{after}"
                )
        return result

    def _migration_result(self, raw: str, record: Record) -> tuple[Result, str | None]:
        """Interpret ``interface_migrate``'s ``{"Ok":["<json>"]}`` / ``{"Err":["<error>"]}``."""
        try:
            value = json.loads(raw)
            tag, payload = next(iter(value.items()))
            inner = payload[0] if isinstance(payload, list) else payload
        except (ValueError, AttributeError, StopIteration, IndexError, TypeError):
            return Result(err=f"Failed to migrate the elm app state:Unexpected migration result: {raw[:500]}"), None
        if tag == "Ok" and isinstance(inner, str):
            return Result(ok=MIGRATED_OK), inner
        return Result(err=f"Failed to migrate the elm app state:{MIGRATION_DECODE_PREFIX}{inner}"), None

    def close(self) -> None:
        self.pool.close()
        self.process = None
        self.stored_only = None


def _located(e: AppError, record: Record | None) -> AppError:
    """The same kind of error, naming the record being applied."""
    if record is None or e.record_hash is not None:
        return e
    return type(e)(
        e.bare_message, event_index=record.index, record_hash=record.hash, app_config_hash=e.app_config_hash, js_message=e.js_message
    )
