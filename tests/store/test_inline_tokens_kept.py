"""A run of plain app events with one record kept whole (the first line of a worker's share of
the log) still reads its events as tokens, not by building every record (issue 19)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from elmreplay.store import open_store, workers
from elmreplay.store.records import RecordKind

TRACKER = Path(__file__).resolve().parents[2] / "sample_histories" / "tracker" / "store"


def test_a_kept_plain_event_stays_on_the_token_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELMREPLAY_WORKERS", "1")
    monkeypatch.setattr(workers, "MIN_BYTES", 0)  # share even this small log with a worker
    monkeypatch.setattr(workers, "HEAD_START_BYTES", 0)  # (else this process would take it all)
    store = open_store(TRACKER)
    table = store.records
    kept = [i for i in table._kept_literal if table[i].kind is RecordKind.UPDATE]
    assert kept, "the worker's first line is kept whole"
    k = kept[0]
    first, last = k - 50, k + 50
    assert all(table[i].kind is RecordKind.UPDATE for i in range(first, last + 1))
    tokens = table.inline_event_tokens(first, last)
    assert tokens is not None
    # Oracle: each record built and its event read the general way.
    assert [orjson.loads(t) for t in tokens] == [store.app_events(table[i])[0] for i in range(first, last + 1)]
    deploy = next(i for i in table._kept_literal if table[i].kind is RecordKind.DEPLOY_MIGRATE)
    assert table.inline_event_tokens(deploy - 10, deploy + 10) is None  # a deploy is not an app event
