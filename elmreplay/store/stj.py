"""System.Text.Json as the 2023 Elm-Time host applied it to its typed records (modern-eras §2c-§2e).

The host parsed stored texts into C# records and wrote them back (the translation of stored app
events, the ``ApplyFunctionOnStateEvent`` literal). What came out depended on the serializer's
rules, which this module models for the shapes those records use:

* **Reading** (``JsonSerializer.Deserialize`` with default options): strict JSON (no comments,
  trailing commas, ``NaN``; at most 64 nested containers); record properties matched by exact
  name, unknown ones skipped, missing ones default (``0`` for ``long``/``int``, ``null`` for
  everything else), the last of duplicated names wins; a ``long`` must be a JSON integer in range
  (no fraction or exponent, never ``null`` or a string); a ``string`` a JSON string or ``null``;
  an ``object`` any JSON value, kept as written (a ``JsonElement``: number texts, member order and
  duplicate members survive); ``null`` gives ``null`` for every reference type.
* **Choice types** (``Pine.Json.JsonConverterForChoiceType`` @ ``7739f030``): ``{"Variant":[args]}``,
  an object with exactly one member whose value is an array of exactly as many elements as the
  variant has constructor parameters; anything else fails (``JsonException``).
* **Writing** (``JsonSerializer.Serialize`` with default options): compact, declared member order,
  ``null`` written, strings escaped by the default encoder (:func:`~.writer.stj_string`), an
  ``object`` written back as it was read.

Failures raise :class:`StjError` (what the host caught as ``JsonException``). A lone UTF-16
surrogate in a string read as ``string`` also fails (an assumption: .NET cannot transcode it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Union

from .writer import stj_string

MAX_DEPTH = 64
_INT_RANGES = {64: (-(2**63), 2**63 - 1), 32: (-(2**31), 2**31 - 1)}


class StjError(ValueError):
    """The text does not deserialize to the type (the host's ``JsonException``)."""


# --- the raw JSON tree (a JsonElement) -----------------------------------------------------------


class Members(list):
    """A JSON object as its ``(name, value)`` members, in order, duplicates kept."""


@dataclass(frozen=True, slots=True)
class Number:
    """A JSON number as written (``1.50`` stays ``1.50``)."""

    text: str


Raw = Union[None, bool, str, Number, list, Members]


def _reject_constant(name: str) -> Any:
    raise StjError(f"'{name}' is not JSON")


def parse_raw(text: str) -> Raw:
    """Parse JSON text the way ``Utf8JsonReader`` accepts it (raises :class:`StjError`)."""
    try:
        value = json.loads(text, object_pairs_hook=Members, parse_int=Number, parse_float=Number, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as e:
        raise StjError(f"not JSON: {e}") from None
    if _depth(value) > MAX_DEPTH:
        raise StjError(f"nested deeper than {MAX_DEPTH}")
    return value


def _depth(value: Raw) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Members):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for _, v in node)
        elif isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in node)
    return deepest


