"""The V8 app process: the runtime contract, limits, hostile apps, console capture."""

from __future__ import annotations

import threading

import pytest

from elmreplay.errors import AppCrashed, AppOutOfMemory, AppTimeout, RuntimeUnavailable
from elmreplay.runtime.engine import AppProcess

GOOD = """
var initState = 0; var app_state;
function processEventAndUpdateState(e) { app_state += JSON.parse(e).n; return String(app_state); }
function getSerializedState() { return JSON.stringify(app_state); }
function setSerializedState(s) { app_state = JSON.parse(s); }
"""


def app(extra: str = "", **kw: object) -> AppProcess:
    return AppProcess(GOOD + extra, app_config_hash="c0ffee", **kw)  # type: ignore[arg-type]


def test_contract_and_batch() -> None:
    with app() as p:
        result, failure = p.run_batch(['{"n":1}', '{"n":2}', '{"n":3}'], responses=True, states_after=[0, 2])
        assert failure is None
        assert result.responses == ["1", "3", "6"] and result.states == {0: "1", 2: "6"}
        p.set_state("10")
        assert p.process_event('{"n":5}') == "15" and p.get_state() == "15"
        assert not p.has_migrate


def test_missing_contract_function_is_named() -> None:
    with pytest.raises(RuntimeUnavailable, match="does not define getSerializedState"):
        AppProcess("var initState = 0; function processEventAndUpdateState(e){return e} function setSerializedState(s){}", app_config_hash="x")


def test_syntax_error_is_an_app_crash() -> None:
    with pytest.raises(AppCrashed, match="does not parse"):
        AppProcess("var = ;", app_config_hash="x")


@pytest.mark.parametrize(
    ("body", "error", "text"),
    [
        ("throw new TypeError('bad')", AppCrashed, "TypeError: bad"),
        ("throw 42", AppCrashed, "42"),
        ("throw null", AppCrashed, "null"),
        ("return 7", AppCrashed, "returned number, not a string"),
        ("return undefined", AppCrashed, "returned undefined, not a string"),
        ("var f = function(){ return f() + 1 }; return f()", AppCrashed, "call stack"),
    ],
)
def test_hostile_event_handlers(body: str, error: type, text: str) -> None:
    js = GOOD + f"\nvar processEventAndUpdateState = function(e) {{ if (JSON.parse(e).bad) {{ {body} }} return 'ok'; }};"
    with AppProcess(js, app_config_hash="h") as p:
        result, failure = p.run_batch(['{"n":1}', '{"bad":1}', '{"n":1}'], responses=True)
        assert failure is not None and failure.offset == 1 and result.responses == ["ok"]
        assert isinstance(failure.error, error) and text in str(failure.error)
        assert p.closed  # a failed context is never reused


def test_endless_loop_times_out_and_names_the_event() -> None:
    js = GOOD + "\nvar processEventAndUpdateState = function(e) { if (JSON.parse(e).loop) while (true) {} return 'ok'; };"
    with AppProcess(js, app_config_hash="h", timeout_s=0.3) as p:
        result, failure = p.run_batch(['{"n":1}', '{"n":1}', '{"loop":1}'])
        assert failure is not None and isinstance(failure.error, AppTimeout)
        assert failure.offset == 2
    # the process survives and the next app works
    with app() as q:
        assert q.process_event('{"n":1}') == "1"


def test_unbounded_allocation_hits_the_memory_limit() -> None:
    js = GOOD + "\nvar processEventAndUpdateState = function(e) { var a = []; while (true) a.push(new Array(100000).fill(1)); };"
    with AppProcess(js, app_config_hash="h", max_memory=64 << 20, timeout_s=30) as p:
        _, failure = p.run_batch(['{"n":1}'])
        assert failure is not None and isinstance(failure.error, AppOutOfMemory)
    with app() as q:
        assert q.process_event('{"n":2}') == "2"


