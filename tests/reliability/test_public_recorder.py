"""The public recorder, ``elmreplay.Recorder``, used only through what README documents."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import elmreplay
from elmreplay.errors import AmbiguousHash, StoreExists
from elmreplay.store import open_store
from elmreplay.store.trees import TreeEncoding
from tests.store.helpers import snapshot

from .stores import SAMPLES, T0

APPS = SAMPLES / "apps" / "counter"
RUNTIMES = [SAMPLES / "counter_admin" / "runtimes"]  # the counter family in the E5 tree encoding


def test_the_docstring_example_runs() -> None:
    doc = elmreplay.Recorder.__doc__
    assert doc is not None
    example = textwrap.dedent(doc[doc.index("Example") : doc.index("Parameters")].split("::", 1)[1])
    import os

    cwd = os.getcwd()
    os.chdir(SAMPLES.parent)  # "runs from the repository root"
    try:
        exec(compile(example, "Recorder docstring", "exec"), {})
    finally:
        os.chdir(cwd)


def test_every_operation_writes_what_the_host_would(tmp_path: Path) -> None:
    with elmreplay.Recorder(tmp_path / "store", era="E5", runtimes=RUNTIMES) as rec:
        rec.deploy(APPS / "v1", migrate=False, time_ms=T0)
        assert rec.request("POST", "/", body=b'{"addition":3}', time_ms=T0 + 1000) is not None
        rec.time_arrived(T0 + 2000)
        rec.set_state("10", time_ms=T0 + 3000)
        after_set = rec.records[-1]
        rec.request("POST", "/", body=b'{"addition":5}', time_ms=T0 + 4000)
        rec.revert(after_set[:10], time_ms=T0 + 5000)  # a prefix, as people type it
        rec.deploy(APPS / "v2_string_builder", migrate=True, time_ms=T0 + 6000)
        rec.reduce()
        rec.restart()
        rec.request("POST", "/", body=b'{"addition":1}', time_ms=T0 + 7000)
        store = rec.store()
    events = store.events()
    assert list(events["kind"]) == [
        "DeployAppConfigAndInitElmAppState", "UpdateElmAppStateForEvent", "UpdateElmAppStateForEvent",
        "SetElmAppState", "UpdateElmAppStateForEvent", "RevertProcessTo", "DeployAppConfigAndMigrateElmAppState",
        "UpdateElmAppStateForEvent",
    ]  # fmt: skip
    assert list(events["record_hash"]) == rec.records
    assert events.loc[5, "revert_target"] == after_set and bool(events.loc[4, "reverted"])
    assert list(events["event_type"].dropna()) == ["HttpRequestEvent", "ArrivedAtTimeEvent", "HttpRequestEvent", "HttpRequestEvent"]
    assert events["problem"].isna().all()
    assert store.era.startswith("E5")
    # Independent check: a fresh replay from the log alone reproduces every reduction written.
    report = elmreplay.verify(open_store(tmp_path / "store"), runtimes=RUNTIMES, progress=False)
    assert report.ok and len(report.checks) >= 3, str(report)
    with elmreplay.replay(open_store(tmp_path / "store"), runtimes=RUNTIMES) as session:
        # set to 10, the +5 reverted away, migrated Int -> String, then one more request
        assert json.loads(session.state_at(5) or "null") == 10


@pytest.mark.parametrize("era", ["E1", "E2", "E3", "E4", "E5"])
def test_a_chosen_era(tmp_path: Path, era: str) -> None:
    runtimes = [SAMPLES / ("counter" if era in ("E1", "E2", "E3") else "counter_admin") / "runtimes"]
    encoding = TreeEncoding.UTF8 if era in ("E1", "E2", "E3") else TreeEncoding.CODEPOINTS  # the runtimes' hashes
    with elmreplay.Recorder(tmp_path / "s", era=era, runtimes=runtimes, tree_encoding=encoding) as rec:
        rec.deploy(APPS / "v1", migrate=False, time_ms=T0)
        rec.request("POST", "/", body=b'{"addition":2}', time_ms=T0 + 1)
    layout = "head-hash chain" if era != "E5" else "literal log files"
    assert layout in open_store(tmp_path / "s").era


def test_only_an_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("mine")
    before = snapshot(tmp_path / "full")
    with pytest.raises(StoreExists, match="not empty"):
        elmreplay.Recorder(tmp_path / "full", runtimes=RUNTIMES)
    assert snapshot(tmp_path / "full") == before


def test_a_rejected_admin_operation_writes_nothing(tmp_path: Path) -> None:
    with elmreplay.Recorder(tmp_path / "s", runtimes=RUNTIMES) as rec:
        rec.deploy(APPS / "v1", migrate=False, time_ms=T0)
        before = snapshot(tmp_path / "s" / "composition-log")
        with pytest.raises(elmreplay.AdminRejected):
            rec.set_state('"not an int"', time_ms=T0 + 1)
        assert snapshot(tmp_path / "s" / "composition-log") == before
        with pytest.raises(AmbiguousHash):
            rec.revert("ffffffff", time_ms=T0 + 2)
