"""Loads shared with worker processes give exactly what a load in one process gives.

The worker threshold is lowered so that these small stores are shared; every comparison is
against the same store read with workers turned off (``ELMREPLAY_WORKERS=0``).
"""

from __future__ import annotations

import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from elmreplay.errors import BrokenParentChain, CorruptRecord
from elmreplay.store import linescan, recordtable, workers
from elmreplay.store.files import DirectoryFiles, OverlayFiles
from elmreplay.store.store import Store
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import MINUTE, T0, http_event, task_event, time_event

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"


def _big_mixed_store(root: Path) -> list[str]:
    """Twelve log files: app events of three kinds, deploys, a set-state and reverts spread
    over them, so that every group of a split holds records of other kinds."""
    w = StoreWriter.new_store(root, WriterEra.E5)
    w.append_deploy({"a.txt": b"a"}, migrate=False, time_ms=T0)
    hashes: list[str] = []
    for k in range(240):
        minute = T0 + (k // 20) * MINUTE
        event = (http_event(T0 + k, uri=f"http://localhost/{k % 7}"), time_event(T0 + k), task_event(f"t{k}"))[k % 3]
        hashes.append(w.append_app_event(event, minute).record_hash)
        if k in (50, 170):
            w.append_deploy({"a.txt": b"b%d" % k}, migrate=True, time_ms=minute)
        if k == 90:
            w.append_set_state(b'{"n":1}', minute)
        if k in (120, 200):
            w.append_revert(hashes[k - 6], minute)
    return hashes


def _log_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "composition-log" / "literal").rglob("*") if p.is_file())


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """``shared(n)``: loads from now on use ``n`` workers, whatever the store's size."""
    monkeypatch.setattr(workers, "MIN_BYTES", 0)
    monkeypatch.setattr(workers, "HEAD_START_BYTES", 0)  # (else this process would take it all)

    def use(n: int) -> None:
        monkeypatch.setenv("ELMREPLAY_WORKERS", str(n))

    return use


def _read(root: Path, *, lenient: bool = False) -> tuple[Store, pd.DataFrame]:
    store = Store(DirectoryFiles(root), lenient=lenient)
    return store, store.events()


def _state(store: Store, events: pd.DataFrame) -> dict[str, Any]:
    """Everything a load gives, to compare."""
    table, log = store.records, store.log
    return {
        "digests": table.digest_bytes(),
        "kinds": bytes(table.kinds),
        "reverted": bytes(table.reverted),
        "revert_targets": table.revert_targets,
        "parents": table.parent_hashes(),
        "locations": table.locations(),
        "summary": store.summary(),
        "tail": (log.torn_tail, log.torn_tail_file, log.older_torn_tails),
        "stopped": None if log.stopped is None else (type(log.stopped), str(log.stopped)),
        "events": events,
    }


def _assert_same(a: dict[str, Any], b: dict[str, Any]) -> None:
    pd.testing.assert_frame_equal(a.pop("events"), b.pop("events"))
    assert a == b


def _compare(root: Path, shared: Callable[[int], None], n_workers: int, *, lenient: bool = False) -> dict[str, Any]:
    shared(0)
    alone = _state(*_read(root, lenient=lenient))
    shared(n_workers)
    with_workers = _state(*_read(root, lenient=lenient))
    expected = dict(alone)
    _assert_same(alone, with_workers)
    return expected


