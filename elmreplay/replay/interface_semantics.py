"""How the host drove an app of each interface: one strategy per interface, chosen per app config.

:class:`~elmreplay.replay.host.HostProcess` applies composition records; what a deploy, a
migration, a set-state or a restore from a stored state *means* depends on the interface the
app config implements (:func:`elmreplay.store.interfaces.app_interface`):

* :class:`OldInterface` -- the 2020 - 2021-08 interface (store-format §5.2, §9.1): a deploy
  starts ``initState``; set-state and restore call ``setSerializedState`` and compare; a
  migration runs ``interface_migrate``. (The code is :class:`HostProcess`'s own, unchanged.)
* :class:`BackendMain2021` -- ``backendMain`` apps as the hosts of 2021-09-03 (``ec1891b9``)
  through 2023-02 ran them (docs/modern-eras-replay.md §2.2-§2.4): every operation is an event
  sent to the generated root module through ``processEventAndUpdateState``, and the app's
  ``migrateResult`` decides.

A third interface adds a subclass of :class:`InterfaceSemantics` and an entry in
:data:`SEMANTICS`. App events (HTTP, time, task completions) are the same for all: the stored
literal is passed to ``processEventAndUpdateState`` as recorded.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import RestoreError, StoreError, UnsupportedEra
from ..runtime.engine import AppProcess
from ..store.interfaces import AppInterface
from ..store.records import Record, RecordKind
from ..store.store import Store
from .host import NO_APP_FOR_SET_STATE, Result, Snapshot

if TYPE_CHECKING:
    from .host import HostProcess

#: The assumption behind :class:`BackendMain2021`, as reports state it.
ERA_1B_ASSUMPTION = (
    "backendMain app replayed with the semantics of the host builds of 2021-09-03 .. 2023-02 (era 1b: "
    "InitStateEvent/SetStateEvent/MigrateStateEvent; init and migrate commands kept); the builds of "
    "2021-08-16 .. 2021-09-01 (era 1a) leave no trace in the store and differ only where init or "
    "migrate return commands or a task is pending at a set-state"
)


class InterfaceSemantics:
    """One interface's meaning of the admin operations and of a restore from a stored state."""

    name = "interface"
    #: Whether a serialized state (``getSerializedState``) restores the process exactly.
    serialized_state_exact = True

    def restore_state(self, host: HostProcess, snap: Snapshot, record: Record | None) -> None:
        """Put ``host`` into a stored (or checkpointed) state of ``snap.app_config_hash``."""
        raise NotImplementedError

    def deploy_init(self, host: HostProcess, record: Record, config_hash: str) -> Result | None:
        """Deploy+init: a new process of ``config_hash`` becomes the host's process (a result
        where the interface has something to say about it)."""
        raise NotImplementedError

    def deploy_migrate(self, host: HostProcess, record: Record, config_hash: str, state_before: str | None) -> Result:
        """Deploy+migrate from ``state_before`` (None: no app ran); the host's result."""
        raise NotImplementedError

    def set_state(self, host: HostProcess, record: Record, state: str) -> Result:
        """Set-state on the running process (the host has one: the caller checked)."""
        raise NotImplementedError

    def _fail(self, record: Record | None, message: str) -> RestoreError:
        """The host's failure ``message`` at ``record``."""
        return RestoreError(
            message,
            event_index=record.index if record is not None else None,
            record_hash=record.hash if record is not None else None,
        )

    def before_admin(self, host: HostProcess, record: Record) -> None:
        """What the live host did to the running app before an admin record (a restart)."""

    def event_payloads(self, host: HostProcess, payloads: Sequence[str], owners: Sequence[Record]) -> Sequence[str]:
        """The stored app-event literals as the app received them (the 2023 hosts translated
        them); as stored for the earlier interfaces."""
        return payloads

    def apply_function(self, host: HostProcess, record: Record, literal: str) -> None:
        """Replay an ``ApplyFunctionOnElmAppState`` record (only 2023 hosts wrote them)."""
        raise UnsupportedEra(
            f"An ApplyFunctionOnElmAppState record (2023-03-15+, written by an Elm-Time host through its state shim) "
            f"applies to app config {host.app_config_hash}, an app of the {self.name} interface, which no such host ran",
            era="2023 Elm-Time",
            app_config_hash=host.app_config_hash,
            event_index=record.index,
            record_hash=record.hash,
        )


class OldInterface(InterfaceSemantics):
    """The 2020 - 2021-08 interface: :class:`HostProcess`'s own methods."""

    name = "2020-2021 interfaceToHost"

    def restore_state(self, host: HostProcess, snap: Snapshot, record: Record | None) -> None:
        host.process = host._runtime(lambda: host.pool.reuse(snap.app_config_hash or ""), record)
        state = snap.state_json or ""
        host._app(lambda p: p.set_state(state), record)

    def deploy_init(self, host: HostProcess, record: Record, config_hash: str) -> Result | None:
        host.process = host._runtime(lambda: host.pool.fresh(config_hash), record)
        host.app_config_hash = config_hash
        return None

    def deploy_migrate(self, host: HostProcess, record: Record, config_hash: str, state_before: str | None) -> Result:
        return host._migrate_old_interface(record, config_hash, state_before)

    def set_state(self, host: HostProcess, record: Record, state: str) -> Result:
        return host._set_state_old_interface(record, state)


