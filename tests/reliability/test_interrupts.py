"""Interrupts and resources: a KeyboardInterrupt anywhere in a replay, verify, what-if or
counterfactual leaves no temporary files, no open V8 contexts and no threads behind, and the
next call works; checkpoints stay inside their memory budget on a store with ~50 MB states.
"""

from __future__ import annotations

import gc
import os
import signal
import tempfile
import threading
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elmreplay.cli import main
from elmreplay.replay.host import HostProcess
from elmreplay.replay.session import ReplaySession
from elmreplay.replay.verify import verify
from elmreplay.replay.whatif import counterfactual, what_if_deploy
from elmreplay.runtime.engine import AppProcess
from elmreplay.runtime.sources import RuntimeResolver
from elmreplay.store import StoreWriter, WriterEra, open_store
from elmreplay.store.componentstore import ComponentReader
from elmreplay.store.files import DirectoryFiles
from elmreplay.store.store import Store

from .fuzzing import fuzz_settings
from .stores import APP_FILES, CANDIDATE, T0, AppRuntimes, BaseStore, candidate_runtimes, http_event

MIGRATE_OK = "function interface_migrate(s) { return JSON.stringify({Ok: [s]}); }"


def live_contexts() -> int:
    """V8 contexts still open (AppProcess objects not closed)."""
    return sum(1 for o in gc.get_objects() if isinstance(o, AppProcess) and not o.closed)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temp directory of our own, so that other processes' temp files cannot disturb the check."""
    d = tmp_path / "tmp"
    d.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(d))
    monkeypatch.setenv("TMPDIR", str(d))
    yield d


class Resources:
    """What must be the same before and after an interrupted operation."""

    def __init__(self, tmp: Path, store: Path):
        self.tmp, self.store = tmp, store
        gc.collect()
        self.before = self.now()

    def now(self) -> dict[str, Any]:
        return {
            # tqdm's monitor is a process-wide singleton that also outlives uninterrupted runs
            "threads": sorted(t.name for t in threading.enumerate() if t.name != "tqdm_monitor"),
            "contexts": live_contexts(),
            "fds": open_fds(),
            "tmp": sorted(os.listdir(self.tmp)),
            "store": sorted(str(p.relative_to(self.store)) for p in self.store.rglob("*")),
        }

    def check(self) -> None:
        assert self.now() == self.before


Op = Callable[[Store, BaseStore], object]


def op_verify(store: Store, base: BaseStore) -> object:
    return verify(store, base.resolver())


def op_state(store: Store, base: BaseStore) -> object:
    with ReplaySession(store, base.resolver(), checkpoint_every=4) as session:
        return [session.state_at(i) for i in (20, 5, -1)]


def op_what_if(store: Store, base: BaseStore) -> object:
    return what_if_deploy(store, CANDIDATE, candidate_runtimes(MIGRATE_OK), at=20)


def op_counterfactual(store: Store, base: BaseStore) -> object:
    return counterfactual(store, CANDIDATE, candidate_runtimes(MIGRATE_OK), at=24)


OPS: dict[str, Op] = {"verify": op_verify, "state_at": op_state, "what_if": op_what_if, "counterfactual": op_counterfactual}

#: Where the interrupt strikes: (class, method).
TARGETS = [
    (AppProcess, "__init__"),
    (AppProcess, "run_batch"),
    (AppProcess, "get_state"),
    (AppProcess, "set_state"),
    (AppProcess, "migrate"),
    (HostProcess, "apply"),
    (Store, "usable_reduction"),
    (Store, "app_events"),
    (ComponentReader, "load"),
    (DirectoryFiles, "read"),
]


def interrupt_on_call(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, n: int) -> list[int]:
    """Make the ``n``-th call of ``cls.name`` raise KeyboardInterrupt (before or after the real call)."""
    real = getattr(cls, name)
    calls = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            raise KeyboardInterrupt
        result = real(*args, **kwargs)
        if calls[0] == -n:  # negative n: interrupt right after the real call returned
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(cls, name, wrapper)
    return calls


def run_interrupted(fn: Callable[[], object]) -> bool:
    """Run ``fn``; True if it was interrupted. The traceback is dropped at once (as after Ctrl-C)."""
    try:
        fn()
    except KeyboardInterrupt:
        return True
    return False


@fuzz_settings(40)
@given(op=st.sampled_from(sorted(OPS)), target=st.sampled_from(TARGETS), n=st.integers(1, 12), after=st.booleans())
def test_keyboard_interrupt_anywhere_leaves_nothing_behind(
    small_stores: dict[str, BaseStore], private_tmp: Path, op: str, target: tuple[type, str], n: int, after: bool
) -> None:
    base = small_stores["literal"]
    store = open_store(base.root)
    resources = Resources(private_tmp, base.root)
    with pytest.MonkeyPatch.context() as m:
        interrupt_on_call(m, *target, -n if after else n)
        run_interrupted(lambda: OPS[op](store, base))
    resources.check()
    assert verify(open_store(base.root), base.resolver()).ok  # the next call works


