"""Opening a store again in another process from the log this process read (parallel verify's
workers): the same store without reading every record again, and never a stale one."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest

from elmreplay.store import open_store
from elmreplay.store import store as store_module
from elmreplay.store.store import read_log, reopen_store
from elmreplay.store.writer import WriterEra

from .helpers import build_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=[WriterEra.E1, WriterEra.E3, WriterEra.E5], ids=["E1", "E3", "E5"])
def store_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return build_scenario(tmp_path / "store", request.param).path


def shipped(path: Path) -> store_module.ReadLog:
    """The log of the store at ``path`` as a worker receives it (pickled)."""
    read = read_log(open_store(path))
    assert read is not None
    return pickle.loads(pickle.dumps(read))  # type: ignore[no-any-return]


def test_the_reopened_store_is_the_store_and_reads_no_record_again(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = open_store(store_path)
    read = shipped(store_path)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the log was read again")

    monkeypatch.setattr(store_module, "read_composition_log", no_reading)
    again = reopen_store(store_path, read)
    assert again is not None
    assert again.records.hashes() == original.records.hashes()
    assert again.head_hash == original.head_hash
    assert [r.raw for r in again.records] == [r.raw for r in original.records]  # (each hash checked again)
    pd.testing.assert_frame_equal(again.events(), original.events())
    pd.testing.assert_frame_equal(again.deployments(), original.deployments())
    hashes = original.records.hashes()
    assert [again.index_of_hash[h] for h in hashes] == [original.index_of_hash[h] for h in hashes]  # (rebuilt there)


def test_a_log_file_changed_since_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "tracker"
    shutil.copytree(ROOT / "sample_histories" / "tracker" / "store", path)  # a copy of our own to change
    read = shipped(path)
    assert reopen_store(path, read) is not None
    newest = max(p for p in (path / "composition-log" / "literal").rglob("*") if p.is_file())
    stat = newest.stat()
    os.utime(newest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # same bytes, touched
    assert reopen_store(path, read) is None
    os.utime(newest, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert reopen_store(path, read) is not None
    extra = newest.parent / "2099-01-01T00-00"  # (a log file the store did not have)
    extra.write_bytes(b"")
    assert reopen_store(path, read) is None


def test_another_store_at_the_path_is_not_taken_for_it(tmp_path: Path) -> None:
    read = shipped(ROOT / "sample_histories" / "tracker" / "store")
    other = tmp_path / "counter"
    shutil.copytree(ROOT / "sample_histories" / "counter" / "store", other)
    assert reopen_store(other, read) is None