# --- era 1b ---------------------------------------------------------------------------------

INIT_STATE_EVENT = '{"InitStateEvent":{}}'
#: ``MigrateStateEvent: null`` (no app before) as the host's serializer wrote it: member omitted.
MIGRATE_WITHOUT_STATE_EVENT = "{}"
APPLY_FAILED = "Failed to apply composition event: "
PROCESS_FAILED = "Failed to process the event in the hosted app: "
DECODE_FAILED = "Hosted app failed to decode the event: "
SET_STATE_FAILED = "Set state function in the hosted app returned an error: "
MIGRATE_NOTHING = "Unexpected shape of response: migrateResult is Nothing"
MIGRATE_ERR = "Migration function in the hosted app returned an error: "
RESTORE_SET_STATE_FAILED = "Failed to set state: "
UNPARSABLE_RESPONSE = (
    "Failed to parse event response from app. Looks like the loaded elm app is not compatible with the interface.\n"
    "Response from app follows:\n"
)
MIGRATED_OK = "Successfully applied this composition event to the process."


def state_event(tag: str, state: str) -> str:
    """``{"SetStateEvent":"<state>"}`` / ``{"MigrateStateEvent":"<state>"}``: the app decodes the
    string, so the escaping (Newtonsoft 2021, System.Text.Json from 2022-03-20) does not matter."""
    return json.dumps({tag: state}, ensure_ascii=False, separators=(",", ":"))


def attempt_process_event(proc: AppProcess, event: str) -> tuple[dict[str, Any] | None, str | None]:
    """The host's ``AttemptProcessEvent``: (``DecodeEventSuccess`` object, None) or (None, error)."""
    raw = proc.process_event(event)
    try:
        parsed = json.loads(raw)
    except ValueError as e:
        return None, f"{UNPARSABLE_RESPONSE}{raw}\nException: {e}"
    if not isinstance(parsed, dict):
        return None, f"{UNPARSABLE_RESPONSE}{raw}\nException: the response is not a JSON object"
    success = parsed.get("DecodeEventSuccess")
    if not isinstance(success, dict):
        return None, DECODE_FAILED + str(parsed.get("DecodeEventError"))
    return success, None


def migrate_result(success: dict[str, Any]) -> tuple[bool, str | None]:
    """``migrateResult`` as (is Just, error text or None for ``Just (Ok ())``)."""
    value = success.get("migrateResult")
    just = value.get("Just") if isinstance(value, dict) else None
    if not isinstance(just, dict):
        return False, None
    if just.get("Ok") is not None:
        return True, None
    return True, str(just.get("Err"))


def era_1a_note(function: str, success: dict[str, Any]) -> str:
    """Where a 2021-08-16 .. 2021-09-01 build (era 1a) would have run this deployment
    differently: it dropped the commands of ``init`` and ``migrate``."""
    tasks = success.get("startTasks")
    if not isinstance(tasks, list) or not tasks:
        return ""
    kinds = sorted({next(iter(t.get("task") or {"?": 0})) for t in tasks if isinstance(t, dict)})
    return (
        f" ({function} returned {len(tasks)} command(s) ({', '.join(kinds)}); a host build of "
        "2021-08-16 .. 2021-09-01 (era 1a) dropped them, so a store written by one replays differently from here)"
    )