@pytest.mark.parametrize("k", [0, 3, 17, 29])
def test_interrupt_from_a_progress_callback(small_stores: dict[str, BaseStore], private_tmp: Path, k: int) -> None:
    base = small_stores["chain"]
    resources = Resources(private_tmp, base.root)

    def progress(i: int) -> None:
        if i >= k:
            raise KeyboardInterrupt

    assert run_interrupted(lambda: verify(open_store(base.root), base.resolver(), on_progress=progress))
    resources.check()
    assert verify(open_store(base.root), base.resolver()).ok


def test_the_cli_reports_an_interrupt_in_one_line(small_stores: dict[str, BaseStore], private_tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    base = small_stores["literal"]
    resources = Resources(private_tmp, base.root)
    with monkeypatch.context() as m:
        interrupt_on_call(m, AppProcess, "run_batch", 2)
        assert main(["verify", str(base.root)]) == 130
    _, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and err.startswith("elmreplay verify: interrupted at record ")
    resources.check()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # mini-racer's late callback, see the report
def test_ctrl_c_during_an_endless_app_loop(tmp_path: Path, private_tmp: Path) -> None:
    """A real SIGINT while V8 runs app code (the timeout is far away) interrupts the replay."""
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E5)
    w.append_deploy(APP_FILES, migrate=False, time_ms=T0)
    for k, command in enumerate(["1", "2", "loop", "3"], start=1):
        w.append_app_event(http_event(k, T0 + k, command), T0 + k)
    store = open_store(tmp_path / "s")
    resources = Resources(private_tmp, tmp_path / "s")
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))

    def replay() -> None:
        with ReplaySession(store, AppRuntimes().resolver(), timeout_s=600) as session:
            timer.start()
            session.state_at(4)

    assert run_interrupted(replay)
    timer.join()
    resources.check()
    with ReplaySession(store, AppRuntimes().resolver()) as session:
        assert session.state_at(2) == "3"


# --- memory ----------------------------------------------------------------------------------------

BIG_STATE_JS = """
var initState = ""; var app_state;
function processEventAndUpdateState(e) { app_state = app_state + "x".repeat(JSON.parse(e).grow); return String(app_state.length); }
function getSerializedState() { return JSON.stringify(app_state); }
function setSerializedState(s) { app_state = JSON.parse(s); }
"""
MB = 1 << 20


def big_state_store(root: Path, events: int, grow: int) -> Store:
    w = StoreWriter.new_store(root, WriterEra.E5)
    w.append_deploy(APP_FILES, migrate=False, time_ms=T0)
    for k in range(events):
        w.append_app_event(f'{{"grow":{grow}}}', T0 + k)
    return open_store(root)


def test_checkpoints_respect_the_budget_with_50_mb_states(tmp_path: Path) -> None:
    store = big_state_store(tmp_path / "s", events=50, grow=MB)  # the last state is 50 MB
    resolver = RuntimeResolver([lambda h, files: BIG_STATE_JS])
    budget = 120 * MB
    with ReplaySession(store, resolver, checkpoint_every=5, memory_budget=budget) as session:
        for i in (50, 10, 45, 30, 50):
            state = session.state_at(i)
            assert state is not None and len(state) == i * MB + 2
            assert 0 < session.checkpoint_bytes <= budget
        assert session.checkpoint_every > 5  # thinned out to fit


def test_python_memory_stays_near_the_budget_with_big_states(tmp_path: Path) -> None:
    store = big_state_store(tmp_path / "s", events=10, grow=MB)  # the last state is 10 MB
    budget = 20 * MB
    tracemalloc.start()
    try:
        with ReplaySession(store, RuntimeResolver([lambda h, files: BIG_STATE_JS]), checkpoint_every=2, memory_budget=budget) as session:
            session.state_at(10)
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the budget, plus a few copies of the biggest state in flight
    assert peak < budget + 4 * 10 * MB, f"peak {peak // MB} MiB"


def test_a_store_smaller_than_the_budget_keeps_every_checkpoint(tmp_path: Path) -> None:
    """The other side of the budget test (so it can fail): nothing is dropped when it fits."""
    store = big_state_store(tmp_path / "s", events=20, grow=1000)
    with ReplaySession(store, RuntimeResolver([lambda h, files: BIG_STATE_JS]), checkpoint_every=5, memory_budget=10 * MB) as session:
        session.replay_all()
        assert session.checkpoint_count == 4 and session.checkpoint_every == 5
