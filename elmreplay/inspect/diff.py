"""Elm-aware diffs of serialized Elm states.

:func:`diff_states` compares two states in the JSON form of ``store-format.md`` §8 and returns
a :class:`StateDiff`: a sorted tuple of :class:`Change` objects with a summary, a DataFrame,
text, HTML and a stable JSON form. DeepDiff does the comparison; this module decides what the
JSON *means* in Elm and hands DeepDiff an equivalent structure in which that meaning is explicit.

Elm semantics
-------------
* **Records** (objects) are compared field by field: a field is ``added``, ``removed`` or
  compared recursively.
* **Custom types** ``{"Tag":[args…]}`` (exactly one key, starting with an upper-case letter,
  whose value is an array): the same tag compares the arguments by position; a different tag is
  ONE ``tag_changed`` change at the value's path. ``Just``/``Nothing`` flips are reported as
  ``maybe_became_just`` / ``maybe_became_nothing`` instead.
* **Dicts** ``[[k,v],…]`` (every element a 2-element array, keys of one comparable type and
  strictly ascending in Elm's order) are compared **by key** when both sides look like a Dict, or
  one side is empty and the other looks like a Dict. Inserting an entry is one ``added`` change.
* **Sets** (arrays of numbers or of strings, strictly ascending) are compared as sets when both
  sides look like a Set (or one is empty) and at least one side has more than 3 elements
  (2- and 3-tuples of numbers such as ``(x, y)`` look like small sets; they stay lists).
* **Lists** (every other array): the common prefix and suffix are matched first. If what is left
  has the same length on both sides, it is compared position by position (a ``changed`` value
  stays at its index). Otherwise the rest is aligned like :mod:`difflib` (``SequenceMatcher``
  over the elements' JSON, ``autojunk`` off): equal runs match, unmatched runs are paired in
  order and compared recursively, surplus elements are ``added`` / ``removed``. So prepending
  one record to a list is one ``added`` change. Very large unaligned regions
  (> :data:`ALIGN_LIMIT` element pairs) are compared by position instead.
* Scalars are compared by value *and* JSON type, as DeepDiff does: ``1`` → ``1.5`` or
  ``true`` → ``1`` are ``changed``.

Path syntax
-----------
A path starts with ``.`` (the whole state is ``.``) and is a sequence of segments:

=====================  ===================================================================
``.name``              record field (``."odd name"`` when the name is not an identifier)
``[17]``, ``["alice"]`` Dict entry; the key as compact JSON (``[[1,"a"]]`` for a tuple key)
``{"urgent"}``         Set member, as compact JSON
``[3]``                list element / custom-type argument index: the index in the NEW
                       list, except for ``removed`` elements, which name their OLD index
``<Closed>``           inside the custom-type value with this tag
=====================  ===================================================================

Examples: ``.issues[17].assignee``, ``.users["alice"].name``, ``.status<Closed>[0]``,
``.tags{"urgent"}``, ``.[3]`` (a Dict or list at the root). ``[3]`` is a Dict key or a list
index depending on the value; :attr:`Change.segments` tells them apart (:class:`DictKey`,
:class:`Index`).

Performance
-----------
Both states are walked together and equal subtrees are dropped before DeepDiff sees anything
(strict equality: Python ``==`` confirmed by the JSON text, so ``1`` vs ``true`` is never
skipped). Runs of equal list/Dict elements are skipped at C speed, so the Python-level work is
proportional to what changed. :func:`_reference_diff_states` runs the same Elm semantics
without any skipping; the tests check both give identical results.
"""

from __future__ import annotations

import difflib
import html
import json
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress, count
from typing import TYPE_CHECKING, Any, Literal, Union

from deepdiff import DeepDiff

from elmreplay.errors import InvalidStateJson

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ABSENT",
    "ALIGN_LIMIT",
    "KINDS",
    "Change",
    "ChangeKind",
    "DictKey",
    "Field",
    "Index",
    "InvalidStateJson",
    "Segment",
    "SetMember",
    "StateDiff",
    "Tag",
    "diff_states",
]

#: The format tag in :meth:`StateDiff.to_json`; bump it when the JSON form changes.
JSON_FORMAT = "elmreplay.state-diff/1"

