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
