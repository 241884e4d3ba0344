"""Read-only by construction: every public Store operation and the store CLI leave every file, mode,
mtime and directory listing unchanged, and never open anything inside the store for writing.

The suite runs as root, where chmod 0444/0555 does not stop writes, so each operation runs under
an audit of ``os.open``/``open``/``io.open`` and the mutating ``os`` functions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import pytest

from elmreplay.cli import main
from elmreplay.store import open_store
from elmreplay.store.records import DEPLOY_KINDS, RecordKind
from elmreplay.store.writer import StoreWriter, WriterEra

from .helpers import (
    T0,
    WriteAudit,
    build_scenario,
    make_read_only,
    make_writable,
    snapshot,
    time_event,
    write_e0_store,
)


def build_e5_torn(root: Path) -> None:
    sc = build_scenario(root, WriterEra.E5)
    w = StoreWriter.continuing(_Appender(root), open_store(root).log)
    w.append_torn(b'{"parentHash', T0 + 10 * 60_000)
    assert sc.steps


class _Appender:
    """A minimal sink appending to an existing test store (DirectorySink refuses non-empty dirs)."""

    def __init__(self, root: Path):
        self.root = root

    def read(self, segments: tuple[str, ...]) -> bytes | None:
        p = self.root.joinpath(*segments)
        return p.read_bytes() if p.exists() else None

    def write(self, segments: tuple[str, ...], data: bytes) -> None:
        p = self.root.joinpath(*segments)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    def append(self, segments: tuple[str, ...], data: bytes) -> None:
        p = self.root.joinpath(*segments)
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "ab") as f:
            f.write(data)


def build_mixed(root: Path) -> None:
    w = StoreWriter.new_store(root, WriterEra.E3)
    _, config = w.append_deploy({"big.txt": b"q" * 30_000, "a.elm": b"module A"}, migrate=False, time_ms=T0)
    r = w.append_app_event(time_event(1), T0)
    w.write_reduction(r.record_hash, state_json=b"1", app_config_hash=config, bom=True)
    w.era = WriterEra.E4
    w.append_set_state(b"2", T0)
    w.era = WriterEra.E5
    w.append_app_event(time_event(3), T0 + 60_000)
    w.append_revert(r.record_hash, T0 + 120_000)


BUILDERS: dict[str, Callable[[Path], object]] = {
    "E5-torn": build_e5_torn,
    "E2": lambda root: build_scenario(root, WriterEra.E2),
    "E3-E4-E5-mixed": build_mixed,
    "E0": write_e0_store,
}


@pytest.fixture(params=list(BUILDERS))
def ro_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "store"
    root.mkdir()
    BUILDERS[request.param](root)
    make_read_only(root)
    yield root
    make_writable(root)


def exercise_store_api(root: Path) -> None:
    """Every public Store operation, on every record, reduction and app config."""
    store = open_store(root)
    repr(store)
    store._repr_html_()
    json.dumps(store.summary())
    df = store.events()
    assert len(df) == len(store) > 0
    store.deployments()
    store.reductions(check_usable=True)
    for h in store.reduction_hashes:
        store.usable_reduction(h)
    for rec in store.records:
        assert rec.raw
        if rec.kind is RecordKind.UPDATE:
            store.event_json(rec.index)
        elif rec.kind is RecordKind.SET_STATE:
            store.set_state_json(rec.index)
        elif rec.kind in DEPLOY_KINDS and rec.parsed.event.value is not None:
            config = store.app_config(rec.parsed.event.value.hash_base16 or "")
            config.to_zip()


def exercise_cli(root: Path, out_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", str(root)]) == 0
    assert main(["summary", str(root), "--json"]) == 0
    assert main(["events", str(root)]) == 0
    for fmt in ("json", "csv", "parquet"):
        out = out_dir / f"events.{fmt}"
        assert main(["events", str(root), "--format", fmt, "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    assert main(["events", str(root), "--format", "json"]) == 0
    capsys.readouterr()


def test_every_operation_is_read_only(
    ro_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(ro_store)
    assert all(v[2] & 0o222 == 0 for v in before.values())  # really chmod'ed read-only
    audit = WriteAudit(ro_store).install(monkeypatch)
    exercise_store_api(ro_store)
    exercise_cli(ro_store, tmp_path, capsys)
    monkeypatch.undo()
    assert audit.violations == []
    assert audit.read_opens > 0  # the audit saw the reader's opens
    assert snapshot(ro_store) == before


def test_each_operation_alone_leaves_the_store_unchanged(ro_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash every file before and after each public operation separately."""
    store = open_store(ro_store)
    ops = {
        "open": lambda: open_store(ro_store),
        "repr": lambda: repr(store),
        "summary": store.summary,
        "events": store.events,
        "deployments": store.deployments,
        "reductions": lambda: store.reductions(check_usable=True),
        "event_json": lambda: [store.event_json(r.index) for r in store.records if r.kind is RecordKind.UPDATE],
    }
    for name, op in ops.items():
        before = snapshot(ro_store)
        with monkeypatch.context() as m:
            audit = WriteAudit(ro_store).install(m)
            op()
        assert audit.violations == [], name
        assert snapshot(ro_store) == before, name


def test_audit_and_snapshot_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "store"
    build_mixed(root)
    before = snapshot(root)
    with monkeypatch.context() as m:
        audit = WriteAudit(root).install(m)
        (root / "cache.tmp").write_bytes(b"x")
        os.close(os.open(root / "lock", os.O_WRONLY | os.O_CREAT))
        (root / "newdir").mkdir()
        with open(root / "composition-log-head-hash", "r+b"):
            pass
    assert len(audit.violations) == 4
    assert snapshot(root) != before


def test_snapshot_sees_content_changes(tmp_path: Path) -> None:
    root = tmp_path / "store"
    build_mixed(root)
    before = snapshot(root)
    head = root / "composition-log-head-hash"
    st = os.stat(head)
    head.write_bytes(bytes(32))
    os.utime(head, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the mtime put back
    assert snapshot(root) != before


def test_events_frame_is_a_copy(ro_store: Path) -> None:
    """Mutating a returned DataFrame does not change what the store returns next."""
    store = open_store(ro_store)
    df = store.events()
    df.loc[df.index[0], "kind"] = "changed"
    assert store.events().loc[df.index[0], "kind"] != "changed"
    assert isinstance(df, pd.DataFrame)