#: Above this many element pairs (old × new) an unaligned list region is compared by position.
ALIGN_LIMIT = 4_000_000

ChangeKind = Literal[
    "added", "removed", "changed", "tag_changed", "maybe_became_just", "maybe_became_nothing"
]
#: Every change kind, in the order summaries list them.
KINDS: tuple[ChangeKind, ...] = (
    "added",
    "removed",
    "changed",
    "tag_changed",
    "maybe_became_just",
    "maybe_became_nothing",
)


class _Absent:
    """The value of the missing side of an added or removed change."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "ABSENT"


#: The ``old`` of an ``added`` change and the ``new`` of a ``removed`` one.
ABSENT: Any = _Absent()


# --- JSON helpers ----------------------------------------------------------------------------


def _stdlib_dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _make_dumps() -> Callable[[Any], bytes]:
    """Compact JSON bytes; orjson when installed (about 10x faster), else the stdlib."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is in the dev environment
        return _stdlib_dumps
    odumps = orjson.dumps

    def dumps(value: Any) -> bytes:
        try:
            return odumps(value)
        except TypeError:  # ints beyond 64 bits, non-str keys: orjson refuses, json does not
            return _stdlib_dumps(value)

    return dumps


_dumps = _make_dumps()


def _make_loads() -> Callable[[str | bytes], Any]:
    try:
        import orjson
    except ImportError:  # pragma: no cover
        return json.loads
    oloads = orjson.loads

    def loads(text: str | bytes) -> Any:
        try:
            return oloads(text)
        except orjson.JSONDecodeError:
            return json.loads(text)  # big ints, NaN: accepted by json, refused by orjson

    return loads


_loads = _make_loads()


def _parse(value: Any, label: str) -> Any:
    if isinstance(value, (bytearray, memoryview)):
        value = bytes(value)
    if not isinstance(value, (str, bytes)):
        return value
    try:
        return _loads(value)
    except (ValueError, UnicodeDecodeError) as e:
        raise InvalidStateJson(f"the {label} state is not valid JSON: {e}") from e


def _compact(value: Any) -> str:
    """Compact JSON text of a value, for display."""
    try:
        return _dumps(value).decode()
    except (TypeError, ValueError):
        return repr(value)


# --- path segments ---------------------------------------------------------------------------
# They are the dict keys of the structure handed to DeepDiff, so DeepDiff's own paths come back
# as sequences of these. Equality ignores the display/sort helpers.


@dataclass(frozen=True)
class Field:
    """A record field ``.name``."""

    name: str
    rank: int = field(default=0, compare=False, repr=False)

    def render(self) -> str:
        n = self.name
        if n.isidentifier():
            return "." + n
        return "." + json.dumps(n, ensure_ascii=False)

    def sort_key(self) -> tuple[Any, ...]:
        return (0, self.rank, self.name)

    def to_json(self) -> dict[str, Any]:
        return {"field": self.name}


@dataclass(frozen=True)
class DictKey:
    """A Dict entry ``[key]``; ``key`` is the JSON key as found in the state."""

    key: Any = field(compare=False)
    order: Any = field(repr=False)  # Elm comparable order; also the identity of the key

    def render(self) -> str:
        return "[" + _compact(self.key) + "]"

    def sort_key(self) -> tuple[Any, ...]:
        return (1, self.order)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key}


@dataclass(frozen=True)
class SetMember:
    """A Set member ``{value}``."""

    value: Any = field(compare=False)
    order: Any = field(repr=False)

    def render(self) -> str:
        return "{" + _compact(self.value) + "}"

    def sort_key(self) -> tuple[Any, ...]:
        return (2, self.order)

    def to_json(self) -> dict[str, Any]:
        return {"member": self.value}


@dataclass(frozen=True)
class Index:
    """A list element or custom-type argument; ``old`` / ``new`` index (None: absent there)."""

    old: int | None
    new: int | None
    rank: tuple[int, int, int] = field(default=(0, 0, 0), compare=False, repr=False)

    @property
    def index(self) -> int:
        """The index shown in paths: the new one, or the old one of a removed element."""
        return self.new if self.new is not None else self.old  # type: ignore[return-value]

    def render(self) -> str:
        return f"[{self.index}]"

    def sort_key(self) -> tuple[Any, ...]:
        return (3, self.rank)

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "old_index": self.old, "new_index": self.new}


