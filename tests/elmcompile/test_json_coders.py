"""`GenerateJsonCoders` compilation-interface modules, lowered as the host did.

The test app `apps/json_coders` declares `CompilationInterface.GenerateJsonCoders` (2021). Its
2020 twin is the same app with the module renamed to `ElmFullstackCompilerInterface.` and the
2020 generation, or `ElmFullstackLoweringInterface.` (which implies 2020). Golden files hold
the generated module text (checked without Elm); with Elm, the compiled app answers requests
whose expected JSON an independent encoder below builds from §8 of store-format.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elmreplay.elmcompile import lower_app_config
from elmreplay.elmcompile.errors import CompilationInterfaceError
from elmreplay.elmcompile.generations import HOST_GENERATIONS as HOST_PERIODS
from elmreplay.store.recordtimes import TimeBounds
from elmreplay.elmcompile.interfaces import PLACEHOLDER_PATTERN

from .conftest import GOLDEN, HOST_BYTES_PACKAGES, app_files, main_with_state, make_app, require_elm

INTERFACE_2021 = "CompilationInterface.GenerateJsonCoders"
UPDATE = os.environ.get("ELMREPLAY_UPDATE_GOLDEN") == "1"


def renamed(files: dict[str, bytes], new_module: str) -> dict[str, bytes]:
    """The app with its interface module moved to ``new_module`` (imports follow)."""
    old_path = "src/" + INTERFACE_2021.replace(".", "/") + ".elm"
    out: dict[str, bytes] = {}
    for path, content in files.items():
        text = content.decode("utf-8").replace(INTERFACE_2021, new_module)
        out["src/" + new_module.replace(".", "/") + ".elm" if path == old_path else path] = text.encode()
    return out


VARIANTS: dict[str, tuple[str, str | None]] = {
    # name (golden folder): (interface module, coder generation passed in)
    "json_coders": (INTERFACE_2021, None),
    "json_coders_2021_04": (INTERFACE_2021, "2021-04"),
    "json_coders_2020": ("ElmFullstackCompilerInterface.GenerateJsonCoders", "2020"),
}


def variant_files(name: str) -> dict[str, bytes]:
    module, _ = VARIANTS[name]
    files = app_files("json_coders")
    return files if module == INTERFACE_2021 else renamed(files, module)


def lowered_outputs(name: str) -> dict[str, str]:
    files = variant_files(name)
    lowered = lower_app_config(files, coder_generation=VARIANTS[name][1])
    return {
        path: content.decode("utf-8")
        for path, content in lowered.files.items()
        if files.get(path) != content
    }


@pytest.mark.parametrize("name", ["json_coders_2020", "json_coders_2021_04"])
def test_other_generations_match_their_golden_files(name: str) -> None:
    # (the app as it is, generation 2021, is covered by test_golden.py with every app)
    outputs = lowered_outputs(name)
    folder = GOLDEN / name
    if UPDATE:
        for path, text in outputs.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
    stored = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*.elm")}
    assert sorted(stored) == sorted(outputs)
    for path, text in outputs.items():
        assert text == stored[path], path


def test_every_interface_function_is_replaced_and_no_placeholder_is_left() -> None:
    for name in VARIANTS:
        outputs = lowered_outputs(name)
        module, _ = VARIANTS[name]
        text = outputs["src/" + module.replace(".", "/") + ".elm"]
        assert not PLACEHOLDER_PATTERN.search(text)
        for function, coder in [
            ("jsonDecodeRequest", "jsonDecode_Api_Request"),
            ("jsonEncodeResponse", "jsonEncode_Api_Response"),
            ("jsonDecodeShapes", "Json.Decode.list jsonDecode_Api_Shape"),
            ("jsonEncodeShapes", "Json.Encode.list jsonEncode_Api_Shape"),
        ]:
            assert f"\n{function} =\n    {coder}\n" in text, (name, function)


def test_unexposed_tags_are_exposed_in_their_home_module() -> None:
    api = lowered_outputs("json_coders")["src/Api.elm"]
    assert api.startswith(
        "module Api exposing (Dimensions, Request, Response(..), Shape(..), Visibility(..), echo, reject)"
    )


def test_generations_differ_only_in_decoders() -> None:
    text_2021 = lowered_outputs("json_coders")["src/CompilationInterface/GenerateJsonCoders.elm"]
    text_2020 = lowered_outputs("json_coders_2020")["src/ElmFullstackCompilerInterface/GenerateJsonCoders.elm"]
    assert "jsonDecodeSucceedWhenNotNull Api.Empty" in text_2021
    assert "Json.Decode.succeed Api.Empty" in text_2020
    assert "jsonDecode_singleTagArgument" in text_2020 and "jsonDecode_singleTagArgument" not in text_2021
    assert "keyValueObject" in text_2020 and "keyValueObject" not in text_2021

    def encoders(text: str) -> list[str]:
        chunks = text.split("\n\n\n")
        return sorted(c for c in chunks if c.startswith("jsonEncode_"))

    assert encoders(text_2021) == encoders(text_2020)


def test_module_names_fix_the_generation_or_say_what_was_assumed() -> None:
    files = variant_files("json_coders")
    with pytest.raises(CompilationInterfaceError, match="only in the host's coder generations 2021-04, 2021"):
        lower_app_config(files, coder_generation="2020")
    # A deploy time in one host period decides, without a note.
    july = TimeBounds(datetime(2021, 7, 20, tzinfo=timezone.utc), None, "a 2021-07-20 log file")
    dated = lower_app_config(files, deployed=july)
    assert dated.notes == [] and dated.host_generation == HOST_PERIODS[-1]
    assert dated.files == lower_app_config(files, coder_generation="2021", deployed=july).files
    # 2021-05-16: the host of 70bab634 gave this module the 2021-04 decoders.
    may16 = TimeBounds(datetime(2021, 5, 16, tzinfo=timezone.utc), datetime(2021, 5, 16, 1, tzinfo=timezone.utc), "test")
    assert lower_app_config(files, deployed=may16).files == lower_app_config(files, coder_generation="2021-04", deployed=july).files
    # Without a time: the period covering most of the name's lifetime, said in a note.
    (note,) = lower_app_config(files).notes
    assert "no deploy time is known" in note and "(da027786)" in note and "df9d2d41" in note
    lowering_2020 = renamed(files, "ElmFullstackLoweringInterface.GenerateJsonCoders")
    assert lower_app_config(lowering_2020).notes == []  # every period that knew the name coded alike
    ambiguous = lower_app_config(renamed(files, "ElmFullstackCompilerInterface.GenerateJsonCoders"))
    (note,) = ambiguous.notes
    assert "(a9e04a4e)" in note and "GenerateJsonCoders 2020" in note
    assert lower_app_config(lowering_2020).files == lower_app_config(
        lowering_2020, coder_generation="2020"
    ).files


# --- errors -----------------------------------------------------------------------------------


def _interface_app(body: str, types: str = "", imports: str = "") -> dict[str, bytes]:
    interface = (
        f"module {INTERFACE_2021} exposing (..)\n\nimport Array\nimport Json.Decode\nimport Json.Encode\n"
        f"import Types\n{imports}\n\n{body}"
    )
    types_module = "module Types exposing (..)\n\nimport Array\n\n\n" + (types or "type alias Unused =\n    Int\n")
    return make_app(
        {
            "Backend.Main": main_with_state("type alias State =\n    Int\n"),
            INTERFACE_2021: interface,
            "Types": types_module,
        }
    )


@pytest.mark.parametrize(
    ("declaration", "type_name"),
    [
        ("type alias Letter =\n    { letter : Char }\n", "Char"),
        ("type alias Letter =\n    { items : Array.Array Int }\n", "Array"),
        ("type Letter\n    = Letter (Int -> Int)\n", "Function types"),
    ],
)
def test_unsupported_type_names_the_type_and_function(declaration: str, type_name: str) -> None:
    body = "decodeLetter : Json.Decode.Decoder Types.Letter\ndecodeLetter =\n    Json.Decode.fail \"The compiler replaces this declaration.\"\n"
    with pytest.raises(CompilationInterfaceError) as info:
        lower_app_config(_interface_app(body, declaration))
    message = str(info.value)
    assert info.value.function == "decodeLetter" and info.value.module == INTERFACE_2021
    assert type_name in message and "decodeLetter" in message and "src/Types.elm line" in message


def test_annotation_that_is_no_coder_is_an_error() -> None:
    body = "helper : Int -> Int\nhelper n =\n    n\n"
    with pytest.raises(CompilationInterfaceError, match=r"`helper`.*`Int -> Int` is neither"):
        lower_app_config(_interface_app(body))


def test_function_without_annotation_is_an_error() -> None:
    with pytest.raises(CompilationInterfaceError, match="no type annotation"):
        lower_app_config(_interface_app("encodeAny =\n    Json.Encode.int\n"))


def test_types_of_the_interface_module_itself_are_refused() -> None:
    body = (
        "type Local\n    = Local Int\n\n\n"
        "encodeLocal : Local -> Json.Encode.Value\nencodeLocal =\n    always Json.Encode.null\n"
    )
    with pytest.raises(CompilationInterfaceError, match="declared in the interface module itself"):
        lower_app_config(_interface_app(body))


def test_aliased_json_imports_are_followed_and_imported_plainly() -> None:
    body = (
        "decodeCount : D.Decoder Types.Count\ndecodeCount =\n    D.fail \"The compiler replaces this declaration.\"\n\n\n"
        "encodeCount : Types.Count -> E.Value\nencodeCount =\n    always E.null\n"
    )
    files = _interface_app(body, "type alias Count =\n    { count : Int }\n", "import Json.Decode as D\nimport Json.Encode as E\n")
    text = lower_app_config(files).files["src/CompilationInterface/GenerateJsonCoders.elm"].decode()
    assert "\ndecodeCount =\n    jsonDecode_Types_Count\n" in text
    assert "\nencodeCount =\n    jsonEncode_Types_Count\n" in text


# --- compiled, with Elm --------------------------------------------------------------------------


def js_float(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(x)


def shape_json(shape: Any) -> str:
    """§8 by hand: {"Tag":[args]}; records as objects in field order."""
    tag = shape[0]
    if tag == "Circle":
        return '{"Circle":[' + js_float(shape[1]) + "]}"
    if tag == "Rect":
        return '{"Rect":[{"width":' + js_float(shape[1]) + ',"height":' + js_float(shape[2]) + "}]}"
    if tag == "Labelled":
        return '{"Labelled":[' + json.dumps(shape[1], ensure_ascii=False) + "," + shape_json(shape[2]) + "]}"
    return '{"Empty":[]}'


def request_json(r: dict[str, Any]) -> str:
    def s(x: str) -> str:
        return json.dumps(x, ensure_ascii=False)

    note = '{"Nothing":[]}' if r["note"] is None else '{"Just":[' + s(r["note"]) + "]}"
    outcome = '{"Err":[' + s(r["outcome"][1]) + "]}" if r["outcome"][0] == "Err" else '{"Ok":[' + str(r["outcome"][1]) + "]}"
    scores = ",".join(
        "[" + s(k) + ",[" + ",".join(js_float(v) for v in vs) + "]]" for k, vs in sorted(r["scores"].items())
    )
    return (
        '{"id":' + str(r["id"])
        + ',"shape":' + shape_json(r["shape"])
        + ',"tags":[' + ",".join(s(t) for t in r["tags"]) + "]"
        + ',"note":' + note
        + ',"visibility":{"' + r["visibility"] + '":[]}'
        + ',"scores":[' + scores + "]"
        + ',"pair":[' + str(r["pair"][0]) + "," + ("true" if r["pair"][1] else "false") + "]"
        + ',"members":[' + ",".join(str(m) for m in sorted(set(r["members"]))) + "]"
        + ',"outcome":' + outcome
        + ',"nothing":[]}'
    )


floats = st.integers(-4000, 4000).map(lambda i: i / 4)
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=6)
shapes = st.recursive(
    st.one_of(
        st.tuples(st.just("Circle"), floats),
        st.tuples(st.just("Rect"), floats, floats),
        st.just(("Empty",)),
    ),
    lambda inner: st.tuples(st.just("Labelled"), texts, inner),
    max_leaves=4,
)
requests = st.fixed_dictionaries(
    {
        "id": st.integers(-(2**31), 2**31),
        "shape": shapes,
        "tags": st.lists(texts, max_size=3),
        "note": st.none() | texts,
        "visibility": st.sampled_from(["Public", "Private"]),
        "scores": st.dictionaries(st.text("abcXYZ", max_size=3), st.lists(floats, max_size=3), max_size=3),
        "pair": st.tuples(st.integers(-100, 100), st.booleans()),
        "members": st.lists(st.integers(-50, 50), max_size=5),
        "outcome": st.tuples(st.just("Err"), texts) | st.tuples(st.just("Ok"), st.integers(-9, 9)),
    }
)

_JS: dict[str, str] = {}


def app_for(name: str) -> Iterator[Any]:
    from .test_compile_run import load

    require_elm(HOST_BYTES_PACKAGES)
    if name not in _JS:
        from elmreplay.elmcompile import build_runtime

        _JS[name] = build_runtime(variant_files(name), coder_generation=VARIANTS[name][1])
    yield from load(_JS[name])


@pytest.fixture(params=sorted(VARIANTS))
def compiled(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    for app in app_for(request.param):
        yield request.param, app


@pytest.mark.elm
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests)
def test_compiled_coders_answer_like_the_independent_encoder(compiled: tuple[str, Any], r: dict[str, Any]) -> None:
    _, app = compiled
    canonical = request_json(r)
    assert app.event(canonical) == '{"Echo":[' + canonical + "]}"
    shapes = '{"shapes":[' + shape_json(r["shape"]) + ',{"Empty":[]}]}'
    assert app.event(shapes) == "[" + shape_json(r["shape"]) + ',{"Empty":[]}]'


LEGACY = [
    # (what, request change, the generations whose decoders accept it)
    ("one-argument tag without array", {"shape": {"Circle": 2}}, {"2020"}),
    ("zero-argument tag with null", {"visibility": {"Public": None}}, {"2020", "2021-04"}),
    ("Dict entry as key/value object", {"scores": [{"key": "k", "value": [1]}]}, {"2020"}),
    ("Maybe without array", {"note": {"Just": "n"}}, {"2020", "2021-04", "2021"}),
    ("Maybe as null", {"note": None}, {"2020", "2021-04", "2021"}),
    ("Result without array", {"outcome": {"Err": "e"}}, {"2020", "2021-04", "2021"}),
]
GENERATION_OF = {"json_coders": "2021", "json_coders_2021_04": "2021-04", "json_coders_2020": "2020"}


@pytest.mark.elm
@pytest.mark.parametrize(("what", "change", "accepted_by"), LEGACY, ids=[w for w, _, _ in LEGACY])
def test_each_generation_accepts_exactly_its_legacy_forms(
    compiled: tuple[str, Any], what: str, change: dict[str, Any], accepted_by: set[str]
) -> None:
    name, app = compiled
    base = json.loads(request_json({
        "id": 1, "shape": ("Empty",), "tags": [], "note": None, "visibility": "Private",
        "scores": {}, "pair": (0, False), "members": [], "outcome": ("Ok", 0),
    }))
    response = json.loads(app.event(json.dumps({**base, **change})))
    expected = "Echo" if GENERATION_OF[name] in accepted_by else "Rejected"
    assert expected in response, (what, response)


# --- the host's own expectations ------------------------------------------------------------------
# The cases and expected JSON texts of the host's test project `modeled-in-elm/generate-json-coders`
# (pine-vm/pine, test-elm-fullstack, from 7162789a 2020-09-21, as of cd427019 2021-11-15), run
# through an app with the same types, under each generation's module name.

HOST_TYPES = {
    "OpaqueCustomType": """module OpaqueCustomType exposing (OpaqueCustomType, constructTagA, constructTagB)


