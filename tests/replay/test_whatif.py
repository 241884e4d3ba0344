"""What-if deployments and counterfactuals on projections: host verdicts, nothing written."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from elmreplay.replay.whatif import counterfactual, what_if_deploy
from elmreplay.store import WriterEra, open_store

from .conftest import BUILDER, BUILDER_WITHOUT_MIGRATION, COUNTER, MINUTE, T0, additions, http_event


def fingerprint(root: Path) -> dict[str, str]:
    """Every file's SHA-256 and every directory, relative to ``root``."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        out[rel + "/"] = "dir"
        for f in filenames:
            out[os.path.join(rel, f)] = hashlib.sha256(Path(dirpath, f).read_bytes()).hexdigest()
    return out


@pytest.fixture
def counter_store(recorder_factory):  # type: ignore[no-untyped-def]
    rec = recorder_factory(era=WriterEra.E5)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, [1, 3, 10]))
    rec.close()
    return rec.directory


def test_accepted_migration_reports_states_and_writes_nothing(counter_store, test_apps):  # type: ignore[no-untyped-def]
    before = fingerprint(counter_store)
    store = open_store(counter_store)
    report = what_if_deploy(store, BUILDER, test_apps.resolver(), mode="migrate")
    assert report.accepted, report.message
    assert report.message == "Successfully applied this composition event to the process."
    assert (report.state_before, report.state_after) == ("14", '"14"')
    assert report.base_record_hash == store.head_hash and not report.is_stale(store)
    doc = report.to_json()
    assert doc["format_version"] == 1 and doc["state_after"] == "14" and doc["state_before"] == 14
    assert fingerprint(counter_store) == before


def test_rejected_migration_has_the_host_message(counter_store, test_apps):  # type: ignore[no-untyped-def]
    store = open_store(counter_store)
    report = what_if_deploy(store, BUILDER, test_apps.resolver(), mode="migrate")
    assert report.accepted
    # migrating the builder onto itself: the migration's input type (Int) does not fit a String state
    rec_store = counter_store.parent / "b"
    from elmreplay.replay.recorder import Recorder

    rec = Recorder(rec_store, test_apps.resolver(), era=WriterEra.E5)
    rec.deploy(BUILDER, migrate=False, time_ms=T0)
    rec.events([(http_event(1, T0 + MINUTE, "abc"), T0 + MINUTE)])
    rec.close()
    before = fingerprint(rec_store)
    rejected = what_if_deploy(open_store(rec_store), BUILDER, test_apps.resolver(), mode="migrate")
    assert not rejected.accepted
    assert rejected.message.startswith(
        "Failed to migrate Elm app state for this deployment: Failed to migrate the elm app state:"
        "Decoding of serialized state failed for this migration:\nProblem with the given value"
    )
    assert rejected.to_json()["host_response"]["status"] == 400
    assert fingerprint(rec_store) == before


def test_missing_migration_module_and_init(counter_store, test_apps):  # type: ignore[no-untyped-def]
    store = open_store(counter_store)
    no_module = what_if_deploy(store, BUILDER_WITHOUT_MIGRATION, test_apps.resolver(), mode="migrate")
    assert not no_module.accepted
    assert "Did not find interface module at 'src/Backend/MigrateState.elm'" in no_module.message
    init = what_if_deploy(store, BUILDER_WITHOUT_MIGRATION, test_apps.resolver(), mode="init")
    assert init.accepted and init.state_after == '""'


def test_what_if_at_an_earlier_index(counter_store, test_apps):  # type: ignore[no-untyped-def]
    store = open_store(counter_store)
    report = what_if_deploy(store, BUILDER, test_apps.resolver(), mode="migrate", at=2)
    assert report.accepted and report.state_before == "4" and report.state_after == '"4"'
    assert report.base_record_hash == store.records[2].hash


def test_stale_report(counter_store, test_apps, tmp_path):  # type: ignore[no-untyped-def]
    import shutil

    report = what_if_deploy(open_store(counter_store), BUILDER, test_apps.resolver())
    copy = tmp_path / "moved-on"
    shutil.copytree(counter_store, copy)
    from elmreplay.store.writer import StoreWriter
    from elmreplay.store.files import DirectoryFiles
    from elmreplay.store.log import read_composition_log
    from elmreplay.store.componentstore import ComponentReader

    class Sink:
        def read(self, s):  # type: ignore[no-untyped-def]
            return DirectoryFiles(copy).read(s)

        def write(self, s, d):  # type: ignore[no-untyped-def]
            copy.joinpath(*s).write_bytes(d)

        def append(self, s, d):  # type: ignore[no-untyped-def]
            with open(copy.joinpath(*s), "ab") as f:
                f.write(d)

    files = DirectoryFiles(copy)
    w = StoreWriter.continuing(Sink(), read_composition_log(files, ComponentReader(files)))
    w.append_app_event(additions(9, [1])[0][0], T0 + 9 * MINUTE)
    assert report.is_stale(open_store(copy))
    assert not report.is_stale(open_store(counter_store))


