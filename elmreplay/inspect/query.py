"""Conditions on a step of the history: the language of ``session.find`` and ``elmreplay find``.

A condition is parsed into a small AST (:func:`parse`), which renders back to canonical text
(:meth:`Condition.render`), evaluates in Python on parsed JSON (:func:`evaluate`) and translates
to a JavaScript function (:func:`to_js`) that the replay evaluates inside V8 next to the app,
step by step, with no call into Python per event (``runtime/query.js`` holds its helpers). The
Python evaluator and the JavaScript one implement the same semantics; the tests check that they
agree on random states.

Grammar (keywords are lower case; whitespace is free between tokens, not inside a path)::

    cond     := or
    or       := and ("or" and)*
    and      := unary ("and" unary)*
    unary    := "not" unary | "(" cond ")" | "changed(" statepath ")" | "exists(" path ")"
              | "any(" statepath "," cond ")"
              | operand ("=="|"!="|"<"|"<="|">"|">=") literal
              | operand "contains" literal
              | path "is" Tag
    operand  := path | "len(" path ")"
    path     := statepath | "event" segments | "response" segments | "event_type" | "response_type"
    statepath:= "." [name] segments            (``.`` alone is the whole state)
    segments := ( "." name | "." "string" | "[" json "]" | "[*]" | "{" json "}" | "<" Tag ">" )*
    literal  := JSON (number, "string", true, false, null, [..], {..}) | Tag literal*   (Elm style)

Paths are the paths of :class:`~elmreplay.inspect.diff.StateDiff`, read with the Elm JSON
conventions of store-format.md §8:

* ``.name`` a record field; ``[17]`` / ``["erin"]`` / ``[[1,"a"]]`` a Dict entry by key when the
  array is a Dict (``[[k, v], ...]`` with keys strictly ascending in Elm's order), else a list
  (or tuple) element by index; ``{"urgent"}`` a Set member; ``<Closed>`` the arguments of a
  custom-type value with that tag (``.status<InProgress>[0]``); ``[*]`` every element of a list,
  every value of a Dict (a condition on it holds when it holds for at least one).
* Tags are values: ``Nothing``, ``Just "alice"``, ``Closed { "resolution": WontFix }`` stand for
  ``{"Nothing":[]}``, ``{"Just":["alice"]}``..., so ``.x == Nothing`` compares with that JSON;
  ``.x is Just`` only checks the tag.
* ``event`` is the app event inside its kind (``HttpRequestEvent``, ``TaskCompleteEvent``,
  ``ArrivedAtTimeEvent``, 2020's ``httpRequest``...), so ``event.request.uri`` is the request's
  URI; ``event_type`` names the kind. ``response`` is the app's response inside its kind
  (``DecodeEventSuccess``...; ``response_type`` names it); ``response.status`` is the status code
  of every HTTP response the step completed (§7: ``completeHttpResponses[*].response.statusCode``,
  or 2020's ``decodeEventSuccess[*].CompleteHttpResponse.response.statusCode``).
* ``len(p)``: length of a string (UTF-16 code units, as Elm's ``String.length``) or of an array
  (list, Dict entries, Set members). ``contains``: a substring of a string, or an element of an
  array equal to the literal. ``<``/``<=``/``>``/``>=`` order two numbers or two strings (Elm's
  order: UTF-16 code units); anything else is false. ``==`` is JSON equality (``1 == 1.0``,
  ``true != 1``, objects ignore field order).
* A leaf whose path does not exist at a step is **false** there, ``!=`` included; ask
  ``not exists(.users["erin"])`` for absence. ``any(p, cond)`` holds when ``cond`` holds for one
  value of ``p``, its state paths read relative to that value. ``changed(p)`` holds when the value(s) at state
  path ``p`` differ from those after the previous record (appearing and disappearing count).

Numbers are compared as JavaScript does (IEEE doubles): integers beyond 2**53 are not exact.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Literal, Union

from elmreplay.errors import QuerySyntaxError

__all__ = [
    "And",
    "AnyOf",
    "Changed",
    "Compare",
    "Condition",
    "Contains",
    "Every",
    "Exists",
    "Field",
    "Is",
    "Key",
    "Len",
    "Member",
    "Not",
    "Or",
    "Path",
    "TagArgs",
    "evaluate",
    "parse",
    "to_js",
]

# --- AST -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """``.name``: a record field."""

    name: str

    def render(self) -> str:
        return "." + self.name if _IDENT.fullmatch(self.name) and self.name not in _KEYWORDS else "." + _dumps(self.name)


@dataclass(frozen=True)
class Key:
    """``[json]``: a Dict entry by key, or a list element by index (an int) when not a Dict."""

    value: Any

    def render(self) -> str:
        return "[" + _dumps(self.value) + "]"


@dataclass(frozen=True)
class Member:
    """``{json}``: a Set member (the member itself when present)."""

    value: Any

    def render(self) -> str:
        return "{" + _dumps(self.value) + "}"


@dataclass(frozen=True)
class TagArgs:
    """``<Tag>``: the arguments of a custom-type value with this tag."""

    name: str

    def render(self) -> str:
        return f"<{self.name}>"


@dataclass(frozen=True)
class Every:
    """``[*]``: every list element / Dict value."""

    def render(self) -> str:
        return "[*]"


Segment = Union[Field, Key, Member, TagArgs, Every]
Root = Literal["state", "event", "response", "event_type", "response_type"]


@dataclass(frozen=True)
class Path:
    root: Root
    segments: tuple[Segment, ...] = ()

    def render(self) -> str:
        body = "".join(s.render() for s in self.segments)
        if self.root == "state":
            return body if body.startswith(".") else "." + body
        return self.root + body

    @property
    def many(self) -> bool:
        """Whether the path may stand for several values (``[*]``, ``response.status``)."""
        return any(isinstance(s, Every) for s in self.segments) or self.is_status

    @property
    def is_status(self) -> bool:
        return self.root == "response" and self.segments[:1] == (Field("status"),)


@dataclass(frozen=True)
class Len:
    path: Path

    def render(self) -> str:
        return f"len({self.path.render()})"


Operand = Union[Path, Len]
CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]


def _subject(operand: Operand) -> Path:
    return operand.path if isinstance(operand, Len) else operand


@dataclass(frozen=True)
class Compare:
    left: Operand
    op: CompareOp
    right: Any

    def render(self) -> str:
        return f"{self.left.render()} {self.op} {_render_literal(self.right)}"


@dataclass(frozen=True)
class Contains:
    left: Operand
    right: Any

    def render(self) -> str:
        return f"{self.left.render()} contains {_render_literal(self.right)}"


@dataclass(frozen=True)
class Is:
    left: Path
    tag: str

    def render(self) -> str:
        return f"{self.left.render()} is {self.tag}"


@dataclass(frozen=True)
class Exists:
    path: Path

    def render(self) -> str:
        return f"exists({self.path.render()})"


@dataclass(frozen=True)
class Changed:
    path: Path

    def render(self) -> str:
        return f"changed({self.path.render()})"


@dataclass(frozen=True)
class AnyOf:
    """``any(path, cond)``: ``cond`` holds for at least one value of ``path``; the state paths
    inside ``cond`` are relative to that value (``any(.issues[*], .assignee is Nothing and
    .status is InProgress)`` asks for one issue with both)."""

    path: Path
    cond: Condition

    def render(self) -> str:
        return f"any({self.path.render()}, {self.cond.render()})"


Leaf = Union[Compare, Contains, Is, Exists, Changed, AnyOf]


@dataclass(frozen=True)
class Not:
    item: Condition

    def render(self) -> str:
        inner = self.item.render()
        return f"not ({inner})" if isinstance(self.item, (And, Or)) else f"not {inner}"


@dataclass(frozen=True)
class And:
    items: tuple[Condition, ...]

    def render(self) -> str:
        return " and ".join(f"({i.render()})" if isinstance(i, Or) else i.render() for i in self.items)


@dataclass(frozen=True)
class Or:
    items: tuple[Condition, ...]

    def render(self) -> str:
        return " or ".join(i.render() for i in self.items)


Condition = Union[Compare, Contains, Is, Exists, Changed, AnyOf, Not, And, Or]


def leaves(cond: Condition) -> Iterator[Leaf]:
    """The leaves of a condition, left to right (their index is their id in the JS form)."""
    if isinstance(cond, (And, Or)):
        for item in cond.items:
            yield from leaves(item)
    elif isinstance(cond, Not):
        yield from leaves(cond.item)
    else:
        yield cond


def uses(cond: Condition) -> set[str]:
    """Which parts of a step the condition reads: ``state``, ``prev`` (changed), ``event``,
    ``response``."""
    out: set[str] = set()
    for leaf in leaves(cond):
        if isinstance(leaf, Changed):
            out |= {"state", "prev"}
        elif isinstance(leaf, AnyOf):
            out.add("state")
        else:
            root = _subject(leaf.left if not isinstance(leaf, Exists) else leaf.path).root
            out.add({"event_type": "event", "response_type": "response"}.get(root, root))
    return out


# --- literals --------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _tag_of(value: Any) -> tuple[str, list[Any]] | None:
    if type(value) is dict and len(value) == 1:
        ((k, a),) = value.items()
        if type(a) is list and _TAG.fullmatch(k) and k not in ("true", "false", "null"):
            return k, a
    return None


def _render_literal(value: Any, nested: bool = False) -> str:
    tag = _tag_of(value)
    if tag is None:
        if type(value) is list:
            return "[" + ",".join(_render_literal(v, True) for v in value) + "]" if any(_tag_of(v) for v in value) else _dumps(value)
        return _dumps(value)
    name, args = tag
    if not args:
        return name
    text = name + " " + " ".join(_render_literal(a, True) for a in args)
    return f"({text})" if nested else text


# --- parser ----------------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TAG = re.compile(r"[A-Z][A-Za-z0-9_]*")
_KEYWORDS = {"and", "or", "not", "is", "contains", "len", "changed", "exists", "any", "true", "false", "null"}
_ROOTS = ("event_type", "response_type", "event", "response")
_OPS = ("==", "!=", "<=", ">=", "<", ">")
_DECODER = json.JSONDecoder()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str, pos: int | None = None) -> QuerySyntaxError:
        return QuerySyntaxError(message, text=self.text, column=(self.pos if pos is None else pos) + 1)

    def ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def peek(self, s: str) -> bool:
        return self.text.startswith(s, self.pos)

    def word(self) -> str | None:
        m = _IDENT.match(self.text, self.pos)
        return m.group() if m else None

    def keyword(self, kw: str) -> bool:
        """Consume keyword ``kw`` (a whole word) if it is next."""
        if self.word() == kw:
            self.pos += len(kw)
            self.ws()
            return True
        return False

    def expect(self, s: str, what: str) -> None:
        if not self.peek(s):
            raise self.fail(f"expected {what}")
        self.pos += len(s)
        self.ws()

    def parse(self) -> Condition:
        self.ws()
        if self.pos >= len(self.text):
            raise self.fail("empty condition")
        cond = self.or_()
        if self.pos < len(self.text):
            raise self.fail("expected 'and', 'or' or the end of the condition")
        return cond

    def or_(self) -> Condition:
        items = [self.and_()]
        while self.keyword("or"):
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Condition:
        items = [self.unary()]
        while self.keyword("and"):
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Condition:
        if self.pos >= len(self.text):
            raise self.fail("expected a condition")
        if self.keyword("not"):
            return Not(self.unary())
        if self.peek("("):
            self.expect("(", "'('")
            inner = self.or_()
            self.expect(")", "')'")
            return inner
        w = self.word()
        if w == "any" and self.text.startswith("(", self.pos + 3):
            start = self.pos
            self.pos += 4
            self.ws()
            path = self.path()
            if path.root != "state":
                raise self.fail("any() takes a state path (one starting with '.')", start + 4)
            self.expect(",", "',' after the path of any(path, condition)")
            inner_start = self.pos
            inner = self.or_()
            if uses(inner) != {"state"}:
                raise self.fail("inside any(path, condition) the condition may only ask about the state (paths relative to each value, no changed())", inner_start)
            self.expect(")", "')'")
            return AnyOf(path, inner)
        if w in ("changed", "exists"):
            start = self.pos
            self.pos += len(w)
            self.ws()
            self.expect("(", f"'(' after {w}")
            path = self.path()
            if w == "changed" and path.root != "state":
                raise self.fail("changed() takes a state path (one starting with '.')", start)
            self.expect(")", "')'")
            return Changed(path) if w == "changed" else Exists(path)
        return self.comparison()

    def comparison(self) -> Leaf:
        start = self.pos
        left: Operand
        if self.word() == "len":
            self.pos += 3
            self.ws()
            self.expect("(", "'(' after len")
            left = Len(self.path())
            self.expect(")", "')'")
        else:
            left = self.path()
        if self.keyword("is"):
            if isinstance(left, Len):
                raise self.fail("'is' takes a path, not len(...)", start)
            m = _TAG.match(self.text, self.pos)
            if not m:
                raise self.fail("expected a tag name (Nothing, Just, Closed...) after 'is'")
            self.pos = m.end()
            self.ws()
            return Is(left, m.group())
        if self.keyword("contains"):
            return Contains(left, self.literal())
        for op in _OPS:
            if self.peek(op):
                self.pos += len(op)
                self.ws()
                return Compare(left, op, self.literal())  # type: ignore[arg-type]
        raise self.fail("expected a comparison (==, !=, <, <=, >, >=, is, contains)")

    def path(self) -> Path:
        start = self.pos
        root: Root
        if self.peek("."):
            root = "state"
            self.pos += 1
            segments: list[Segment] = []
            if self.pos < len(self.text) and (self.text[self.pos] == '"' or _IDENT.match(self.text, self.pos)):
                segments.append(self.field_name())
            segments.extend(self.segments())
        else:
            w = self.word()
            if w not in _ROOTS:
                raise self.fail("expected a path: '.field...' (the state), event..., response..., len(...)")
            root = w  # type: ignore[assignment]
            self.pos += len(w)
            segments = [] if root.endswith("_type") else self.segments()
            if segments and isinstance(segments[0], Field) and segments[0].name[:1].isupper():
                raise self.fail(
                    f"{root} paths start inside the {root}'s kind (ask {root}_type == \"{segments[0].name}\")", start + len(root)
                )
        self.ws()
        return Path(root, tuple(segments))

    def field_name(self) -> Field:
        if self.peek('"'):
            value = self.json_value()
            if type(value) is not str:
                raise self.fail("expected a field name")
            return Field(value)
        w = self.word()
        assert w is not None
        self.pos += len(w)
        return Field(w)

    def segments(self) -> list[Segment]:
        out: list[Segment] = []
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == ".":
                self.pos += 1
                if not (self.peek('"') or _IDENT.match(self.text, self.pos)):
                    raise self.fail("expected a field name after '.'")
                out.append(self.field_name())
            elif c == "[":
                if self.peek("[*]"):
                    self.pos += 3
                    out.append(Every())
                    continue
                self.pos += 1
                self.ws()
                key = self.json_value()
                if isinstance(key, (dict, bool)) or key is None or isinstance(key, float) and not key.is_integer():
                    raise self.fail("a key is a number, a string or a tuple/list of them")
                self.ws()
                if not self.peek("]"):
                    raise self.fail("expected ']'")
                self.pos += 1
                out.append(Key(key))
            elif c == "{":
                self.pos += 1
                self.ws()
                member = self.json_value()
                self.ws()
                if not self.peek("}"):
                    raise self.fail("expected '}'")
                self.pos += 1
                out.append(Member(member))
            elif c == "<" and _TAG.match(self.text, self.pos + 1):
                m = _TAG.match(self.text, self.pos + 1)
                assert m is not None
                if not self.text.startswith(">", m.end()):
                    break  # a comparison with a tag literal: .x <Foo (no closing '>')
                out.append(TagArgs(m.group()))
                self.pos = m.end() + 1
            else:
                break
        return out

    def json_value(self) -> Any:
        """One JSON value at the current position (no NaN/Infinity)."""
        start = self.pos
        try:
            value, end = _DECODER.raw_decode(self.text, self.pos)
        except json.JSONDecodeError as e:
            raise self.fail(f"bad JSON value: {e.msg}", e.pos) from None
        if any(t in self.text[start:end] for t in ("NaN", "Infinity")):
            raise self.fail("NaN and Infinity are not JSON", start)
        if type(value) is int and abs(value) > 2**53:
            raise self.fail("integers beyond 2**53 cannot be compared exactly (JavaScript numbers)", start)
        self.pos = end
        return value

    def literal(self, nested: bool = False) -> Any:
        """A JSON value or an Elm-style tag literal ``Tag arg...``."""
        if self.pos >= len(self.text):
            raise self.fail("expected a value")
        if self.peek("("):
            self.expect("(", "'('")
            value = self.literal()
            self.expect(")", "')'")
            return value
        m = _TAG.match(self.text, self.pos)
        if m:
            self.pos = m.end()
            self.ws()
            args: list[Any] = []
            if not nested:
                while self.pos < len(self.text) and self.word() not in ("and", "or") and self.text[self.pos] not in "),]":
                    args.append(self.literal(nested=True))
            return {m.group(): args}
        if self.word() is not None and self.word() not in ("true", "false", "null"):
            raise self.fail("expected a value (JSON or a tag such as Nothing / Just \"x\")")
        if self.peek("["):
            value = self.list_literal()
            return value
        value = self.json_value()
        self.ws()
        return value

    def list_literal(self) -> Any:
        """A JSON array whose elements may be tag literals (``[Just 1, Nothing]``)."""
        self.expect("[", "'['")
        items: list[Any] = []
        if self.peek("]"):
            self.expect("]", "']'")
            return items
        while True:
            items.append(self.literal())
            if self.peek("]"):
                self.expect("]", "']'")
                return items
            self.expect(",", "',' or ']'")


def parse(text: str) -> Condition:
    """Parse a condition; :class:`QuerySyntaxError` (with the 1-based column) when it does not."""
    return _Parser(text).parse()


# --- evaluation in Python (the reference; V8 runs the JS form) -------------------------------


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _is_num(v: Any) -> bool:
    return (type(v) is int or type(v) is float)


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality as JavaScript sees parsed JSON: numbers by value, bools apart from numbers,
    objects regardless of field order."""
    if _is_num(a) and _is_num(b):
        return bool(a == b)
    if type(a) is not type(b):
        return False
    if type(a) is list:
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-be", "surrogatepass")