type OpaqueCustomType
    = TagA
    | TagB Int


constructTagA : OpaqueCustomType
constructTagA =
    TagA


constructTagB : Int -> OpaqueCustomType
constructTagB int =
    TagB int
""",
    "Structures": """module Structures exposing (..)

import OpaqueCustomType exposing (OpaqueCustomType)


type alias MixedRecord =
    { int : Int
    , opaqueCustomType : OpaqueCustomType
    , list_custom_type : List CustomType
    }


type CustomType
    = CustomTagWithoutParameter
    | CustomTagWithOneParameter Int
    | CustomTagWithTwoParameters String Int
    | CustomTagWithMaybeInstance (Maybe Int)
    | CustomTagWithResultInstance (Result String Int)
""",
}

HOST_INTERFACE = """module {name} exposing (decodeMixedRecord, encodeMixedRecord)

import Json.Decode
import Json.Encode
import Structures


encodeMixedRecord : Structures.MixedRecord -> Json.Encode.Value
encodeMixedRecord =
    always (Json.Encode.string "The compiler replaces this function.")


decodeMixedRecord : Json.Decode.Decoder Structures.MixedRecord
decodeMixedRecord =
    Json.Decode.fail "The compiler replaces this function."
"""

HOST_MAIN = """module Backend.Main exposing (State, interfaceToHost_initState, interfaceToHost_processEvent)

