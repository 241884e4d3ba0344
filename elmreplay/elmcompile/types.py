"""Canonical (fully resolved) Elm types, as the JSON-coder generator sees them.

Names are resolved to their home module, parametric aliases are expanded at the use site and
type parameters are substituted, so equal types compare equal. Non-parametric aliases keep
their name (:class:`AliasRef`) so that the generated coders can be named after them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

__all__ = [
    "AliasRef",
    "Builtin",
    "CType",
    "CustomRef",
    "Prim",
    "Record",
    "TupleType",
    "Var",
    "named_refs",
    "print_type",
]

PRIMITIVES = ("Int", "Float", "String", "Bool", "Bytes", "Unit")
CONTAINERS = {"List": 1, "Set": 1, "Maybe": 1, "Dict": 2, "Result": 2}


@dataclass(frozen=True)
class Prim:
    """``Int``, ``Float``, ``String``, ``Bool``, ``Bytes`` (``Bytes.Bytes``) or ``Unit`` (``()``)."""

    name: str


@dataclass(frozen=True)
class Builtin:
    """``List``, ``Set``, ``Maybe``, ``Dict`` or ``Result`` applied to its arguments."""

    name: str
    args: tuple[CType, ...]


@dataclass(frozen=True)
class Record:
    """A record type; fields in declaration order (the JSON object's member order)."""

    fields: tuple[tuple[str, CType], ...]


@dataclass(frozen=True)
class TupleType:
    """A 2- or 3-tuple."""

    items: tuple[CType, ...]


@dataclass(frozen=True)
class CustomRef:
    """A custom type declared in the app, applied to its arguments."""

    module: str
    name: str
    args: tuple[CType, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.name)


@dataclass(frozen=True)
class AliasRef:
    """A type alias without parameters, declared in the app (transparent in JSON)."""

    module: str
    name: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.name)


@dataclass(frozen=True)
class Var:
    """A type parameter of the custom type whose coders are being generated."""

    name: str


CType = Union[Prim, Builtin, Record, TupleType, CustomRef, AliasRef, Var]

_QUALIFIED_CONTAINER = {"Set": "Set.Set", "Dict": "Dict.Dict"}


def print_type(t: CType) -> str:
    """Elm source text of ``t`` as written in a module that imports ``Dict``, ``Set``,
    ``Bytes`` and every app module plainly (without aliases or exposing)."""
    if isinstance(t, Prim):
        return {"Bytes": "Bytes.Bytes", "Unit": "()"}.get(t.name, t.name)
    if isinstance(t, Builtin):
        head = _QUALIFIED_CONTAINER.get(t.name, t.name)
        return " ".join([head, *(_print_arg(a) for a in t.args)])
    if isinstance(t, Record):
        if not t.fields:
            return "{}"
        return "{ " + ", ".join(f"{n} : {print_type(ft)}" for n, ft in t.fields) + " }"
    if isinstance(t, TupleType):
        return "( " + ", ".join(print_type(i) for i in t.items) + " )"
    if isinstance(t, CustomRef):
        return " ".join([f"{t.module}.{t.name}", *(_print_arg(a) for a in t.args)])
    if isinstance(t, AliasRef):
        return f"{t.module}.{t.name}"
    return t.name


def _print_arg(t: CType) -> str:
    text = print_type(t)
    if " " in text and not isinstance(t, (Record, TupleType)):
        return f"({text})"
    return text


def named_refs(t: CType) -> list[CType]:
    """The custom-type and alias references inside ``t``, not looking through them, in order
    of appearance (arguments of a custom type included)."""
    out: list[CType] = []

    def walk(x: CType) -> None:
        if isinstance(x, (CustomRef, AliasRef)):
            out.append(x)
            if isinstance(x, CustomRef):
                for a in x.args:
                    walk(a)
        elif isinstance(x, Builtin):
            for a in x.args:
                walk(a)
        elif isinstance(x, Record):
            for _, ft in x.fields:
                walk(ft)
        elif isinstance(x, TupleType):
            for i in x.items:
                walk(i)

    walk(t)
    return out
