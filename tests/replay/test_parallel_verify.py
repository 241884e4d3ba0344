"""Parallel verify gives the sequential verify's report, exactly (issue 19).

The oracle is the sequential :func:`elmreplay.replay.verify.verify`, one replay of the whole
history; the parallel one splits it at stored reductions and merges the parts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Callable

import pytest

from elmreplay.errors import AppCrashed, WorkerError
from elmreplay.replay.parallel import (
    Segment,
    SegmentTask,
    Shared,
    merge_segments,
    plan_segments,
    run_segment,
    verify_parallel,
)
from elmreplay.replay.pool import _LocalPool, run_tasks
from elmreplay.replay.verify import VerifyReport, verify
from elmreplay.runtime.sources import RuntimeResolver, default_resolver
from elmreplay.store import open_store
from elmreplay.store.components import component_hash
from elmreplay.store.store import Store
from elmreplay.store.trees import TreeEncoding, build_tree

from .conftest import COUNTER, MINUTE, T0, additions, js

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ["counter", "counter_admin", "tracker"]


def in_process(store: Store, resolver: RuntimeResolver, parts: int, *, workers: int = 0) -> VerifyReport:
    """Parallel verify with the segments run one after the other here (same tasks, same merge),
    or all on ``workers`` worker processes."""
    segments = plan_segments(store, parts)
    path = str(store.files.root.resolve())  # type: ignore[attr-defined]
    tasks = [SegmentTask(path, len(store.records), store.head_hash, s) for s in segments]
    js_by_hash = {h: resolver.js_for(h, lambda h=h: store.app_config(h).files) for h in set(store.deployments()["app_config_hash"])}
    shared = Shared(js_by_hash)
    if workers:
        results = run_tasks(run_segment, tasks, shared, jobs=workers, this_process=False)
    else:
        results = run_tasks(run_segment, tasks, shared, jobs=1)
    return merge_segments(store, resolver, segments, results, {})


def record_history(recorder_factory, *, wrong_reduction_after: int | None = None) -> Store:  # type: ignore[no-untyped-def]
    """Counter history: 14 reductions, then a revert back across three of them, then more."""
    rec = recorder_factory(reduction_every_events=5)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, list(range(1, 61))))
    store = open_store(rec.directory)
    target = store.records[42].hash  # (no reduction of its own: a part could not return there)
    rec.revert(target, time_ms=T0 + 100 * MINUTE)
    rec.events(additions(200, [7] * 30))
    if wrong_reduction_after is not None:
        store = open_store(rec.directory)
        h = store.records[wrong_reduction_after].hash
        assert h not in store.reduction_hashes
        rec.writer.write_reduction(h, state_json=b"123456789", app_config_hash=store.deployments()["app_config_hash"][0])
    rec.close()
    return open_store(rec.directory)


def test_segments_merge_into_the_sequential_report(recorder_factory, test_apps):  # type: ignore[no-untyped-def]
    store = record_history(recorder_factory)
    resolver = test_apps.resolver()
    expected = verify(store, resolver)
    assert expected.ok and len(expected.checks) >= 8
    revert = max(store.records.revert_targets)
    target = store.index_of_hash[store.records.revert_targets[revert]]
    for parts in (2, 3, 8, 40):
        segments = plan_segments(store, parts)
        assert all(not target < s.start < revert for s in segments), "a split between a revert and its target"
        assert in_process(store, resolver, parts) == expected
    assert len(plan_segments(store, 40)) >= 8


def test_a_stored_state_the_replay_does_not_reach_is_not_a_start(recorder_factory, test_apps):  # type: ignore[no-untyped-def]
    store = record_history(recorder_factory, wrong_reduction_after=22)
    resolver = test_apps.resolver()
    expected = verify(store, resolver)
    assert [c.index for c in expected.mismatches] == [22]
    assert any(s.start == 22 for s in plan_segments(store, 40))  # the planner does not know yet
    assert in_process(store, resolver, 40) == expected


def test_an_app_failure_in_a_later_segment_raises_the_sequential_error(recorder_factory):  # type: ignore[no-untyped-def]
    store = record_history(recorder_factory)
    failing = js("counter").replace(
        "var body = testBody(eventJson);",
        'var body = testBody(eventJson); if (app_state.DeserializeSuccessful > 1500) throw new Error("too big");',
    )
    hashes = {component_hash(build_tree(COUNTER, enc)) for enc in TreeEncoding}
    resolver = RuntimeResolver([lambda h, files: failing if h in hashes else None])
    with pytest.raises(AppCrashed) as sequential:
        verify(store, resolver)
    with pytest.raises(AppCrashed) as parallel:
        in_process(store, resolver, 8)
    assert str(parallel.value) == str(sequential.value)
    with pytest.raises(AppCrashed) as on_workers:
        in_process(store, resolver, 8, workers=2)
    assert str(on_workers.value) == str(sequential.value)


def test_worker_processes_on_a_recorded_store(recorder_factory, test_apps):  # type: ignore[no-untyped-def]
    store = record_history(recorder_factory)
    resolver = test_apps.resolver()
    seen: list[int] = []
    expected = verify(store, resolver)
    report = verify_parallel(store, resolver, jobs=2, on_progress=seen.append)
    assert report == expected
    assert sum(seen) == len(store.records)  # progress counts every record once
    assert in_process(store, resolver, 8, workers=2) == expected  # every part on a worker process


@pytest.mark.parametrize("name", SAMPLES)
def test_worker_processes_on_every_sample(name: str) -> None:
    path = ROOT / "sample_histories" / name / "store"
    store = open_store(path)
    resolver = default_resolver(path)
    assert verify_parallel(store, resolver, jobs=2) == verify(store, resolver)


def test_a_worker_refuses_a_different_store_at_the_path(tmp_path: Path) -> None:
    path = str(ROOT / "sample_histories" / "tracker" / "store")
    store = open_store(path)
    task = SegmentTask(path, len(store.records) + 1, store.head_hash, Segment(-1, None, None))
    with pytest.raises(WorkerError, match="not the one verified"):
        run_segment(task, Shared({}))
    with pytest.raises(WorkerError, match="cannot open the store"):
        run_segment(SegmentTask(str(tmp_path / "absent"), 1, None, Segment(-1, None, None)), Shared({}))


def test_an_unguarded_script_is_not_run_again_by_the_workers(tmp_path: Path) -> None:
    # multiprocessing's spawn (and Dask's LocalCluster) would import this script in each worker.
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import elmreplay
            print("script body ran")
            store = elmreplay.open_store({str(ROOT / 'sample_histories' / 'tracker' / 'store')!r})
            print(elmreplay.verify(store, jobs=2, progress=False))
            """
        )
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("script body ran") == 1
    assert "OK: 12 reductions checked" in out.stdout