import {name} as Coders
import Json.Decode
import Json.Encode
import OpaqueCustomType
import Structures


type alias State =
    Int


interfaceToHost_initState : State
interfaceToHost_initState =
    0


{{-| `encode:N` encodes the N-th value of the host's encoding cases; anything else is decoded
and encoded again (the host's round-trip cases).
-}}
interfaceToHost_processEvent : String -> State -> ( State, String )
interfaceToHost_processEvent event state =
    let
        record list =
            {{ int = 4, opaqueCustomType = OpaqueCustomType.constructTagA, list_custom_type = list }}

        encode =
            Coders.encodeMixedRecord >> Json.Encode.encode 0
    in
    case event of
        "encode:0" ->
            ( state, encode (record []) )

        "encode:1" ->
            ( state, encode (record [ Structures.CustomTagWithOneParameter 13 ]) )

        "encode:2" ->
            ( state, encode (record [ Structures.CustomTagWithTwoParameters "first arg" 17 ]) )

        _ ->
            case Json.Decode.decodeString Coders.decodeMixedRecord event of
                Ok decoded ->
                    ( state + 1, encode decoded )

                Err error ->
                    ( state, Json.Decode.errorToString error )
"""

HOST_CASES = [
    ("encode:0", '{"int":4,"opaqueCustomType":{"TagA":[]},"list_custom_type":[]}'),
    ("encode:1", '{"int":4,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithOneParameter":[13]}]}'),
    ("encode:2", '{"int":4,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithTwoParameters":["first arg",17]}]}'),
    (
        '{"int"   : 7 , "opaqueCustomType" : { "TagA" : []}, "list_custom_type":[{"CustomTagWithTwoParameters":["first arg",19]}]}',
        '{"int":7,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithTwoParameters":["first arg",19]}]}',
    ),
    (
        '{"int" :     7, "opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithMaybeInstance":[{"Just":[37]}]}]}',
        '{"int":7,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithMaybeInstance":[{"Just":[37]}]}]}',
    ),
    (
        '{"int" :     7, "opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithMaybeInstance":[{"Nothing":[]}]}]}',
        '{"int":7,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithMaybeInstance":[{"Nothing":[]}]}]}',
    ),
    (
        '{"int" :     7, "opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithResultInstance":[{"Ok":[37]}]}]}',
        '{"int":7,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithResultInstance":[{"Ok":[37]}]}]}',
    ),
    (
        '{"int" :     7, "opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithResultInstance":[{"Err":["error string"]}]}]}',
        '{"int":7,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithResultInstance":[{"Err":["error string"]}]}]}',
    ),
    (  # "Maybe - support easy migration from older format."
        '{"int" :     7, "opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithMaybeInstance":[{"Just":37}]}]}',
        '{"int":7,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithMaybeInstance":[{"Just":[37]}]}]}',
    ),
    (  # "Result - support easy migration from older format."
        '{"int" :     7, "opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithResultInstance":[{"Ok":37}]}]}',
        '{"int":7,"opaqueCustomType":{"TagA":[]},"list_custom_type":[{"CustomTagWithResultInstance":[{"Ok":[37]}]}]}',
    ),
]

HOST_GENERATIONS = [
    ("ElmFullstackLoweringInterface.GenerateJsonCoders", None),
    ("ElmFullstackCompilerInterface.GenerateJsonCoders", "2020"),
    (INTERFACE_2021, "2021-04"),
    (INTERFACE_2021, "2021"),
]


def host_test_app(interface: str) -> dict[str, bytes]:
    return make_app(
        {
            **HOST_TYPES,
            interface: HOST_INTERFACE.format(name=interface),
            "Backend.Main": HOST_MAIN.format(name=interface),
        }
    )


def test_host_test_project_lowers_without_placeholders_and_exposes_the_opaque_tags() -> None:
    for interface, generation in HOST_GENERATIONS:
        lowered = lower_app_config(host_test_app(interface), coder_generation=generation)
        text = lowered.files["src/" + interface.replace(".", "/") + ".elm"].decode()
        assert not PLACEHOLDER_PATTERN.search(text)
        opaque = lowered.files["src/OpaqueCustomType.elm"].decode()
        assert opaque.startswith("module OpaqueCustomType exposing (OpaqueCustomType(..), constructTagA")


@pytest.mark.elm
@pytest.mark.parametrize(("interface", "generation"), HOST_GENERATIONS)
def test_host_test_project_expectations_hold(interface: str, generation: str | None) -> None:
    from elmreplay.elmcompile import build_runtime

    from .test_compile_run import load

    require_elm(HOST_BYTES_PACKAGES)
    js = build_runtime(host_test_app(interface), coder_generation=generation)
    for app in load(js):
        for event, expected in HOST_CASES:
            assert app.event(event) == expected, event
