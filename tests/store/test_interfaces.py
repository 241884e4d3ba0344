"""Which host interface an app config implements (store-format §6.1-§6.3), from its files."""

from __future__ import annotations

import pytest

from elmreplay.store.interfaces import AppInterface, app_interface, is_pine_era, strip_elm_comments
from elmreplay.store.records import RecordKind


def cfg(main: str | None = None, path: str = "src/Backend/Main.elm", **extra: str) -> dict[str, bytes]:
    files = {"elm.json": b"{}", **{k.replace("__", "/"): v.encode() for k, v in extra.items()}}
    if main is not None:
        files[path] = main.encode()
    return files


@pytest.mark.parametrize(
    ("main", "expected"),
    [
        ("module Backend.Main exposing (..)\ninterfaceToHost_processEvent : String -> State -> ( State, String )\n", AppInterface.OLD),
        ("module Backend.Main exposing (..)\ninterfaceToHost_processEvent hostEvent state =\n  x\n", AppInterface.OLD),
        ("module Backend.Main exposing (..)\nbackendMain : ElmFullstack.BackendConfig State\nbackendMain =\n  x\n", AppInterface.BACKEND_MAIN),
        ("module Backend.Main exposing (..)\nbackendMain=\n  x\n", AppInterface.BACKEND_MAIN),
        ("module Backend.Main exposing (..)\nwebServerMain : Platform.WebServer.WebServerConfig State\n", AppInterface.WEB_SERVICE),
        ("module Backend.Main exposing (..)\nwebServiceMain : Platform.WebService.WebServiceConfig State\n", AppInterface.WEB_SERVICE),
        # Both: the modern entry point is what a 2021-09+ compiler used.
        ("interfaceToHost_processEvent : String -> State -> ( State, String )\nbackendMain : X\n", AppInterface.BACKEND_MAIN),
        # Mentions in comments, strings, or not at column 0 do not count.
        ("-- backendMain : X\n{- outer {- nested -}\nbackendMain : X\n-}\ninterfaceToHost_processEvent : String -> S -> ( S, String )\n", AppInterface.OLD),
        ('interfaceToHost_processEvent : String -> S -> ( S, String )\nx = """\nbackendMain : X\n"""\n', AppInterface.OLD),
        ("interfaceToHost_processEvent : String -> S -> ( S, String )\nx = { backendMain = 1 }\n  backendMain : X\n", AppInterface.OLD),
        ("interfaceToHost_processEvent : String -> S -> ( S, String )\nbackendMainHelper : X\n", AppInterface.OLD),
        ("module Backend.Main exposing (..)\nmain = 1\n", AppInterface.UNKNOWN),
    ],
)
def test_entry_point_decides(main: str, expected: AppInterface) -> None:
    assert app_interface(cfg(main)).interface is expected


def test_missing_main_and_old_elm_app_layout() -> None:
    assert app_interface(cfg()).interface is AppInterface.UNKNOWN
    found = app_interface(cfg("backendMain : X\n", path="elm-app/src/Backend/Main.elm"))
    assert found.interface is AppInterface.BACKEND_MAIN and found.path == "elm-app/src/Backend/Main.elm"


def test_app_supplied_root_module_decides() -> None:
    old = "interfaceToHost_processEvent : String -> S -> ( S, String )\n"
    root = "module Backend.InterfaceToHost_Root exposing (..)\n"
    with_root = {**cfg(old), "src/Backend/InterfaceToHost_Root.elm": root.encode()}
    assert app_interface(with_root).interface is AppInterface.OLD
    tasks = {**cfg(old), "src/Backend/InterfaceToHost_Root.elm": (root + "type BackendEvent = InitStateEvent | X\n").encode()}
    assert app_interface(tasks).interface is AppInterface.BACKEND_MAIN
    commented = {**cfg(old), "src/Backend/InterfaceToHost_Root.elm": (root + "-- InitStateEvent later\n").encode()}
    assert app_interface(commented).interface is AppInterface.OLD


def test_backend_main_of_a_2023_app_is_the_web_service() -> None:
    """``backendMain`` names the 2023 web service when typed with a platform config type, or when
    the app ships a platform module and no ElmFullstack module (modern-eras §2a)."""
    typed = "backendMain : Platform.WebServer.WebServerConfig State\nbackendMain =\n  x\n"
    plain = "backendMain : WebServiceConfig State\nbackendMain =\n  x\n"
    platform, fullstack = "module Platform.WebService exposing (..)\n", "module ElmFullstack exposing (..)\n"
    assert app_interface(cfg(typed)).interface is AppInterface.WEB_SERVICE
    with_platform = {**cfg(plain), "src/Platform/WebService.elm": platform.encode()}
    assert app_interface(with_platform).interface is AppInterface.WEB_SERVICE
    with_both = {**with_platform, "src/ElmFullstack.elm": fullstack.encode()}
    assert app_interface(with_both).interface is AppInterface.BACKEND_MAIN
    assert app_interface({**cfg(plain), "src/ElmFullstack.elm": fullstack.encode()}).interface is AppInterface.BACKEND_MAIN
    commented = "-- backendMain : Platform.WebService.WebServiceConfig State\nbackendMain : ElmFullstack.BackendConfig State\n"
    assert app_interface(cfg(commented)).interface is AppInterface.BACKEND_MAIN


def test_every_app_interface_is_replayed() -> None:
    """2021-09 backendMain (era 1b) and the 2023 web service (era 2) are replayed now; only Pine-era
    stores are refused (by the store, not by the app config)."""
    for main in ("webServiceMain : X\n", "webServerMain : X\n", "backendMain : X\n", "interfaceToHost_processEvent : String -> S -> ( S, String )\n"):
        assert app_interface(cfg(main)).refusal("x") is None


def test_web_service_host_types_from_the_platform_module() -> None:
    from elmreplay.store.interfaces import web_service_host_types
    from elmreplay.store.webservice_events import HostTypes

    native = b"module Platform.WebService exposing (..)\ntype Command state\n    = CreateVolatileProcessNativeCommand X\n"
    plain = b"module Platform.WebService exposing (..)\n{- CreateVolatileProcessNative in a comment does not count -}\ntype Command state = RespondToHttpRequest X\n"
    assert web_service_host_types({"src/Platform/WebService.elm": native}) is HostTypes.V2023_07
    assert web_service_host_types({"src/Platform/WebServer.elm": plain}) is HostTypes.V2023_03
    assert web_service_host_types({"src/Backend/Main.elm": b""}) is HostTypes.V2023_03


def test_strip_comments_keeps_strings_and_chars() -> None:
    src = "a = \"--not\" -- gone\nb = '{' {- gone {- too -} -} c\nd = \"\"\"{- kept -}\"\"\""
    assert strip_elm_comments(src) == "a = \"--not\" \nb = '{'  c\nd = \"\"\"{- kept -}\"\"\""


def test_pine_era_markers() -> None:
    assert is_pine_era(["literal-element", "value/binary/deflated"], [])
    assert is_pine_era(["literal-element"], [RecordKind.UPDATE, RecordKind.APPLY_FUNCTION_ON_LITERAL])
    assert not is_pine_era(["literal-element", "deflated-literal-element"], [RecordKind.UPDATE, RecordKind.APPLY_FUNCTION])


def test_strip_comments_can_blank_strings() -> None:
    src = 'x = """\nbackendMain : X\n""" ++ "-- a" ++ String.fromChar \'"\' -- c\n'
    assert strip_elm_comments(src, keep_strings=False) == 'x = "" ++ "" ++ String.fromChar "" \n'