def write_raw(value: Raw) -> str:
    """A ``JsonElement`` as ``Utf8JsonWriter`` writes it back: numbers as written, strings escaped."""
    if isinstance(value, Members):
        return "{" + ",".join(_string(k) + ":" + write_raw(v) for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ",".join(write_raw(v) for v in value) + "]"
    if isinstance(value, Number):
        return value.text
    if isinstance(value, str):
        return _string(value)
    return "null" if value is None else "true" if value else "false"


def _string(text: str) -> str:
    try:
        return stj_string(text)
    except ValueError as e:
        raise StjError(str(e)) from None


# --- typed shapes --------------------------------------------------------------------------------


class Shape:
    """A C# type as far as the serializer is concerned."""

    nullable = True  # reference types read ``null`` as null

    def read(self, raw: Raw) -> Any:
        raise NotImplementedError

    def write(self, value: Any) -> str:
        raise NotImplementedError

    @property
    def default(self) -> Any:
        return None


@dataclass(frozen=True)
class Integer(Shape):
    """``long`` (64 bits) or ``int`` (32 bits): a value type."""

    bits: int = 64
    nullable = False

    def read(self, raw: Raw) -> int:
        if not isinstance(raw, Number) or any(c in raw.text for c in ".eE"):
            raise StjError(f"expected an integer, got {write_raw(raw)[:80]}")
        n = int(raw.text)
        low, high = _INT_RANGES[self.bits]
        if not low <= n <= high:
            raise StjError(f"integer out of range: {raw.text}")
        return n

    def write(self, value: Any) -> str:
        return str(int(value))

    @property
    def default(self) -> int:
        return 0


@dataclass(frozen=True)
class String(Shape):
    def read(self, raw: Raw) -> str | None:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise StjError(f"expected a string, got {write_raw(raw)[:80]}")
        if any("\ud800" <= ch <= "\udfff" for ch in raw):
            raise StjError("a lone surrogate cannot be read as a .NET string")
        return raw

    def write(self, value: Any) -> str:
        return "null" if value is None else _string(value)


@dataclass(frozen=True)
class Element(Shape):
    """``object``: any JSON value, kept as a ``JsonElement`` (JSON ``null`` reads as null)."""

    def read(self, raw: Raw) -> Raw:
        return raw

    def write(self, value: Any) -> str:
        return write_raw(value)


@dataclass(frozen=True)
class Array(Shape):
    """``T[]`` / ``IReadOnlyList<T>``."""

    item: Shape

    def read(self, raw: Raw) -> list[Any] | None:
        if raw is None:
            return None
        if not isinstance(raw, list) or isinstance(raw, Members):
            raise StjError(f"expected an array, got {write_raw(raw)[:80]}")
        return [_read(self.item, v) for v in raw]

    def write(self, value: Any) -> str:
        return "null" if value is None else "[" + ",".join(self.item.write(v) for v in value) + "]"


@dataclass(frozen=True)
class Record(Shape):
    """A positional C# record read through its constructor: ``{name: value}`` in declared order."""

    name: str
    fields: tuple[tuple[str, Shape], ...]

    def read(self, raw: Raw) -> dict[str, Any] | None:
        if raw is None:
            return None
        if not isinstance(raw, Members):
            raise StjError(f"expected an object for {self.name}, got {write_raw(raw)[:80]}")
        given = dict(raw)  # the last of duplicated names wins
        return {name: _read(shape, given[name]) if name in given else shape.default for name, shape in self.fields}

    def write(self, value: Any) -> str:
        if value is None:
            return "null"
        return "{" + ",".join(_string(name) + ":" + shape.write(value[name]) for name, shape in self.fields) + "}"


@dataclass(frozen=True, slots=True)
class Variant:
    """A value of a choice type: the variant's name and its constructor arguments."""

    name: str
    args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Choice(Shape):
    """A type with ``JsonConverterForChoiceType``: ``{"Variant":[arg, ...]}``."""

    name: str
    variants: tuple[tuple[str, tuple[Shape, ...]], ...]

    def read(self, raw: Raw) -> Variant | None:
        if raw is None:
            return None  # the converter is not asked for null
        if not isinstance(raw, Members):
            raise StjError("Expected start object")
        if not raw:
            raise StjError("Expected property name next")
        tag, args = raw[0]
        if not isinstance(args, list) or isinstance(args, Members):
            raise StjError("Expected start array")
        params = dict(self.variants).get(tag)
        if params is None:
            names = [n for n, _ in self.variants]
            raise StjError(f"Unexpected variant name: {tag}. Expected one of these {len(names)} names: {', '.join(names)}")
        if len(args) < len(params):
            raise StjError(f"missing arguments of {tag}")
        values = tuple(_read(shape, arg) for shape, arg in zip(params, args))
        if len(args) > len(params):
            raise StjError("Expected end array")
        if len(raw) > 1:
            raise StjError("Expected end object")
        return Variant(tag, values)

    def write(self, value: Any) -> str:
        if value is None:
            return "null"
        params = dict(self.variants)[value.name]
        return "{" + _string(value.name) + ":[" + ",".join(s.write(a) for s, a in zip(params, value.args)) + "]}"


def _read(shape: Shape, raw: Raw) -> Any:
    if raw is None and not shape.nullable:
        raise StjError(f"null for a value of type {type(shape).__name__}")
    return shape.read(raw)


def deserialize(shape: Shape, text: str) -> Any:
    """``JsonSerializer.Deserialize<T>(text)`` (raises :class:`StjError`)."""
    return _read(shape, parse_raw(text))


def maybe(item: Shape) -> Choice:
    """``Pine.Maybe<T>``: ``{"Nothing":[]}`` / ``{"Just":[x]}``."""
    return Choice("Maybe", (("Nothing", ()), ("Just", (item,))))


def result(err: Shape, ok: Shape) -> Choice:
    """``Pine.Result<E, O>``: ``{"Err":[e]}`` / ``{"Ok":[o]}``."""
    return Choice("Result", (("Err", (err,)), ("Ok", (ok,))))


NOTHING = Variant("Nothing")


def nothing_from_null(value: Any) -> Variant:
    """``Maybe.NothingFromNull``."""
    return NOTHING if value is None else Variant("Just", (value,))
