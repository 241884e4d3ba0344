"""What-if at a cut against an independent construction (issue 14).

The oracle for ``what_if_deploy(store, app, at=K)``: write, into an empty directory, a NEW store
holding exactly records 0..K of ``store`` (the same bytes, in the same log files), the
components and the reductions of those records, and nothing else; then run the what-if at the
head of that store. Both must give the same verdict, message, states and projected record.

The histories below hold every kind of cut the issue lists: before a later deploy, at and after
a reduction (among them one of a deploy record, which a projected record with the same bytes
must not pick up), after a set-state, inside and after a reverted range, the head, and the head
of a store with a torn tail; candidates cover migrate and init, accepted and rejected.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elmreplay.replay.recorder import Recorder
from elmreplay.replay.session import ReplaySession
from elmreplay.replay.whatif import WhatIfReport, what_if_deploy
from elmreplay.store import WriterEra, open_store
from elmreplay.store.log import HEAD_HASH_FILE
from elmreplay.store.recordtable import LAYOUT_CHAIN, LAYOUT_LITERAL
from elmreplay.store.store import Store
from elmreplay.store.writer import StoreWriter

from . import conftest
from .conftest import BUILDER, BUILDER_WITHOUT_MIGRATION, COUNTER, MINUTE, T0, http_event

Apps = conftest.TestApps

COMPONENT_DIRS = ("component", "deflated-component", "literal-element", "deflated-literal-element")
CANDIDATES = [
    ("builder-migrate", BUILDER, "migrate"),  # accepted on the counter, rejected on the builder
    ("counter-init", COUNTER, "init"),  # accepted
    ("no-migration-module", BUILDER_WITHOUT_MIGRATION, "migrate"),  # rejected
    ("builder-init", BUILDER, "init"),
]


def _events(first: int, minute: int, values: list[int]) -> list[tuple[str, int]]:
    """App events all in the same minute of host time (so they share a log file)."""
    t = T0 + minute * MINUTE
    return [(http_event(first + k, t + k, json.dumps({"addition": v})), t + k) for k, v in enumerate(values)]


def record_history(directory: Path, apps: conftest.TestApps, era: WriterEra) -> dict[str, int]:
    """A history with every kind of cut; returns the indices of its landmarks."""
    rec = Recorder(directory, apps.resolver(), era=era, reduction_every_events=4)
    marks: dict[str, int] = {}
    try:
        rec.deploy(COUNTER, migrate=False, time_ms=T0)
        rec.events(_events(1, 1, [1, 2, 3, 4, 5, 6]))
        keep = len(rec.records) - 1
        rec.set_state("100", time_ms=T0 + 2 * MINUTE)
        marks["set_state"] = len(rec.records) - 1
        rec.events(_events(8, 2, [7, 8, 9]))
        marks["reverted_last"] = len(rec.records) - 1
        rec.revert(rec.records[keep], time_ms=T0 + 3 * MINUTE)
        marks["revert"] = len(rec.records) - 1
        rec.events(_events(12, 3, [10, 11]))
        rec.deploy(BUILDER, migrate=True, time_ms=T0 + 4 * MINUTE)
        marks["deploy_migrate"] = len(rec.records) - 1
        # An admin operation right after the deploy: the host stored a reduction of the deploy record.
        rec.set_state('"x"', time_ms=T0 + 4 * MINUTE + 1)
        rec.events(_events(16, 5, [12, 13, 14]))
        if era.uses_literal_log:
            rec.torn_append(b'{"parentHashBase16":"00', time_ms=T0 + 5 * MINUTE)
    finally:
        rec.close()
    return marks


@pytest.fixture(scope="module")
def histories(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Store, dict[str, int]]]:
    apps = Apps()
    out = {}
    for name, era in (("2021", WriterEra.E5), ("2020", WriterEra.E3)):
        d = tmp_path_factory.mktemp(f"history-{name}") / "store"
        marks = record_history(d, apps, era)
        out[name] = (open_store(d), marks)
    return out


def oracle_store(store: Store, k: int, directory: Path) -> Store:
    """A new store holding exactly records 0..k of ``store``: same record bytes in the same log
    files (chain records as blobs with the head-hash file), the components, and the reductions
    of those records. Written with the writer's sink into an empty directory."""
    sink = StoreWriter.new_store(directory).sink
    later_chain = {store.records[i].hash for i in range(k + 1, len(store.records)) if store.records[i].layout == LAYOUT_CHAIN}
    for top in COMPONENT_DIRS:
        for segs in store.files.list_files((top,)):
            if segs[-1] not in later_chain:
                sink.write(segs, store.files.read(segs) or b"")
    for h in store.reduction_hashes:
        i = store.index_of_hash.get(h)
        if i is not None and i <= k:
            segs = ("provisional-reduction", h)
            sink.write(segs, store.files.read(segs) or b"")
    chain_head = None
    for i in range(k + 1):
        r = store.records[i]
        if r.layout == LAYOUT_LITERAL:
            sink.append(tuple(r.location.path.split("/")), r.raw + b"\n")
        else:
            assert r.layout == LAYOUT_CHAIN
            chain_head = r.hash
    if chain_head is not None:
        sink.write(HEAD_HASH_FILE, bytes.fromhex(chain_head))
    sink.close()  # type: ignore[attr-defined]
    oracle = open_store(directory)
    assert [oracle.records.hash(i) for i in range(len(oracle.records))] == [store.records.hash(i) for i in range(k + 1)]
    return oracle


