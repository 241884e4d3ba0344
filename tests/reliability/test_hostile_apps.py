"""Hostile apps through the whole replay stack (sessions, verify, what-if, counterfactual).

Each misbehaviour becomes its documented error within the configured limits, naming the event
index and the record hash; the Python process survives and the next replay works.
(tests/runtime/test_engine.py covers the same at the engine level.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from elmreplay.errors import AppCrashed, AppError, AppOutOfMemory, AppTimeout
from elmreplay.replay.session import ReplaySession
from elmreplay.replay.verify import verify
from elmreplay.replay.whatif import counterfactual, what_if_deploy
from elmreplay.runtime.sources import RuntimeResolver
from elmreplay.store import StoreWriter, WriterEra, open_store
from elmreplay.store.store import Store

from .stores import APP_FILES, CANDIDATE, COUNTER_JS, T0, AppRuntimes, candidate_runtimes, http_event

LIMITS = {"timeout_s": 0.5, "max_memory": 64 << 20}
BAD_INDEX = 6  # deploy, events 1..5, the hostile event, events 7 and 8


def write_store(root: Path, commands: list[str]) -> tuple[Store, list[str]]:
    """A deploy of the test app, then one app event per command; returns the record hashes."""
    w = StoreWriter.new_store(root, WriterEra.E5)
    hashes = [w.append_deploy(APP_FILES, migrate=False, time_ms=T0)[0].record_hash]
    for k, command in enumerate(commands, start=1):
        hashes.append(w.append_app_event(http_event(k, T0 + k, command), T0 + k).record_hash)
    return open_store(root), hashes


def hostile_store(root: Path, command: str) -> tuple[Store, str]:
    store, hashes = write_store(root, ["1", "2", "3", "4", "5", command, "7", "8"])
    return store, hashes[BAD_INDEX]


def assert_names_the_event(error: AppError, record_hash: str, index: int = BAD_INDEX) -> None:
    assert error.event_index == index and error.record_hash == record_hash
    assert f"event index {index}" in str(error) and record_hash in str(error)


HOSTILE = [
    ("loop", AppTimeout, "within 0.5 s"),
    ("grow", AppOutOfMemory, "memory limit of 64 MiB"),
    ("recurse", AppCrashed, "call stack"),
    ("throw-object", AppCrashed, "[object Object]"),
    ("throw-undefined", AppCrashed, "undefined"),
    ("throw-string", AppCrashed, "a plain string"),
    ("return-number", AppCrashed, "returned number, not a string"),
    ("return-null", AppCrashed, "returned null, not a string"),
    ("return-object", AppCrashed, "returned object, not a string"),
    ("huge-response", AppCrashed, "Invalid string length"),
]


@pytest.mark.parametrize(("command", "error", "text"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_event_in_a_session(tmp_path: Path, command: str, error: type[AppError], text: str) -> None:
    store, bad = hostile_store(tmp_path / "s", command)
    resolver = AppRuntimes().resolver()
    with ReplaySession(store, resolver, **LIMITS) as session:  # type: ignore[arg-type]
        # one batch from the start: the failing event is in the middle of it
        with pytest.raises(error) as info:
            session.state_at(8)
        assert_names_the_event(info.value, bad)
        assert text in str(info.value)
    with ReplaySession(store, resolver, **LIMITS) as session:  # type: ignore[arg-type]
        assert session.state_at(5) == "15"
        # from a position just before it, the batch starts with the failing event
        with pytest.raises(error) as again:
            session.state_at(7)
        assert_names_the_event(again.value, bad)
    with pytest.raises(error) as verified:
        verify(store, resolver, **LIMITS)  # type: ignore[arg-type]
    assert_names_the_event(verified.value, bad)
    # the process survives: a fresh replay of a good store works
    good, _ = write_store(tmp_path / "good", ["1", "2", "3"])
    with ReplaySession(good, resolver) as session:
        assert session.state_at(3) == "6"


def test_the_same_session_recovers_after_an_app_error(tmp_path: Path) -> None:
    store, bad = hostile_store(tmp_path / "s", "throw-string")
    with ReplaySession(store, AppRuntimes().resolver(), **LIMITS) as session:  # type: ignore[arg-type]
        with pytest.raises(AppCrashed):
            session.state_at(8)
        assert session.state_at(3) == "6"


def test_an_app_that_clobbers_globals_cannot_break_the_replay(tmp_path: Path) -> None:
    store, _ = write_store(tmp_path / "s", ["1", "2", "clobber", "3", "4"])
    with ReplaySession(store, AppRuntimes().resolver(), **LIMITS) as session:  # type: ignore[arg-type]
        responses = session.responses(1, 6)
        assert [json.loads(r)["counter"] for r in responses if r is not None] == [1, 3, 3, 6, 10]
        assert session.state_at(5) == "10"
        assert session.state_at(2) == "3"  # from the start again: a new context, clean globals


def test_logging_after_clobbering_globals(tmp_path: Path) -> None:
    store, _ = write_store(tmp_path / "s", ["1", "clobber", "2", "log", "3"])
    with ReplaySession(store, AppRuntimes().resolver(), **LIMITS) as session:  # type: ignore[arg-type]
        assert session.state_at(5) == "6"
        assert [i for i, _ in session.logs] == [4]


def test_the_app_sees_no_io(tmp_path: Path) -> None:
    store, _ = write_store(tmp_path / "s", ["1", "probe"])
    with ReplaySession(store, AppRuntimes().resolver(), **LIMITS) as session:  # type: ignore[arg-type]
        (probe,) = session.responses(2, 3)
    assert probe is not None
    assert json.loads(probe) == dict.fromkeys(
        ["require", "fetch", "XMLHttpRequest", "process", "Deno", "Bun", "WebSocket", "importScripts", "Worker"],
        "undefined",
    )


def test_an_enormous_runtime_hits_the_memory_limit_at_the_deploy(tmp_path: Path) -> None:
    store, hashes = write_store(tmp_path / "s", ["1", "2"])
    enormous = COUNTER_JS + "\nvar table = [" + "{a:[1,2]}," * 2_000_000 + "0];\n"  # 19 MiB of source
    resolver = RuntimeResolver([lambda h, files: enormous])
    # parsing 19 MiB takes a while: this is about the memory limit, so the timeout is generous
    with ReplaySession(store, resolver, timeout_s=60, max_memory=64 << 20) as session:
        with pytest.raises(AppOutOfMemory) as info:
            session.state_at(2)
    assert_names_the_event(info.value, hashes[0], index=0)
    with ReplaySession(store, AppRuntimes().resolver(), **LIMITS) as session:  # type: ignore[arg-type]
        assert session.state_at(2) == "3"


def test_what_if_with_a_hostile_migration_is_rejected_in_time(tmp_path: Path) -> None:
    store, _ = write_store(tmp_path / "s", ["1", "2", "3"])
    looping = candidate_runtimes("function interface_migrate(s) { while (true) {} }")
    report = what_if_deploy(store, CANDIDATE, looping, mode="migrate", **LIMITS)  # type: ignore[arg-type]
    assert not report.accepted
    assert "did not finish running the migration within 0.5 s" in report.message
    assert f"event index {len(store)}" in report.message and report.deploy_record_hash in report.message
    # the next what-if works
    fine = candidate_runtimes('function interface_migrate(s) { return JSON.stringify({Ok: [s]}); }')
    ok = what_if_deploy(store, CANDIDATE, fine, mode="migrate", **LIMITS)  # type: ignore[arg-type]
    assert ok.accepted and ok.state_after == "6"


def test_counterfactual_over_a_hostile_event_names_it(tmp_path: Path) -> None:
    store, bad = hostile_store(tmp_path / "s", "loop")
    fine = candidate_runtimes('function interface_migrate(s) { return JSON.stringify({Ok: [s]}); }')
    with pytest.raises(AppTimeout) as info:
        counterfactual(store, CANDIDATE, fine, at=3, **LIMITS)  # type: ignore[arg-type]
    assert_names_the_event(info.value, bad)


def test_timer_callbacks_cannot_change_the_state_after_an_event(tmp_path: Path) -> None:
    """mini-racer defines setTimeout; a callback running between replay calls would make states
    depend on timing. Using it must fail the event, or its callback must never run."""
    store, hashes = write_store(tmp_path / "s", ["1", "timer", "2"])
    with ReplaySession(store, AppRuntimes().resolver(), **LIMITS) as session:  # type: ignore[arg-type]
        try:
            states = [session.state_at(i) for i in (2, 3)]
        except AppCrashed as e:
            assert_names_the_event(e, hashes[2], index=2)
            return
        assert states == ["1", "3"]
