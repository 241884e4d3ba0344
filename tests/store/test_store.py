"""The Store front door: the events/deployments DataFrames, app configs, summary and reprs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from elmreplay.errors import ElmReplayError, StoreNotFound
from elmreplay.store import open_store
from elmreplay.store.appconfig import AppConfig
from elmreplay.store.records import RecordKind
from elmreplay.store.store import Store, describe_event_json
from elmreplay.store.trees import TreeEncoding
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import (
    CONFIG_1,
    SCENARIO_REVERTED,
    T0,
    Scenario,
    build_scenario,
    http_event,
    log_file,
    put_tree,
    record_json,
    time_event,
    write_file,
)

COLUMNS = [
    "index", "record_hash", "parent_hash", "kind", "reverted", "has_reduction", "app_config_hash",
    "event_type", "posix_time_milli", "time", "http_method", "http_uri", "http_request_id",
    "payload_size", "revert_target", "event_count", "location", "problem",
]  # fmt: skip


@pytest.fixture(scope="module", params=[WriterEra.E2, WriterEra.E5], ids=["E2", "E5"])
def scenario(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build_scenario(tmp_path_factory.mktemp("store-view") / "store", request.param)


def test_events_columns_and_dtypes(scenario: Scenario) -> None:
    df = open_store(scenario.path).events()
    assert list(df.columns) == COLUMNS
    assert len(df) == len(scenario.steps)
    assert df.index.tolist() == list(range(len(df))) and df["index"].tolist() == list(range(len(df)))
    assert df["reverted"].dtype == bool and df["has_reduction"].dtype == bool
    assert str(df["posix_time_milli"].dtype) == "Int64" and str(df["payload_size"].dtype) == "Int64"
    assert isinstance(df["time"].dtype, pd.DatetimeTZDtype) and str(df["time"].dt.tz) == "UTC"


def test_events_values(scenario: Scenario) -> None:
    df = open_store(scenario.path).events()
    sc = scenario
    assert df["record_hash"].tolist() == sc.hashes
    assert df["parent_hash"].isna().tolist() == [True] + [False] * (len(df) - 1)
    assert df["parent_hash"].tolist()[1:] == sc.hashes[:-1]
    kinds = {
        "deploy1": "DeployAppConfigAndInitElmAppState",
        "deploy2": "DeployAppConfigAndMigrateElmAppState",
        "set": "SetElmAppState",
        "r1": "RevertProcessTo",
        "r2": "RevertProcessTo",
        "r3": "RevertProcessTo",
    }
    assert df["kind"].tolist() == [kinds.get(s, "UpdateElmAppStateForEvent") for s in sc.steps]
    assert set(df.loc[df["reverted"], "index"]) == {sc.index(s) for s in SCENARIO_REVERTED}
    assert set(df.loc[df["has_reduction"], "index"]) == {sc.index(s) for s in ("e2", "e7", "deploy2")}
    for step in ("deploy1", "deploy2"):
        assert df.loc[sc.index(step), "app_config_hash"] == sc.config_hashes[step]
    assert df["app_config_hash"].notna().sum() == 2
    types = {"e3": "TaskCompleteEvent", "e4": "ArrivedAtTimeEvent", "e8": "httpRequest"}
    for step in sc.events:
        row = df.loc[sc.index(step)]
        assert row["event_type"] == types.get(step, "HttpRequestEvent")
        assert row["payload_size"] == len(sc.events[step].encode("utf-8"))
        event = json.loads(sc.events[step])
        body = next(iter(event.values()))
        if "posixTimeMilli" in body:
            assert row["posix_time_milli"] == sc.times[step] == body["posixTimeMilli"]
            assert row["time"] == pd.Timestamp(sc.times[step], unit="ms", tz="UTC")
        else:
            assert pd.isna(row["posix_time_milli"]) and pd.isna(row["time"])
        if "request" in body:
            assert (row["http_method"], row["http_uri"]) == (body["request"]["method"], body["request"]["uri"])
            assert row["http_request_id"] == body["httpRequestId"]
        else:
            assert pd.isna(row["http_method"]) and pd.isna(row["http_uri"])
    assert df.loc[sc.index("e6"), "http_uri"] == "http://localhost:5000/ä\u2028😀"
    assert df.loc[sc.index("e1"), "http_method"] == "POST" and df.loc[sc.index("e2"), "http_method"] == "GET"
    for step in ("r1", "r2", "r3"):
        assert df.loc[sc.index(step), "revert_target"] == sc.revert_targets[step]
    non_events = [sc.index(s) for s in sc.steps if s not in sc.events]
    assert df.loc[non_events, "event_type"].isna().all()
    assert (df["event_count"] == 1).all()


def test_events_location(scenario: Scenario) -> None:
    df = open_store(scenario.path).events()
    if scenario.era is WriterEra.E5:
        assert df.loc[0, "location"] == "composition-log/literal/2021-07-13/2021-07-13T12-40:1"
    else:
        h = scenario.hashes[0]
        assert df.loc[0, "location"] == f"component/{h[:2]}/{h}"


def test_deployments(scenario: Scenario) -> None:
    df = open_store(scenario.path).deployments()
    assert list(df.columns) == ["index", "record_hash", "mode", "app_config_hash", "reverted"]
    assert df.to_dict("records") == [
        {"index": 0, "record_hash": scenario.hash("deploy1"), "mode": "init", "app_config_hash": scenario.config_hashes["deploy1"], "reverted": False},
        {"index": scenario.index("deploy2"), "record_hash": scenario.hash("deploy2"), "mode": "migrate", "app_config_hash": scenario.config_hashes["deploy2"], "reverted": False},
    ]


def test_summary_and_reprs(scenario: Scenario) -> None:
    store = open_store(scenario.path)
    s = store.summary()
    json.dumps(s)  # JSON-able
    assert s["record_count"] == len(scenario.steps) and s["reverted_count"] == len(SCENARIO_REVERTED)
    assert s["reduction_count"] == 3 and s["head_hash"] == scenario.hashes[-1]
    assert s["kinds"] == {
        "DeployAppConfigAndInitElmAppState": 1,
        "UpdateElmAppStateForEvent": 8,
        "SetElmAppState": 1,
        "RevertProcessTo": 3,
        "DeployAppConfigAndMigrateElmAppState": 1,
    }
    assert [d["record_hash"] for d in s["deployments"]] == [scenario.hash("deploy1"), scenario.hash("deploy2")]
    text = repr(store)
    assert store.era in text and scenario.hashes[-1] in text
    assert f"{len(scenario.steps)} records ({len(SCENARIO_REVERTED)} reverted), 3 reductions" in text
    assert "deploy+init at #0" in text and f"deploy+migrate at #{scenario.index('deploy2')}" in text
    html = store._repr_html_()
    assert html.startswith("<div") and scenario.hashes[-1] in html


def test_repr_does_not_load_components(scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(scenario.path)
    from elmreplay.store.componentstore import ComponentReader

    def refuse(*a: object, **k: object) -> None:
        raise AssertionError("repr loaded a component")

    monkeypatch.setattr(ComponentReader, "load", refuse)
    monkeypatch.setattr(ComponentReader, "load_blob", refuse)
    assert "records" in repr(store)


def test_record_access(scenario: Scenario) -> None:
    store = open_store(scenario.path)
    assert store.record(-1).hash == scenario.hashes[-1] and len(store) == len(scenario.steps)
    assert store.index_of_hash[scenario.hash("e3")] == scenario.index("e3")
    with pytest.raises(IndexError) as e:
        store.record(len(store))
    assert f"has {len(store)} records" in str(e.value)
    assert store.app_events(store.record(scenario.index("e1"))) == [scenario.events["e1"]]


# --- app configs of each name encoding -------------------------------------------------------------


@pytest.mark.parametrize("encoding", list(TreeEncoding))
def test_app_config_flattening_with_each_name_encoding(tmp_path: Path, encoding: TreeEncoding) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E4, tree_encoding=encoding)
    _, h = w.append_deploy(CONFIG_1, migrate=False, time_ms=T0)
    config = open_store(tmp_path / "s").app_config(h.upper())
    assert isinstance(config, AppConfig) and config.hash == h
    assert dict(config.files) == CONFIG_1
    assert config.name_encoding is (TreeEncoding.UTF8 if encoding is TreeEncoding.UTF8_FILES_FIRST else encoding)
    assert config.migration_module == "src/Backend/MigrateState.elm"
    assert "src/Ünïcode/😀 file.elm" in config.elm_modules
    assert config.text("src/Ünïcode/😀 file.elm") == "ä😀"
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(config.to_zip())) as z:
        assert {n: z.read(n) for n in z.namelist()} == CONFIG_1


def test_hand_written_config_with_mixed_name_encodings(tmp_path: Path) -> None:
    """A reader takes each entry's name as it comes (2025 trees may mix list and UTF-32 names)."""
    tree = ((b"\x00\x00\x00a", b"1"), ((b"b",), (((b"\xe4",), b"2"),)), (b"c\xc3\xa4", b"3"))
    h = put_tree(tmp_path, tree)
    write_file(tmp_path, log_file(), record_json(RecordKind.DEPLOY_INIT, {"HashBase16": h}) + b"\n")
    files = open_store(tmp_path).app_config(h).files
    assert dict(files) == {"a": b"1", "b/ä": b"2", "cä": b"3"}