def verdict(report: WhatIfReport) -> tuple[object, ...]:
    return (
        report.accepted,
        report.message,
        report.state_before,
        report.state_after,
        report.deploy_record_hash,
        report.base_record_hash,
        report.app_config_hash,
        report.app_config_before,
    )


def check_cut(store: Store, k: int, candidate: int, apps: conftest.TestApps, directory: Path) -> WhatIfReport:
    _, files, mode = CANDIDATES[candidate]
    projected = what_if_deploy(store, files, apps.resolver(), mode=mode, at=k)
    oracle = what_if_deploy(oracle_store(store, k, directory), files, apps.resolver(), mode=mode)
    assert verdict(projected) == verdict(oracle), f"cut at record {k}"
    assert projected.at_index == k
    return projected


@pytest.mark.parametrize("generation", ["2021", "2020"])
def test_every_cut_and_candidate(histories, generation, tmp_path):  # type: ignore[no-untyped-def]
    """Each landmark cut with each candidate (the cuts the issue lists, deterministically)."""
    store, marks = histories[generation]
    apps = Apps()
    n = len(store.records)
    cuts = {
        marks["set_state"] - 1,  # right before a set-state
        marks["set_state"],  # after a set-state
        marks["set_state"] + 1,  # inside the reverted range
        marks["reverted_last"],  # the last reverted record
        marks["revert"],  # after the revert
        marks["deploy_migrate"] - 1,  # right before a later deploy
        marks["deploy_migrate"],  # a deploy record that has a reduction
        marks["deploy_migrate"] + 1,
        n - 1,  # the head (with a torn tail in 2021)
    }
    cuts |= {store.index_of_hash[h] for h in store.reduction_hashes}  # at a reduction
    cuts |= {i + 1 for i in cuts if i + 1 < n}  # right after one
    seen = set()
    for k in sorted(cuts):
        for c in range(len(CANDIDATES)):
            report = check_cut(store, k, c, apps, tmp_path / f"oracle-{k}-{c}")
            seen.add((CANDIDATES[c][2], report.accepted))
    assert seen == {("migrate", True), ("migrate", False), ("init", True)}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_drawn_cuts(histories, tmp_path, data):  # type: ignore[no-untyped-def]
    generation = data.draw(st.sampled_from(["2021", "2020"]))
    store, _ = histories[generation]
    k = data.draw(st.integers(0, len(store.records) - 1), label="cut")
    c = data.draw(st.integers(0, len(CANDIDATES) - 1), label="candidate")
    directory = tmp_path / f"oracle-{generation}-{k}-{c}"
    if directory.exists():  # hypothesis drew this cut before in this test run
        return
    check_cut(store, k, c, Apps(), directory)


