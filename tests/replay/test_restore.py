"""The host's restore rules (store-format §5.1-§5.2) on purpose-built stores."""

from __future__ import annotations

import json
import shutil

import pytest

from elmreplay.errors import RestoreError
from elmreplay.replay.host import NO_APP_FOR_SET_STATE
from elmreplay.replay.recorder import AdminRejected
from elmreplay.replay.restore import restore, restore_sequence
from elmreplay.store import WriterEra, open_store
from elmreplay.store.files import DirectoryFiles
from elmreplay.store.store import Store
from elmreplay.store.writer import StoreWriter

from .conftest import BUILDER, BUILDER_WITHOUT_MIGRATION, COUNTER, MINUTE, T0, additions


@pytest.mark.parametrize("era", [WriterEra.E2, WriterEra.E4, WriterEra.E5])
def test_counter_then_migration_to_string_builder(recorder_factory, test_apps, era):  # type: ignore[no-untyped-def]
    # The host's own scenario: Int counter at 14, deploy+migrate to a String builder -> "14".
    rec = recorder_factory(era=era)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    responses = rec.events(additions(1, [1, 3, 10]))
    assert [json.loads(r)["DecodeEventSuccess"]["completeHttpResponses"][0]["response"]["body"] for r in responses] == ["1", "4", "14"]
    outcome = rec.deploy(BUILDER, migrate=True, time_ms=T0 + 10 * MINUTE)
    assert outcome.accepted
    rec.events([(e.replace("eyJhZGRpdGlvbiI6IDF9", "LXBhcnQtYQ=="), t) for e, t in additions(11, [1])])
    rec.close()
    store = open_store(rec.directory)
    restored = restore(store, test_apps.resolver())
    try:
        assert restored.state_json() == '"14-part-a"'
        assert restored.last_record_hash == store.head_hash
    finally:
        restored.close()


def test_restore_starts_at_newest_usable_reduction(recorder_factory, test_apps):  # type: ignore[no-untyped-def]
    rec = recorder_factory(reduction_every_events=5)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, [1] * 12))
    rec.close()
    store = open_store(rec.directory)
    seq = restore_sequence(store)
    assert seq[0][1] is not None and seq[0][0].index == 10  # reductions after records 5 and 10
    assert [r.index for r, _ in seq] == [10, 11, 12]
    restored = restore(store, test_apps.resolver())
    assert restored.state_json() == "12" and restored.from_reduction == store.records[10].hash
    restored.close()
    # Any reduction can be the start, not only the newest.
    older = restore(store, test_apps.resolver(), from_reduction=store.records[5].hash)
    assert older.state_json() == "12" and older.from_reduction == store.records[5].hash
    older.close()


def test_reduction_with_missing_component_is_skipped(recorder_factory, test_apps):  # type: ignore[no-untyped-def]
    rec = recorder_factory(reduction_every_events=5)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, [2] * 7))
    rec.close()
    store = open_store(rec.directory)
    red = store.reduction(store.records[5].hash)
    assert red is not None and red.elm_app_state is not None
    h = red.elm_app_state.hash_base16
    assert h is not None
    (rec.directory / "literal-element" / h[:2] / h).unlink()
    store = open_store(rec.directory)
    seq = restore_sequence(store)
    assert seq[0][0].index == 0  # fell back to the deploy's own reduction-less start
    restored = restore(store, test_apps.resolver())
    assert restored.state_json() == "14"
    restored.close()


def test_insufficient_history_message(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E5, parent_hash="ab" * 32)
    w.append_app_event('{"ArrivedAtTimeEvent":{"posixTimeMilli":1}}', T0)
    store = open_store(tmp_path / "s")
    with pytest.raises(RestoreError, match="Failed to get sufficient history: Composition log record points to parent " + "ab" * 32):
        restore(store, test_apps.resolver())


