"""Finding the state and migration types, type errors at file+line, exposing rewrites."""

from __future__ import annotations

import pytest

from elmreplay.elmcompile import (
    ElmSourceError,
    ElmSyntaxError,
    MissingElmDependency,
    StateTypeNotFound,
    UnknownElmType,
    UnsupportedElmType,
    lower_app_config,
)
from elmreplay.elmcompile.lowering import expose_types
from elmreplay.elmcompile.syntax import parse_module
from elmreplay.errors import ElmCompileError

from .conftest import app_files, main_with_state, make_app


def lowered_root(files: dict[str, bytes]) -> str:
    return lower_app_config(files).generated["src/Backend/InterfaceToHost_Root.elm"]


# --- state type --------------------------------------------------------------------------


def test_state_type_found_across_line_breaks_with_the_host_pattern() -> None:
    main = """module Backend.Main exposing (State, interfaceToHost_initState, interfaceToHost_processEvent)


type alias State =
    Int


interfaceToHost_initState : State
interfaceToHost_initState =
    0


interfaceToHost_processEvent :
    String
    -> State
    -> ( State, String )
interfaceToHost_processEvent _ s =
    ( s, "" )
"""
    root = lowered_root(make_app({"Backend.Main": main}))
    assert "type alias DeserializedState =\n    Backend.Main.State\n" in root
    assert "jsonEncode_Backend_Main_State value =\n    Json.Encode.int value\n" in root


def test_state_type_imported_into_backend_main_is_resolved_to_its_home() -> None:
    main = """module Backend.Main exposing (interfaceToHost_initState, interfaceToHost_processEvent)

import Backend.Model exposing (Model)


interfaceToHost_initState : Model
interfaceToHost_initState =
    { n = 0 }


interfaceToHost_processEvent : String -> Model -> ( Model, String )
interfaceToHost_processEvent _ s =
    ( s, "" )
"""
    model = "module Backend.Model exposing (Model)\n\n\ntype alias Model =\n    { n : Int }\n"
    root = lowered_root(make_app({"Backend.Main": main, "Backend.Model": model}))
    assert "type alias DeserializedState =\n    Backend.Model.Model\n" in root


def test_missing_backend_main() -> None:
    with pytest.raises(StateTypeNotFound) as info:
        lower_app_config(make_app({"Other": "module Other exposing (..)\n"}))
    assert info.value.path == "src/Backend/Main.elm"


def test_process_event_annotation_not_matching_the_host_pattern() -> None:
    main = """module Backend.Main exposing (..)


interfaceToHost_processEvent : State -> String -> ( String, State )
interfaceToHost_processEvent =
    Debug.todo ""
"""
    with pytest.raises(StateTypeNotFound) as info:
        lower_app_config(make_app({"Backend.Main": main}))
    assert "Did not find state type annotation" in str(info.value)
    assert info.value.path == "src/Backend/Main.elm"


def test_backend_main_app_is_lowered_through_its_own_interface() -> None:
    # A `backendMain` app (2021-09+) gets the era-1b root, which needs the app's ElmFullstack module.
    main = """module Backend.Main exposing (..)


backendMain : ElmFullstack.BackendConfig State
backendMain =
    Debug.todo ""
"""
    with pytest.raises(ElmSourceError, match="no module ElmFullstack"):
        lower_app_config(make_app({"Backend.Main": main}))


# --- unsupported and unknown types -------------------------------------------------------


@pytest.mark.parametrize(
    ("declarations", "imports", "line", "fragment"),
    [
        ("type alias State =\n    { a : Int\n    , c : Char\n    }", "", 7, "`Char`"),
        ("type alias State =\n    { a : Array.Array Int }", "import Array", 6, "`Array`"),
        ("type alias State =\n    { f : Int -> Int }", "", 6, "Function types"),
        ("type alias State =\n    { r : { x | a : Int } }", "", 6, "Extensible record"),
        ("type State\n    = State (List a)", "", 6, "Type variable `a`"),
        ("type alias State =\n    Json.Encode.Value", "import Json.Encode", 6, "JSON values"),
        ("type alias State =\n    Time.Posix", "import Time", 6, "`Time.Posix` is a package type"),
    ],
)
def test_unsupported_types_name_file_and_line(
    declarations: str, imports: str, line: int, fragment: str
) -> None:
    files = make_app({"Backend.Main": main_with_state(declarations, imports)})
    with pytest.raises(UnsupportedElmType) as info:
        lower_app_config(files)
    assert (info.value.path, info.value.line) == ("src/Backend/Main.elm", line)
    assert fragment in str(info.value)
    assert f"file src/Backend/Main.elm line {line}" in str(info.value)