def compare_keys(a: Any, b: Any) -> int | None:
    """Elm's ``compare`` on comparable JSON (numbers, strings, lists/tuples of them); None when
    the two are not comparable with each other."""
    if _is_num(a) and _is_num(b):
        return -1 if a < b else 1 if a > b else 0
    if type(a) is str and type(b) is str:
        ua, ub = _utf16(a), _utf16(b)
        return -1 if ua < ub else 1 if ua > ub else 0
    if type(a) is list and type(b) is list:
        for x, y in zip(a, b):
            c = compare_keys(x, y)
            if c is None or c != 0:
                return c
        return -1 if len(a) < len(b) else 1 if len(a) > len(b) else 0
    return None


def is_dict(a: Any) -> bool:
    """``[[k, v], ...]`` with keys strictly ascending in Elm's order (an empty array is not)."""
    if type(a) is not list or not a:
        return False
    if any(type(e) is not list or len(e) != 2 for e in a):
        return False
    return all(compare_keys(a[i - 1][0], a[i][0]) == -1 for i in range(1, len(a)))


def _step(value: Any, seg: Segment, here: str) -> Iterator[tuple[str, Any]]:
    """The (concrete path, value) pairs one segment leads to from ``value``."""
    if isinstance(seg, Field):
        if type(value) is dict and seg.name in value and _tag_of(value) is None:
            yield here + seg.render(), value[seg.name]
    elif isinstance(seg, Key):
        if type(value) is not list:
            return
        if is_dict(value):
            for k, v in value:
                if json_equal(k, seg.value):
                    yield here + seg.render(), v
                    return
        elif type(seg.value) is int and not isinstance(seg.value, bool) or type(seg.value) is float:
            i = int(seg.value)
            if 0 <= i < len(value):
                yield here + f"[{i}]", value[i]
    elif isinstance(seg, Member):
        if type(value) is list and any(json_equal(m, seg.value) for m in value):
            yield here + seg.render(), seg.value
    elif isinstance(seg, TagArgs):
        tag = _tag_of(value)
        if tag is not None and tag[0] == seg.name:
            yield here + seg.render(), tag[1]
    else:  # Every
        if type(value) is not list:
            return
        if is_dict(value):
            for k, v in value:
                yield here + "[" + _dumps(k) + "]", v
        else:
            for i, v in enumerate(value):
                yield here + f"[{i}]", v