@dataclass(frozen=True)
class Tag:
    """Inside the custom-type value with this tag: ``<Tag>``."""

    name: str

    def render(self) -> str:
        return f"<{self.name}>"

    def sort_key(self) -> tuple[Any, ...]:
        return (4, self.name)

    def to_json(self) -> dict[str, Any]:
        return {"tag": self.name}


Segment = Union[Field, DictKey, SetMember, Index, Tag]


def _render_path(segments: Sequence[Any]) -> str:
    out = "".join(_render_segment(s) for s in segments)
    return out if out.startswith(".") else "." + out


def _render_segment(s: Any) -> str:
    if isinstance(s, (Field, DictKey, SetMember, Index, Tag)):
        return s.render()
    return f"[{s!r}]"  # cannot happen with JSON input; kept readable just in case


def _segment_sort_key(s: Any) -> tuple[Any, ...]:
    if isinstance(s, (Field, DictKey, SetMember, Index, Tag)):
        return s.sort_key()
    return (9, repr(s))


# --- Elm reading of JSON values --------------------------------------------------------------

_SCALAR, _RECORD, _VARIANT, _ARRAY = range(4)


def _kind(v: Any) -> int:
    t = type(v)
    if t is dict:
        if len(v) == 1:
            ((k, a),) = v.items()
            if type(a) is list and type(k) is str and k[:1].isupper():
                return _VARIANT
        return _RECORD
    if t is list:
        return _ARRAY
    return _SCALAR


def _order_key(k: Any) -> tuple[Any, ...] | None:
    """Elm's `comparable` order (strings by UTF-16 code units, as JS compares), or None."""
    t = type(k)
    if t is int or t is float:
        return (0, k)
    if t is str:
        return (1, k.encode("utf-16-be"))
    if t is list:
        parts = []
        for e in k:
            ok = _order_key(e)
            if ok is None:
                return None
            parts.append(ok)
        return (2, tuple(parts))
    return None


def _ascending(seq: list[Any]) -> bool:
    return all(map(operator.lt, seq, seq[1:]))


def _strictly_ascending(keys: list[Any]) -> bool:
    """Keys of one comparable type, strictly ascending in Elm's order (C-speed when possible)."""
    types = set(map(type, keys))
    try:
        if types <= {int, float}:
            return _ascending(keys)
        if types == {str}:
            if all(map(str.isascii, keys)):  # code-point order == UTF-16 order
                return _ascending(keys)
            return _ascending([k.encode("utf-16-be") for k in keys])
        if types == {list}:
            oks = [_order_key(k) for k in keys]
            return None not in oks and _ascending(oks)
    except TypeError:
        return False
    return False


_EMPTY, _DICT, _SET, _LIST = range(4)


def _array_shape(a: list[Any]) -> int:
    if not a:
        return _EMPTY
    types = set(map(type, a))
    if types == {list}:
        if set(map(len, a)) == {2} and _strictly_ascending([e[0] for e in a]):
            return _DICT
        return _LIST
    if (types <= {int, float} or types == {str}) and _strictly_ascending(a):
        return _SET
    return _LIST


def _pair_shape(a: list[Any], b: list[Any]) -> int:
    shapes = {_array_shape(a), _array_shape(b)}
    if shapes <= {_DICT, _EMPTY} and _DICT in shapes:
        return _DICT
    if shapes <= {_SET, _EMPTY} and _SET in shapes and max(len(a), len(b)) > 3:
        return _SET
    return _LIST


# --- strict equality and C-speed run skipping ------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON: ``==`` (fast, but 1 == 1.0 == True) confirmed by the JSON text."""
    if a is b:
        return True
    if type(a) is not type(b) or a != b:
        return False
    if type(a) is dict or type(a) is list:
        return _dumps(a) == _dumps(b)
    return True