@pytest.mark.parametrize("generation", ["2021", "2020"])
def test_cut_right_before_a_real_deploy_is_accepted_with_the_migrated_state(histories, generation):  # type: ignore[no-untyped-def]
    """The issue's reproduction: the projected deploy record has the bytes (and hash) of the real
    one, which has a stored reduction; the what-if must still run the migration."""
    store, marks = histories[generation]
    d = marks["deploy_migrate"]
    apps = Apps()
    if generation == "2021":  # no time in the records: the projected record IS the real one, bytes and hash
        assert store.usable_reduction(store.records.hash(d)) is not None
    report = what_if_deploy(store, BUILDER, apps.resolver(), mode="migrate", at=d - 1)
    assert report.accepted, report.message
    assert report.message == ("Successfully applied this composition event to the process." if generation == "2021"
                              else "Successfully deployed this configuration and started the web server.")  # fmt: skip
    with ReplaySession(store, apps.resolver()) as session:
        assert report.state_after == session.state_at(d)
        assert report.state_before == session.state_at(d - 1)
    assert report.deploy_record_hash == store.records.hash(d)
    assert json.loads(report.state_after or "null") == str(json.loads(report.state_before or "null"))


def test_head_of_a_torn_store_appends_on_its_own_line(histories):  # type: ignore[no-untyped-def]
    store, _ = histories["2021"]
    assert store.log.torn_tail
    from elmreplay.replay.projection import Projection

    projection = Projection.of(store)
    result = projection.writer.append_app_event(http_event(99, T0, "{}"), 0)
    projected = projection.store()
    assert projected.head_hash == result.record_hash
    assert projected.records[len(projected.records) - 1].raw == result.record_bytes
    own = projected.records[len(projected.records) - 1].location.path
    assert own > store.records[len(store.records) - 1].location.path  # a file ordered after the cut's file
    report = what_if_deploy(store, COUNTER, Apps().resolver(), mode="init")
    assert report.accepted, report.message


class _AppendSink:
    """Appends to an existing (test-made) store directory: the E5 part after an E3 chain."""

    def __init__(self, root: Path):
        self.root = root

    def read(self, segs: tuple[str, ...]) -> bytes | None:
        p = self.root.joinpath(*segs)
        return p.read_bytes() if p.exists() else None

    def write(self, segs: tuple[str, ...], data: bytes) -> None:
        p = self.root.joinpath(*segs)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    def append(self, segs: tuple[str, ...], data: bytes) -> None:
        p = self.root.joinpath(*segs)
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "ab") as f:
            f.write(data)


def test_cuts_in_a_chain_continued_by_literal_files(tmp_path):  # type: ignore[no-untyped-def]
    """A 2020 head-hash chain that a 2021 host continued in literal log files: a cut in the chain
    part hides every literal file and makes the cut record the head again."""
    from elmreplay.store.componentstore import ComponentReader
    from elmreplay.store.files import DirectoryFiles
    from elmreplay.store.log import read_composition_log

    apps = Apps()
    root = tmp_path / "store"
    rec = Recorder(root, apps.resolver(), era=WriterEra.E3, reduction_every_events=3)
    rec.deploy(COUNTER, migrate=False, time_ms=T0)
    rec.events(_events(1, 1, [1, 2, 3, 4]))
    rec.close()
    files = DirectoryFiles(root)
    w = StoreWriter.continuing(_AppendSink(root), read_composition_log(files, ComponentReader(files)), era=WriterEra.E5)
    for event, t in _events(10, 10, [5, 6, 7]):
        w.append_app_event(event, t)
    store = open_store(root)
    assert set(store.log.layouts) == {"head-hash-chain", "literal-log"}
    for k in range(len(store.records)):
        for c in (0, 1):
            check_cut(store, k, c, apps, tmp_path / f"oracle-{k}-{c}")
