"""When a record was written, from where the store keeps it (store-format.md §0, §1.2)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import elmreplay
from elmreplay.store.records import Record, RecordLocation
from elmreplay.store.recordtimes import TimeBounds, record_time_bounds, union_bounds

TRACKER = Path(__file__).resolve().parents[2] / "sample_histories" / "tracker" / "store"
UTC = timezone.utc


def record_at(path: str, layout: str, line: int | None = None) -> Record:
    store = elmreplay.open_store(str(TRACKER))
    return replace(store.log.records[0], location=RecordLocation(path, line), layout=layout)


def test_literal_log_file_names_give_the_minute() -> None:
    bounds = record_time_bounds(record_at("composition-log/literal/2021-08-09/2021-08-09T17-16", "literal-log", 3))
    assert bounds == TimeBounds(datetime(2021, 8, 9, 17, 16, tzinfo=UTC), None,
                                "log file composition-log/literal/2021-08-09/2021-08-09T17-16")


def test_e0_log_file_names_give_the_hour() -> None:
    bounds = record_time_bounds(record_at("composition-log/2020-05-01/2020-05-01T13.composition.jsonl", "jsonl-2020-04", 1))
    assert bounds is not None
    assert (bounds.earliest, bounds.latest) == (datetime(2020, 5, 1, 13, tzinfo=UTC), datetime(2020, 5, 1, 14, tzinfo=UTC))


def test_chain_records_are_bounded_by_their_writers_directory() -> None:
    h = "ab" * 32
    older = (datetime(2020, 5, 5, tzinfo=UTC), datetime(2021, 2, 14, tzinfo=UTC))
    newer = (datetime(2021, 2, 14, tzinfo=UTC), datetime(2021, 7, 14, tzinfo=UTC))
    for directory, expected in [("component", older), ("deflated-component", older),
                                ("literal-element", newer), ("deflated-literal-element", newer)]:
        bounds = record_time_bounds(record_at(f"{directory}/ab/{h}", "head-hash-chain"))
        assert bounds is not None and (bounds.earliest, bounds.latest) == expected, directory
        assert directory in bounds.source


def test_other_locations_tell_nothing() -> None:
    assert record_time_bounds(record_at("<bytes>", "literal-log")) is None
    assert record_time_bounds(record_at("component/ab/" + "ab" * 32, "literal-log")) is None
    assert record_time_bounds(record_at("composition-log/literal/x/2021-08-09T17", "literal-log")) is None


def test_union_holds_every_interval() -> None:
    a = TimeBounds(datetime(2021, 3, 1, tzinfo=UTC), datetime(2021, 4, 1, tzinfo=UTC), "a")
    b = TimeBounds(datetime(2021, 5, 1, tzinfo=UTC), None, "b")
    joined = union_bounds([a, b])
    assert joined == TimeBounds(a.earliest, None, "a; b")
    assert union_bounds([a]) == a and union_bounds([]) is None