def _equal_run(
    a: list[Any], b: list[Any], i: int, j: int, step: int = 1, limit: int | None = None
) -> int:
    """Length of the run of strictly equal elements a[i], b[j], a[i+step], b[j+step], ...

    The scan runs at C speed (``map(operator.ne, ...)``); the run found is then confirmed by
    comparing its JSON text, so ``1`` vs ``true`` never counts as equal.
    """
    n = min(len(a) - i, len(b) - j) if step > 0 else min(i + 1, j + 1)
    if limit is not None:
        n = min(n, limit)
    if n <= 0:
        return 0
    ia = map(a.__getitem__, range(i, i + step * n, step))
    ib = map(b.__getitem__, range(j, j + step * n, step))
    r = next(compress(count(), map(operator.ne, ia, ib)), n)
    if r == 0:
        return 0
    sa = a[i : i + r] if step > 0 else a[i - r + 1 : i + 1]
    sb = b[j : j + r] if step > 0 else b[j - r + 1 : j + 1]
    if _dumps(sa) == _dumps(sb):
        return r
    # `==` called them equal but the JSON differs (1 vs 1.0, true vs 1): find where, slowly.
    for t in range(r):
        if not _same(a[i + step * t], b[j + step * t]):
            return t
    return r  # pragma: no cover - the texts differed, so some element does


# --- normalisation: the structure DeepDiff compares ------------------------------------------


class _Node(dict[Any, Any]):
    """A normalised container; ``raw`` is the JSON value it stands for."""

    __slots__ = ("raw",)

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self.raw = raw


class _RecordNode(_Node):
    __slots__ = ()


class _VariantNode(_Node):
    __slots__ = ()


class _DictNode(_Node):
    __slots__ = ()


class _SetNode(_Node):
    __slots__ = ()


class _ListNode(_Node):
    __slots__ = ()


def _whole(v: Any) -> Any:
    """A value DeepDiff only reports as a whole (one side absent, or kinds differ).

    Only its Python type matters; custom-type values get their own type so that a record and a
    custom type never look alike, and so that two tags yield one removed and one added key.
    """
    if _kind(v) == _VARIANT:
        ((tag, args),) = v.items()
        n = _VariantNode(v)
        n[Tag(tag)] = args
        return n
    return v


def _pair(a: Any, b: Any, prune: bool) -> tuple[Any, Any]:
    """Normalise two values found at the same path. With ``prune``, equal parts are dropped."""
    ka, kb = _kind(a), _kind(b)
    if ka != kb or ka == _SCALAR:
        return _whole(a), _whole(b)
    if ka == _RECORD:
        return _pair_record(a, b, prune)
    if ka == _VARIANT:
        return _pair_variant(a, b, prune)
    shape = _pair_shape(a, b)
    if shape == _DICT:
        return _pair_sorted(a, b, prune, _DictNode, _dict_entry)
    if shape == _SET:
        return _pair_sorted(a, b, prune, _SetNode, _set_member)
    return _pair_list(a, b, prune)


def _put(na: _Node, nb: _Node, key: Any, a: Any, b: Any, prune: bool) -> None:
    """Store a pair of values at ``key`` unless pruning and they are equal."""
    if prune and _same(a, b):
        return
    na[key], nb[key] = _pair(a, b, prune)


def _pair_record(a: dict[str, Any], b: dict[str, Any], prune: bool) -> tuple[_Node, _Node]:
    na, nb = _RecordNode(a), _RecordNode(b)
    for rank, name in enumerate(b):
        if name in a:
            _put(na, nb, Field(name, rank), a[name], b[name], prune)
        else:
            nb[Field(name, rank)] = _whole(b[name])
    base = len(b)
    for rank, name in enumerate(a):
        if name not in b:
            na[Field(name, base + rank)] = _whole(a[name])
    return na, nb


def _pair_variant(a: dict[str, Any], b: dict[str, Any], prune: bool) -> tuple[Any, Any]:
    ((ta, args_a),) = a.items()
    ((tb, args_b),) = b.items()
    if ta != tb:
        return _whole(a), _whole(b)
    na, nb = _VariantNode(a), _VariantNode(b)
    na[Tag(ta)], nb[Tag(tb)] = _build_list(
        args_a, args_b, _positional(args_a, args_b, 0, 0, len(args_a), len(args_b), prune), prune
    )
    return na, nb


