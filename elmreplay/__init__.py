"""elmreplay: investigate, replay and dry-run Elm-fullstack process stores, read-only.

The public surface is small; everything else is importable but internal::

    import elmreplay
    store = elmreplay.open_store("sample_histories/tracker/store")
    store.events()                                  # pandas DataFrame, one row per record
    session = elmreplay.replay(store)               # the app's JS in V8, runtimes beside the store
    session.state_at(1234)                          # serialized Elm state after record 1234
    elmreplay.diff_states(session.state_at(10), session.state_at(11))
    elmreplay.verify(store)                         # replay vs every stored reduction
    elmreplay.what_if_deploy(store, "path/to/next-version", mode="migrate")
    with elmreplay.Recorder("new/empty/dir", era="E5", runtimes=["my/runtimes"]) as rec:
        rec.deploy("path/to/app", migrate=False, time_ms=1_626_180_000_000)   # a NEW store
    elmreplay.fleet_what_if("path/to/next-version", ["tenants/a", "tenants/b"], mode="migrate")
"""

from .api import counterfactual, fleet_what_if, replay, verify, what_if_deploy
from .errors import (
    AppCrashed,
    AppError,
    AppOutOfMemory,
    AppTimeout,
    ElmCompileError,
    ElmReplayError,
    QuerySyntaxError,
    RestoreError,
    RuntimeUnavailable,
    StoreError,
)
from .inspect.diff import StateDiff, diff_states
from .replay.recorder import AdminRejected, Recorder, arrived_at_time_event, http_request_event
from .replay.session import ReplaySession
from .store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "AdminRejected",
    "AppCrashed",
    "AppError",
    "AppOutOfMemory",
    "AppTimeout",
    "ElmCompileError",
    "ElmReplayError",
    "QuerySyntaxError",
    "Recorder",
    "ReplaySession",
    "RestoreError",
    "RuntimeUnavailable",
    "StateDiff",
    "Store",
    "StoreError",
    "arrived_at_time_event",
    "counterfactual",
    "diff_states",
    "fleet_what_if",
    "http_request_event",
    "open_store",
    "replay",
    "verify",
    "what_if_deploy",
]