def test_unsupported_type_in_another_module_names_that_module() -> None:
    files = make_app(
        {
            "Backend.Main": main_with_state(
                "type alias State =\n    Backend.Parts.Part", "import Backend.Parts"
            ),
            "Backend.Parts": "module Backend.Parts exposing (Part)\n\n\ntype Part\n    = A\n    | B Char\n",
        }
    )
    with pytest.raises(UnsupportedElmType) as info:
        lower_app_config(files)
    assert (info.value.path, info.value.line) == ("src/Backend/Parts.elm", 6)


@pytest.mark.parametrize(
    ("declarations", "imports", "fragment"),
    [
        ("type alias State =\n    Missing", "", "Type `Missing` is neither declared"),
        ("type alias State =\n    Dict.Dict String Int", "", "module `Dict` is not imported"),
        ("type alias State =\n    Maybe", "", "expects 1 argument(s), got 0"),
        ("type alias State =\n    Backend.Main.Nope", "import Backend.Main", "declares no type `Nope`"),
    ],
)
def test_unknown_types(declarations: str, imports: str, fragment: str) -> None:
    with pytest.raises(UnknownElmType) as info:
        lower_app_config(make_app({"Backend.Main": main_with_state(declarations, imports)}))
    assert fragment in str(info.value) and info.value.path == "src/Backend/Main.elm"


def test_syntax_error_in_a_state_type_declaration() -> None:
    files = make_app({"Backend.Main": main_with_state("type alias State =\n    { a : Int,, b : Int }")})
    with pytest.raises(ElmSyntaxError) as info:
        lower_app_config(files)
    assert (info.value.path, info.value.line) == ("src/Backend/Main.elm", 6)


def test_unparsable_declaration_not_used_by_the_state_is_ignored() -> None:
    files = make_app(
        {"Backend.Main": main_with_state("type alias State =\n    Int\n\n\ntype alias Broken = { a : }")}
    )
    assert "Json.Encode.int" in lowered_root(files)


# --- migration -----------------------------------------------------------------------------


def with_migration(module_name: str, text: str) -> dict[str, bytes]:
    files = make_app({"Backend.Main": main_with_state("type alias State =\n    Int")})
    files["src/" + module_name.replace(".", "/") + ".elm"] = text.encode()
    return files


def test_no_migration_module_gives_the_host_text() -> None:
    lowered = lower_app_config(make_app({"Backend.Main": main_with_state("type alias State =\n    Int")}))
    assert lowered.migration_root is None
    assert lowered.migration_error == "Did not find interface module at 'src/Backend/MigrateState.elm'"


def test_migration_without_annotation() -> None:
    lowered = lower_app_config(
        with_migration("Backend.MigrateState", "module Backend.MigrateState exposing (migrate)\n\n\nmigrate x =\n    x\n")
    )
    assert lowered.migration_error == "Did not find type annotation for function 'migrate'"


def test_migration_annotation_not_matching_the_pattern_quotes_the_annotation() -> None:
    text = "module Backend.MigrateState exposing (migrate)\n\n\nmigrate : Maybe Int -> Int\nmigrate =\n    Maybe.withDefault 0\n"
    lowered = lower_app_config(with_migration("Backend.MigrateState", text))
    assert lowered.migration_error == "Type annotation did not match expected pattern: ' Maybe Int -> Int\n'"


