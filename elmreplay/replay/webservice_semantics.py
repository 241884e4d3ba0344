"""How the Elm-Time host drove a 2023 web-service app (``webServerMain`` / ``webServiceMain``):
the state shim (modern-eras §2b-§2f; docs/modern-eras-replay.md §2.5).

Every operation goes through the shim's exposed functions on the branch ``main``
(``ApplyCompositionEvent`` in ``PersistentProcessLiveRepresentation.cs`` @ ``7739f030``,
``4bf750c3``, ``c2905b9b``, ``5ee236fe``; the runtime contract's "2023 web service" part):

* **restore from a stored state** (a reduction): a new process, then ``SetBranchesStateShimRequest``
  (``setSerializedState``: a fresh task framework); the shim's error fails the restore with
  ``Failed to set state: …``;
* **deploy+init**: a new process, then ``"init"``;
* **deploy+migrate**: the old app's serialized state, a new process, then ``"migrate"`` with it;
  without a running app the host answers ``No state from previous app``;
* **set-state**: ``SetBranchesStateShimRequest`` on the running process (the framework is reset);
* **app events**: the stored literal translated as the host did (:mod:`elmreplay.store.webservice_events`),
  then ``"processEvent"``; an app that does not take the event keeps its state and the restore
  goes on (the host checked only the shim's outer result); a literal the translation refuses
  fails the restore;
* **ApplyFunctionOnElmAppState**: the recorded function applied again, committing to ``main``;
  every failure fails the restore (``Process is null, no app deployed`` without an app).

Failures are the host's texts behind ``Failed to apply composition event: `` (the exception the
host's restore threw; the admin interface answered ``Failed with exception: `` and that exception).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Sequence

from ..errors import RestoreError, RuntimeUnavailable
from ..runtime.engine import AppProcess
from ..store.apply_function import ApplyFunctionLiteralError, parse_apply_function_literal
from ..store.interfaces import web_service_host_types
from ..store.records import Record
from ..store.webservice_events import HostTypes, translate_stored_event
from .host import Result, Snapshot
from .interface_semantics import APPLY_FAILED, InterfaceSemantics

if TYPE_CHECKING:
    from .host import HostProcess

RESTORE_SET_STATE_FAILED = "Failed to set state: "
SET_STATE_FAILED = "Set state function in the hosted app returned an error: "
NO_STATE_FROM_PREVIOUS_APP = "No state from previous app"
NO_APP_DEPLOYED = "Process is null, no app deployed"
FUNCTION_NOT_FOUND = "None of the exposed functions matches name '"
APPLIED_OK = "Successfully applied this composition event to the process."


def shim_result(raw: str) -> tuple[object | None, str | None]:
    """``applyFunction``'s answer: (``resultLessStateJson``, None) or (None, the shim's error)."""
    parsed = json.loads(raw)
    if "Err" in parsed:
        return None, str(parsed["Err"])
    return parsed["Ok"].get("resultLessStateJson"), None


def admin_function_error(function_name: str, error: str) -> str:
    """``StateShim.ApplyFunctionOnMainBranch``'s text: the function lookup is the host's own (no
    prefix), every error of the application itself gets ``Failed to apply function <name>: ``."""
    return error if error.startswith(FUNCTION_NOT_FOUND) else f"Failed to apply function {function_name}: {error}"


def no_app_for_function(record: Record, literal: str) -> RestoreError:
    """The restore failure for an ``ApplyFunctionOnElmAppState`` record with no app running (the
    host read the record first: a literal it could not read failed before that)."""
    try:
        parse_apply_function_literal(literal)
    except ApplyFunctionLiteralError as e:
        return RestoreError(f"The host could not read this ApplyFunctionOnElmAppState record ({e})", event_index=record.index, record_hash=record.hash)
    return RestoreError(APPLY_FAILED + NO_APP_DEPLOYED, event_index=record.index, record_hash=record.hash)


class WebService2023(InterfaceSemantics):
    """2023 web-service apps through the state shim (module docstring)."""

    name = "2023 web service (state shim)"
    #: Only ``stateLessFramework`` is serialized (a pending task's callback is lost), as in era 1b.
    serialized_state_exact = False

    def _apply(self, host: HostProcess, record: Record | None, function_name: str, args: Sequence[str]) -> str | None:
        """Apply an exposed function on the running process; the shim's error, or None."""
        raw: str = host._app(lambda p: p.apply_function(function_name, args), record)
        return shim_result(raw)[1]

    def _checked(self, proc: AppProcess) -> AppProcess:
        """A process whose runtime implements the 2023 contract (``applyFunction``)."""
        if not proc.has_apply_function:
            raise RuntimeUnavailable(
                f"The JavaScript for app config {proc.app_config_hash} does not define applyFunction: the app is a 2023 "
                "web-service app (state shim), whose runtime must implement the 2023 contract (sample_histories/ports/README.md)",
                app_config_hash=proc.app_config_hash,
            )
        return proc

    def restore_state(self, host: HostProcess, snap: Snapshot, record: Record | None) -> None:
        host.process = self._checked(host._runtime(lambda: host.pool.reuse(snap.app_config_hash or ""), record))
        host._app(lambda p: p.init(), record)  # a new process: no branch yet
        state = snap.state_json or ""
        error = host._app(lambda p: p.try_set_state(state), record)
        if error is not None:
            host.process = None
            raise self._fail(record, RESTORE_SET_STATE_FAILED + error)

    def _new_process(self, host: HostProcess, record: Record, config_hash: str, function_name: str, args: Sequence[str]) -> None:
        proc = self._checked(host._runtime(lambda: host.pool.fresh(config_hash), record))
        host.process, host.app_config_hash = proc, config_hash
        error = self._apply(host, record, function_name, args)
        if error is not None:
            host.process = None
            raise self._fail(record, APPLY_FAILED + error)

    def deploy_init(self, host: HostProcess, record: Record, config_hash: str) -> None:
        self._new_process(host, record, config_hash, "init", [])

    def deploy_migrate(self, host: HostProcess, record: Record, config_hash: str, state_before: str | None) -> Result:
        if state_before is None:
            raise self._fail(record, APPLY_FAILED + NO_STATE_FROM_PREVIOUS_APP)
        self._new_process(host, record, config_hash, "migrate", [state_before])
        return Result(ok=APPLIED_OK)

    def set_state(self, host: HostProcess, record: Record, state: str) -> Result:
        error = host._app(lambda p: p.try_set_state(state), record)
        if error is not None:
            raise self._fail(record, APPLY_FAILED + SET_STATE_FAILED + error)
        return Result(ok=APPLIED_OK)

    def event_payloads(self, host: HostProcess, payloads: Sequence[str], owners: Sequence[Record]) -> Sequence[str]:
        """The stored literals as the app received them (the host's translation)."""
        types = self.host_types(host)
        out: list[str] = []
        for literal, record in zip(payloads, owners):
            out.append(self.translated(literal, record, types))
        return out

    def translated(self, literal: str, record: Record | None, types: HostTypes) -> str:
        translation = translate_stored_event(literal, types)
        if translation.event_json is not None:
            return translation.event_json
        if translation.error is not None:
            raise self._fail(record, APPLY_FAILED + translation.error)
        raise self._fail(record, f"The host's translation of the stored event threw {translation.exception}")

    def host_types(self, host: HostProcess) -> HostTypes:
        """The interface types of the host that ran the current app (the 2023-07 types for an
        app of the ``_2023_06`` shim version)."""
        if host.app_config_hash is None:
            return HostTypes.V2023_03
        return web_service_host_types(host.store.app_config(host.app_config_hash).files)

    def apply_function(self, host: HostProcess, record: Record, literal: str) -> None:
        """Replay an ``ApplyFunctionOnElmAppState`` record."""
        try:
            event = parse_apply_function_literal(literal)
        except ApplyFunctionLiteralError:
            raise no_app_for_function(record, literal) from None
        error = self._apply(host, record, event.function_name, event.serialized_arguments_json)
        if error is not None:
            raise self._fail(record, APPLY_FAILED + admin_function_error(event.function_name, error))