# Sorted collections (Dict entries, Set members): a merge walk by Elm order.

_Keyed = Callable[[Any], tuple[Any, Any, Any]]  # element -> (segment, value, raw key)


def _dict_entry(e: list[Any]) -> tuple[Any, Any, Any]:
    return DictKey(e[0], _order_key(e[0])), e[1], e[0]


def _set_member(m: Any) -> tuple[Any, Any, Any]:
    return SetMember(m, _order_key(m)), None, m


def _pair_sorted(
    a: list[Any], b: list[Any], prune: bool, node: type[_Node], keyed: _Keyed
) -> tuple[_Node, _Node]:
    na, nb = node(a), node(b)
    i = j = 0
    while i < len(a) and j < len(b):
        if prune:
            r = _equal_run(a, b, i, j)
            if r:
                i, j = i + r, j + r
                continue
        sa, va, _ = keyed(a[i])
        sb, vb, _ = keyed(b[j])
        if sa == sb:
            _put(na, nb, sb, va, vb, prune)
            i, j = i + 1, j + 1
        elif sa.order < sb.order:
            na[sa] = _whole(va)
            i += 1
        else:
            nb[sb] = _whole(vb)
            j += 1
    for e in a[i:]:
        s, v, _ = keyed(e)
        na[s] = _whole(v)
    for e in b[j:]:
        s, v, _ = keyed(e)
        nb[s] = _whole(v)
    return na, nb


# Plain lists: pairs of (old index | None, new index | None, sort rank).

_Pairs = Iterable[tuple[Union[int, None], Union[int, None], tuple[int, int, int]]]


def _positional(
    a: list[Any], b: list[Any], i0: int, j0: int, n_a: int, n_b: int, skip: bool
) -> _Pairs:
    """Pair a[i0:i0+n_a] with b[j0:j0+n_b] by position; the surplus is removed / added.

    With ``skip``, runs of equal pairs are left out (found at C speed).
    """
    common = min(n_a, n_b)
    t = 0
    while t < common:
        if skip:
            t += _equal_run(a, b, i0 + t, j0 + t, limit=common - t)
            if t >= common:
                break
        yield i0 + t, j0 + t, (j0 + t, 1, 0)
        t += 1
    for t in range(common, n_a):
        yield i0 + t, None, (j0 + common, 0, i0 + t)
    for t in range(common, n_b):
        yield None, j0 + t, (j0 + t, 1, 0)


def _list_pairs(a: list[Any], b: list[Any], skip: bool) -> _Pairs:
    """The alignment of two plain lists (see the module docstring).

    With ``skip``, equal pairs may be left out; without, every element is in some pair.
    """
    shorter = min(len(a), len(b))
    p = _equal_run(a, b, 0, 0)
    s = _equal_run(a, b, len(a) - 1, len(b) - 1, step=-1, limit=shorter - p) if p < shorter else 0
    ea, eb = len(a) - s, len(b) - s  # ends of the middles
    if not skip:
        yield from _positional(a, b, 0, 0, p, p, skip)
    n_a, n_b = ea - p, eb - p
    if n_a == n_b or n_a == 0 or n_b == 0 or n_a * n_b > ALIGN_LIMIT:
        yield from _positional(a, b, p, p, n_a, n_b, skip)
    else:
        fa = list(map(_dumps, a[p:ea]))
        fb = list(map(_dumps, b[p:eb]))
        matcher = difflib.SequenceMatcher(None, fa, fb, autojunk=False)
        for _op, i1, i2, j1, j2 in matcher.get_opcodes():
            # equal runs pair up; replace / insert / delete pair in order, surplus +/-
            yield from _positional(a, b, p + i1, p + j1, i2 - i1, j2 - j1, skip)
    if not skip:
        yield from _positional(a, b, ea, eb, s, s, skip)


def _pair_list(a: list[Any], b: list[Any], prune: bool) -> tuple[_Node, _Node]:
    return _build_list(a, b, _list_pairs(a, b, prune), prune)


