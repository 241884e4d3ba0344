"""Replay sessions: states at any index, reverted records, checkpoints, batched == unbatched, verify."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elmreplay.errors import AppCrashed
from elmreplay.replay import host as host_module
from elmreplay.replay.session import ReplaySession
from elmreplay.replay.verify import verify
from elmreplay.store import WriterEra, open_store
from elmreplay.store.writer import StoreWriter

from .conftest import BUILDER, COUNTER, MINUTE, T0, additions, http_event


@pytest.fixture(scope="module")
def history(tmp_path_factory, test_apps):  # type: ignore[no-untyped-def]
    """deploy counter, 60 additions, revert, more, migrate to builder, more (with reductions)."""
    from elmreplay.replay.recorder import Recorder

    directory = tmp_path_factory.mktemp("h") / "store"
    rec = Recorder(directory, test_apps.resolver(), era=WriterEra.E5, reduction_every_events=25)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, list(range(1, 61))))
    target = rec.records[30]
    rec.events(additions(61, [1000] * 5))
    rec.revert(target, time_ms=T0 + 70 * MINUTE)
    rec.events(additions(71, [1] * 20))
    rec.deploy(BUILDER, migrate=True, time_ms=T0 + 95 * MINUTE)
    rec.events([(http_event(100 + k, T0 + (100 + k) * MINUTE, f"-{k}"), T0 + (100 + k) * MINUTE) for k in range(30)])
    expected = list(rec.responses)
    rec.close()
    return open_store(directory), expected


def _counter_after(index: int) -> int:
    return sum(range(1, index + 1))


def test_state_at_every_index_matches_a_straight_replay(history, test_apps):  # type: ignore[no-untyped-def]
    store, _ = history
    with ReplaySession(store, test_apps.resolver(), use_reductions=False) as straight:
        states = []
        for i in range(len(store)):
            states.append(straight.state_at(i))
    assert states[0] == "0" and states[30] == str(_counter_after(30))
    # reverted records keep the state they had before the revert hid them
    reverted = [r.index for r in store.records if r.reverted]
    assert reverted == list(range(31, 66))
    assert states[65] == str(_counter_after(60) + 5000)
    revert_index = 66
    assert states[revert_index] == states[30]
    with ReplaySession(store, test_apps.resolver(), checkpoint_every=7) as session:
        for i in [len(store) - 1, 3, 65, 66, 67, 0, 90, 10]:
            assert session.state_at(i) == states[i], i


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=0, max_value=150), min_size=1, max_size=12), st.integers(1, 40), st.booleans())
def test_random_seeks_equal_from_scratch(history, test_apps, indices, every, use_reductions):  # type: ignore[no-untyped-def]
    store, _ = history
    n = len(store)
    with ReplaySession(store, test_apps.resolver(), checkpoint_every=every, use_reductions=use_reductions) as session:
        for i in indices:
            i %= n
            with ReplaySession(store, test_apps.resolver(), use_reductions=False) as fresh:
                assert session.state_at(i) == fresh.state_at(i)


@given(st.integers(0, 5000), st.integers(1, 1200), st.sampled_from([0.0, 0.25, 1.0]))
def test_batch_bounds_cover_the_run_in_order(n, size, tail_share):  # type: ignore[no-untyped-def]
    bounds = list(host_module.batch_bounds(n, size, tail_share))
    assert [start for start, _ in bounds] == ([0] + [stop for _, stop in bounds[:-1]] if n else [])
    assert (bounds[-1][1] if bounds else 0) == n
    assert all(stop - start == size for start, stop in bounds[:-1])  # only the last may differ
    if bounds:
        last = bounds[-1][1] - bounds[-1][0]
        assert 0 < last <= size * (1 + tail_share)
        # a short tail was merged: none is left on its own
        assert len(bounds) == 1 or last > size * tail_share


def test_batched_and_unbatched_paths_agree(history, test_apps, monkeypatch):  # type: ignore[no-untyped-def]
    store, recorded = history
    with ReplaySession(store, test_apps.resolver()) as batched:
        responses_batched = batched.responses(0, len(store))
        final_batched = batched.state_at(-1)
    monkeypatch.setattr(host_module, "DEFAULT_BATCH_SIZE", 1)
    original = host_module.HostProcess.run_app_events

    def one_at_a_time(self, items, **kw):  # type: ignore[no-untyped-def]
        kw["batch_size"] = 1
        return original(self, items, **kw)

    monkeypatch.setattr(host_module.HostProcess, "run_app_events", one_at_a_time)
    with ReplaySession(store, test_apps.resolver()) as single:
        responses_single = single.responses(0, len(store))
        final_single = single.state_at(-1)
    assert responses_batched == responses_single
    assert final_batched == final_single == json.dumps("".join(f"-{k}" for k in range(30))).replace(
        '"', '"' + str(_counter_after(30) + 20), 1
    )
    # the replayed responses equal what the app answered while the history was recorded
    assert responses_batched == recorded


def test_checkpoint_memory_budget_is_respected(history, test_apps):  # type: ignore[no-untyped-def]
    store, _ = history
    with ReplaySession(store, test_apps.resolver(), checkpoint_every=1, memory_budget=40) as session:
        session.replay_all()
        assert session.checkpoint_bytes <= 40
        assert session.checkpoint_every > 1
        assert session.state_at(12) == str(_counter_after(12))


def test_verify_passes_and_detects_a_tampered_reduction(history, test_apps, tmp_path):  # type: ignore[no-untyped-def]
    import shutil

    store, _ = history
    report = verify(store, test_apps.resolver())
    assert report.ok and len(report.checks) >= 5, str(report)
    copy = tmp_path / "copy"
    shutil.copytree(store.files.root, copy)
    tampered = open_store(copy)
    h = tampered.reduction_hashes[1]
    red = tampered.reduction(h)
    assert red is not None and red.app_config is not None
    # rewrite the reduction with a different state (a blob the replay cannot reproduce)
    from elmreplay.store.components import blob_hash, blob_serial

    bad_state = b"999999"
    sh = blob_hash(bad_state)
    (copy / "literal-element" / sh[:2]).mkdir(parents=True, exist_ok=True)
    (copy / "literal-element" / sh[:2] / sh).write_bytes(blob_serial(bad_state))
    (copy / "provisional-reduction" / h).write_text(
        json.dumps({"reducedCompositionHashBase16": h, "elmAppState": {"HashBase16": sh}, "appConfig": {"HashBase16": red.app_config.hash_base16}}, separators=(",", ":"))
    )
    report = verify(open_store(copy), test_apps.resolver())
    assert not report.ok
    assert [m.record_hash for m in report.mismatches] == [h]
    assert report.mismatches[0].stored_state == "999999"


def test_app_crash_names_event_index_and_record(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E5)
    w.append_deploy(COUNTER, migrate=False, time_ms=T0)
    for e, t in additions(1, [1, 2]):
        w.append_app_event(e, t)
    bad = w.append_app_event(http_event(9, T0, "crash"), T0).record_hash
    store = open_store(tmp_path / "s")
    with ReplaySession(store, test_apps.resolver()) as session:
        assert session.state_at(2) == "3"
        with pytest.raises(AppCrashed) as info:
            session.state_at(3)
    assert info.value.event_index == 3 and info.value.record_hash == bad
    assert "counter crashed on purpose" in str(info.value) and bad in str(info.value)


def test_debug_log_lines_are_kept(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E5)
    w.append_deploy(COUNTER, migrate=False, time_ms=T0)
    for e, t in additions(1, [5]):
        w.append_app_event(e, t)
    w.append_app_event(http_event(9, T0, "log"), T0)
    with ReplaySession(open_store(tmp_path / "s"), test_apps.resolver()) as session:
        session.replay_all()
        assert session.logs == [(2, "counter is 5")]