# --- eras and edge cases ------------------------------------------------------------------------------


def test_empty_store(tmp_path: Path) -> None:
    (tmp_path / "composition-log").mkdir()
    store = open_store(tmp_path)
    assert store.era == "empty" and len(store) == 0 and store.head_hash is None
    assert list(store.events().columns) == COLUMNS and store.events().empty
    assert store.deployments().empty and store.reductions(check_usable=True).empty


def test_not_found_and_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound):
        open_store(tmp_path / "missing")
    with pytest.raises(StoreNotFound):
        open_store(tmp_path)


def test_e3_era_is_recognised_from_deflated_components(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E3)
    w.append_deploy({"big": b"z" * 20_000}, migrate=False, time_ms=T0)
    assert open_store(tmp_path / "s").era.startswith("E3 ")


def test_describe_event_json_of_every_interface() -> None:
    assert describe_event_json(http_event(5, "http://h/u", "DELETE")).http_method == "DELETE"
    tagged = json.dumps({"HttpRequestEvent": [{"posixTimeMilli": 7, "request": {"method": "GET", "uri": "/x"}}]})
    info = describe_event_json(tagged)  # the 2023+ tagged form
    assert (info.event_type, info.posix_time_milli, info.http_uri) == ("HttpRequestEvent", 7, "/x")
    assert describe_event_json(time_event(9)).posix_time_milli == 9
    assert describe_event_json("not json").event_type is None
    assert describe_event_json('{"a":1,"b":2}').event_type is None
    # posixTimeMilli 0 is omitted by the host's serializer (DefaultValueHandling.Ignore, §7).
    assert describe_event_json('{"HttpRequestEvent":{"request":{"method":"GET"}}}').posix_time_milli == 0


@pytest.mark.parametrize("t", [10**16, -(10**16)])
def test_events_survive_an_out_of_range_time(tmp_path: Path, t: int) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E5)
    w.append_app_event(time_event(t), T0)
    try:
        df = open_store(tmp_path / "s").events()
    except ElmReplayError:
        return
    assert df.loc[0, "posix_time_milli"] == t


def test_events_survive_a_time_beyond_int64(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E5)
    w.append_app_event(time_event(2**63 + 5), T0)
    try:
        open_store(tmp_path / "s").events()
    except ElmReplayError:
        pass


def test_store_over_an_overlay_is_a_store(scenario: Scenario) -> None:
    from elmreplay.store.files import OverlayFiles

    store = Store(OverlayFiles(open_store(scenario.path).files), name="projection")
    assert store.name == "projection" and store.head_hash == scenario.hashes[-1]
