"""Stores of 2023 .. 2025-04 (issue 16): listed, their stored states shown, never replayed with
the 2020-2021 semantics (2021-09 ``backendMain`` apps are replayed: tests/replay/test_backend_main.py;
2023 web-service apps with a runtime of their contract: tests/e2e/test_ledger_sample.py). Each store is written in a temp dir by the host-faithful writer; every
app config gets the counter test app as its runtime, so a replay *could* run: only the era check
stops it (the same store with an old-interface app replays, see ``test_old_interface_control``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Mapping

import pytest

from elmreplay import diff_states
from elmreplay.errors import UnsupportedEra
from elmreplay.replay.restore import restore
from elmreplay.replay.session import ReplaySession
from elmreplay.replay.verify import verify
from elmreplay.replay.whatif import what_if_deploy
from elmreplay.runtime.sources import RuntimeResolver
from elmreplay.store import RecordKind, open_store
from elmreplay.store.components import Component, component_hash
from elmreplay.store.pine_values import pine_value_json
from elmreplay.store.writer import StoreWriter, WriterEra

from .conftest import additions, js

T2021_10 = 1_634_000_000_000  # 2021-10-12
T2023_04 = 1_681_000_000_000  # 2023-04-09
T2025_05 = 1_747_000_000_000  # 2025-05-11
MINUTE = 60_000

OLD_MAIN = b"""module Backend.Main exposing (..)
import InterfaceToHost
type alias State = Int
interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent = InterfaceToHost.wrapForSerialInterface_processEvent processEvent
"""
BACKEND_MAIN = b"""module Backend.Main exposing (State, backendMain)
import ElmFullstack
type alias State = Int
{-| interfaceToHost_processEvent : String -> State -> ( State, String ) was the old interface -}
backendMain : ElmFullstack.BackendConfig State
backendMain = { init = ( 0, [] ), subscriptions = subscriptions }
"""
WEB_SERVICE_MAIN = b"""module Backend.Main exposing (..)
import Platform.WebService
webServiceMain : Platform.WebService.WebServiceConfig State
webServiceMain = { init = ( 0, [] ), subscriptions = subscriptions }
"""


def app(main: bytes, **extra: bytes) -> dict[str, bytes]:
    return {"elm.json": b'{"type":"application"}', "src/Backend/Main.elm": main, **extra}


class AnyConfigCounter:
    """The counter test app for every app config (so only the era check can stop a replay)."""

    def __call__(self, app_config_hash: str, files: Mapping[str, bytes]) -> str:
        return js("counter")


RESOLVER = RuntimeResolver([AnyConfigCounter()])


def write_json_era_store(path: Path, main: bytes, era: WriterEra, t0: int, *, apply_function: bool = False) -> dict[str, int]:
    """deploy+init, three app events, a reduction after the second, (an ApplyFunctionOnElmAppState),
    one more event. Returns record indices by role."""
    w = StoreWriter.new_store(path, era)
    deploy, _ = w.append_deploy(app(main), migrate=False, time_ms=t0)
    roles = {"deploy": 0}
    events = additions(1, [5, 7, 11])
    hashes = [w.append_app_event(ev, t0 + k * MINUTE).record_hash for k, (ev, _) in enumerate(events[:2], 1)]
    roles["reduced"] = 2
    w.write_reduction(hashes[-1], state_json=b"12", app_config_hash=component_hash(_tree(main, w)))
    n = 3
    if apply_function:
        w.append_apply_function("Backend.ExposeFunctionsToAdmin.addToCounter", ["17"], t0 + 5 * MINUTE)
        roles["apply_function"] = n
        n += 1
    w.append_app_event(events[2][0], t0 + 6 * MINUTE)
    roles["after"] = n
    assert deploy.record_hash
    return roles


def _tree(main: bytes, w: StoreWriter) -> Component:
    from elmreplay.store.trees import build_tree

    return build_tree(app(main), w.tree_encoding)


# --- 2020-2021 control: the same store shape with an old-interface app replays ------------------


def test_old_interface_control(tmp_path: Path) -> None:
    roles = write_json_era_store(tmp_path / "s", OLD_MAIN, WriterEra.E5, T2021_10)
    store = open_store(tmp_path / "s")
    with ReplaySession(store, RESOLVER, use_reductions=False) as session:
        assert session.state_at(roles["reduced"]) == "12"
        assert session.state_at(roles["after"]) == "23"
    assert verify(store, RESOLVER).ok


# --- the 2023 web service ---------------------------------------------------------------------


def test_backend_main_is_no_longer_refused() -> None:
    from elmreplay.store.interfaces import AppInterface, app_interface

    finding = app_interface(app(BACKEND_MAIN))
    assert finding.interface is AppInterface.BACKEND_MAIN and finding.refusal("h") is None


def test_web_service_app_needs_a_runtime_of_the_2023_contract(tmp_path: Path) -> None:
    """2023 web-service apps are replayed (tests/e2e/test_ledger_sample.py); a runtime without
    ``applyFunction`` (here the old counter) is refused by name, wherever the app would run."""
    from elmreplay.errors import RuntimeUnavailable

    roles = write_json_era_store(tmp_path / "s", WEB_SERVICE_MAIN, WriterEra.STJ_2022, T2023_04)
    store = open_store(tmp_path / "s")
    events = store.events()
    assert len(events) == 4 and list(events["kind"])[0] == RecordKind.DEPLOY_INIT.value
    with ReplaySession(store, RESOLVER) as session:
        for index in (roles["reduced"], roles["after"], roles["deploy"]):
            with pytest.raises(RuntimeUnavailable, match="does not define applyFunction: the app is a 2023 web-service app"):
                session.state_at(index)
    with pytest.raises(RuntimeUnavailable):
        restore(store, RESOLVER)


def test_apply_function_record_is_refused_by_name(tmp_path: Path) -> None:
    """On an app no 2023 host ran, an ApplyFunctionOnElmAppState record is refused, never skipped."""
    roles = write_json_era_store(tmp_path / "s", OLD_MAIN, WriterEra.STJ_2022, T2023_04, apply_function=True)
    store = open_store(tmp_path / "s")
    assert store.events()["kind"].tolist()[roles["apply_function"]] == RecordKind.APPLY_FUNCTION.value
    with ReplaySession(store, RESOLVER) as session:
        assert session.state_at(roles["reduced"]) == "12"
        with pytest.raises(UnsupportedEra) as e:
            session.state_at(roles["after"])
    assert e.value.event_index == roles["apply_function"] and "ApplyFunctionOnElmAppState" in str(e.value)
    with pytest.raises(UnsupportedEra):
        restore(store, RESOLVER)


def test_what_if_of_a_web_service_candidate_without_its_runtime_is_refused_not_rejected(tmp_path: Path) -> None:
    from elmreplay.errors import RuntimeUnavailable

    write_json_era_store(tmp_path / "s", OLD_MAIN, WriterEra.E5, T2021_10)
    store = open_store(tmp_path / "s")
    with pytest.raises(RuntimeUnavailable, match="applyFunction"):
        what_if_deploy(store, app(WEB_SERVICE_MAIN), RESOLVER, mode="init")


def test_cli_says_one_line_and_exits_2(tmp_path: Path) -> None:
    write_json_era_store(tmp_path / "s", WEB_SERVICE_MAIN, WriterEra.STJ_2022, T2023_04)
    runtimes = tmp_path / "rt"
    runtimes.mkdir()
    (runtimes / f"{component_hash(_tree(WEB_SERVICE_MAIN, StoreWriter.new_store(tmp_path / 'x', WriterEra.STJ_2022)))}.js").write_text(js("counter"))
    for args in (["verify"], ["state", "--at", "3"], ["state", "--at", "2"]):
        done = subprocess.run(
            [sys.executable, "-m", "elmreplay.cli", *args, str(tmp_path / "s"), "--runtimes", str(runtimes)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "does not define applyFunction" in lines[0] and "2023 web-service app" in lines[0]


# --- 2025-04+ Pine VM stores -------------------------------------------------------------------


def pine_int(n: int) -> bytes:
    """A Pine signed integer (modern-eras §3c)."""
    return bytes([4 if n >= 0 else 2]) + abs(n).to_bytes(max(1, (abs(n).bit_length() + 7) // 8), "big")


def pine_state(counter: int, name: str) -> Component:
    return (b"Elm_Record", ((b"counter", pine_int(counter)), (b"name", name.encode("utf-32-be"))))


def write_pine_store(path: Path) -> dict[str, int]:
    """deploy+init of a web-service app, ApplyFunctionOnLiteralAndState records with Pine-state
    reductions after two of them, one more application after the last reduction."""
    w = StoreWriter.new_store(path, WriterEra.PINE_2025)
    _, config = w.append_deploy(app(WEB_SERVICE_MAIN), migrate=False, time_ms=T2025_05)
    function: Component = (b"Function", ((b"KernelApplication", b"head"), pine_int(2), (), ()))
    hashes = []
    for k in range(1, 5):
        hashes.append(w.append_apply_function_on_literal(function, ((b"currentPosixTimeMilli", pine_int(T2025_05 + k)),), T2025_05 + k * MINUTE).record_hash)
    w.write_reduction(hashes[0], state_json=None, app_config_hash=config, state_value=pine_state(1, "a"))
    w.write_reduction(hashes[2], state_json=None, app_config_hash=config, state_value=pine_state(3, "ab+"))
    return {"deploy": 0, "first_reduced": 1, "second_reduced": 3, "after": 4}


def test_pine_store_lists_shows_diffs_and_refuses(tmp_path: Path) -> None:
    roles = write_pine_store(tmp_path / "s")
    assert (tmp_path / "s" / "value" / "binary" / "deflated").is_dir()
    store = open_store(tmp_path / "s")
    assert store.holds_pine_states
    assert store.events()["kind"].tolist().count(RecordKind.APPLY_FUNCTION_ON_LITERAL.value) == 4
    reductions = store.reductions(check_usable=True)
    assert reductions["usable"].all() and reductions["index"].tolist() == [1, 3]
    with ReplaySession(store, RESOLVER) as session:
        first = session.state_at(roles["first_reduced"])
        second = session.state_at(roles["second_reduced"])
        # Oracle: the stored values rendered independently (lists as arrays, blobs as hex).
        assert first is not None and json.loads(first) == _render(pine_state(1, "a"))
        assert second == pine_value_json(pine_state(3, "ab+"))
        changed = diff_states(first, second)
        assert changed and all(p.startswith(".[1]") for p in _paths(changed))
        with pytest.raises(UnsupportedEra) as e:
            session.state_at(roles["after"])
        assert e.value.event_index == roles["after"] and "Pine VM" in str(e.value)
        with pytest.raises(UnsupportedEra) as e0:
            session.state_at(roles["deploy"])
        assert "Pine VM" in str(e0.value)


def test_pine_state_without_value_files_2025_03(tmp_path: Path) -> None:
    """2025-03-06 .. 04-03: the Pine host stored Pine states as normalized components (no value/
    files yet) for a web-service app: shown as a Pine value, not refused as 'not a blob'."""
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.STJ_2022)
    _, config = w.append_deploy(app(WEB_SERVICE_MAIN), migrate=False, time_ms=T2025_05)
    rec = w.append_set_state_value(pine_state(7, "x"), T2025_05 + MINUTE)
    w.write_reduction(rec.record_hash, state_json=None, app_config_hash=config, state_value=pine_state(7, "x"))
    store = open_store(tmp_path / "s")
    assert not store.holds_pine_states
    with ReplaySession(store, RESOLVER) as session:
        assert session.state_at(1) == pine_value_json(pine_state(7, "x"))


def _render(value: Component) -> object:
    return value.hex() if isinstance(value, bytes) else [_render(v) for v in value]


def _paths(report: object) -> list[str]:
    return [str(getattr(c, "path", c)) for c in getattr(report, "changes")]


def test_pine_set_state_records_are_shown_as_pine_values(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path / "s", WriterEra.PINE_2025)
    w.append_deploy(app(WEB_SERVICE_MAIN), migrate=False, time_ms=T2025_05)
    w.append_set_state_value(pine_state(2, "q"), T2025_05 + MINUTE)
    w.append_set_state_value(pine_int(-5), T2025_05 + 2 * MINUTE)  # a blob state
    store = open_store(tmp_path / "s")
    assert json.loads(store.set_state_json(1)) == _render(pine_state(2, "q"))
    assert store.set_state_json(2) == b'"0205"'  # sign byte 2, magnitude 5
