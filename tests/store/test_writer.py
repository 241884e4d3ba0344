"""The host-faithful writer: round trips writer -> reader for every era, the deflate rule of §2.6,
record bytes and escaping, file naming and the refusal to touch an existing store."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.errors import StoreExists
from elmreplay.store import open_store
from elmreplay.store.components import blob_hash, blob_serial
from elmreplay.store.files import OverlayFiles
from elmreplay.store.records import RecordKind
from elmreplay.store.trees import TreeEncoding
from elmreplay.store.writer import DEFLATE_MIN_SIZE, StoreWriter, WriterEra, literal_log_file, newtonsoft_json

from .helpers import (
    CONFIG_1,
    CONFIG_2,
    SCENARIO_REVERTED,
    STATE_AFTER_DEPLOY2,
    STATE_AFTER_E2,
    STATE_AFTER_E7,
    STATE_SET,
    T0,
    NoFiles,
    Scenario,
    build_scenario,
    host_visible,
    iter_files,
    noise,
    snapshot,
    time_event,
)

ERAS = list(WriterEra)
ERA_LABEL = {
    WriterEra.E1: "E1 ",
    WriterEra.E2: "E2-E3 ",
    WriterEra.E3: "E3 ",
    WriterEra.E4: "E4 ",
    WriterEra.E5: "E5+ ",
    WriterEra.STJ_2022: "E5+ ",
    WriterEra.PINE_2025: "2025-04+ ",
}


@pytest.fixture(scope="module", params=ERAS, ids=[e.value for e in ERAS])
def scenario(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    era: WriterEra = request.param
    return build_scenario(tmp_path_factory.mktemp(f"scenario-{era.value}") / "store", era)


# --- round trips ----------------------------------------------------------------------------------


def test_round_trip_records(scenario: Scenario) -> None:
    store = open_store(scenario.path)
    assert [r.hash for r in store.records] == scenario.hashes
    assert [r.raw for r in store.records] == [scenario.results[s].record_bytes for s in scenario.steps]
    assert [r.hash for r in store.records] == [blob_hash(r.raw) for r in store.records]
    assert [r.index for r in store.records] == list(range(len(scenario.steps)))
    assert store.records[0].parent_hash is None
    assert all(store.records[i].parent_hash == scenario.hashes[i - 1] for i in range(1, len(store)))
    assert store.head_hash == scenario.hashes[-1]
    shape = "events" if scenario.era is WriterEra.E1 else "compositionEvent"
    assert {r.parsed.shape for r in store.records} == {shape}
    assert store.era.startswith(ERA_LABEL[scenario.era])


def test_round_trip_reverts(scenario: Scenario) -> None:
    store = open_store(scenario.path)
    reverted = {s for s, r in zip(scenario.steps, store.records) if r.reverted}
    assert reverted == SCENARIO_REVERTED
    targets = [scenario.revert_targets.get(s) for s in scenario.steps]
    assert [r.revert_target for r in store.records] == targets
    assert [not r.reverted for r in store.records] == host_visible(scenario.hashes, targets)


def test_round_trip_event_and_state_payloads(scenario: Scenario) -> None:
    store = open_store(scenario.path)
    for step, text in scenario.events.items():
        assert store.event_json(scenario.index(step)) == text
    assert store.set_state_json(scenario.index("set")) == STATE_SET
    with pytest.raises(ValueError):
        store.event_json(scenario.index("set"))
    inline = scenario.era.uses_literal_log
    for step in scenario.events:
        value = store.record(scenario.index(step)).parsed.event.value
        assert value is not None and value.is_literal is inline


def test_round_trip_app_configs(scenario: Scenario) -> None:
    store = open_store(scenario.path)
    expected_encoding = {WriterEra.E1: TreeEncoding.UTF8, WriterEra.E2: TreeEncoding.UTF8, WriterEra.E3: TreeEncoding.UTF8}.get(
        scenario.era, scenario.era.default_tree_encoding
    )
    for step, files in (("deploy1", CONFIG_1), ("deploy2", CONFIG_2)):
        config = store.app_config(scenario.config_hashes[step])
        assert dict(config.files) == files
        assert config.name_encoding is expected_encoding
    dep = store.deployments()
    assert dep["record_hash"].tolist() == [scenario.hash("deploy1"), scenario.hash("deploy2")]
    assert dep["mode"].tolist() == ["init", "migrate"]


def test_round_trip_reductions(scenario: Scenario) -> None:
    store = open_store(scenario.path)
    df = store.reductions(check_usable=True)
    assert df["record_hash"].tolist() == [scenario.hash(s) for s in ("e2", "e7", "deploy2")]
    assert df["index"].tolist() == [scenario.index(s) for s in ("e2", "e7", "deploy2")]
    assert df["had_bom"].tolist() == [True, False, False]
    assert df["usable"].tolist() == [True, True, True]
    states = [store.usable_reduction(scenario.hash(s)) for s in ("e2", "e7", "deploy2")]
    assert [u.state_json for u in states if u] == [STATE_AFTER_E2, STATE_AFTER_E7, STATE_AFTER_DEPLOY2]
    assert states[2] is not None and states[2].app_config_files == CONFIG_2


def test_component_directories_of_each_era(scenario: Scenario) -> None:
    top = {p.relative_to(scenario.path).parts[0] for p in iter_files(scenario.path)}
    log = {"composition-log"} if scenario.era.uses_literal_log else {"composition-log-head-hash"}
    component_dirs = {
        WriterEra.E1: {"component"},
        WriterEra.E2: {"component"},
        WriterEra.E3: {"component", "deflated-component"},
        WriterEra.E4: {"literal-element", "deflated-literal-element"},
        WriterEra.E5: {"literal-element", "deflated-literal-element"},
        WriterEra.STJ_2022: {"literal-element", "deflated-literal-element"},
        WriterEra.PINE_2025: {"literal-element", "value"},  # the big blobs are inside the tree files
    }[scenario.era]
    assert top == log | component_dirs | {"provisional-reduction"}


def test_e5_records_spread_over_log_files(tmp_path: Path) -> None:
    scenario = build_scenario(tmp_path / "store", WriterEra.E5)
    store = open_store(scenario.path)
    files = [r.location.path for r in store.records]
    assert len(set(files)) == 4
    # r1 (second file) targets e2 in the first file; r3 (third file) targets r1 (second file).
    assert files[scenario.index("r1")] != files[scenario.index("e2")]
    assert files[scenario.index("r3")] != files[scenario.index("r1")]


# --- deflate rule (§2.6) ----------------------------------------------------------------------------


def written_files(era: WriterEra, data: bytes) -> dict[tuple[str, ...], bytes]:
    overlay = OverlayFiles(NoFiles())
    StoreWriter(overlay, era).store_blob(data)
    return overlay.files


@pytest.mark.parametrize("era", [WriterEra.E3, WriterEra.E4, WriterEra.E5])
def test_deflate_threshold_is_on_the_serial_length(era: WriterEra) -> None:
    deflated_dir = "deflated-component" if era is WriterEra.E3 else "deflated-literal-element"
    literal_dir = "component" if era is WriterEra.E3 else "literal-element"
    below = b"a" * 9989  # "blob 9989\0" + 9989 bytes = 9999 bytes of serial form
    at = b"a" * 9990  # 10000 bytes of serial form
    assert len(blob_serial(below)) == DEFLATE_MIN_SIZE - 1 and len(blob_serial(at)) == DEFLATE_MIN_SIZE
    ((path, content),) = written_files(era, below).items()
    assert path[0] == literal_dir and content == blob_serial(below)
    ((path, content),) = written_files(era, at).items()
    assert path[0] == deflated_dir and path[1:] == (blob_hash(at)[:2], blob_hash(at))
    assert zlib.decompress(content, -15) == blob_serial(at)  # raw DEFLATE, no zlib header
    with pytest.raises(zlib.error):
        zlib.decompress(content)


@pytest.mark.parametrize("era", [WriterEra.E3, WriterEra.E4, WriterEra.E5])
@pytest.mark.parametrize("random_share", [0.0, 0.5, 0.75, 0.8, 0.85, 1.0])
def test_deflate_only_when_below_80_percent(era: WriterEra, random_share: float) -> None:
    n = 20_000
    data = noise(int(n * random_share), seed=3) + b"\x00" * (n - int(n * random_share))
    serial = blob_serial(data)
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    d = c.compress(serial) + c.flush()
    ((path, content),) = written_files(era, data).items()
    if len(d) * 10 < len(serial) * 8:
        assert path[0].startswith("deflated-") and zlib.decompress(content, -15) == serial
    else:
        assert not path[0].startswith("deflated-") and content == serial


@pytest.mark.parametrize("era", [WriterEra.E1, WriterEra.E2])
def test_no_deflation_before_e3(era: WriterEra) -> None:
    ((path, content),) = written_files(era, b"a" * 50_000).items()
    assert path[0] == "component" and content == blob_serial(b"a" * 50_000)


def test_big_components_read_back_from_both_branches(scenario: Scenario) -> None:
    store = open_store(scenario.path)
    config = store.app_config(scenario.config_hashes["deploy1"])
    assert config.files["static/big.txt"] == CONFIG_1["static/big.txt"]
    assert config.files["static/noise.bin"] == CONFIG_1["static/noise.bin"]
    big = store.components.find_serial(blob_hash(CONFIG_1["static/big.txt"]))
    noisy = store.components.find_serial(blob_hash(CONFIG_1["static/noise.bin"]))
    if scenario.era is WriterEra.PINE_2025:  # inside the tree's self-contained value file (§1.2)
        assert big is None and noisy is None
        return
    assert big is not None and noisy is not None and not noisy.deflated
    assert big.deflated is (scenario.era not in (WriterEra.E1, WriterEra.E2))


# --- record bytes ------------------------------------------------------------------------------------


def test_record_bytes_of_each_shape() -> None:
    w = StoreWriter(OverlayFiles(NoFiles()), WriterEra.E1, parent_hash="ab" * 32)
    assert w.record_bytes(RecordKind.SET_STATE, {"HashBase16": "cd" * 32}) == (
        b'{"parentHashBase16":"' + b"ab" * 32 + b'","events":[{"SetElmAppState":{"HashBase16":"' + b"cd" * 32 + b'"}}]}'
    )
    w.era = WriterEra.E5
    assert w.record_bytes(RecordKind.UPDATE, {"LiteralStringUtf8": '{"a":"ä\u2028"}'}) == (
        b'{"parentHashBase16":"'
        + b"ab" * 32
        + b'","compositionEvent":{"UpdateElmAppStateForEvent":{"LiteralStringUtf8":"{\\"a\\":\\"\xc3\xa4\\u2028\\"}"}}}'
    )


def test_newtonsoft_escapes() -> None:
    assert newtonsoft_json("a\x00\x1f\n\t\"\\/<>&'+ä😀\u0085\u2028\u2029\x7f") == (
        '"a\\u0000\\u001f\\n\\t\\"\\\\/<>&\'+ä😀\\u0085\\u2028\\u2029\x7f"'.encode("utf-8")
    )
    assert newtonsoft_json({"b": 1, "a": [None, True]}) == b'{"b":1,"a":[null,true]}'  # order kept, compact


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text(max_size=20),
    lambda ch: st.lists(ch, max_size=4) | st.dictionaries(st.text(max_size=8), ch, max_size=4),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_newtonsoft_json_parses_back(value: object) -> None:
    out = newtonsoft_json(value)
    text = out.decode("utf-8")
    assert json.loads(text) == value
    assert orjson.loads(out) == value  # the reader's parser
    assert not any(ch in text for ch in "\n\r\u0085\u2028\u2029") and all(ord(ch) >= 0x20 for ch in text)


# --- naming, refusal ------------------------------------------------------------------------------


def test_literal_log_file_name() -> None:
    assert literal_log_file(T0) == ("composition-log", "literal", "2021-07-13", "2021-07-13T12-40")
    assert literal_log_file(T0 + 59_999) == literal_log_file(T0)
    assert literal_log_file(1609459199999) == ("composition-log", "literal", "2020-12-31", "2020-12-31T23-59")


def test_head_hash_file_holds_32_raw_bytes(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E2)
    r = w.append_app_event(time_event(1), T0)
    assert (tmp_path / "s" / "composition-log-head-hash").read_bytes() == bytes.fromhex(r.record_hash)


def test_reduction_file_bytes(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E4)
    w.write_reduction("ab" * 32, state_json=None, app_config_hash="cd" * 32, bom=True)
    data = (tmp_path / "s" / "provisional-reduction" / ("ab" * 32)).read_bytes()
    assert data == b'\xef\xbb\xbf{"reducedCompositionHashBase16":"' + b"ab" * 32 + b'","appConfig":{"HashBase16":"' + b"cd" * 32 + b'"}}'


def test_refuses_a_directory_that_holds_a_store(scenario: Scenario) -> None:
    before = snapshot(scenario.path)
    with pytest.raises(StoreExists) as e:
        StoreWriter.new_store(scenario.path, WriterEra.E5)
    assert str(scenario.path) in str(e.value)
    assert snapshot(scenario.path) == before


def test_refuses_any_non_empty_directory_and_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(StoreExists):
        StoreWriter.new_store(tmp_path, WriterEra.E5)
    with pytest.raises(StoreExists):
        StoreWriter.new_store(tmp_path / "notes.txt", WriterEra.E5)
    StoreWriter.new_store(tmp_path / "new" / "nested", WriterEra.E5)  # missing directories are created
    assert (tmp_path / "new" / "nested").is_dir()


def test_torn_append_only_in_literal_log_eras(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.E4)
    with pytest.raises(ValueError):
        w.append_torn(b"x", T0)


def test_projection_overlay_writes_nothing_to_disk(scenario: Scenario) -> None:
    from elmreplay.store.store import Store

    store = open_store(scenario.path)
    before = snapshot(scenario.path)
    overlay = OverlayFiles(store.files)
    writer = StoreWriter.continuing(overlay, store.log)
    # (a projection of a 2022+ store is written like E5: what-if refuses those eras anyway)
    assert writer.era is (WriterEra.E1 if scenario.era is WriterEra.E1 else WriterEra.E5 if scenario.era.uses_literal_log else WriterEra.E4)
    r = writer.append_app_event(time_event(99), T0 + 10 * 60_000)
    projected = Store(overlay)
    assert projected.head_hash == r.record_hash and projected.records[-1].parent_hash == scenario.hashes[-1]
    assert len(projected) == len(store) + 1
    assert snapshot(scenario.path) == before