class BackendMain2021(InterfaceSemantics):
    """``backendMain`` apps, host builds 2021-09-03 .. 2023-02 (era 1b; :data:`ERA_1B_ASSUMPTION`)."""

    name = "2021-09 backendMain"
    #: Only ``stateLessFramework`` is serialized: pending tasks and task counters are not.
    serialized_state_exact = False

    def _event(self, host: HostProcess, record: Record | None, event: str) -> tuple[dict[str, Any] | None, str | None]:
        result: tuple[dict[str, Any] | None, str | None] = host._app(lambda p: attempt_process_event(p, event), record)
        return result

    def restore_state(self, host: HostProcess, snap: Snapshot, record: Record | None) -> None:
        """A new process (``initState``, a fresh task framework) + ``SetStateEvent``. The host
        did not check ``migrateResult`` here: a state that does not decode leaves the init state."""
        host.process = host._runtime(lambda: host.pool.reuse(snap.app_config_hash or ""), record)
        host._app(lambda p: p.init(), record)
        _, error = self._event(host, record, state_event("SetStateEvent", snap.state_json or ""))
        if error is not None:
            host.process = None
            raise self._fail(record, RESTORE_SET_STATE_FAILED + error)

    def deploy_init(self, host: HostProcess, record: Record, config_hash: str) -> Result | None:
        proc = host._runtime(lambda: host.pool.fresh(config_hash), record)
        host.process, host.app_config_hash = proc, config_hash
        success, error = self._event(host, record, INIT_STATE_EVENT)
        if success is None:
            raise self._fail(record, APPLY_FAILED + PROCESS_FAILED + str(error))
        return Result(ok=MIGRATED_OK + era_1a_note("init", success))

    def deploy_migrate(self, host: HostProcess, record: Record, config_hash: str, state_before: str | None) -> Result:
        proc = host._runtime(lambda: host.pool.fresh(config_hash), record)
        host.process, host.app_config_hash = proc, config_hash
        event = MIGRATE_WITHOUT_STATE_EVENT if state_before is None else state_event("MigrateStateEvent", state_before)
        success, error = self._event(host, record, event)
        if success is None:
            raise self._fail(record, APPLY_FAILED + PROCESS_FAILED + str(error))
        is_just, err = migrate_result(success)
        if not is_just:
            raise self._fail(record, APPLY_FAILED + MIGRATE_NOTHING)
        if err is not None:
            raise self._fail(record, APPLY_FAILED + MIGRATE_ERR + err)
        return Result(ok=MIGRATED_OK + era_1a_note("migrate", success))

    def set_state(self, host: HostProcess, record: Record, state: str) -> Result:
        success, error = self._event(host, record, state_event("SetStateEvent", state))
        if success is None:
            raise self._fail(record, APPLY_FAILED + SET_STATE_FAILED + str(error))
        _, err = migrate_result(success)
        if err is not None:  # the host did not look at migrateResult: the state stays as it was
            return Result(ok=f"Applied; the app did not take the state (migrateResult Err: {err}), the host ignored that")
        return Result(ok=MIGRATED_OK)

    def before_admin(self, host: HostProcess, record: Record) -> None:
        """Every admin operation stored a reduction and restarted the app from it (finding 12):
        the task framework is fresh again."""
        if host.process is not None and host.app_config_hash is not None:
            snap = host.snapshot(record=record)
            self.restore_state(host, snap, record)


SEMANTICS: dict[AppInterface, InterfaceSemantics] = {
    AppInterface.OLD: OldInterface(),
    AppInterface.UNKNOWN: OldInterface(),
    AppInterface.BACKEND_MAIN: BackendMain2021(),
}


def semantics_of(interface: AppInterface) -> InterfaceSemantics | None:
    """The strategy for an interface (None: not replayed; the caller refuses it)."""
    if interface is AppInterface.WEB_SERVICE and interface not in SEMANTICS:
        from .webservice_semantics import WebService2023  # it builds on this module

        SEMANTICS[interface] = WebService2023()
    return SEMANTICS.get(interface)


def replay_assumptions(store: Store) -> list[str]:
    """What a replay of this store assumes beyond what the store says: the host build of its
    ``backendMain`` apps (:data:`ERA_1B_ASSUMPTION`), when it deploys one."""
    for h in store.deployments()["app_config_hash"]:
        if not isinstance(h, str):
            continue
        try:
            if store.app_interface(h).interface is AppInterface.BACKEND_MAIN:
                return [ERA_1B_ASSUMPTION]
        except StoreError:
            continue
    return []


def serialized_state_exact(store: Store, app_config_hash: str | None) -> bool:
    """Whether a serialized state of this app config restores its process exactly (True where
    elmreplay does not run the app or cannot read its config: the replay reports that)."""
    if app_config_hash is None:
        return True
    try:
        semantics = semantics_of(store.app_interface(app_config_hash).interface)
    except StoreError:
        return True
    return semantics is None or semantics.serialized_state_exact


def exact_start(store: Store, index: int, app_config_hash: str | None) -> bool:
    """Whether a replay may start from a serialized state (a reduction, a checkpoint) after
    record ``index``. For interfaces whose serialized state leaves out part of the process (the
    task framework of backendMain apps, docs/modern-eras-replay.md §4.2, §4.3) only where the host
    itself restarted the app from such a state: right before an admin record (finding 12).
    A reduction written during app events is not one: the host kept running (its tasks and task
    ids went on), which a start there would lose."""
    if serialized_state_exact(store, app_config_hash):
        return True
    following = index + 1
    # (a 2023 function application, unlike the other admin records, did not restart the app)
    return following < len(store.records) and store.records[following].kind not in (RecordKind.UPDATE, RecordKind.APPLY_FUNCTION)


__all__ = [
    "ERA_1B_ASSUMPTION",
    "BackendMain2021",
    "InterfaceSemantics",
    "OldInterface",
    "exact_start",
    "replay_assumptions",
    "serialized_state_exact",
    "NO_APP_FOR_SET_STATE",
    "semantics_of",
]
