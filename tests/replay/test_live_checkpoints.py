"""Live checkpoints (states held inside V8): seeks give exactly the states of a straight replay
and of a session without them; dead processes' holds are never resumed; the heap budget thins."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

import elmreplay
from elmreplay.replay.host import HostProcess, LiveState
from elmreplay.replay.session import ReplaySession
from elmreplay.store import WriterEra, open_store
from elmreplay.store.store import Store

from .conftest import COUNTER, MINUTE, T0, additions
from .conftest import TestApps as Apps

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"


@pytest.fixture(scope="module", params=["tracker", "counter_admin", "counter"])
def sample(request: pytest.FixtureRequest) -> tuple[Store, list[str | None]]:
    """A sample store and the state after each of its records from one straight replay."""
    store = elmreplay.open_store(str(SAMPLES / request.param / "store"))
    with elmreplay.replay(store, use_reductions=False, live_checkpoints=False) as straight:
        traced = straight.trace(0, len(store))
    return store, [traced[i][1] for i in range(len(store))]


class Resumes:
    """Counts the live states a host resumes (and checks each was valid when resumed)."""

    def __init__(self, host: HostProcess) -> None:
        self.count = 0
        inner = host.resume

        def counting(live: LiveState, **kw: Any) -> None:
            assert live.valid and not live.process.closed
            self.count += 1
            inner(live, **kw)

        host.resume = counting  # type: ignore[method-assign]


def seek_targets(n: int, seed: int, count: int = 60) -> list[int]:
    rng = random.Random(seed)
    return [rng.randrange(n) for _ in range(count)] + [n - 1, 0, n // 2, n // 2 - 1, n - 1]


@pytest.mark.parametrize("live_every", [7, 50])
def test_random_seeks_equal_a_straight_replay_and_serialized_checkpoints(
    sample: tuple[Store, list[str | None]], live_every: int
) -> None:
    store, straight = sample
    targets = seek_targets(len(store), seed=live_every)
    with (
        elmreplay.replay(store, live_every=live_every, use_reductions=False) as live,
        elmreplay.replay(store, live_checkpoints=False) as serialized,
    ):
        resumes = Resumes(live.host)
        live.replay_all()
        assert live.live_checkpoint_count >= len(store) // live_every
        for i in targets:
            state = live.state_at(i)
            assert state == straight[i], f"#{i}"
            assert serialized.state_at(i) == state, f"#{i}"
        # the live tier was actually used (only the holds after deploys in stores shorter than 2 spacings)
        assert resumes.count > (len(targets) // 2 if len(store) >= 2 * live_every else 0)
        assert serialized.live_checkpoint_count == 0


def test_cold_random_seeks_lay_live_checkpoints_on_the_way(sample: tuple[Store, list[str | None]]) -> None:
    store, straight = sample
    with elmreplay.replay(store, live_every=5, checkpoint_every=10**6) as live:
        resumes = Resumes(live.host)
        for i in seek_targets(len(store), seed=3):
            assert live.state_at(i) == straight[i], f"#{i}"
        assert resumes.count > 0


def redeployed_store(tmp_path: Path, test_apps: Apps) -> Store:
    """counter deployed, 40 additions, the same counter deployed again (init), 40 additions."""
    from elmreplay.replay.recorder import Recorder

    rec = Recorder(tmp_path / "store", test_apps.resolver(), era=WriterEra.E5)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, list(range(1, 41))))
    rec.deploy(COUNTER, migrate=False, time_ms=T0 + 50 * MINUTE)
    rec.events(additions(51, [1000 + k for k in range(40)]))
    rec.close()
    return open_store(tmp_path / "store")


def test_a_redeploy_invalidates_the_old_processs_holds(tmp_path: Path, test_apps: Apps) -> None:
    store = redeployed_store(tmp_path, test_apps)
    assert len(store) == 82
    with ReplaySession(store, test_apps.resolver(), live_checkpoints=False, use_reductions=False) as straight:
        expected = {i: v for i, (_, v) in straight.trace(0, len(store)).items()}
    with ReplaySession(store, test_apps.resolver(), live_every=5, use_reductions=False) as session:
        resumes = Resumes(session.host)
        session.replay_all()
        before = {i: live for i, live in session._live.items() if i < 41}
        after = {i: live for i, live in session._live.items() if i > 41}
        assert before and after
        assert not any(live.valid for live in before.values())  # the redeploy replaced their process
        assert all(live.valid and live.process is session.host.process for live in after.values())
        for i in (20, 70, 3, 81, 45, 40, 41, 60, 10):
            assert session.state_at(i) == expected[i], f"#{i}"
        assert resumes.count > 0  # checked valid at every resume


def test_deploys_switching_the_process_keep_other_holds(tmp_path: Path, test_apps: Apps) -> None:
    """Seeking across the migration of the tracker sample resumes holds of both processes."""
    store = elmreplay.open_store(str(SAMPLES / "tracker" / "store"))
    deploys = [int(i) for i in store.deployments()["index"]]
    with elmreplay.replay(store, live_every=100, use_reductions=False) as session:
        session.replay_all()
        configs = {live.app_config_hash for live in session._live.values() if live.valid}
        assert len(configs) == len(deploys)
        assert set(deploys) <= set(session._live_deploys)
        config = [store.records[d].parsed.events[0].value.hash_base16 for d in deploys]  # type: ignore[union-attr]
        resumes = Resumes(session.host)
        for k in range(len(deploys) - 1, 0, -1):
            d = deploys[k]
            assert session.app_config_at(d + 1) == config[k]
            assert session.app_config_at(d - 1) == config[k - 1]
            assert session.app_config_at(d) == config[k]
        assert resumes.count == 3 * (len(deploys) - 1)


def test_tiny_heap_budget_thins_live_checkpoints(sample: tuple[Store, list[str | None]]) -> None:
    store, straight = sample
    with elmreplay.replay(store, live_every=2, live_memory_budget=1) as session:
        session.replay_all()
        assert session.live_every > 2 and not session._live  # doubled until no grid checkpoint was left
        for i in seek_targets(len(store), seed=11, count=15):
            assert session.state_at(i) == straight[i], f"#{i}"


def test_budget_thinning_keeps_every_other_live_checkpoint(tmp_path: Path) -> None:
    """A budget between the heap with half and with all of the holds: one thinning step."""
    store = elmreplay.open_store(str(SAMPLES / "tracker" / "store"))
    n = len(store)
    with elmreplay.replay(store, live_every=25) as roomy:
        roomy.seek(n // 2)
        proc = roomy.host.process
        assert proc is not None
        proc.collect_garbage()
        full = proc.heap_used()
        count = len(roomy._live)
        roomy.host.release([live for i, live in roomy._live.items() if (i + 1) % 50])
        proc.collect_garbage()
        half = proc.heap_used()
    assert full > half
    with elmreplay.replay(store, live_every=25, live_memory_budget=(full + half) // 2) as session:
        session.seek(n // 2)
        assert session.live_every == 50
        assert all((i + 1) % 50 == 0 for i in session._live)
        assert count // 2 - 2 <= len(session._live) <= count // 2 + 2


def test_live_checkpoints_off_and_start_from_a_reduction(sample: tuple[Store, list[str | None]]) -> None:
    store, straight = sample
    reductions = [store.index_of_hash[h] for h in store.reduction_hashes if store.index_of_hash.get(h, 0) > 0]
    start = min(reductions)  # (counter_admin reverts to #18, before its later reduction)
    with elmreplay.replay(store, start=store.records[start].hash, live_every=3) as session:
        last = len(store) - 1
        for i in (start, last, start + 1, min(start + 7, last), last, start):
            assert session.state_at(i) == straight[i], f"#{i}"
        assert min(session._live, default=start) >= start


def test_a_failed_process_loses_its_holds_and_the_session_recovers(tmp_path: Path, test_apps: Apps) -> None:
    from elmreplay.replay.recorder import Recorder

    rec = Recorder(tmp_path / "store", test_apps.resolver(), era=WriterEra.E5)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, list(range(1, 21))))
    rec.close()
    store = open_store(tmp_path / "store")
    with ReplaySession(store, test_apps.resolver(), live_every=4, use_reductions=False) as session:
        session.replay_all()
        proc = session.host.process
        assert proc is not None and session.live_checkpoint_count >= 5
        proc.close()  # as after an app failure
        session._pos = -2  # LOST, as _advance leaves it
        assert session.live_checkpoint_count == 0
        assert session.state_at(15) == str(sum(range(1, 16)))
        assert session.live_checkpoint_count >= 1 and session.host.process is not proc



def test_a_revert_to_before_the_start_restores_the_targets_reduction_or_says_why() -> None:
    """Replaying from a reduction, a later revert may name a record before it (counter_admin:
    the revert to #18): its state is then the target's usable reduction, or a RestoreError."""
    store = elmreplay.open_store(str(SAMPLES / "counter_admin" / "store"))
    reverts = {i: store.index_of_hash[t] for i, t in store.records.revert_targets.items()}
    reduced = sorted(store.index_of_hash[h] for h in store.reduction_hashes)
    cases = [(r, i, t) for i, t in reverts.items() for r in reduced if t < r < i]
    assert cases, "the sample has a revert to before one of its reductions"
    with elmreplay.replay(store, use_reductions=False, live_checkpoints=False) as straight:
        for start, revert, target in cases:
            with elmreplay.replay(store, start=store.records[start].hash) as session:
                if store.usable_reduction(store.records[target].hash) is None:
                    with pytest.raises(elmreplay.errors.RestoreError, match=f"#{revert} reverts to record"):
                        session.state_at(revert)
                else:
                    assert session.state_at(revert) == straight.state_at(revert)