def _build_list(a: list[Any], b: list[Any], pairs: _Pairs, prune: bool) -> tuple[_Node, _Node]:
    na, nb = _ListNode(a), _ListNode(b)
    for i, j, rank in pairs:
        if i is not None and j is not None:
            _put(na, nb, Index(i, j, rank), a[i], b[j], prune)
        elif i is not None:
            na[Index(i, None, rank)] = _whole(a[i])
        elif j is not None:
            nb[Index(None, j, rank)] = _whole(b[j])
    return na, nb


# --- the result ------------------------------------------------------------------------------


def _variant_tag(value: Any) -> str | None:
    return next(iter(value)) if _kind(value) == _VARIANT else None


@dataclass(frozen=True)
class Change:
    """One difference between two states.

    Attributes
    ----------
    path : str
        Human-readable Elm-flavoured path (see the module docstring), e.g. ``.issues[17].title``.
    kind : ChangeKind
        ``added``, ``removed``, ``changed``, ``tag_changed``, ``maybe_became_just`` or
        ``maybe_became_nothing``.
    old, new : Any
        The complete JSON values (parsed) before and after; :data:`ABSENT` for the missing side
        of ``added`` / ``removed``. For tag changes these are the whole custom-type values.
    segments : tuple of Segment
        The path as typed segments (:class:`Field`, :class:`DictKey`, :class:`SetMember`,
        :class:`Index`, :class:`Tag`), unambiguous where the text is not.
    """

    path: str
    kind: ChangeKind
    old: Any = ABSENT
    new: Any = ABSENT
    segments: tuple[Segment, ...] = ()

    def __hash__(self) -> int:
        return hash((self.path, self.kind, _compact(self.old), _compact(self.new)))

    @property
    def old_tag(self) -> str | None:
        """The custom-type tag of ``old``, if it is a custom-type value."""
        return _variant_tag(self.old)

    @property
    def new_tag(self) -> str | None:
        """The custom-type tag of ``new``, if it is a custom-type value."""
        return _variant_tag(self.new)

    def to_json(self) -> dict[str, Any]:
        """JSON-able form: path, kind, segments and the present sides of old / new."""
        out: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "segments": [s.to_json() for s in self.segments],
        }
        if self.old is not ABSENT:
            out["old"] = self.old
        if self.new is not ABSENT:
            out["new"] = self.new
        return out


_SYMBOL = {"added": "+", "removed": "-"}
_KIND_NOTE = {
    "tag_changed": "tag",
    "maybe_became_just": "Nothing -> Just",
    "maybe_became_nothing": "Just -> Nothing",
}


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "\u2026"


