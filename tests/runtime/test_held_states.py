"""Live checkpoints in the harness: holding references to app_state, resuming and releasing them."""

from __future__ import annotations

import pytest

from elmreplay.errors import AppCrashed
from elmreplay.runtime.engine import AppProcess

# A state that is a fresh object per event (as Elm's immutable values are).
APP = """
var initState = {n: 0}; var app_state;
function processEventAndUpdateState(e) { app_state = {n: app_state.n + JSON.parse(e).n}; return String(app_state.n); }
function getSerializedState() { return JSON.stringify(app_state.n); }
function setSerializedState(s) { app_state = {n: JSON.parse(s)}; }
"""

# The same app, which then replaces the builtins a holding area could rely on.
HOSTILE = (
    APP.replace("JSON.parse", "PARSE").replace("JSON.stringify", "STRINGIFY")
    + """
var PARSE = JSON.parse, STRINGIFY = JSON.stringify;
Map = function () { throw new Error("no Map for you"); };
Map.prototype.set = Map.prototype.get = Map.prototype.delete = function () { throw new Error("no Map methods"); };
Object.create = Object.keys = Object.defineProperty = function () { throw new Error("no Object"); };
Object.prototype.__defineSetter__("h0", function () { throw new Error("setter on h0"); });
Object.defineProperty = undefined;
JSON = { parse: function () { throw new Error("no JSON.parse"); }, stringify: function () { return "garbage"; } };
Array.prototype.push = function () { throw new Error("no push"); };
"""
)


def events(*ns: int) -> list[str]:
    return [f'{{"n":{n}}}' for n in ns]


@pytest.mark.parametrize("js", [APP, HOSTILE], ids=["plain", "overwritten-builtins"])
def test_hold_resume_release(js: str) -> None:
    with AppProcess(js, app_config_hash="held") as p:
        result, failure = p.run_batch(events(1, 2, 3, 4), states_after=[3], hold_after={0: "h0", 2: "h2"})
        assert failure is None and result.states == {3: "10"}
        assert p.holds("h0") and p.holds("h2") and not p.holds("h1") and p.held_count == 2
        p.resume("h0")
        assert p.get_state() == "1"
        assert p.process_event('{"n":100}') == "101"  # moving on from a held state leaves it intact
        p.resume("h2")
        assert p.get_state() == "6"
        p.resume("h0")
        assert p.get_state() == "1"
        p.hold("now")
        p.set_state("50")
        p.resume("now")
        assert p.get_state() == "1"
        p.release(["h0", "unknown"])
        assert not p.holds("h0") and p.held_count == 2
        with pytest.raises(KeyError):
            p.resume("h0")
        assert p._op("held", None, what="counting") == "2"  # the harness agrees
        p.resume("h2")
        assert p.get_state() == "6"


def test_harness_refuses_a_state_it_does_not_hold() -> None:
    with AppProcess(APP, app_config_hash="held") as p:
        p._held.add("ghost")  # pretend Python believes in a hold the harness never made
        with pytest.raises(AppCrashed, match="no held state ghost"):
            p.resume("ghost")


def test_holds_die_with_the_context() -> None:
    p = AppProcess(APP, app_config_hash="held")
    p.run_batch(events(1), hold_after={0: "a"})
    assert p.holds("a") and p.heap_used() > 0
    p.close()
    assert not p.holds("a") and p.held_count == 0 and p.heap_used() == 0
    p.release(["a"])  # releasing after close is harmless


def test_holds_after_a_failing_event_are_not_made() -> None:
    js = APP + "\nvar ok = processEventAndUpdateState; processEventAndUpdateState = function (e) { if (e === 'x') throw new Error('boom'); return ok(e); };"
    with AppProcess(js, app_config_hash="held") as p:
        result, failure = p.run_batch([*events(1, 2), "x", *events(3)], hold_after={0: "a", 1: "b", 2: "c", 3: "d"})
        assert failure is not None and failure.offset == 2 and result.done == 2
        assert p.closed and p.held_count == 0


def test_held_states_are_counted_by_the_heap_and_freed_by_release() -> None:
    big = APP.replace("app_state = {n: app_state.n + JSON.parse(e).n}", "app_state = {n: app_state.n + JSON.parse(e).n, pad: new Array(200000).fill(app_state.n)}")
    with AppProcess(big, app_config_hash="held") as p:
        p.collect_garbage()
        base = p.heap_used()
        p.run_batch(events(*range(20)), hold_after={k: f"k{k}" for k in range(20)})
        p.collect_garbage()
        holding = p.heap_used()
        assert holding - base > 20 * 200000 * 4  # twenty arrays of 200k small integers stay alive
        p.release([f"k{k}" for k in range(19)])
        p.collect_garbage()
        assert p.heap_used() < base + (holding - base) / 4
