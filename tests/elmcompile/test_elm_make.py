"""`ElmMake` and `ElmMakeFrontendWeb` compilation-interface modules: `elm make` output embedded."""

from __future__ import annotations

import base64
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from elmreplay.elmcompile import build_runtime, lower_app_config
from elmreplay.elmcompile.errors import CompilationInterfaceError
from elmreplay.elmcompile.toolchain import find_elm

from .conftest import APPS, app_files, fake_elm_make, require_elm

APP = APPS / "elm_make"


def test_without_a_compiler_lowering_elm_make_is_an_error() -> None:
    with pytest.raises(CompilationInterfaceError, match="needs the Elm compiler") as info:
        lower_app_config(app_files("elm_make"))
    assert info.value.module == "CompilationInterface.ElmMake"


def test_each_distinct_request_runs_elm_make_once() -> None:
    calls: list[tuple[str, bool, bool]] = []

    def runner(files: Mapping[str, bytes], entry: str, javascript: bool, debug: bool) -> bytes:
        calls.append((entry, javascript, debug))
        return fake_elm_make(files, entry, javascript, debug)

    files = app_files("elm_make")
    text = files["src/CompilationInterface/ElmMake.elm"].decode().replace(
        "elm_make__javascript__utf8", "elm_make__JAVASCRIPT__UTF8"
    )
    files["src/CompilationInterface/ElmMake.elm"] = text.encode()
    files["src/Backend/Main.elm"] = files["src/Backend/Main.elm"].replace(b"elm_make__javascript__utf8", b"elm_make__JAVASCRIPT__UTF8")
    lowered = lower_app_config(files, elm_make=runner)
    module = lowered.files["src/CompilationInterface/ElmMake.elm"].decode()
    assert sorted(calls) == [
        ("src/Frontend/Main.elm", False, False),
        ("src/Frontend/Main.elm", False, True),
        ("src/Frontend/Main.elm", True, False),
    ]
    assert '\nelm_make__JAVASCRIPT__UTF8____src_Frontend_Main_elm =\n    "JavaScript of src/Frontend/Main.elm – stand-in\\n"\n' in module
    debug_base64 = base64.b64encode("HTML of src/Frontend/Main.elm (debug) – stand-in\n".encode()).decode()
    assert f'\nelm_make__debug__base64____src_Frontend_Main_elm =\n    "{debug_base64}"\n' in module


def _frontend_web_app(functions: str) -> dict[str, bytes]:
    files = app_files("elm_make")
    del files["src/CompilationInterface/ElmMake.elm"]
    files["src/Backend/Main.elm"] = (APPS / "json_coders" / "src/Backend/Main.elm").read_bytes()
    files["src/FrontendWeb/Main.elm"] = files.pop("src/Frontend/Main.elm").replace(b"module Frontend.Main", b"module FrontendWeb.Main")
    files["src/ElmFullstackCompilerInterface/ElmMakeFrontendWeb.elm"] = (
        "module ElmFullstackCompilerInterface.ElmMakeFrontendWeb exposing (..)\n\nimport Bytes\n\n\n" + functions
    ).encode()
    for name in ("Api", "CompilationInterface/GenerateJsonCoders"):
        files[f"src/{name}.elm"] = (APPS / "json_coders" / f"src/{name}.elm").read_bytes()
    return files


def test_frontend_web_fixed_names_compile_the_frontend() -> None:
    functions = (
        'elm_make_frontendWeb_html_debug_base64 : String\nelm_make_frontendWeb_html_debug_base64 =\n    "The Elm-fullstack compiler replaces this function."\n\n\n'
        "otherHelper : Int\notherHelper =\n    1\n"
    )
    seen: list[Mapping[str, bytes]] = []

    def runner(files: Mapping[str, bytes], entry: str, javascript: bool, debug: bool) -> bytes:
        seen.append(files)
        return fake_elm_make(files, entry, javascript, debug)

    lowered = lower_app_config(_frontend_web_app(functions), elm_make=runner)
    text = lowered.files["src/ElmFullstackCompilerInterface/ElmMakeFrontendWeb.elm"].decode()
    expected = base64.b64encode("HTML of src/FrontendWeb/Main.elm (debug) – stand-in\n".encode()).decode()
    assert f'elm_make_frontendWeb_html_debug_base64 =\n    "{expected}"\n' in text
    assert "otherHelper =\n    1\n" in text  # names the host did not know stay as written
    # The frontend is compiled after the coders were generated and their tags exposed, as the
    # host did it, so a frontend using them compiles.
    (files,) = seen
    assert b"The compiler replaces" not in files["src/CompilationInterface/GenerateJsonCoders.elm"]
    assert b"Shape(..)" in files["src/Api.elm"]


def test_frontend_web_placeholder_under_an_unknown_name_is_an_error() -> None:
    functions = 'elm_make_frontend_html : String\nelm_make_frontend_html =\n    "The Elm-fullstack compiler replaces this function."\n'
    with pytest.raises(CompilationInterfaceError, match="elm_make_frontend_html"):
        lower_app_config(_frontend_web_app(functions), elm_make=fake_elm_make)


@pytest.mark.elm
def test_embedded_output_equals_elm_make_run_directly(tmp_path: Path) -> None:
    from .test_compile_run import load

    require_elm(("elm/bytes@1.0.8", "danfishgold/base64-bytes@1.0.3"))
    copy = tmp_path / "app"
    shutil.copytree(APP, copy)

    def direct(*args: str) -> bytes:
        out = tmp_path / ("out.js" if "--js" in args else "out.html")
        flags = [a for a in args if a != "--js"]
        subprocess.run(
            [find_elm(), "make", "src/Frontend/Main.elm", f"--output={out}", *flags],
            cwd=copy, check=True, capture_output=True, timeout=300,
        )
        return out.read_bytes()

    expected = {
        "html": base64.b64encode(direct()).decode(),
        "html debug base64": base64.b64encode(direct("--debug")).decode(),
        "javascript utf8": direct("--js").decode("utf-8"),
    }
    for app in load(build_runtime(app_files("elm_make"))):
        for event, value in expected.items():
            assert app.event(event) == value, event