def _peeled(value: Any) -> tuple[str | Any, Any]:
    """The kind and payload of an event or response: ``{"Kind": payload}`` -> (Kind, payload)."""
    if type(value) is dict and len(value) == 1:
        ((k, v),) = value.items()
        return k, v
    return MISSING, value


def _status_codes(payload: Any) -> list[tuple[str, Any]]:
    """The status code of every completed HTTP response in a response payload (§7.2, §7.1)."""
    out: list[tuple[str, Any]] = []
    if type(payload) is dict and type(payload.get("completeHttpResponses")) is list:
        for i, r in enumerate(payload["completeHttpResponses"]):
            if type(r) is dict and type(r.get("response")) is dict and "statusCode" in r["response"]:
                out.append((f"response.completeHttpResponses[{i}].response.statusCode", r["response"]["statusCode"]))
    elif type(payload) is list:
        for i, t in enumerate(payload):
            c = t.get("CompleteHttpResponse") if type(t) is dict else None
            if type(c) is dict and type(c.get("response")) is dict and "statusCode" in c["response"]:
                out.append((f"response[{i}].CompleteHttpResponse.response.statusCode", c["response"]["statusCode"]))
    return out


@dataclass
class Step:
    """One step as the Python evaluator sees it: parsed JSON, or MISSING."""

    state: Any = MISSING
    event: Any = MISSING  # the event JSON as stored ({"HttpRequestEvent": {...}})
    response: Any = MISSING  # the response JSON as returned
    prev: Any = MISSING  # the state after the previous record
    prefix: str = ""  # the concrete path of ``state`` (inside any(path, ...))


