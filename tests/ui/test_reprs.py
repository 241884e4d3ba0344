"""Static HTML and text reprs: deterministic, instant (no replay, no diff), text fallback present."""

from __future__ import annotations

import re
from typing import Any

import pytest

import elmreplay.inspect.diff
from elmreplay.replay.session import ReplaySession
from elmreplay.replay.verify import ReductionCheck, VerifyReport
from elmreplay.replay.whatif import CounterfactualReport, EventComparison, WhatIfReport
from elmreplay.store.store import Store

from .test_timeline import forbid_replay

ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")


def no_diffs(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a repr computed a diff")

    monkeypatch.setattr(elmreplay.inspect.diff, "diff_states", fail)


def test_store_reprs(tracker: Store) -> None:
    text, html = repr(tracker), tracker._repr_html_()
    assert text.splitlines()[1] == f"  3973 records (0 reverted), {len(tracker.reduction_hashes)} reductions"
    assert "deploy+migrate at #2537" in text and "deploy+migrate at #2537" in html
    assert not ADDRESS.search(text + html)


def test_session_reprs_never_replay(admin_session: ReplaySession, monkeypatch: pytest.MonkeyPatch) -> None:
    admin_session.seek(13)
    forbid_replay(monkeypatch, admin_session)
    bundle = admin_session._repr_mimebundle_()
    assert bundle["text/plain"].splitlines()[0].endswith("28 records, after record #13 (SetElmAppState)")
    assert "checkpoints: 0 every 1000 records" in bundle["text/plain"]
    assert "<b>" in bundle["text/html"] and "after record #13" in bundle["text/html"]
    assert bundle["text/html"] == admin_session._repr_html_()
    assert not ADDRESS.search(bundle["text/plain"] + bundle["text/html"])


def _check(index: int, matches: bool) -> ReductionCheck:
    return ReductionCheck(index, f"{index:064x}", matches, True, '{"a":1}', '{"a":2}' if not matches else '{"a":1}', "c", "c")


def test_verify_report_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    no_diffs(monkeypatch)
    good = VerifyReport("s", 100, 0, [_check(10, True), _check(20, True)])
    bad = VerifyReport("s", 100, 0, [_check(10, True), _check(20, False)], skipped=["reduction of #5: not usable"])
    g, b = good._repr_mimebundle_(), bad._repr_mimebundle_()
    assert g["text/plain"] == "OK: 2 reductions checked, 0 differ (100 records, replayed from #0)"
    assert b["text/plain"].splitlines()[0] == "MISMATCH: 2 reductions checked, 1 differ (100 records, replayed from #0)"
    assert "#1a7f37" in g["text/html"] and "#cf222e" in b["text/html"]
    assert "2 reductions checked" in g["text/html"]
    assert "1 mismatches" in b["text/html"] and "#20" in b["text/html"] and "not usable" in b["text/html"]
    assert '{"a":2}' not in b["text/plain"]  # the dataclass repr would dump whole states


def _whatif(accepted: bool) -> WhatIfReport:
    return WhatIfReport(
        store="s", mode="migrate", app_config_hash="ab" * 32, app_dir=None, at_index=3, base_record_hash="cd" * 32,
        store_head_hash="ef" * 32, deploy_record_hash="01" * 32, accepted=accepted,
        message="Successfully applied." if accepted else "Failed to migrate: missing field `role`",
        state_before='{"a":1}', state_after='{"a":2}' if accepted else None, seconds=0.5,
    )  # fmt: skip


def test_counterfactual_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    no_diffs(monkeypatch)
    events = [
        EventComparison(4, "aa" * 32, False, False, "r", "r"),
        EventComparison(5, "bb" * 32, False, True, "r", "r"),
        EventComparison(6, "cc" * 32, True, True, "r", "x"),
    ]
    report = CounterfactualReport("s", "migrate", 3, "ab" * 32, _whatif(True), events, '{"a":1}', '{"a":2}')
    bundle = report._repr_mimebundle_()
    lines = bundle["text/plain"].splitlines()
    assert lines[0].endswith("3 later events replayed, 1 responses and 2 states differ; first divergence at record #5")
    assert lines[1] == f"  first divergence: record #5 {'bb' * 32} (state differs)"
    assert "2 of 3 later events diverge" in bundle["text/html"]
    assert "color:#9a6700" in bundle["text/html"]  # diverging is the finding: amber, not green
    same = CounterfactualReport("s", "migrate", 3, "ab" * 32, _whatif(True), [events[0]], '{"a":1}', '{"a":1}')
    assert "color:#1a7f37" in same._repr_html_() and "no divergence" in same._repr_html_()
    rejected = CounterfactualReport("s", "migrate", 3, "ab" * 32, _whatif(False))
    r = rejected._repr_mimebundle_()
    assert "REJECTED" in r["text/plain"] and "missing field `role`" in r["text/html"] and "color:#cf222e" in r["text/html"]
    assert not ADDRESS.search(bundle["text/plain"] + bundle["text/html"] + r["text/html"])


def test_whatif_repr_names_the_head_hash_once(monkeypatch: pytest.MonkeyPatch) -> None:
    no_diffs(monkeypatch)
    at_head = _whatif(False)
    at_head.base_record_hash = at_head.store_head_hash
    text, html = str(at_head), at_head._repr_html_()
    assert text.count("ef" * 32) == 1 and html.count("ef" * 32) == 1
    assert "(the store's head)" in text
    moved = _whatif(False)  # the head moved on since: both hashes, each once
    assert str(moved).count("ef" * 32) == 1 and str(moved).count("cd" * 32) == 1