def test_counterfactual_finds_first_divergence(counter_store, test_apps):  # type: ignore[no-untyped-def]
    store = open_store(counter_store)
    # Deploy the counter again with init after record 1: later responses restart from 0.
    report = counterfactual(store, COUNTER, test_apps.resolver(), at=1, mode="init")
    assert report.deploy.accepted
    assert [e.index for e in report.events] == [2, 3]
    first = report.first_divergence
    assert first is not None and first.index == 2 and first.response_differs and first.state_differs
    assert json.loads(report.final_state_counterfactual or "0") == 13
    assert report.to_json()["first_divergence"]["index"] == 2


def _full_comparison(store, resolver, files, *, at, mode):  # type: ignore[no-untyped-def]
    """The counterfactual computed the plain way: every response and every state of both sides as
    strings (the recorded side by a trace, the counterfactual side from the deployed process)."""
    from elmreplay.replay.session import ReplaySession
    from elmreplay.replay.whatif import _dry_run_deploy
    from elmreplay.store.records import RecordKind

    later = [r for r in store.records[at + 1 :] if r.kind is RecordKind.UPDATE and not r.reverted]
    with ReplaySession(store, resolver) as session:
        traced = session.trace(later[0].index, later[-1].index + 1)
    _, restored = _dry_run_deploy(store, files, resolver, mode=mode, at=at, timeout_s=10, max_memory=256 << 20, keep_process=True)
    assert restored is not None
    try:
        items = [(r, e) for r in later for e in store.app_events(r)]
        responses, states = restored.host.run_app_events(items, responses=True, states_after=range(len(items)))
    finally:
        restored.close()
    return [(r.index, responses[k] != traced[r.index][0], states[k] != traced[r.index][1], responses[k], traced[r.index][0], states[k], traced[r.index][1])
            for k, r in enumerate(later)]  # fmt: skip


@pytest.mark.parametrize("at,mode,files", [(1, "init", COUNTER), (3, "migrate", BUILDER), (6, "init", COUNTER), (8, "init", BUILDER)])
def test_counterfactual_digests_agree_with_full_states(recorder_factory, test_apps, at, mode, files):  # type: ignore[no-untyped-def]
    rec = recorder_factory(era=WriterEra.E5)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, [1, 3, 10, 0, 0, 5]))
    rec.set_state("7", time_ms=T0 + 20 * MINUTE)  # a later admin record: not compared, but replayed on the recorded side
    rec.events(additions(30, [0, 2, 0]))
    rec.close()
    store = open_store(rec.directory)
    expected = _full_comparison(store, test_apps.resolver(), files, at=at, mode=mode)
    report = counterfactual(store, files, test_apps.resolver(), at=at, mode=mode, divergences=3)
    assert [(e.index, e.response_differs, e.state_differs) for e in report.events] == [x[:3] for x in expected]
    diverging = [x for x in expected if x[1] or x[2]]
    assert [d.index for d in report.divergences] == [x[0] for x in diverging[:3]]
    for d, x in zip(report.divergences, diverging):
        assert (d.counterfactual_response, d.recorded_response, d.counterfactual_state, d.recorded_state) == x[3:]
    assert report.final_state_counterfactual == expected[-1][5] and report.final_state_recorded == expected[-1][6]
    sizes = [(e.counterfactual_response_size, e.recorded_response_size, e.counterfactual_state_size, e.recorded_state_size) for e in report.events]
    assert sizes == [tuple(len(v) for v in x[3:]) for x in expected]


def test_counterfactual_interrupted_returns_the_prefix(counter_store, test_apps, monkeypatch):  # type: ignore[no-untyped-def]
    import importlib

    whatif = importlib.import_module("elmreplay.replay.whatif")
    monkeypatch.setattr(whatif, "COMPARE_CHUNK", 1)
    calls = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if done == 1:
            raise KeyboardInterrupt

    report = counterfactual(open_store(counter_store), COUNTER, test_apps.resolver(), at=1, mode="init", on_progress=progress)
    assert report.interrupted and [e.index for e in report.events] == [2] and report.events_total == 2
    assert calls == [(1, 2)] and "INTERRUPTED after 1 of 2 events" in report.summary_line()
    assert report.to_json()["interrupted"] is True