def resolve(path: Path, step: Step, *, prev: bool = False) -> list[tuple[str, Any]]:
    """Every (concrete path, value) ``path`` stands for at this step."""
    if path.root == "state":
        root = step.prev if prev else step.state
        start: list[tuple[str, Any]] = [] if root is MISSING else [(step.prefix, root)]
        segs = path.segments
    else:
        whole = step.event if path.root.startswith("event") else step.response
        if whole is MISSING:
            return []
        kind, payload = _peeled(whole)
        if path.root.endswith("_type"):
            return [] if kind is MISSING else [(path.root, kind)]
        segs = path.segments
        if path.is_status:
            start = _status_codes(payload)
            segs = segs[1:]
        else:
            start = [(path.root, payload)]
    for seg in segs:
        start = [pair for here, v in start for pair in _step(v, seg, here)]
    if path.root != "state":
        return start
    # as StateDiff writes them: "." for the root, ".[3]" for its elements
    return [(p if p.startswith(".") else "." + p, v) for p, v in start]


def _length(v: Any) -> Any:
    if type(v) is str:
        return len(_utf16(v)) // 2
    if type(v) is list:
        return len(v)
    return MISSING


def _ordered(a: Any, b: Any, op: str) -> bool:
    if not ((_is_num(a) and _is_num(b)) or (type(a) is str and type(b) is str)):
        return False
    c = compare_keys(a, b)
    assert c is not None
    return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