def nap(seconds: float, shared: None, on_progress: object) -> float:
    time.sleep(seconds)
    return seconds


def test_ctrl_c_kills_the_local_workers() -> None:
    def interrupt(units: int) -> None:
        raise KeyboardInterrupt

    pool = _LocalPool(nap, None, 2, this_process=False)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        pool.run([0.0, 60.0, 60.0], [1, 1, 1], interrupt)
    assert time.monotonic() - started < 30
    assert pool.processes and all(p.poll() is not None for p in pool.processes)


def slow_here(task: str, shared: tuple[int, str], on_progress: Callable[[int], None]) -> str:
    """Task "a" holds this process until a worker has started "b"; "b" takes a worker 1 s
    and this process (reporting progress) a minute."""
    parent, marker = shared
    here = os.getpid() == parent
    if task == "a":
        waited = time.monotonic()
        while not os.path.exists(marker) and time.monotonic() - waited < 60:
            time.sleep(0.02)
        return "a"
    if not here:
        Path(marker).touch()
        time.sleep(1)
        return "b on a worker"
    for k in range(1200):
        on_progress(k)
        time.sleep(0.05)
    return "b here"


def test_this_process_stops_its_copy_of_a_task_a_worker_finishes_first(tmp_path: Path) -> None:
    pool = _LocalPool(slow_here, (os.getpid(), str(tmp_path / "b-started")), 2)
    started = time.monotonic()
    assert pool.run(["a", "b"], [1, 1200], None) == ["a", "b on a worker"]
    assert time.monotonic() - started < 30  # (not the minute this process's copy would take)


def dies_on_a_worker(task: str, shared: tuple[int, str], on_progress: Callable[[int], None]) -> str:
    """On a worker: exits. Here, task "a" reports progress until the worker is gone, and takes
    any error raised meanwhile for its own answer (as a verify part takes an app's error)."""
    parent, marker = shared
    if os.getpid() != parent:
        Path(marker).touch()
        os._exit(3)
    if task != "a":
        return f"{task} here"
    try:
        waited = time.monotonic()
        while time.monotonic() - waited < 60 and (not os.path.exists(marker) or time.time() - os.path.getmtime(marker) < 1):
            on_progress(1)
            time.sleep(0.02)
    except Exception:
        return "took the error for its own"
    return "a"


def test_a_worker_dying_during_this_processs_task_is_raised_after_it(tmp_path: Path) -> None:
    pool = _LocalPool(dies_on_a_worker, (os.getpid(), str(tmp_path / "worker-started")), 2)
    with pytest.raises(WorkerError, match="died"):
        pool.run(["a", "b"], [1, 1], None)


def test_an_unreadable_reduction_is_reported_as_the_sequential_verify_does(recorder_factory, test_apps):  # type: ignore[no-untyped-def]
    from elmreplay.store.reductions import reduction_path

    store = record_history(recorder_factory)
    split = plan_segments(store, 2)[1].start  # the reduction a 2-part verify would start from
    h = store.records[split].hash
    path = Path(store.files.root).joinpath(*reduction_path(h))  # type: ignore[attr-defined]
    path.write_bytes(b"\x00not json")  # a fresh store of the test's own: damaging it harms nothing
    store = open_store(store.files.root)  # type: ignore[attr-defined]
    resolver = test_apps.resolver()
    expected = verify(store, resolver)
    assert len(expected.failed) == 1 and not expected.ok
    for parts in (2, 8):
        assert not any(s.start == split for s in plan_segments(store, parts))
        assert in_process(store, resolver, parts) == expected
