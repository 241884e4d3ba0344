"""Hashes as people type them: a unique prefix (as ``git`` takes), case-insensitive, with the
``…`` that ``summary`` prints after a shortened hash tolerated.

A prefix that matches nothing, or more than one candidate, is an
:class:`~elmreplay.errors.AmbiguousHash` naming what it was looked up among (and, when ambiguous,
the first candidates).
"""

from __future__ import annotations

from typing import Iterable

from ..errors import AmbiguousHash

__all__ = ["MIN_PREFIX", "normalize", "prefix_range", "resolve"]

#: Shortest prefix accepted (git's default abbreviation is 7; 4 is git's minimum).
MIN_PREFIX = 4
FULL = 64


def normalize(text: str, *, what: str = "hash") -> str:
    """Lower-case hex without the ``…`` / ``...`` of a shortened display."""
    h = str(text).strip().rstrip("…").rstrip(".").strip().lower()
    if not h or any(c not in "0123456789abcdef" for c in h) or len(h) > FULL:
        raise AmbiguousHash(f"Not a {what} (hex digits, at most {FULL}): {text!r}")
    if len(h) < MIN_PREFIX:
        raise AmbiguousHash(f"A {what} prefix needs at least {MIN_PREFIX} hex digits: {text!r}")
    return h


def prefix_range(prefix: str) -> tuple[int, int]:
    """The half-open range of the first 8 bytes (as a big-endian integer) of every hash that
    starts with ``prefix`` (normalized)."""
    head = prefix[:16]
    shift = 4 * (16 - len(head))
    lo = int(head, 16) << shift
    return lo, lo + (1 << shift)


def resolve(text: str, candidates: Iterable[str], *, what: str = "hash") -> str:
    """The one candidate that ``text`` is a prefix of."""
    h = normalize(text, what=what)
    found = sorted({c.lower() for c in candidates if c.lower().startswith(h)})
    return one(text, found, what=what)


def one(text: str, found: list[str], *, what: str) -> str:
    """``found`` must hold exactly one match for ``text``."""
    if len(found) == 1:
        return found[0]
    if not found:
        raise AmbiguousHash(f"No {what} starts with {text!r}")
    shown = ", ".join(f[:16] + "…" for f in found[:5]) + (", …" if len(found) > 5 else "")
    raise AmbiguousHash(f"{len(found)} {what}es start with {text!r}: {shown}; give more digits")
