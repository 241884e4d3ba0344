"""The host's answers per generation (store-format §5.3, §9): texts, HTTP status, report body."""

from __future__ import annotations

from typing import Mapping

import pytest

from elmreplay.replay.recorder import Recorder
from elmreplay.replay.whatif import what_if_deploy
from elmreplay.runtime.sources import RuntimeResolver
from elmreplay.store import WriterEra, component_hash, open_store
from elmreplay.store.trees import TreeEncoding, build_tree

from . import conftest
from .conftest import BUILDER, COUNTER, MINUTE, T0, http_event

CRASHING = {"elm.json": b'{"type":"application"}', "src/Backend/Main.elm": b"module Backend.Main exposing (..)\n-- crashes when loaded\n"}
NESTED = (
    "Failed to migrate Elm app state for this deployment: Failed to migrate the elm app state:"
    'Decoding of serialized state failed for this migration:\nProblem with the given value:\n\n"abc"\n\nExpecting an INT'
)


def resolver() -> RuntimeResolver:
    apps = conftest.TestApps()
    crashing = {component_hash(build_tree(CRASHING, enc)) for enc in TreeEncoding}

    def js(h: str, files: Mapping[str, bytes]) -> str | None:
        return 'throw new Error("boom while loading the app")' if h in crashing else apps(h, files)

    return RuntimeResolver([js])


@pytest.fixture(params=[WriterEra.E3, WriterEra.E5], ids=["2020", "2021"])
def builder_store(request, tmp_path):  # type: ignore[no-untyped-def]
    rec = Recorder(tmp_path / "store", resolver(), era=request.param)
    rec.deploy(BUILDER, migrate=False, time_ms=T0)
    rec.events([(http_event(1, T0 + MINUTE, "abc"), T0 + MINUTE)])
    rec.close()
    return request.param, open_store(tmp_path / "store")


def test_rejected_migration_and_the_report_body(builder_store):  # type: ignore[no-untyped-def]
    era, store = builder_store
    report = what_if_deploy(store, BUILDER, resolver(), mode="migrate")
    assert not report.accepted and report.message == NESTED and report.http_status == 400
    doc = report.to_json()["host_response"]
    assert doc["status"] == 400 and doc["result"] == {"Err": NESTED}
    body = doc["body"]
    if era is WriterEra.E3:
        assert doc["generation"] == "2020"
        assert list(body) == ["beginTime", "parentCompositionHashBase16", "compositionEvent", "totalTimeSpentMilli", "result"]
        assert body["parentCompositionHashBase16"] == store.head_hash
    else:
        assert doc["generation"] == "2021"
        assert list(body) == ["beginTime", "compositionEvent", "storeReductionReport", "storeReductionTimeSpentMilli", "totalTimeSpentMilli", "result"]
    assert body["compositionEvent"] == {"DeployAppConfigAndMigrateElmAppState": {"HashBase16": report.app_config_hash}}
    assert body["result"] == {"Err": NESTED}
    ok = what_if_deploy(store, COUNTER, resolver(), mode="init")
    expected_ok = "Successfully deployed this configuration and started the web server." if era is WriterEra.E3 else \
        "Successfully applied this composition event to the process."  # fmt: skip
    assert ok.accepted and ok.message == expected_ok and ok.to_json()["host_response"]["body"]["result"] == {"Ok": expected_ok}


def test_an_exception_in_the_test_restore(builder_store):  # type: ignore[no-untyped-def]
    era, store = builder_store
    report = what_if_deploy(store, CRASHING, resolver(), mode="init")
    assert not report.accepted
    assert "boom while loading the app" in report.message
    if era is WriterEra.E3:  # 2020 did not catch it: HTTP 500 with the exception, no report
        assert report.http_status == 500 and report.uncaught and not report.message.startswith("Failed with exception")
        assert report.to_json()["host_response"]["body"] is None
        assert "HTTP 500" in str(report)
    else:  # 2021: TestContinueWithCompositionEvent caught every exception
        assert report.http_status == 400 and report.message.startswith("Failed with exception: ")


def test_set_state_rejection_has_the_host_prefix(tmp_path):  # type: ignore[no-untyped-def]
    from elmreplay.replay.recorder import AdminRejected

    rec = Recorder(tmp_path / "store", resolver(), era=WriterEra.E5)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    with pytest.raises(AdminRejected, match="^Failed to migrate Elm app state for this deployment: Failed to load the serialized state"):
        rec.set_state('"not an int"', time_ms=T0 + MINUTE)
    rec.close()