class StateDiff:
    """The differences between two Elm states, sorted in document order.

    Truthy when there is at least one change. Iterating yields :class:`Change` objects.

    Parameters
    ----------
    changes : iterable of Change
        Already sorted.
    old_label, new_label : str
        Names of the two sides, used in text and HTML.
    """

    #: Changes listed by ``_repr_pretty_``; the rest are counted.
    PRETTY_LIMIT = 20
    #: Rows shown by ``_repr_html_``; the rest are counted.
    HTML_LIMIT = 200
    #: Above this many changes the HTML table starts collapsed.
    HTML_COLLAPSE_AT = 20

    def __init__(
        self, changes: Iterable[Change], *, old_label: str = "old", new_label: str = "new"
    ) -> None:
        self._changes = tuple(changes)
        self.old_label = old_label
        self.new_label = new_label

    # -- collection --

    @property
    def changes(self) -> list[Change]:
        """The changes, in document order (a new list each time)."""
        return list(self._changes)

    @property
    def is_empty(self) -> bool:
        """True when the two states are equal (in Elm terms)."""
        return not self._changes

    def __bool__(self) -> bool:
        return bool(self._changes)

    def __len__(self) -> int:
        return len(self._changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self._changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StateDiff):
            return NotImplemented
        return self._changes == other._changes

    __hash__ = None  # type: ignore[assignment]

    # -- summaries and tables --

    def summary(self) -> dict[str, int]:
        """Counts per change kind, every kind present (zeros included), in :data:`KINDS` order."""
        counts: dict[str, int] = dict.fromkeys(KINDS, 0)
        for c in self._changes:
            counts[c.kind] += 1
        return counts

    def _summary_text(self) -> str:
        n = len(self._changes)
        head = f"StateDiff {self.old_label} -> {self.new_label}: "
        if n == 0:
            return head + "no changes"
        parts = [f"{v} {k.replace('_', ' ')}" for k, v in self.summary().items() if v]
        return head + f"{n} change{'s' if n != 1 else ''} ({', '.join(parts)})"

    def to_frame(self) -> pd.DataFrame:
        """A DataFrame with columns ``path``, ``kind``, ``old``, ``new`` (complete values;
        None for the missing side of added / removed)."""
        import pandas as pd

        def side(values: Iterable[Any]) -> pd.Series:
            return pd.Series([None if v is ABSENT else v for v in values], dtype=object)

        return pd.DataFrame(
            {
                "path": pd.Series([c.path for c in self._changes], dtype=str),
                "kind": pd.Series([c.kind for c in self._changes], dtype=str),
                "old": side(c.old for c in self._changes),
                "new": side(c.new for c in self._changes),
            }
        )

    def to_json(self) -> dict[str, Any]:
        """A stable JSON-able form (``format``, labels, ``summary``, ``changes``)."""
        return {
            "format": JSON_FORMAT,
            "old_label": self.old_label,
            "new_label": self.new_label,
            "summary": self.summary(),
            "changes": [c.to_json() for c in self._changes],
        }

    # -- text --

    @staticmethod
    def _change_line(c: Change, width: int) -> str:
        sym = _SYMBOL.get(c.kind, "~")
        if c.kind == "added":
            detail = _truncate(_compact(c.new), width)
        elif c.kind == "removed":
            detail = _truncate(_compact(c.old), width)
        else:
            detail = f"{_truncate(_compact(c.old), width)} -> {_truncate(_compact(c.new), width)}"
        note = _KIND_NOTE.get(c.kind)
        if c.kind == "tag_changed":
            note = f"tag {c.old_tag} -> {c.new_tag}"
        return f"{sym} {c.path}: {detail}" + (f"  [{note}]" if note else "")

    def to_text(self, limit: int | None = None, width: int = 80) -> str:
        """Readable text: a summary line, then one line per change.

        Parameters
        ----------
        limit : int, optional
            Show at most this many changes, then ``... N more``.
        width : int
            Values longer than this are cut (display only).
        """
        shown = self._changes if limit is None else self._changes[:limit]
        lines = [self._summary_text()]
        lines += ["  " + self._change_line(c, width) for c in shown]
        if len(shown) < len(self._changes):
            lines.append(f"  ... {len(self._changes) - len(shown)} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<{self._summary_text()}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.to_text(limit=self.PRETTY_LIMIT))

    # -- HTML --

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_html(self, limit: int | None = None, width: int = 200) -> str:
        """An HTML table (escaped), at most ``limit`` rows (default :attr:`HTML_LIMIT`),
        collapsed in ``<details>`` when there are many changes."""
        limit = self.HTML_LIMIT if limit is None else limit
        esc = html.escape
        head = f"<p><b>{esc(self._summary_text())}</b></p>"
        if not self._changes:
            return f'<div class="elmreplay-statediff">{head}</div>'

        def cell(v: Any) -> str:
            return "" if v is ABSENT else f"<code>{esc(_truncate(_compact(v), width))}</code>"

        rows = [
            f"<tr><td><code>{esc(c.path)}</code></td><td>{esc(c.kind)}</td>"
            f"<td>{cell(c.old)}</td><td>{cell(c.new)}</td></tr>"
            for c in self._changes[:limit]
        ]
        more = len(self._changes) - len(rows)
        if more > 0:
            rows.append(
                f'<tr><td colspan="4">\u2026 {more} more (see .to_frame())</td></tr>'
            )
        table = (
            '<table style="text-align:left"><thead><tr><th>path</th><th>kind</th>'
            f"<th>{esc(self.old_label)}</th><th>{esc(self.new_label)}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        if len(self._changes) > self.HTML_COLLAPSE_AT:
            table = f"<details><summary>{len(self._changes)} changes</summary>{table}</details>"
        return f'<div class="elmreplay-statediff">{head}{table}</div>'


# --- DeepDiff and back -----------------------------------------------------------------------


def _value(v: Any) -> Any:
    return v.raw if isinstance(v, _Node) else v


def _changes_from_deepdiff(na: Any, nb: Any) -> list[Change]:
    tree = DeepDiff(
        na,
        nb,
        view="tree",
        threshold_to_diff_deeper=0,  # never report a whole dict: pruning changes the key ratio
        ignore_private_variables=False,
        cache_size=0,
    )
    out: list[tuple[tuple[Any, ...], Change]] = []
    tag_pairs: dict[tuple[Any, ...], dict[str, Any]] = {}
    for report, levels in tree.items():
        for level in levels:
            segs = tuple(level.path(output_format="list"))
            if segs and isinstance(segs[-1], Tag):
                # A tag change arrives as the old tag removed and the new tag added.
                side = "old" if report.endswith("_removed") else "new"
                t = level.up.t1 if side == "old" else level.up.t2
                tag_pairs.setdefault(segs[:-1], {})[side] = t.raw
                continue
            last = segs[-1] if segs else None
            if report.endswith("_added"):
                new = last.value if isinstance(last, SetMember) else _value(level.t2)
                change = Change(_render_path(segs), "added", ABSENT, new, segs)
            elif report.endswith("_removed"):
                old = last.value if isinstance(last, SetMember) else _value(level.t1)
                change = Change(_render_path(segs), "removed", old, ABSENT, segs)
            else:
                change = Change(
                    _render_path(segs), "changed", _value(level.t1), _value(level.t2), segs
                )
            out.append((segs, change))
    for segs, sides in tag_pairs.items():
        old, new = sides["old"], sides["new"]
        tags = (_variant_tag(old), _variant_tag(new))
        kind: ChangeKind = (
            "maybe_became_nothing"
            if tags == ("Just", "Nothing")
            else "maybe_became_just"
            if tags == ("Nothing", "Just")
            else "tag_changed"
        )
        out.append((segs, Change(_render_path(segs), kind, old, new, segs)))
    out.sort(key=lambda sc: tuple(_segment_sort_key(s) for s in sc[0]))
    return [c for _, c in out]


def _diff(old: Any, new: Any, old_label: str, new_label: str, prune: bool) -> StateDiff:
    if prune and type(old) is type(new) and isinstance(old, (str, bytes)) and old == new:
        return StateDiff((), old_label=old_label, new_label=new_label)
    a, b = _parse(old, old_label), _parse(new, new_label)
    if prune and _same(a, b):
        return StateDiff((), old_label=old_label, new_label=new_label)
    na, nb = _pair(a, b, prune)
    return StateDiff(_changes_from_deepdiff(na, nb), old_label=old_label, new_label=new_label)


def diff_states(
    old: str | bytes | Any,
    new: str | bytes | Any,
    *,
    old_label: str = "old",
    new_label: str = "new",
) -> StateDiff:
    """Compare two serialized Elm states the way an Elm programmer reads them.

    Parameters
    ----------
    old, new : str, bytes or parsed JSON
        A ``str`` / ``bytes`` is JSON text (``serializeState`` output); anything else is taken
        as an already parsed JSON value (dict, list, str, int, float, bool, None).
    old_label, new_label : str
        Names of the sides in text and HTML (e.g. ``"step 41"``, ``"step 42"``).

    Returns
    -------
    StateDiff
        Empty (falsy) when the states are equal.

    Raises
    ------
    InvalidStateJson
        A text side is not JSON.

    Notes
    -----
    Dicts, Sets, custom types and ``Maybe`` are recognised from their JSON shape; the module
    docstring gives the exact rules and the path syntax. The cost is proportional to what
    changed (plus C-speed scans of the differing containers), not to the state's size.
    """
    return _diff(old, new, old_label, new_label, prune=True)


def _reference_diff_states(
    old: str | bytes | Any,
    new: str | bytes | Any,
    *,
    old_label: str = "old",
    new_label: str = "new",
) -> StateDiff:
    """The same Elm semantics with nothing skipped: every value goes through DeepDiff.

    Slow; it exists so tests and the benchmark can check :func:`diff_states` against it.
    """
    return _diff(old, new, old_label, new_label, prune=False)
