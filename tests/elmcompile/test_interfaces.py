"""Compilation-interface modules: nothing the host's compiler replaced is compiled as written."""

from __future__ import annotations

import pytest

from elmreplay.elmcompile import lower_app_config
from elmreplay.elmcompile.errors import CompilationInterfaceError
from elmreplay.elmcompile.interfaces import HOST_FORMS, PLACEHOLDER_PATTERN
from elmreplay.errors import ElmCompileError

from .conftest import fake_elm_make, main_with_state, make_app

STATE = "type alias State =\n    Int\n"


def _app(extra: dict[str, str]) -> dict[str, bytes]:
    return make_app({"Backend.Main": main_with_state(STATE), **extra})


def _module(name: str, body: str) -> str:
    return f"module {name} exposing (..)\n\nimport Json.Decode\nimport Json.Encode\n\n\n{body}"


PLACEHOLDER_2021 = """fileAbout : String
fileAbout =
    "The compiler replaces this declaration."
"""

PLACEHOLDER_2020 = """fileAbout : String
fileAbout =
    "The Elm-fullstack compiler replaces this function."
"""


@pytest.mark.parametrize("name", sorted(HOST_FORMS))
def test_a_function_no_host_form_could_replace_is_an_error_naming_it(name: str) -> None:
    files = _app({name: _module(name, PLACEHOLDER_2021)})
    if name.endswith("GenerateJsonCoders"):
        files = _app({name: _module(name, PLACEHOLDER_2021.replace("fileAbout : String", "fileAbout : Int"))})
    with pytest.raises(CompilationInterfaceError) as info:
        lower_app_config(files, elm_make=fake_elm_make)
    assert info.value.module == name
    assert name in str(info.value) and "fileAbout" in str(info.value)
    assert info.value.path == "src/" + name.replace(".", "/") + ".elm"
    assert isinstance(info.value, ElmCompileError)


def test_a_host_form_without_a_lowering_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from elmreplay.elmcompile import lowering

    monkeypatch.setattr(lowering, "LOWERED_INTERFACE_KINDS", frozenset({"GenerateJsonCoders"}))
    name = "CompilationInterface.SourceFiles"
    with pytest.raises(CompilationInterfaceError, match="whose form elmreplay does not implement") as info:
        lower_app_config(_app({name: _module(name, PLACEHOLDER_2021)}))
    assert info.value.module == name and info.value.function == "fileAbout"


def test_placeholder_in_a_module_the_host_did_not_know_is_an_error() -> None:
    # The host left `CompilationInterface.Other` alone: compiling it is fine unless it holds a
    # placeholder, which could only mean the app expected a replacement that never happens.
    name = "CompilationInterface.Other"
    with pytest.raises(CompilationInterfaceError) as info:
        lower_app_config(_app({name: _module(name, PLACEHOLDER_2020)}))
    assert info.value.module == name and info.value.function == "fileAbout"
    assert info.value.line == 8  # the line `fileAbout =`


def test_interface_prefixed_module_without_placeholders_compiles_as_written() -> None:
    name = "CompilationInterface.Helpers"
    text = _module(name, "double : Int -> Int\ndouble n =\n    n * 2\n")
    lowered = lower_app_config(_app({name: text}))
    assert lowered.files["src/CompilationInterface/Helpers.elm"] == text.encode()


def test_modules_outside_the_prefixes_are_not_checked() -> None:
    # Placeholder-like text elsewhere is ordinary app text.
    lowered = lower_app_config(_app({"Texts": _module("Texts", PLACEHOLDER_2021)}))
    assert "src/Texts.elm" in lowered.files


@pytest.mark.parametrize(
    "text",
    [
        "The Elm-fullstack compiler replaces this function.",
        "The compiler replaces this declaration.",
        "The Elm-fullstack compiler replaces this value.",
        "The compiler replaces this value.",
        "The compiler replaces this function.",
    ],
)
def test_placeholder_pattern_matches_the_hosts_texts(text: str) -> None:
    assert PLACEHOLDER_PATTERN.search(f'always (Json.Encode.string "{text}")')