def _holds(leaf: Leaf, v: Any) -> bool:
    if isinstance(leaf, Compare):
        if leaf.op == "==":
            return json_equal(v, leaf.right)
        if leaf.op == "!=":
            return not json_equal(v, leaf.right)
        return _ordered(v, leaf.right, leaf.op)
    if isinstance(leaf, Contains):
        if type(v) is str:
            return type(leaf.right) is str and _substring(v, leaf.right)
        return type(v) is list and any(json_equal(e, leaf.right) for e in v)
    if isinstance(leaf, Is):
        tag = _tag_of(v)
        return tag is not None and tag[0] == leaf.tag
    return True  # Exists


def _substring(text: str, part: str) -> bool:
    """JavaScript's ``indexOf`` works on UTF-16 code units: a match must start on a unit boundary."""
    t, p = _utf16(text), _utf16(part)
    i = t.find(p)
    while i != -1 and i % 2:
        i = t.find(p, i + 1)
    return i != -1


def evaluate_leaf(leaf: Leaf, step: Step) -> tuple[bool, dict[str, Any]]:
    """Whether the leaf holds, and the matched values (concrete path -> value)."""
    if isinstance(leaf, AnyOf):
        out: dict[str, Any] = {}
        for p, v in resolve(leaf.path, step):
            ok, m = evaluate(leaf.cond, Step(state=v, prefix="" if p == "." else p))
            if ok:
                merge(out, m.items())
        return bool(out), out
    if isinstance(leaf, Changed):
        now, before = resolve(leaf.path, step), resolve(leaf.path, step, prev=True)
        b = dict(before)
        n = dict(now)
        changed = {p: None for p in n if p not in b or not json_equal(n[p], b[p])}
        changed.update({p: None for p in b if p not in n})
        return bool(changed), changed
    operand = leaf.path if isinstance(leaf, Exists) else leaf.left
    pairs = resolve(_subject(operand), step)
    if isinstance(operand, Len):
        pairs = [(f"len({p})", n) for p, v in pairs if (n := _length(v)) is not MISSING]
    matched = {p: (None if isinstance(leaf, Exists) else v) for p, v in pairs if _holds(leaf, v)}
    return bool(matched), matched


