"""Provisional reductions: BOM, name check and the usability rule (store-format §4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from elmreplay.errors import CorruptReduction
from elmreplay.store import open_store
from elmreplay.store.components import component_hash
from elmreplay.store.reductions import read_reduction
from elmreplay.store.records import ValueRef
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import T0, put_component, put_tree, time_event, write_file

CONFIG = {"elm.json": b"{}", "src/Backend/Main.elm": b"module Backend.Main exposing (..)"}


def make_store(root: Path) -> tuple[StoreWriter, str, list[str]]:
    w = StoreWriter.new_store(root, WriterEra.E5)
    _, config = w.append_deploy(CONFIG, migrate=False, time_ms=T0)
    hashes = [w.append_app_event(time_event(i), T0 + i).record_hash for i in range(4)]
    return w, config, hashes


def reduction_file(root: Path, record_hash: str, obj: dict[str, object], bom: bool = False) -> None:
    write_file(root, ("provisional-reduction", record_hash), (b"\xef\xbb\xbf" if bom else b"") + json.dumps(obj).encode())


@pytest.mark.parametrize("bom", [False, True])
def test_reduction_with_and_without_bom(tmp_path: Path, bom: bool) -> None:
    w, config, hashes = make_store(tmp_path)
    w.write_reduction(hashes[1], state_json=b'{"n":1}', app_config_hash=config, bom=bom)
    store = open_store(tmp_path)
    red = store.reduction(hashes[1])
    assert red is not None and red.had_bom is bom and red.record_hash == hashes[1]
    assert red.path == f"provisional-reduction/{hashes[1]}"
    assert red.app_config == ValueRef(hash_base16=config)
    usable = store.usable_reduction(hashes[1])
    assert usable is not None and usable.state_json == b'{"n":1}' and usable.app_config_files == CONFIG
    assert usable.app_config_hash == config
    assert store.reduction(hashes[0]) is None and store.usable_reduction(hashes[0]) is None


def test_reductions_dataframe(tmp_path: Path) -> None:
    w, config, hashes = make_store(tmp_path)
    w.write_reduction(hashes[3], state_json=b"3", app_config_hash=config)
    w.write_reduction(hashes[1], state_json=b"1", app_config_hash=config, bom=True)
    w.write_reduction("ee" * 32, state_json=b"x", app_config_hash=config)  # a record not in the store
    w.write_reduction(hashes[2], state_json=None, app_config_hash=config)  # no app running
    store = open_store(tmp_path)
    df = store.reductions(check_usable=True)
    assert list(df.columns) == ["record_hash", "index", "app_config_hash", "elm_app_state_hash", "had_bom", "usable"]
    assert df["record_hash"].tolist() == ["ee" * 32, hashes[1], hashes[2], hashes[3]]
    assert df["index"].isna().tolist() == [True, False, False, False] and df["index"].tolist()[1:] == [2, 3, 4]
    assert df["app_config_hash"].tolist() == [config] * 4
    assert df["elm_app_state_hash"].tolist()[1] == component_hash(b"1")
    assert df["elm_app_state_hash"].isna().tolist() == [False, False, True, False]
    assert df["had_bom"].tolist() == [False, True, False, False]
    assert df["usable"].tolist() == [True, True, False, True]
    assert "usable" not in store.reductions().columns
    assert store.events()["has_reduction"].tolist() == [False, False, True, True, True]


def test_missing_component_makes_a_reduction_unusable(tmp_path: Path) -> None:
    """§4: a referenced component that cannot be loaded means "treat as absent", silently."""
    w, config, hashes = make_store(tmp_path)
    reduction_file(tmp_path, hashes[0], {"reducedCompositionHashBase16": hashes[0], "elmAppState": {"HashBase16": "aa" * 32}, "appConfig": {"HashBase16": config}})
    state = put_component(tmp_path, b"1")
    reduction_file(tmp_path, hashes[1], {"reducedCompositionHashBase16": hashes[1], "elmAppState": {"HashBase16": state}, "appConfig": {"HashBase16": "bb" * 32}})
    # A config tree with one missing element.
    tree = ((b"file", b"content-not-stored"),)
    put_component(tmp_path, tree)
    put_component(tmp_path, tree[0])
    reduction_file(tmp_path, hashes[2], {"reducedCompositionHashBase16": hashes[2], "elmAppState": {"HashBase16": state}, "appConfig": {"HashBase16": component_hash(tree)}})
    store = open_store(tmp_path)
    assert [store.usable_reduction(h) for h in hashes[:3]] == [None, None, None]
    assert store.reductions(check_usable=True)["usable"].tolist() == [False, False, False]


def test_null_fields_make_a_reduction_unusable(tmp_path: Path) -> None:
    w, config, hashes = make_store(tmp_path)
    state = put_component(tmp_path, b"1")
    reduction_file(tmp_path, hashes[0], {"reducedCompositionHashBase16": hashes[0], "elmAppState": None, "appConfig": {"HashBase16": config}})
    reduction_file(tmp_path, hashes[1], {"reducedCompositionHashBase16": hashes[1], "elmAppState": {"HashBase16": state}})
    store = open_store(tmp_path)
    assert store.usable_reduction(hashes[0]) is None and store.usable_reduction(hashes[1]) is None


def test_state_that_is_a_list_is_corrupt(tmp_path: Path) -> None:
    w, config, hashes = make_store(tmp_path)
    state = put_tree(tmp_path, (b"not", b"a blob"))
    reduction_file(tmp_path, hashes[1], {"reducedCompositionHashBase16": hashes[1], "elmAppState": {"HashBase16": state}, "appConfig": {"HashBase16": config}})
    store = open_store(tmp_path)
    with pytest.raises(CorruptReduction) as e:
        store.reductions(check_usable=True)
    text = str(e.value)
    assert f"Unexpected content of elmAppStateComponent {state}: This is not a blob." in text
    assert f"provisional-reduction/{hashes[1]}" in text and hashes[1] in text


@pytest.mark.parametrize("config", [b"a blob, not a tree", ((b"only-one-element",),)], ids=["blob", "bad-entry"])
def test_config_that_is_not_a_tree_is_corrupt(tmp_path: Path, config: object) -> None:
    w, _, hashes = make_store(tmp_path)
    state = put_component(tmp_path, b"1")
    h = put_tree(tmp_path, config)  # type: ignore[arg-type]
    reduction_file(tmp_path, hashes[1], {"reducedCompositionHashBase16": hashes[1], "elmAppState": {"HashBase16": state}, "appConfig": {"HashBase16": h}})
    with pytest.raises(CorruptReduction) as e:
        open_store(tmp_path).usable_reduction(hashes[1])
    text = str(e.value)
    assert f"Unexpected content of appConfigComponent {h}: Failed to parse as tree." in text
    assert f"provisional-reduction/{hashes[1]}" in text


def test_reduction_whose_name_does_not_match(tmp_path: Path) -> None:
    w, config, hashes = make_store(tmp_path)
    reduction_file(tmp_path, hashes[2], {"reducedCompositionHashBase16": hashes[1], "appConfig": {"HashBase16": config}}, bom=True)
    store = open_store(tmp_path)  # opening lists reductions but does not read them
    for read in (lambda: store.reduction(hashes[2]), store.reductions):
        with pytest.raises(CorruptReduction) as e:
            read()
        text = str(e.value)
        assert f"Failed to read reduction from file '{hashes[2]}'." in text
        assert f"Unexpected content in file {hashes[2]}: composition hash does not match." in text
        assert f"file provisional-reduction/{hashes[2]}" in text and e.value.record_hash == hashes[2]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{not json", "Not valid UTF-8 JSON"),
        (b"[]", "Not a JSON object"),
        (b"\xef\xbb\xbf\xef\xbb\xbf{}", "Not valid UTF-8 JSON"),  # only one BOM is skipped
        (b'{"reducedCompositionHashBase16":"%s","appConfig":{"HashBase16":"xyz"}}', "64-digit hex"),
    ],
)
def test_unreadable_reduction(tmp_path: Path, content: bytes, why: str) -> None:
    _, _, hashes = make_store(tmp_path)
    h = hashes[0]
    write_file(tmp_path, ("provisional-reduction", h), content.replace(b"%s", h.encode()))
    with pytest.raises(CorruptReduction) as e:
        read_reduction(open_store(tmp_path).files, h)
    assert why in str(e.value) and f"provisional-reduction/{h}" in str(e.value)


def test_uppercase_name_inside_is_accepted(tmp_path: Path) -> None:
    _, _, hashes = make_store(tmp_path)
    h = hashes[0]
    reduction_file(tmp_path, h, {"reducedCompositionHashBase16": h.upper()})
    red = open_store(tmp_path).reduction(h)
    assert red is not None and red.elm_app_state is None and red.app_config is None