def test_migration_with_unsupported_input_type_is_a_preparation_error() -> None:
    text = "module MigrateBackendState exposing (migrate)\n\n\ntype alias Old =\n    Char\n\n\nmigrate : Old -> Int\nmigrate _ =\n    0\n"
    lowered = lower_app_config(with_migration("MigrateBackendState", text))
    assert lowered.migration_root is None
    assert lowered.migration_error is not None
    assert lowered.migration_error.startswith("Failed with exception:\n")
    assert "file src/MigrateBackendState.elm line 5" in lowered.migration_error


def test_new_migration_module_name_is_preferred() -> None:
    files = with_migration(
        "MigrateBackendState",
        "module MigrateBackendState exposing (migrate)\n\n\nmigrate : Int -> Int\nmigrate =\n    identity\n",
    )
    files["src/Backend/MigrateState.elm"] = (
        b"module Backend.MigrateState exposing (migrate)\n\n\nmigrate : String -> Int\nmigrate =\n    String.length\n"
    )
    lowered = lower_app_config(files)
    assert lowered.migration_root == "Backend.MigrateState_Root"
    assert lowered.migration_root_path == "src/Backend/MigrateState_Root.elm"
    assert "Json.Decode.string" in lowered.generated["src/Backend/MigrateState_Root.elm"]


def test_old_migration_module_name_is_accepted() -> None:
    lowered = lower_app_config(app_files("aliases_and_imports"))
    assert lowered.migration_root == "MigrateBackendStateRoot"
    assert lowered.migration_error is None


# --- exposing lists ------------------------------------------------------------------------


def test_expose_types_extends_the_exposing_list() -> None:
    source = "module A exposing\n    ( Opaque\n    , f -- comment\n    )\n\n\ntype Opaque = O Int\ntype alias R = {}\n"
    m = parse_module(source, "src/A.elm")
    out = expose_types(m, {"Opaque": True, "R": False, "Other": True})
    assert out.startswith("module A exposing\n    ( Opaque(..)\n    , f -- comment\n    , R, Other(..))\n")
    assert parse_module(out, "src/A.elm").exposing.exposes_tags("Opaque")


def test_expose_types_keeps_exposing_everything() -> None:
    m = parse_module("module A exposing (..)\n\n\ntype T = T\n", "src/A.elm")
    assert expose_types(m, {"T": True}) == m.source


def test_lowering_rewrites_the_copies_of_the_sources_only() -> None:
    files = app_files("aliases_and_imports")
    lowered = lower_app_config(files)
    types_after = lowered.files["src/Backend/Types.elm"].decode()
    assert types_after.startswith("module Backend.Types exposing (Id(..), Role(..), User)")
    assert files["src/Backend/Types.elm"].decode().startswith("module Backend.Types exposing (Id, Role(..), User)")
    main_after = lowered.files["src/Backend/Main.elm"].decode()
    assert main_after.startswith("module Backend.Main exposing (State(..), interfaceToHost_initState, interfaceToHost_processEvent, Visit)")
    migration_after = lowered.files["src/MigrateBackendState.elm"].decode()
    assert migration_after.startswith("module MigrateBackendState exposing (migrate, PreviousBackendState)")


def test_app_supplied_root_module_is_used_unchanged() -> None:
    files = make_app({"Backend.Main": main_with_state("type alias State =\n    Char")})
    own_root = b"module Backend.InterfaceToHost_Root exposing (main)\n-- the app's own lowered root\n"
    files["src/Backend/InterfaceToHost_Root.elm"] = own_root
    lowered = lower_app_config(files)  # Char would be rejected if the root were generated
    assert lowered.files["src/Backend/InterfaceToHost_Root.elm"] == own_root
    assert "src/Backend/InterfaceToHost_Root.elm" not in lowered.generated


# --- packages ------------------------------------------------------------------------------


def test_bytes_needs_elm_bytes() -> None:
    files = app_files("bytes_state")
    lower_app_config(files)
    import json

    elm_json = json.loads(files["elm.json"])
    del elm_json["dependencies"]["direct"]["elm/bytes"]
    files["elm.json"] = json.dumps(elm_json).encode()
    with pytest.raises(MissingElmDependency, match="elm/bytes"):
        lower_app_config(files)


