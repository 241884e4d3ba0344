"""The hand-written Elm declaration reader: tokens, headers, imports, types, errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.elmcompile import ElmSyntaxError
from elmreplay.elmcompile.syntax import (
    CustomTypeDecl,
    TFunction,
    TName,
    TRecord,
    TTuple,
    TUnit,
    TVar,
    TypeAliasDecl,
    parse_module,
    parse_type_text,
    tokenize,
)

MODULE = '''port module Backend.Types exposing
    ( Id
    , Role(..)
    , User
    , (|.)
    )

{-| Docs mentioning
type alias NotAType = Int
{- nested -}
-}

import Dict as D exposing (Dict)
import Json.Decode
import Set exposing (..)


type alias User =
    { name : String -- the name
    , role : Role
    , friends : D.Dict String (List ( Int, Maybe User ))
    }


type Role
    = Admin
    | Member Int { since : Int }
    | Guest (Maybe String) ()


type Id a
    = Id Int


helper : Int
    -> String
helper n =
    let
        inner : Int
        inner =
            "type Fake = Fake" |> String.length
    in
    String.fromInt (n + inner) ++ "'" ++ String.fromChar '"'


type alias Handler msg =
    { update : msg -> Int -> ( Int, Cmd msg ), extra : { r | a : Int } }
'''


def test_header_imports_and_declarations() -> None:
    m = parse_module(MODULE, "src/Backend/Types.elm")
    assert m.name == "Backend.Types"
    assert [(i.name, i.open) for i in m.exposing.items] == [
        ("Id", False),
        ("Role", True),
        ("User", False),
        ("|.", False),
    ]
    assert MODULE[m.exposing.start] == "(" and MODULE[m.exposing.end - 1] == ")"
    assert [(i.module, i.alias, i.line) for i in m.imports] == [
        ("Dict", "D", 13),
        ("Json.Decode", None, 14),
        ("Set", None, 15),
    ]
    assert m.imports[2].exposing is not None and m.imports[2].exposing.everything
    assert set(m.type_names) == {"User", "Role", "Id", "Handler"}
    assert "NotAType" not in m.type_names and "Fake" not in m.type_names
    assert set(m.annotations) == {"helper"}
    assert m.annotations["helper"].line == 35
    assert m.annotations["helper"].text == " Int\n    -> String\n"


def test_type_declarations_parse_to_trees() -> None:
    m = parse_module(MODULE, "src/Backend/Types.elm")
    user = m.type_decl("User")
    assert isinstance(user, TypeAliasDecl) and user.line == 18
    assert isinstance(user.body, TRecord)
    assert [n for n, _ in user.body.fields] == ["name", "role", "friends"]
    friends = user.body.fields[2][1]
    assert friends == TName(
        "D.Dict",
        (
            TName("String", (), 21),
            TName(
                "List",
                (TTuple((TName("Int", (), 21), TName("Maybe", (TName("User", (), 21),), 21)), 21),),
                21,
            ),
        ),
        21,
    )
    role = m.type_decl("Role")
    assert isinstance(role, CustomTypeDecl)
    assert [(t.name, len(t.args), t.line) for t in role.tags] == [
        ("Admin", 0, 26),
        ("Member", 2, 27),
        ("Guest", 2, 28),
    ]
    assert isinstance(role.tags[2].args[1], TUnit)
    ident = m.type_decl("Id")
    assert isinstance(ident, CustomTypeDecl) and ident.params == ("a",)
    handler = m.type_decl("Handler")
    assert isinstance(handler, TypeAliasDecl) and handler.params == ("msg",)
    assert isinstance(handler.body, TRecord)
    update = handler.body.fields[0][1]
    assert isinstance(update, TFunction) and isinstance(update.argument, TVar)
    extra = handler.body.fields[1][1]
    assert isinstance(extra, TRecord) and extra.extension == "r"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('module A exposing (x)\n\nx = "unterminated\n', 3, "Unterminated string"),
        ("module A exposing (x)\n\n{- open\n comment", 3, "Unterminated block comment"),
        ("module A exposing (x)\nimport\n", 2, "Expected a module name after `import`"),
        ("module A exposing (x\n\nimport B\n", 1, "Expected `)`, found the end of the declaration"),
        ("x = 1\n", 1, "Expected the module header"),
        ("module A exposing (x)\n\nx = 'ab\n", 3, "Unterminated character literal"),
    ],
)
def test_syntax_errors_name_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ElmSyntaxError) as info:
        parse_module(text, "src/A.elm")
    assert info.value.path == "src/A.elm" and info.value.line == line
    assert fragment in str(info.value)
    assert f"(file src/A.elm line {line})" in str(info.value)


@pytest.mark.parametrize(
    ("decl", "line", "fragment"),
    [
        ("type alias X =\n    { a : }", 4, "Expected a type"),
        ("type X\n    = A\n    | b", 5, "Expected a constructor name"),
        ("type alias X =\n    ( Int, String", 4, "Expected `)`"),
        ("type alias X = Int Int )", 3, "Unexpected token after the type"),
    ],
)
def test_type_declaration_errors_name_file_and_line(decl: str, line: int, fragment: str) -> None:
    m = parse_module("module A exposing (X)\n\n" + decl + "\n", "src/A.elm")
    with pytest.raises(ElmSyntaxError) as info:
        m.type_decl("X")
    assert (info.value.path, info.value.line) == ("src/A.elm", line)
    assert fragment in str(info.value)


def test_tokens_skip_comments_and_keep_positions() -> None:
    tokens = tokenize('a {- x {- y -} -} "s -- no" -- c\n  B.C', "f.elm")
    assert [(t.kind, t.text, t.line, t.col) for t in tokens] == [
        ("lower", "a", 1, 1),
        ("string", '"s -- no"', 1, 19),
        ("upper", "B.C", 2, 3),
    ]


@given(st.text(alphabet=st.sampled_from(list("ab AB.\n\"'{-}()|,:=>\\x1"))))
@settings(max_examples=300)
def test_tokenizer_and_parser_fail_only_with_syntax_errors(text: str) -> None:
    try:
        m = parse_module("module A exposing (..)\n" + text, "src/A.elm")
        for name in m.type_names:
            m.type_decl(name)
    except ElmSyntaxError as e:
        assert e.path == "src/A.elm" and e.line is not None and e.line >= 1


def test_parse_type_text() -> None:
    t = parse_type_text("Dict.Dict String (List { a : Int, b : ( Int, () ) }) -> msg")
    assert isinstance(t, TFunction)
    assert isinstance(t.result, TVar) and t.result.name == "msg"