@pytest.fixture
def replies(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The replies workers gave (None where one failed), to check they really ran."""
    seen: list[object] = []
    original = workers.WorkerCall.result

    def result(self: workers.WorkerCall) -> Any:
        reply = original(self)
        seen.append(reply)
        return reply

    monkeypatch.setattr(workers.WorkerCall, "result", result)
    return seen


@pytest.mark.parametrize("n_workers", [1, 3])
def test_a_shared_load_equals_a_load_in_one_process(
    tmp_path: Path, shared: Callable[[int], None], replies: list[object], n_workers: int
) -> None:
    _big_mixed_store(tmp_path)
    assert len(_log_files(tmp_path)) == 12
    state = _compare(tmp_path, shared, n_workers)
    assert len(state["events"]) == 246
    # Both the scan and the events table were shared, and every worker answered.
    assert len(replies) == 2 * n_workers and all(r is not None for r in replies)


def test_torn_tails_of_older_and_newest_files_are_found_in_a_worker_share(tmp_path: Path, shared: Callable[[int], None]) -> None:
    _big_mixed_store(tmp_path)
    files = _log_files(tmp_path)
    for path in (files[-3], files[-1]):
        with open(path, "ab") as f:
            f.write(b'{"parentHashBase16":"ab')
    state = _compare(tmp_path, shared, 1)
    torn_tail, torn_file, older = state["tail"]
    assert torn_tail == b'{"parentHashBase16":"ab' and torn_file.endswith(files[-1].name)
    assert [n for _, n in older] == [23]


@pytest.mark.parametrize("lenient", [False, True])
def test_damage_in_a_worker_share_is_reported_as_in_one_process(
    tmp_path: Path, shared: Callable[[int], None], lenient: bool
) -> None:
    _big_mixed_store(tmp_path)
    last = _log_files(tmp_path)[-1]
    lines = last.read_bytes().split(b"\n")
    lines[3] = lines[3][:40]  # a torn line inside the file
    last.write_bytes(b"\n".join(lines))
    if lenient:
        state = _compare(tmp_path, shared, 1, lenient=True)
        assert state["stopped"][0] is CorruptRecord
        return
    errors = []
    for n in (0, 1):
        shared(n)
        with pytest.raises(CorruptRecord) as info:
            Store(DirectoryFiles(tmp_path))
        errors.append((str(info.value), info.value.path, info.value.line, info.value.record_hash))
    assert errors[0] == errors[1] and errors[0][2] == 4


def test_a_parent_that_skips_a_record_in_a_worker_share_is_a_broken_chain(tmp_path: Path, shared: Callable[[int], None]) -> None:
    _big_mixed_store(tmp_path)
    last = _log_files(tmp_path)[-1]
    lines = last.read_bytes().split(b"\n")
    lines[5] = lines[5].replace(lines[5][21:85], lines[3][21:85])  # names the record two before
    last.write_bytes(b"\n".join(lines))
    for n in (0, 1):
        shared(n)
        with pytest.raises(BrokenParentChain):
            Store(DirectoryFiles(tmp_path))


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-c", "import sys; sys.exit(3)"],  # fails
        [sys.executable, "-c", "print('not a reply')"],  # answers nonsense
        ["/nonexistent/python"],  # cannot start
        # is not a worker at all: writes without reading, never ends (stopped, not waited for)
        [sys.executable, "-c", "import sys, time; sys.stdout.write('x' * 100); sys.stdout.flush(); time.sleep(600)"],
    ],
    ids=["fails", "nonsense", "missing", "never-ends"],
)
def test_a_failing_worker_leaves_its_share_to_this_process(
    tmp_path: Path, shared: Callable[[int], None], monkeypatch: pytest.MonkeyPatch, replies: list[object], command: list[str]
) -> None:
    _big_mixed_store(tmp_path)
    monkeypatch.setattr(workers, "_worker_command", lambda: command)
    monkeypatch.setattr(workers, "_warned", False)
    with pytest.warns(RuntimeWarning, match="worker process") as warned:
        _compare(tmp_path, shared, 1)
    assert replies == [None, None] and len(warned) == 1  # (once per process)


_WRONG_REPLY = """
import json, sys
request = json.loads(sys.stdin.buffer.read())
if request["task"] == "scan" and WRONG == "short":  # one file's answer for several, hashes missing
    header = {"files": [{"lines": 5, "slow": [], "rest": 0, "stamp": None}]}
elif request["task"] == "scan":  # an answer per file, but not a file's answer
    header = {"files": [5 for _ in request["files"]]}
else:  # one run's answer, and too few values
    header = {"ok": [True], "columns": [[1]] * 6}
head = json.dumps(header).encode()
body = len(head).to_bytes(8, "big") + head
sys.stdout.buffer.write(len(body).to_bytes(8, "big") + body)
"""


@pytest.mark.parametrize("wrong", ["short", "shapeless"])
def test_a_well_formed_but_wrong_reply_is_not_used(
    tmp_path: Path, shared: Callable[[int], None], monkeypatch: pytest.MonkeyPatch, replies: list[object], wrong: str
) -> None:
    _big_mixed_store(tmp_path)
    script = f"WRONG = {wrong!r}" + _WRONG_REPLY
    monkeypatch.setattr(workers, "_worker_command", lambda: [sys.executable, "-c", script])
    _compare(tmp_path, shared, 1)
    assert len(replies) == 2 and all(r is not None for r in replies)  # (decoded, then refused)


def test_a_log_file_that_is_a_link_inside_the_store_is_read_by_this_process(
    tmp_path: Path, shared: Callable[[int], None], replies: list[object]
) -> None:
    _big_mixed_store(tmp_path)
    last = _log_files(tmp_path)[-1]
    moved = tmp_path / "elsewhere"
    last.rename(moved)
    os.symlink(moved, last)
    _compare(tmp_path, shared, 1)
    scan_reply = replies[0]
    assert isinstance(scan_reply, tuple) and scan_reply[0]["files"][-1] is None  # (refused: O_NOFOLLOW)


def test_the_sample_histories_load_alike(shared: Callable[[int], None]) -> None:
    stores = [p.parent for p in SAMPLES.glob("*/store/composition-log") if (p / "literal").is_dir()]
    assert stores
    for root in stores:
        _compare(root, shared, 1)


def test_no_worker_reads_an_in_memory_projection(tmp_path: Path, shared: Callable[[int], None]) -> None:
    _big_mixed_store(tmp_path)
    shared(1)
    files = OverlayFiles(DirectoryFiles(tmp_path))
    assert workers.local_files(files, [("a",)], 0) is None
    assert workers.local_files(DirectoryFiles(tmp_path), [("a",)], 0) is not None


def test_a_line_changed_before_this_process_reads_it_again_is_corrupt(tmp_path: Path) -> None:
    _big_mixed_store(tmp_path)
    scan = recordtable.LiteralScan()
    files = DirectoryFiles(tmp_path)
    segs = tuple(_log_files(tmp_path)[0].relative_to(tmp_path).parts)
    with pytest.raises(CorruptRecord, match="changed while the store was being opened"):
        recordtable._take_worker_file(files, segs, scan, b"\x00" * 64, {"slow": [0], "rest": 0, "stamp": None})
    assert scan.count == 0


def test_worker_count_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELMREPLAY_WORKERS", "2")
    assert workers.worker_count() == 2
    monkeypatch.setenv("ELMREPLAY_WORKERS", "none")
    assert workers.worker_count() == 0
    monkeypatch.delenv("ELMREPLAY_WORKERS")
    assert 0 <= workers.worker_count() <= workers.MAX_WORKERS
    # Embedded in another program, there is no interpreter to start: no workers.
    monkeypatch.setattr(sys, "executable", "/usr/bin/uwsgi")
    assert workers.worker_count() == 0


@given(st.lists(st.integers(0, 50), max_size=40), st.integers(1, 5), st.floats(0.05, 0.95))
def test_split_by_weight_cuts_in_order_into_non_empty_groups(weights: list[int], parts: int, first: float) -> None:
    items = list(range(len(weights)))
    groups = workers.split_by_weight(items, weights, parts, first)
    assert [i for g in groups for i in g] == items
    assert all(groups) and len(groups) <= parts
    assert (groups == []) == (items == [])


@given(st.integers(0, 10**9), st.integers(2, 4), st.floats(0.5, 2.0), st.integers(0, 10**9))
def test_own_share_takes_the_head_start_then_its_weighted_part(total: int, parts: int, own_weight: float, head: int) -> None:
    share = workers.own_share(total, parts, own_weight, head)
    proportional = own_weight / (own_weight + parts - 1)
    assert 0.0 <= share <= 1.0
    if total == 0 or head >= total:
        assert share == 1.0
    else:
        assert share * total >= head - 1e-6 and share >= proportional - 1e-9
        assert share * total == pytest.approx(head + (total - head) * proportional, rel=1e-9, abs=1e-6)
    assert workers.own_share(total, parts, own_weight, 0) == (pytest.approx(proportional) if total else 1.0)


@given(st.lists(st.one_of(st.none(), st.sampled_from(["GET", "POST"]), st.text(max_size=3)), max_size=30))
def test_a_column_sent_by_a_worker_decodes_to_its_values(values: list[str | None]) -> None:
    assert linescan.decode_column(linescan.encode_column(values)) == values


def test_a_worker_reply_survives_the_round_trip() -> None:
    reply = linescan.encode_reply({"files": [None, {"lines": 2}]}, b"\x01\x02")
    assert int.from_bytes(reply[:8], "big") == len(reply) - 8
    header, payload = linescan.decode_reply(reply[8:])
    assert header == {"files": [None, {"lines": 2}]} and bytes(payload) == b"\x01\x02"
    with pytest.raises(ValueError):
        linescan.decode_reply(linescan.encode_reply({"a": 1}, b"")[8:-2])



@pytest.mark.parametrize("inherited", [None, "/nonexistent-elmreplay-dir"])
def test_a_worker_starts_without_the_site_module_and_answers(monkeypatch: pytest.MonkeyPatch, inherited: str | None) -> None:
    """Workers start with ``-S`` (no .pth files to run) and find orjson by the path they are
    given, whatever PYTHONPATH the user set: a worker that could not import it would only
    warn, and every load would quietly run in one process."""
    if inherited is None:
        monkeypatch.delenv("PYTHONPATH", raising=False)
    else:
        monkeypatch.setenv("PYTHONPATH", inherited)
    monkeypatch.setattr(workers, "_warned", False)
    assert "-S" in workers._worker_command()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reply = workers.WorkerCall({"task": "scan", "files": [], "max_file_bytes": 1}).result()
    assert reply is not None and reply[0] == {"files": []}


def test_a_file_with_a_line_in_another_layout_is_read_with_checks(tmp_path: Path, shared: Callable[[int], None]) -> None:
    """Files whose plain lines are all in the host's layout have their events sliced out
    without checks later; a file with one line written otherwise never is."""
    _big_mixed_store(tmp_path)
    last = _log_files(tmp_path)[-1]
    lines = last.read_bytes().split(b"\n")
    lines[-2] = json.dumps(json.loads(lines[-2])).encode()  # ", " and ": " (the last record: no child)
    last.write_bytes(b"\n".join(lines))
    _compare(tmp_path, shared, 1)
    table = Store(DirectoryFiles(tmp_path)).records
    stamps = [table.host_layout_stamp(f) for f in range(len(table.literal_files))]
    assert stamps[-1] is None and all(s is not None for s in stamps[:-1])


def test_a_file_touched_after_opening_is_read_with_checks_again(tmp_path: Path) -> None:
    _big_mixed_store(tmp_path)
    store = Store(DirectoryFiles(tmp_path))
    before = store.events()
    assert store.records.host_layout_unchanged(3)
    path = tmp_path.joinpath(*store.records.literal_files[3])
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert not store.records.host_layout_unchanged(3)
    pd.testing.assert_frame_equal(store.events(), before)


def test_event_columns_in_the_host_layout_equal_the_checked_ones(tmp_path: Path) -> None:
    _big_mixed_store(tmp_path)
    table = Store(DirectoryFiles(tmp_path)).records
    for start, f, line, count in table.plain_spans(0, len(table) - 1):
        lines = table.span_lines(f, line, count)
        assert linescan.event_columns(lines, host_layout=True) == linescan.event_columns(lines)
    # A line not in that layout after all: the checked reading takes over.
    odd = json.dumps({"parentHashBase16": "0" * 64, "compositionEvent": {"UpdateElmAppStateForEvent": {"LiteralStringUtf8": "{}"}}})
    columns = linescan.event_columns([odd.encode()], host_layout=True)
    assert [list(c) for c in columns] == [[None], [None], [None], [None], [None], [None], [2]]