def test_no_io_is_exposed_to_apps() -> None:
    probe = GOOD + """
    var probe = JSON.stringify([typeof require, typeof fetch, typeof XMLHttpRequest, typeof process,
                                typeof Deno, typeof Bun, typeof importScripts]);
    """
    with AppProcess(probe, app_config_hash="h") as p:
        assert p._eval("probe", what="probing") == '["undefined","undefined","undefined","undefined","undefined","undefined","undefined"]'
        # dynamic import has no module loader: it never yields a module
        assert p._eval("var got = 'pending'; import('fs').then(function(){got='loaded'}, function(){got='failed'}); got", what="x") != "loaded"


def test_app_overwriting_globals_cannot_break_the_harness() -> None:
    js = GOOD + "\nJSON = { parse: function(){ return {n: 1}; }, stringify: function(){ return 'x'; } }; Array.prototype.push = null;"
    with AppProcess(js, app_config_hash="h") as p:
        result, failure = p.run_batch(["anything", "else"], responses=True, states_after=[1])
        assert failure is None and result.responses == ["1", "2"] and result.states == {1: "x"}


def test_console_lines_are_captured_per_event() -> None:
    js = GOOD + "\nvar processEventAndUpdateState = function(e) { console.log('saw', e); return 'ok'; };"
    with AppProcess(js, app_config_hash="h") as p:
        result, _ = p.run_batch(['"a"', '"b"'])
        assert result.logs == [(0, 'saw "a"'), (1, 'saw "b"')]


def test_contexts_are_independent_and_thread_safe() -> None:
    outs: list[str] = []

    def work() -> None:
        with app() as p:
            for _ in range(50):
                p.process_event('{"n":1}')
            outs.append(p.get_state())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outs == ["50"] * 4


def test_works_inside_a_running_asyncio_loop() -> None:
    """A Jupyter kernel runs cells inside an asyncio loop; timeouts must still apply there."""
    import asyncio

    async def in_kernel() -> str:
        js = GOOD + "\nvar processEventAndUpdateState = function(e) { if (JSON.parse(e).loop) while (true) {} return 'ok'; };"
        with AppProcess(js, app_config_hash="h", timeout_s=0.3) as p:
            assert p.process_event('{"n":1}') == "ok"
            _, failure = p.run_batch(['{"loop":1}'])
            assert failure is not None and isinstance(failure.error, AppTimeout)
        with app() as q:
            return q.process_event('{"n":4}')

    assert asyncio.run(in_kernel()) == "4"


def test_interpreter_exits_with_contexts_left_open(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Two replay sessions left open used to hang the interpreter at exit (mini-racer's
    context destructor); the engine closes open contexts at exit."""
    import subprocess
    import sys
    from pathlib import Path

    store = Path(__file__).resolve().parents[2] / "sample_histories" / "counter_admin" / "store"
    script = tmp_path / "leave_open.py"
    script.write_text(
        "import elmreplay\n"
        f"s = elmreplay.open_store({str(store)!r})\n"
        "a = elmreplay.replay(s); a.state_at(10)\n"
        "b = elmreplay.replay(s); b.state_at(20)\n"
        "print('done')\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "done", proc.stderr


def test_first_context_inside_a_running_asyncio_loop(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In a fresh Jupyter kernel the first V8 context is made while a loop runs, so in a helper
    thread; V8 must be initialized in the caller's thread first, or (on CPUs whose protection
    keys guard V8's JIT memory) the process segfaults. A subprocess, since a crash would kill pytest."""
    import subprocess
    import sys
    from pathlib import Path

    store = Path(__file__).resolve().parents[2] / "sample_histories" / "counter_admin" / "store"
    script = tmp_path / "kernel_like.py"
    script.write_text(
        "import asyncio\n"
        "import elmreplay\n"
        "async def cell():\n"
        f"    s = elmreplay.open_store({str(store)!r})\n"
        "    with elmreplay.replay(s) as session:\n"
        "        return len(session.state_at(10))\n"
        "print('state', asyncio.run(cell()) > 0)\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "state True", (proc.returncode, proc.stderr[-2000:])


def test_a_process_interrupted_before_its_context_has_nothing_to_close() -> None:
    # A Ctrl-C can stop __init__ before the context exists; a traceback may keep the object.
    half_built = AppProcess.__new__(AppProcess)
    assert half_built.closed
    half_built.close()