def merge(out: dict[str, Any], pairs: Iterable[tuple[str, Any]] | Iterable[list[Any]]) -> dict[str, Any]:
    """Add matched (path, value) pairs: a path reported by several leaves keeps its value over
    the None of ``exists``/``changed``, whatever the order (a path has one value per step)."""
    for p, v in pairs:
        if v is not None or p not in out:
            out[p] = v
    return out


def evaluate(cond: Condition, step: Step) -> tuple[bool, dict[str, Any]]:
    """Whether ``cond`` holds at ``step``; the matched values of the leaves that held (concrete
    path -> value; None for ``exists`` and ``changed``). Leaves under ``not`` report nothing."""
    if isinstance(cond, And):
        out: dict[str, Any] = {}
        for item in cond.items:
            ok, m = evaluate(item, step)
            if not ok:
                return False, {}
            merge(out, m.items())
        return True, out
    if isinstance(cond, Or):
        found, out = False, {}
        for item in cond.items:
            ok, m = evaluate(item, step)
            if ok:
                found = True
                merge(out, m.items())
        return found, out
    if isinstance(cond, Not):
        ok, _ = evaluate(cond.item, step)
        return not ok, {}
    return evaluate_leaf(cond, step)


# --- translation to JavaScript ---------------------------------------------------------------