def test_empty_store_restores_to_no_process(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    (tmp_path / "s" / "composition-log").mkdir(parents=True)
    restored = restore(open_store(tmp_path / "s"), test_apps.resolver())
    assert restored.state_json() is None and restored.last_record_hash is None


def test_events_before_any_deploy_are_ignored(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E5)
    for e, t in additions(1, [5]):
        w.append_app_event(e, t)
    w.append_deploy(COUNTER, migrate=False, time_ms=T0 + MINUTE)
    for e, t in additions(2, [7]):
        w.append_app_event(e, t)
    restored = restore(open_store(tmp_path / "s"), test_apps.resolver())
    assert restored.state_json() == "7"
    restored.close()


def test_set_state_results(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E2)
    w.append_set_state(b"5", T0)
    store = open_store(tmp_path / "s")
    restored = restore(store, test_apps.resolver())
    assert restored.host.last_set_state_result is not None
    assert restored.host.last_set_state_result.err == NO_APP_FOR_SET_STATE
    w.append_deploy(COUNTER, migrate=False, time_ms=T0)
    w.append_set_state(b"  41 ", T0)  # reformatted JSON is accepted (normalized comparison)
    restored = restore(open_store(tmp_path / "s"), test_apps.resolver())
    assert restored.host.last_set_state_result is not None
    assert restored.host.last_set_state_result.ok == "Successfully loaded the elm app state."
    assert restored.state_json() == "41"
    restored.close()
    w.append_set_state(b'"not an int"', T0)
    restored = restore(open_store(tmp_path / "s"), test_apps.resolver())
    result = restored.host.last_set_state_result
    assert result is not None and result.err is not None
    assert result.err.startswith("Failed to load the serialized state with the elm app. resulting State:\n")
    assert "Interface_DeserializeFailed" in result.err
    restored.close()


def test_migration_failure_leaves_deserialize_failed(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E5)
    w.append_deploy(BUILDER, migrate=False, time_ms=T0)
    for e, t in additions(1, [1]):
        w.append_app_event(e, t)
    # A history can only hold such a record if something went wrong; restore must still behave like the host.
    w.append_deploy(BUILDER, migrate=True, time_ms=T0 + 2 * MINUTE)
    restored = restore(open_store(tmp_path / "s"), test_apps.resolver())
    result = restored.host.last_set_state_result
    assert result is not None and result.err is not None
    assert result.err.startswith(
        "Failed to migrate the elm app state:Decoding of serialized state failed for this migration:\nProblem with the given value"
    )
    assert json.loads(restored.state_json() or "{}")["Interface_DeserializeFailed"]["error"].startswith("This is not valid JSON!")  # SetSerializedState("")
    restored.close()


def test_migration_without_module_is_a_preparation_error(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E2)
    w.append_deploy(COUNTER, migrate=False, time_ms=T0)
    w.append_deploy(BUILDER_WITHOUT_MIGRATION, migrate=True, time_ms=T0)
    restored = restore(open_store(tmp_path / "s"), test_apps.resolver())
    result = restored.host.last_set_state_result
    assert result is not None
    assert result.err == "Failed to prepare elm app state migration: Did not find interface module at 'src/MigrateBackendState.elm'"
    restored.close()


def test_recorder_rejects_bad_migration_and_writes_nothing(recorder_factory):  # type: ignore[no-untyped-def]
    rec = recorder_factory()
    rec.deploy(BUILDER, migrate=False, time_ms=T0)
    log = rec.directory / "composition-log"
    before = {p: p.read_bytes() for p in log.rglob("*") if p.is_file()}
    with pytest.raises(AdminRejected, match="Failed to migrate Elm app state for this deployment: Failed to migrate the elm app state:Decoding"):
        rec.deploy(BUILDER, migrate=True, time_ms=T0 + MINUTE)
    # The reduction stored at the start of the admin operation stays (as on the host); the log does not change.
    assert {p: p.read_bytes() for p in log.rglob("*") if p.is_file()} == before


def test_revert_check_and_revert_state(recorder_factory, test_apps):  # type: ignore[no-untyped-def]
    rec = recorder_factory()
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, [1, 2]))
    target = rec.records[-1]
    rec.events(additions(3, [100, 200]))
    rec.revert(target, time_ms=T0 + 10 * MINUTE)
    rec.events(additions(11, [4]))
    rec.close()
    store = open_store(rec.directory)
    assert [r.reverted for r in store.records] == [False, False, False, True, True, False, False]
    restored = restore(store, test_apps.resolver())
    assert restored.state_json() == "7"
    restored.close()


def test_revert_into_legacy_chain_fails_like_the_host(tmp_path, test_apps):  # type: ignore[no-untyped-def]
    # §3.4 caveat: a pending revert is not carried into the head-hash chain; restore then fails its check.
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E4)
    w.append_deploy(COUNTER, migrate=False, time_ms=T0)
    target = w.append_app_event(additions(1, [1])[0][0], T0).record_hash
    w.append_app_event(additions(2, [1])[0][0], T0)
    w.era = WriterEra.E5
    w.append_app_event(additions(3, [1])[0][0], T0)
    w.append_revert(target, T0 + MINUTE)
    store = open_store(tmp_path / "s")
    with pytest.raises(RestoreError, match="Error in enumeration of process composition events: Got revert to " + target):
        restore(store, test_apps.resolver())


def test_truncated_store_restores_from_its_reduction(recorder_factory, test_apps, tmp_path):  # type: ignore[no-untyped-def]
    rec = recorder_factory(era=WriterEra.E4, reduction_every_events=4)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(additions(1, [1] * 6))
    rec.close()
    store = open_store(rec.directory)
    # Truncate like the host: drop the record components older than the reduced record #4.
    keep = store.records[4].hash
    copy = tmp_path / "truncated"
    shutil.copytree(rec.directory, copy)
    for r in store.records[:4]:
        (copy / r.location.path).unlink()
    truncated = Store(DirectoryFiles(copy))
    assert truncated.log.truncated and truncated.records[0].hash == keep
    restored = restore(truncated, test_apps.resolver())
    assert restored.state_json() == "6"
    restored.close()
