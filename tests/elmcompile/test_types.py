"""Canonical types: printing, re-parsing and resolving agree; coders exist for any of them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.elmcompile.coders import CoderGenerator
from elmreplay.elmcompile.resolve import TypeResolver
from elmreplay.elmcompile.sources import AppSources
from elmreplay.elmcompile.syntax import parse_type_text
from elmreplay.elmcompile.types import Builtin, CType, Prim, Record, TupleType, print_type

from .conftest import make_app

FIELD_NAMES = st.sampled_from(["a", "b", "value", "record", "main", "decode_x", "jsonEncode_y"])

leaves = st.sampled_from([Prim(n) for n in ("Int", "Float", "String", "Bool", "Unit")])
comparable = st.sampled_from([Prim("Int"), Prim("String"), Prim("Float")])


def extend(inner: st.SearchStrategy[CType]) -> st.SearchStrategy[CType]:
    return st.one_of(
        inner.map(lambda t: Builtin("List", (t,))),
        inner.map(lambda t: Builtin("Maybe", (t,))),
        st.tuples(inner, inner).map(lambda p: Builtin("Result", p)),
        comparable.map(lambda t: Builtin("Set", (t,))),
        st.tuples(comparable, inner).map(lambda p: Builtin("Dict", p)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: TupleType(tuple(xs))),
        st.dictionaries(FIELD_NAMES, inner, max_size=3).map(lambda d: Record(tuple(d.items()))),
    )


types = st.recursive(leaves, extend, max_leaves=8)

APP = AppSources(
    make_app(
        {
            "Backend.Main": "module Backend.Main exposing (..)\n\nimport Dict\nimport Set\nimport Bytes\n"
        }
    )
)


@given(types)
@settings(max_examples=200)
def test_printed_types_parse_and_resolve_to_themselves(t: CType) -> None:
    resolver = TypeResolver(APP)
    module = APP.module("Backend.Main")
    assert module is not None
    text = print_type(t)
    assert resolver.resolve_in(module, parse_type_text(text)) == t


@given(types)
@settings(max_examples=200)
def test_coders_generate_for_any_structural_type(t: CType) -> None:
    gen = CoderGenerator(TypeResolver(APP), ["main"])
    encoder, decoder = gen.encoder(t), gen.decoder(t)
    out = gen.generate()
    assert encoder and decoder
    assert out.app_modules == [] and not out.uses_bytes
    # lambda parameters never take a reserved or generated name
    assert "\\main " not in decoder and " main ->" not in decoder
    assert "(\\jsonEncode_y" not in decoder and "(\\decode_x" not in decoder
    # balanced brackets
    for open_, close in ("()", "[]", "{}"):
        assert encoder.count(open_) == encoder.count(close)
        assert decoder.count(open_) == decoder.count(close)
