"""When a record was written, as far as the store tells (store-format.md §0, §1.2).

Records carry no time of their own. What the store gives:

* literal log files (E5+, from 2021-07-14 ``a974765f``): the file name
  ``composition-log/literal/<yyyy-MM-dd>/<yyyy-MM-ddTHH-mm>`` holds the minute of the host clock
  (UTC by default) when the file was begun; a record in it was written in that minute or later
  (the writer keeps appending to the file that sorts last, so no later bound is taken).
* E0 log files (2020-04-30 .. 2020-05-04): ``composition-log/<day>/<day>T<HH>.composition.jsonl``,
  the hour of the host clock, within which the record was written.
* head-hash chain records (E1-E4, 2020-05-05 .. 2021-07-14) name no time; where the record's
  component lies bounds it: ``component/`` and ``deflated-component/`` were written by E1-E3
  hosts (before 2021-02-14 ``0d16829d``), ``literal-element/`` and ``deflated-literal-element/``
  by E4 hosts (2021-02-14 until the literal log took over on 2021-07-14).

:func:`record_time_bounds` returns the bounds and says where they come from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .records import Record

__all__ = ["TimeBounds", "record_time_bounds", "union_bounds"]

#: E1 (first head-hash chain writer, ``ab343834``).
CHAIN_BEGIN = datetime(2020, 5, 5, tzinfo=timezone.utc)
#: E4 (``0d16829d``): new components go to literal-element/ and deflated-literal-element/.
LITERAL_ELEMENT_BEGIN = datetime(2021, 2, 14, tzinfo=timezone.utc)
#: E5 (``a974765f``): records go to literal log files; the chain is only read from then on.
LITERAL_LOG_BEGIN = datetime(2021, 7, 14, tzinfo=timezone.utc)

_LITERAL_LOG = re.compile(r"composition-log/literal/\d{4}-\d\d-\d\d/(\d{4})-(\d\d)-(\d\d)T(\d\d)-(\d\d)$")
_E0_LOG = re.compile(r"composition-log/\d{4}-\d\d-\d\d/(\d{4})-(\d\d)-(\d\d)T(\d\d)\.composition\.jsonl$")
_CHAIN_DIRS = {
    "component": (CHAIN_BEGIN, LITERAL_ELEMENT_BEGIN),
    "deflated-component": (CHAIN_BEGIN, LITERAL_ELEMENT_BEGIN),
    "literal-element": (LITERAL_ELEMENT_BEGIN, LITERAL_LOG_BEGIN),
    "deflated-literal-element": (LITERAL_ELEMENT_BEGIN, LITERAL_LOG_BEGIN),
}


@dataclass(frozen=True)
class TimeBounds:
    """``earliest <= t < latest`` (UTC); None: unbounded on that side. ``source`` says why."""

    earliest: datetime | None
    latest: datetime | None
    source: str

    def describe(self) -> str:
        def fmt(t: datetime | None) -> str:
            return "?" if t is None else t.strftime("%Y-%m-%d %H:%M")

        return f"{fmt(self.earliest)} .. {fmt(self.latest)} UTC ({self.source})"


def _utc(year: str, month: str, day: str, hour: str, minute: str = "0") -> datetime:
    return datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=timezone.utc)


def record_time_bounds(record: Record) -> TimeBounds | None:
    """When ``record`` was written, from its location (see the module documentation); None
    when the location tells nothing."""
    path = record.location.path
    m = _LITERAL_LOG.search(path)
    if m:
        return TimeBounds(_utc(*m.groups()), None, f"log file {path}")
    m = _E0_LOG.search(path)
    if m:
        start = _utc(*m.groups())
        return TimeBounds(start, start + timedelta(hours=1), f"log file {path}")
    first = path.split("/", 1)[0]
    if first in _CHAIN_DIRS and record.layout == "head-hash-chain":
        earliest, latest = _CHAIN_DIRS[first]
        return TimeBounds(earliest, latest, f"head-hash chain record in {first}/")
    return None


def union_bounds(bounds: list[TimeBounds]) -> TimeBounds | None:
    """The smallest interval holding all of ``bounds`` (None for an empty list)."""
    if not bounds:
        return None
    earliest = None if any(b.earliest is None for b in bounds) else min(b.earliest for b in bounds if b.earliest)
    latest = None if any(b.latest is None for b in bounds) else max(b.latest for b in bounds if b.latest)
    sources = sorted({b.source for b in bounds})
    return TimeBounds(earliest, latest, "; ".join(sources))
