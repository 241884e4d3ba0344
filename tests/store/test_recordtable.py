"""The record table: columns read in one pass over the literal log files, records built on demand.

Checked against an independent reading of the same files (split, SHA-256 of each blob serial,
JSON), on stores whose plain app events are interleaved with records of other kinds.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elmreplay.errors import HashMismatch
from elmreplay.store.recordtable import HashIndex
from elmreplay.store.records import RecordKind
from elmreplay.store.store import open_store
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import MINUTE, T0, host_visible, http_event, time_event


def _independent(root: Path) -> list[tuple[str, bytes, str, int]]:
    """(hash, line, file, line number) of every record, read without elmreplay."""
    out = []
    base = root / "composition-log" / "literal"
    for path in sorted(p for p in base.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        for n, line in enumerate(path.read_bytes().split(b"\n")[:-1], start=1):
            out.append((hashlib.sha256(b"blob %d\x00" % len(line) + line).hexdigest(), line, rel, n))
    return out


def _mixed_store(root: Path) -> list[str]:
    """Deploy, app events over several log files, a set-state and a revert in between."""
    w = StoreWriter.new_store(root, WriterEra.E5)
    w.append_deploy({"a.txt": b"a"}, migrate=False, time_ms=T0)
    hashes = []
    for k in range(30):
        hashes.append(w.append_app_event(http_event(T0 + k, uri=f"http://localhost/{k}"), T0 + (k // 7) * MINUTE).record_hash)
        if k == 11:
            w.append_set_state(b"{\"n\":1}", T0 + 2 * MINUTE)
        if k == 20:
            w.append_revert(hashes[15], T0 + 3 * MINUTE)
    return hashes


def test_columns_and_records_match_an_independent_reading(tmp_path: Path) -> None:
    _mixed_store(tmp_path)
    truth = _independent(tmp_path)
    table = open_store(tmp_path).records
    assert len(table) == len(truth) and len({f for _, _, f, _ in truth}) > 3
    assert table.hashes() == [h for h, _, _, _ in truth]
    assert table.parent_hashes() == [json.loads(line).get("parentHashBase16") for _, line, _, _ in truth]
    assert table.locations() == [f"{f}:{n}" for _, _, f, n in truth]
    for i, (h, line, f, n) in enumerate(truth):
        rec = table[i]
        assert (rec.index, rec.hash, rec.raw, rec.location.path, rec.location.line) == (i, h, line, f, n)
        assert table.kind(i) is rec.kind is RecordKind(next(iter(json.loads(line)["compositionEvent"])))
        assert rec.reverted == bool(table.reverted[i])
    assert table.indices_not_of_kind(RecordKind.UPDATE) == [i for i in range(len(table)) if table.kind(i) is not RecordKind.UPDATE]


def test_inline_events_and_plain_runs_skip_records_of_other_kinds(tmp_path: Path) -> None:
    _mixed_store(tmp_path)
    store = open_store(tmp_path)
    table = store.records
    breaks = table.indices_not_of_kind(RecordKind.UPDATE)
    assert len(breaks) == 3  # deploy, set-state, revert
    runs = [(start, table.span_lines(f, line, count)) for start, f, line, count in table.plain_spans(0, len(table) - 1)]
    covered = [i for start, lines in runs for i in range(start, start + len(lines))]
    assert covered == [i for i in range(len(table)) if i not in breaks]
    assert table.inline_events(breaks[0] + 1, breaks[1] - 1) == [store.event_json(i) for i in range(breaks[0] + 1, breaks[1])]
    assert table.inline_events(breaks[1] - 1, breaks[1] + 1) is None  # a set-state inside
    view = table.view(3, 9)
    assert [r.index for r in view] == list(range(3, 10)) and [r.index for r in view[2:4]] == [5, 6]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.just(None), st.integers(min_value=0, max_value=40)), min_size=1, max_size=40))
def test_revert_marks_match_the_host_rule(tmp_path_factory: pytest.TempPathFactory, steps: list[int | None]) -> None:
    """Random histories of app events and reverts to earlier records (by position)."""
    root = tmp_path_factory.mktemp("reverts")
    w = StoreWriter.new_store(root, WriterEra.E5)
    hashes: list[str] = []
    for k, step in enumerate(steps):
        if step is None or not hashes:
            hashes.append(w.append_app_event(time_event(k), T0 + k).record_hash)
        else:
            hashes.append(w.append_revert(hashes[step % len(hashes)], T0 + k).record_hash)
    table = open_store(root).records
    targets = [table.revert_targets.get(i) for i in range(len(table))]
    assert table.hashes() == hashes
    assert [not r for r in table.reverted] == host_visible(hashes, targets)


@given(st.lists(st.binary(min_size=32, max_size=32), max_size=60), st.data())
def test_hash_index_finds_the_last_occurrence(digests: list[bytes], data: st.DataObject) -> None:
    if digests:  # duplicates on purpose: a dict built in order keeps the last index
        digests += data.draw(st.lists(st.sampled_from(digests), max_size=5))
    index = HashIndex(b"".join(digests))
    expected = {d.hex(): i for i, d in enumerate(digests)}
    assert len(index) == len(digests)
    for h, i in expected.items():
        assert index[h] == i and h in index and index.get(h.upper()) == i
    other = data.draw(st.binary(min_size=32, max_size=32))
    assert index.get(other.hex()) == expected.get(other.hex())
    assert index.get("not a hash") is None and 12 not in index
    with pytest.raises(KeyError):
        index["00" * 31]


def test_a_record_changed_after_opening_is_a_hash_mismatch(tmp_path: Path) -> None:
    _mixed_store(tmp_path)
    store = open_store(tmp_path)
    path = tmp_path / store.records.location(5).path
    data = path.read_bytes()
    os.chmod(path, 0o644)
    path.write_bytes(data.replace(b"localhost/4", b"localhost/X", 1))  # same length, other bytes
    with pytest.raises(HashMismatch) as e:
        store.records[5]
    assert store.records.hash(5) in str(e.value) and e.value.line == 6  # the deploy is line 1


def test_event_tokens_are_the_event_strings_in_json_also_for_lines_in_another_layout(tmp_path: Path) -> None:
    _mixed_store(tmp_path)
    last_file = sorted(p for p in (tmp_path / "composition-log" / "literal").rglob("*") if p.is_file())[-1]
    lines = last_file.read_bytes().split(b"\n")
    # The newest record written with spaces and its keys in another order: same JSON, other bytes.
    obj = json.loads(lines[-2])
    lines[-2] = json.dumps({"compositionEvent": obj["compositionEvent"], "parentHashBase16": obj["parentHashBase16"]}, indent=1).replace("\n", " ").encode()
    os.chmod(last_file, 0o644)
    last_file.write_bytes(b"\n".join(lines))
    store = open_store(tmp_path)
    table = store.records
    last = len(table) - 1
    first = table.indices_not_of_kind(RecordKind.UPDATE)[-1] + 1
    tokens = table.inline_event_tokens(first, last)
    assert tokens is not None and len(tokens) == last - first + 1
    assert [json.loads(t) for t in tokens] == [store.event_json(i) for i in range(first, last + 1)] == table.inline_events(first, last)
    assert tokens[-1] != lines[-2][-len(tokens[-1]) - 3 : -3] or b" " not in lines[-2]  # the re-encoded one
    assert table.inline_event_tokens(0, last) is None  # the deploy is not an app event


def test_hash_index_is_a_mapping_in_append_order(tmp_path: Path) -> None:
    hashes = _mixed_store(tmp_path)
    store = open_store(tmp_path)
    index = store.index_of_hash
    assert list(index) == store.records.hashes() and len(index) == len(store.records)
    assert dict(index.items()) == {h: i for i, h in enumerate(store.records.hashes())}
    assert index.get(hashes[0]) == store.records.hashes().index(hashes[0]) and index.get("x", -1) == -1


def test_events_of_a_log_file_changed_after_opening_stop_at_it_or_raise(tmp_path: Path) -> None:
    """A plain line that no longer parses: strict events() names it, lenient lists the rows of the
    files before it (an IndexError from an empty list of stops used to surface here)."""
    from elmreplay.errors import CorruptRecord

    _mixed_store(tmp_path)
    store = open_store(tmp_path, lenient=True)
    table = store.records
    last_file = tmp_path / table.location(len(table) - 1).path
    os.chmod(last_file, 0o644)
    last_file.write_bytes(b"garbage\n" * last_file.read_bytes().count(b"\n"))
    with pytest.raises(CorruptRecord, match="changed since the store was opened"):
        store.events(lenient=False)
    df = store.events()
    first_of_last_file = len(table) - last_file.read_bytes().count(b"\n")
    assert 0 < len(df) <= first_of_last_file
    assert df.attrs["stopped"]["error"] == "CorruptRecord"