def test_bytes_needs_a_base64_module() -> None:
    files = app_files("bytes_state")
    del files["src/Base64.elm"]
    with pytest.raises(MissingElmDependency, match="Base64"):
        lower_app_config(files)


HOST_2020_05_27_IMPORTS = "import Base64\nimport Bytes\nimport Bytes.Decode\nimport Bytes.Encode\n"
INT_STATE = {"Backend.Main": main_with_state("type alias State =\n    Int")}


def test_root_modules_import_base64_and_bytes_like_the_host_from_2020_05_27() -> None:
    # The host's list (ElmApp.cs at a9e04a4e .. 2021, CompileFullstackApp.elm in 2021) holds
    # these four whether or not a coder uses them; an app that depends on both packages gets them.
    files = make_app(INT_STATE, direct={
        "danfishgold/base64-bytes": "1.0.3", "elm/bytes": "1.0.8", "elm/core": "1.0.5", "elm/json": "1.1.3",
    })
    lowered = lower_app_config(files)
    root = lowered.generated["src/Backend/InterfaceToHost_Root.elm"]
    assert "import Backend.Main\n" + HOST_2020_05_27_IMPORTS + "import Dict\n" in root
    assert not any("lacks elm/bytes" in note for note in lowered.notes)


def test_an_app_without_bytes_packages_gets_the_pre_2020_05_27_imports_and_a_note() -> None:
    lowered = lower_app_config(make_app(INT_STATE))
    root = lowered.generated["src/Backend/InterfaceToHost_Root.elm"]
    assert "import Base64" not in root and "import Bytes" not in root
    assert "import Backend.Main\nimport Dict\nimport Json.Decode\nimport Json.Encode\nimport Set\n" in root
    (note,) = lowered.notes
    assert "2020-05-27" in note and "Bytes.Decode" in note


def test_an_own_base64_module_with_elm_bytes_counts_as_providing_the_imports() -> None:
    files = make_app({**INT_STATE, "Base64": "module Base64 exposing (x)\n\n\nx : Int\nx =\n    1\n"},
                     direct={"elm/bytes": "1.0.8", "elm/core": "1.0.5", "elm/json": "1.1.3"})
    lowered = lower_app_config(files)
    assert HOST_2020_05_27_IMPORTS in lowered.generated["src/Backend/InterfaceToHost_Root.elm"]
    assert not any("lacks elm/bytes" in note for note in lowered.notes)


def test_generated_code_needs_elm_json() -> None:
    files = make_app(
        {"Backend.Main": main_with_state("type alias State =\n    Int")}, direct={"elm/core": "1.0.5"}
    )
    with pytest.raises(MissingElmDependency, match="elm/json"):
        lower_app_config(files)


def test_all_errors_are_elm_compile_errors() -> None:
    for cls in (UnsupportedElmType, UnknownElmType, StateTypeNotFound, ElmSyntaxError, MissingElmDependency):
        assert issubclass(cls, ElmCompileError)


@pytest.mark.parametrize(
    "declarations",
    [
        "type alias State =\n    Loop Int\n\n\ntype alias Loop a =\n    { next : Loop a }",
        "type alias State =\n    Other\n\n\ntype alias Other =\n    { s : State }",
    ],
)
def test_recursive_aliases_are_reported_not_looped(declarations: str) -> None:
    with pytest.raises(UnsupportedElmType, match="recursive type alias|refers to itself"):
        lower_app_config(make_app({"Backend.Main": main_with_state(declarations)}))


def test_2020_layout_with_the_elm_project_under_elm_app() -> None:
    inner = app_files("migrate_maybe")
    files = {f"elm-app/{p}": c for p, c in inner.items()}
    files["elm-fullstack.json"] = b"{}"
    files["elm-app/elm-stuff/0.19.1/junk.dat"] = b"\x00"
    lowered = lower_app_config(files)
    assert lowered.backend_root_path == "src/Backend/InterfaceToHost_Root.elm"
    assert sorted(lowered.files) == sorted([*inner, *lowered.generated])
    assert lowered.generated == lower_app_config(inner).generated