def _js(value: Any) -> str:
    """A JSON value as a JavaScript expression (JSON is valid JavaScript since ES2019)."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _js_segments(segments: tuple[Segment, ...]) -> str:
    out: list[list[Any]] = []
    for s in segments:
        if isinstance(s, Field):
            out.append(["f", s.name, s.render()])
        elif isinstance(s, Key):
            out.append(["k", s.value, s.render()])
        elif isinstance(s, Member):
            out.append(["m", s.value, s.render()])
        elif isinstance(s, TagArgs):
            out.append(["t", s.name, s.render()])
        else:
            out.append(["*", None, "[*]"])
    return _js(out)


def _js_leaf(leaf: Leaf, i: int, cached: bool = True) -> str:
    if isinstance(leaf, AnyOf):
        inner = _js_condition(leaf.cond, cached=False)
        return f"h.anyOf(c,{i},{_js_segments(leaf.path.segments)},function(c){{return {inner};}},{_js_bool(cached)})"
    if isinstance(leaf, Changed):
        return f"h.changed(c,{i},{_js_segments(leaf.path.segments)})"
    operand = leaf.path if isinstance(leaf, Exists) else leaf.left
    path = _subject(operand)
    segs = path.segments[1:] if path.is_status else path.segments
    root = "status" if path.is_status else path.root
    length = "true" if isinstance(operand, Len) else "false"
    if isinstance(leaf, Compare):
        test = f"h.op({_js(leaf.op)},{_js(leaf.right)})"
    elif isinstance(leaf, Contains):
        test = f"h.contains({_js(leaf.right)})"
    elif isinstance(leaf, Is):
        test = f"h.isTag({_js(leaf.tag)})"
    else:
        test = "h.exists"
    memo = _js_bool(cached and path.root == "state")
    values = "false" if isinstance(leaf, Exists) else "true"
    return f"h.leaf(c,{i},{_js(root)},{_js_segments(segs)},{length},{test},{memo},{values})"


def _js_bool(b: bool) -> str:
    return "true" if b else "false"


def to_js(cond: Condition) -> str:
    """A JavaScript expression: ``function (h) -> function (c) -> bool`` over the helpers of
    ``runtime/query.js``. Every literal is embedded as JSON, so no text of the condition becomes
    code."""
    return f"(function(h){{return function(c){{return {_js_condition(cond, cached=True)};}};}})"


def _js_condition(cond: Condition, *, cached: bool) -> str:
    """The JS expression of a condition; leaves on the state remember their result per state
    reference when ``cached`` (not inside any(), where the state is one value of a path)."""
    ids = {id(leaf): i for i, leaf in enumerate(leaves(cond))}

    def go(c: Condition) -> str:
        # c.mark() is evaluated first (arguments run left to right): a failed 'and' and any 'not'
        # drop the values their leaves reported, as the Python evaluator does.
        if isinstance(c, And):
            # The cheap parts first: whether an 'and' holds does not depend on the order, and a
            # false event/response part then spares serializing the state (its values may be
            # reported in another order than Python's evaluator reports them).
            items = sorted(c.items, key=lambda i: bool(uses(i) & {"state", "prev"}))
            return "h.and(c,c.mark()," + "&&".join(go(i) for i in items) + ")"
        if isinstance(c, Or):
            # every branch runs (no short cut), so each true leaf reports its values, as in Python
            return "h.any([" + ",".join(go(i) for i in c.items) + "])"
        if isinstance(c, Not):
            return "h.not(c,c.mark()," + go(c.item) + ")"
        return _js_leaf(c, ids[id(c)], cached)

    return go(cond)

