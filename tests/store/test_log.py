"""The composition log of every layout, in append order, with the revert rule (store-format §1.2, §3.3, §3.4)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elmreplay.errors import CorruptRecord
from elmreplay.store import linescan, open_store
from elmreplay.store.components import blob_hash, blob_serial
from elmreplay.store.log import LAYOUT_CHAIN, LAYOUT_E0, LAYOUT_LITERAL, split_log_file
from elmreplay.store.records import RecordKind
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import (
    MINUTE,
    T0,
    host_visible,
    literal_event_record,
    log_file,
    put_component,
    record_json,
    time_event,
    write_e0_store,
    write_file,
)

# --- splitting literal log files ----------------------------------------------------------------


def test_split_examples() -> None:
    assert split_log_file(b"") == ([], b"")
    assert split_log_file(b"a\nb\n") == ([b"a", b"b"], b"")
    assert split_log_file(b"a\nb\n{\"par") == ([b"a", b"b"], b'{"par')
    assert split_log_file(b"a\n\nb\n") == ([b"a", b"", b"b"], b"")
    # CR is part of the record (E5' splits on LF only).
    assert split_log_file(b"a\r\nb\n") == ([b"a\r", b"b"], b"")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_split_invariants(data: bytes) -> None:
    records, tail = split_log_file(data)
    assert b"".join(r + b"\n" for r in records) + tail == data
    assert len(records) == data.count(b"\n")
    assert all(b"\n" not in r for r in records) and b"\n" not in tail


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=20).map(lambda b: b.replace(b"\n", b""))), st.binary(max_size=10).map(lambda b: b.replace(b"\n", b"")))
def test_split_recovers_appended_records(records: list[bytes], tail: bytes) -> None:
    assert split_log_file(b"".join(r + b"\n" for r in records) + tail) == (records, tail)


# --- the §3.4 skip rule -------------------------------------------------------------------------


def revert_record(target: str, parent: str) -> bytes:
    return record_json(RecordKind.REVERT, {"HashBase16": target}, parent)


def write_literal_store(root: Path, files: list[list[str | tuple[str, str]]]) -> list[str]:
    """Hand-write literal log files; each item is an event name or ("revert", name-of-target)."""
    names: dict[str, str] = {}
    parent: str | None = None
    hashes: list[str] = []
    for minute, items in enumerate(files):
        lines = []
        for item in items:
            if isinstance(item, tuple):
                raw = revert_record(names[item[1]], parent or "")
                name = f"revert->{item[1]}#{len(hashes)}"
            else:
                raw = literal_event_record(time_event(T0 + len(hashes)), parent)
                name = item
            h = blob_hash(raw)
            names[name] = h
            hashes.append(h)
            lines.append(raw)
            parent = h
        write_file(root, log_file(minute * 1440), b"".join(r + b"\n" for r in lines))  # one file per day
    return hashes


@pytest.mark.parametrize(
    "files",
    [
        # target in the same file
        [["a", "b", "c", ("revert", "a"), "d"]],
        # target in an older file; the revert is the first line of a newer file
        [["a", "b"], ["c"], [("revert", "a"), "d"]],
        # nested: the second revert spans the first one
        [["a", "b", "c"], [("revert", "b"), "d"], ["e", ("revert", "a"), "f"]],
        # a revert to a revert (which itself reverted)
        [["a", "b", "c"], [("revert", "b"), "d", "e"]],
        # a revert to a record that an earlier revert made invisible
        [["a", "b", "c", ("revert", "a"), "d", ("revert", "c"), "e"]],
        # two reverts in a row
        [["a", "b"], [("revert", "a"), ("revert", "b")]],
    ],
)
def test_literal_revert_rule_matches_the_host(tmp_path: Path, files: list[list[str | tuple[str, str]]]) -> None:
    hashes = write_literal_store(tmp_path, files)
    store = open_store(tmp_path)
    recs = store.records
    assert [r.hash for r in recs] == hashes
    expected = host_visible(hashes, [r.revert_target for r in recs])
    assert [not r.reverted for r in recs] == expected
    assert any(r.reverted for r in recs)


def test_revert_to_a_revert(tmp_path: Path) -> None:
    """a b c R1(->b) d R2(->R1): d is invisible, R1 visible again, so c stays invisible."""
    w = StoreWriter.new_store(tmp_path, WriterEra.E5)
    a = w.append_app_event(time_event(1), T0)
    b = w.append_app_event(time_event(2), T0)
    w.append_app_event(time_event(3), T0)
    r1 = w.append_revert(b.record_hash, T0 + MINUTE)
    w.append_app_event(time_event(4), T0 + MINUTE)
    w.append_revert(r1.record_hash, T0 + 2 * MINUTE)
    assert [r.reverted for r in open_store(tmp_path).records] == [False, False, True, False, True, False]
    assert a.record_hash == open_store(tmp_path).records[0].hash


# --- clock, torn tail ---------------------------------------------------------------------------


def test_clock_jumping_backwards_keeps_appending_to_the_newest_file(tmp_path: Path) -> None:
    """Scenario §11.17."""
    w = StoreWriter.new_store(tmp_path, WriterEra.E5)
    late = T0 + 3 * 1440 * MINUTE  # three days later
    w.append_app_event(time_event(1), late)
    w.append_app_event(time_event(2), T0)  # the clock jumped back by days
    w.append_app_event(time_event(3), T0 + MINUTE)
    w.append_app_event(time_event(4), late + MINUTE)  # forward again: a new, later file
    log_files = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "composition-log").rglob("*") if p.is_file())
    assert log_files == ["composition-log/literal/2021-07-16/2021-07-16T12-40", "composition-log/literal/2021-07-16/2021-07-16T12-41"]
    store = open_store(tmp_path)
    assert [json.loads(store.event_json(i))["ArrivedAtTimeEvent"]["posixTimeMilli"] for i in range(4)] == [1, 2, 3, 4]
    assert [r.location.line for r in store.records] == [1, 2, 3, 1]


def test_torn_tail_is_dropped_and_reported(tmp_path: Path) -> None:
    """Scenario §11.18."""
    w = StoreWriter.new_store(tmp_path, WriterEra.E5)
    w.append_app_event(time_event(1), T0)
    last = w.append_app_event(time_event(2), T0 + MINUTE)
    w.append_torn(b'{"parentHashBase16":"' + last.record_hash[:20].encode(), T0 + MINUTE)
    store = open_store(tmp_path)
    assert len(store) == 2 and store.head_hash == last.record_hash
    assert store.log.torn_tail.startswith(b'{"parentHashBase16"')
    s = store.summary()
    assert s["torn_tail_bytes"] == 41 and s["torn_tail_file"] == "/".join(log_file(1))
    assert "torn last append: 41 bytes" in repr(store)


def test_append_after_torn_tail_file_is_a_new_record_in_a_new_file(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path, WriterEra.E5)
    w.append_app_event(time_event(1), T0)
    w.append_torn(b"garbage", T0)
    with pytest.raises(ValueError):
        w.append_torn(b"with\nline feed", T0)
    assert open_store(tmp_path).log.torn_tail == b"garbage"


# --- head-hash chain (E1-E4) ------------------------------------------------------------------------


def write_chain(root: Path, raws: list[bytes], directory: str = "component") -> None:
    for raw in raws:
        write_file(root, (directory, blob_hash(raw)[:2], blob_hash(raw)), blob_serial(raw))
    write_file(root, ("composition-log-head-hash",), bytes.fromhex(blob_hash(raws[-1])))


def test_hand_written_chain_with_uppercase_parent_and_value_hashes(tmp_path: Path) -> None:
    event_hash = put_component(tmp_path, time_event(5).encode(), "component")
    first = record_json(RecordKind.UPDATE, {"HashBase16": event_hash.upper()})
    second = record_json(RecordKind.UPDATE, {"HashBase16": event_hash.upper()}, blob_hash(first).upper())
    write_chain(tmp_path, [first, second])
    store = open_store(tmp_path)
    assert [r.hash for r in store.records] == [blob_hash(first), blob_hash(second)]
    assert store.records[1].parent_hash == blob_hash(first)
    assert store.records[1].raw == second  # the exact bytes, uppercase and all
    assert store.event_json(1) == time_event(5)
    assert store.log.layouts == [LAYOUT_CHAIN]
    assert store.events()["parent_hash"].tolist()[1] == blob_hash(first)


def test_uppercase_parent_in_a_literal_log_line(tmp_path: Path) -> None:
    first = literal_event_record(time_event(1), None)
    second = literal_event_record(time_event(2), blob_hash(first).upper())
    write_file(tmp_path, log_file(), first + b"\n" + second + b"\n")
    store = open_store(tmp_path)
    assert store.records[1].parent_hash == blob_hash(first) and len(store) == 2


def test_truncated_chain_with_reduction_is_not_an_error(tmp_path: Path) -> None:
    """truncate-process-history deletes records older than a usable reduction (§10)."""
    raws = [record_json(RecordKind.SET_STATE, {"HashBase16": "aa" * 32})]
    for _ in range(3):
        raws.append(record_json(RecordKind.SET_STATE, {"HashBase16": "aa" * 32}, blob_hash(raws[-1])))
    write_chain(tmp_path, raws)
    oldest_kept = blob_hash(raws[2])
    (tmp_path / "component" / blob_hash(raws[1])[:2] / blob_hash(raws[1])).unlink()
    (tmp_path / "component" / blob_hash(raws[0])[:2] / blob_hash(raws[0])).unlink()
    write_file(tmp_path, ("provisional-reduction", oldest_kept), json.dumps({"reducedCompositionHashBase16": oldest_kept}).encode())
    store = open_store(tmp_path)
    assert [r.hash for r in store.records] == [blob_hash(r) for r in raws[2:]]
    assert store.log.truncated and store.summary()["truncated_history"]
    assert "history truncated" in repr(store)


def test_truncated_literal_log_with_revert_into_deleted_file(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path, WriterEra.E5)
    w.append_app_event(time_event(1), T0)
    a = w.append_app_event(time_event(2), T0)
    w.append_app_event(time_event(3), T0)
    w.append_revert(a.record_hash, T0 + MINUTE)
    head = w.append_app_event(time_event(4), T0 + MINUTE)
    w.write_reduction(head.record_hash, state_json=b"4", app_config_hash=None)
    # What truncate-process-history leaves: only the file holding the head (its reduction is usable).
    tmp_path.joinpath(*log_file(0)).unlink()
    store = open_store(tmp_path)
    assert len(store) == 2 and store.log.truncated


# --- E0 (2020-04-30 .. 2020-05-04) -----------------------------------------------------------------


def test_e0_jsonl_store(tmp_path: Path) -> None:
    lines = write_e0_store(tmp_path)
    store = open_store(tmp_path)
    assert store.log.layouts == [LAYOUT_E0] and store.era.startswith("E0")
    # E0 record hash = H(recordBytes), not the blob hash (§3.3).
    assert [r.hash for r in store.records] == [hashlib.sha256(line).hexdigest() for line in lines]
    assert store.records[0].parent_hash == hashlib.sha256(b"").hexdigest()
    assert [r.location.line for r in store.records] == [1, 3, 1]
    assert [store.event_json(i) for i in range(3)] == [time_event(i) for i in range(3)]
    assert not store.log.truncated


def test_e0_store_with_crlf_lines(tmp_path: Path) -> None:
    """E0 readers split on CR and LF and drop empty lines (§3.4)."""
    lines = write_e0_store(tmp_path, b"\r\n")
    store = open_store(tmp_path)
    assert [r.hash for r in store.records] == [hashlib.sha256(line).hexdigest() for line in lines]


def test_e0_crlf_line_numbers(tmp_path: Path) -> None:
    write_e0_store(tmp_path, b"\r\n")
    assert [r.location.line for r in open_store(tmp_path).records] == [1, 3, 1]


def test_e0_line_over_the_line_limit_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = write_e0_store(tmp_path)
    monkeypatch.setattr(linescan, "MAX_RECORD_BYTES", max(len(line) for line in lines) - 1)
    with pytest.raises(CorruptRecord, match="more than the reader's limit") as info:
        open_store(tmp_path)
    assert info.value.path == "composition-log/2020-04-30/2020-04-30T23.composition.jsonl" and info.value.line == 1


def test_e0_files_are_ignored_once_a_later_layout_exists(tmp_path: Path) -> None:
    write_e0_store(tmp_path)
    raw = literal_event_record(time_event(9), None)
    write_file(tmp_path, log_file(), raw + b"\n")
    store = open_store(tmp_path)
    assert [r.hash for r in store.records] == [blob_hash(raw)]
    assert store.log.ignored_legacy_files == 2 and store.log.layouts == [LAYOUT_LITERAL]


# --- mixed store: E4 chain continued by E5 literal files --------------------------------------------


def test_first_literal_record_naming_no_parent_after_a_chain_is_a_broken_chain(tmp_path: Path) -> None:
    """The first literal line must name the chain's head; ``"parentHashBase16":null`` does not
    (the fast path for plain lines must not take it for 'no record before')."""
    w = StoreWriter.new_store(tmp_path, WriterEra.E4)
    w.append_deploy({"a.txt": b"a"}, migrate=False, time_ms=T0)
    w.append_app_event(time_event(1), T0)
    w.era = WriterEra.E5
    w.append_app_event(time_event(2), T0 + MINUTE)
    log = next(p for p in (tmp_path / "composition-log" / "literal").rglob("*") if p.is_file())
    obj = json.loads(log.read_bytes())
    log.write_bytes(json.dumps({"parentHashBase16": None, "compositionEvent": obj["compositionEvent"]}, separators=(",", ":")).encode() + b"\n")
    from elmreplay.errors import BrokenParentChain

    with pytest.raises(BrokenParentChain) as e:
        open_store(tmp_path)
    assert e.value.line == 1 and "parentHashBase16 is None" in str(e.value)


def test_mixed_chain_then_literal_files(tmp_path: Path) -> None:
    w = StoreWriter.new_store(tmp_path, WriterEra.E4)
    _, config = w.append_deploy({"a.txt": b"a"}, migrate=False, time_ms=T0)
    c1 = w.append_app_event(time_event(1), T0)
    c2 = w.append_app_event(time_event(2), T0)
    w.append_revert(c1.record_hash, T0)
    w.era = WriterEra.E5
    l1 = w.append_app_event(time_event(3), T0 + MINUTE)
    l2 = w.append_app_event(time_event(4), T0 + MINUTE)
    store = open_store(tmp_path)
    assert store.log.layouts == [LAYOUT_CHAIN, LAYOUT_LITERAL]
    assert "over an E1-E4 head-hash chain" in store.era
    assert [r.layout for r in store.records] == [LAYOUT_CHAIN] * 4 + [LAYOUT_LITERAL] * 2
    assert store.records[4].parent_hash == store.records[3].hash
    assert [r.reverted for r in store.records] == [False, False, True, False, False, False]
    assert store.records[2].hash == c2.record_hash and store.head_hash == l2.record_hash
    # E4 events are blob components; E5 events are inline.
    assert store.records[1].parsed.event.value.hash_base16 is not None  # type: ignore[union-attr]
    assert store.records[4].parsed.event.value.literal_utf8 == time_event(3)  # type: ignore[union-attr]
    assert [store.event_json(i) for i in (1, 2, 4, 5)] == [time_event(i) for i in (1, 2, 3, 4)]
    assert l1.record_hash == store.records[4].hash and store.app_config(config).files == {"a.txt": b"a"}
    # The events table's columns built in bulk agree with the records, across both layouts.
    df = store.events()
    assert df["location"].tolist() == [str(r.location) for r in store.records]
    assert df["location"].tolist()[4:] == [f"{store.records[4].location.path}:{n}" for n in (1, 2)]
    assert df["parent_hash"].tolist() == [r.parent_hash if r.parent_hash else np.nan for r in store.records]
    assert df["record_hash"].tolist() == [r.hash for r in store.records]


def test_literal_revert_into_the_chain_does_not_carry_over(tmp_path: Path) -> None:
    """§3.4 caveat: a pending revert whose target is in the legacy chain is not carried into it;
    the host's enumeration restarts at the chain head, so chain records stay visible."""
    w = StoreWriter.new_store(tmp_path, WriterEra.E4)
    a = w.append_app_event(time_event(1), T0)
    w.append_app_event(time_event(2), T0)
    w.era = WriterEra.E5
    w.append_app_event(time_event(3), T0)
    w.append_revert(a.record_hash, T0)
    assert [r.reverted for r in open_store(tmp_path).records] == [False, False, True, False]


def test_torn_append_left_in_an_older_file_is_dropped_like_the_host(tmp_path: Path) -> None:
    """A host that crashed mid-append and restarted a minute later leaves a partial record at the
    end of what becomes an older file; the host's split drops it (§3.4), and so does the reader."""
    w = StoreWriter.new_store(tmp_path, WriterEra.E5)
    first = w.append_app_event(time_event(1), T0)
    w.append_torn(b'{"parentHashBase16":"' + first.record_hash.encode()[:20], T0)
    after = w.append_app_event(time_event(2), T0 + MINUTE)  # the restarted host: parent = last complete record
    store = open_store(tmp_path)
    assert [r.hash for r in store.records] == [first.record_hash, after.record_hash]
    assert store.log.torn_tail == b"" and store.log.older_torn_tails == [("/".join(log_file(0)), 41)]
    assert "torn append in an older log file: 41 bytes" in repr(store)
