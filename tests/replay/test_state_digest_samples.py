"""Oracle for the sample ports' getStateDigest (the digest of getSerializedState() computed from
the state's structure, remembered per immutable node): after every record of every sample
history, and after every later event of the tracker's v4_fix counterfactual next to the recorded
v3_bug timeline, the digest is the harness's text hash of the serialized state (hashed again
here in Python) and digest equality agrees with serialized-text equality -- between consecutive
states and between the two timelines' states after the same event."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import elmreplay
from elmreplay.replay.host import DIGEST_WIDTH
from elmreplay.replay.whatif import _dry_run_deploy
from elmreplay.runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S
from elmreplay.runtime.sources import RuntimeDirectory, RuntimeResolver
from elmreplay.store.records import RecordKind

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"
CHUNK = 150  # records per trace: the states of one chunk are held in Python at a time


_POWERS: dict[int, np.ndarray] = {}  # base -> B^0, B^1, ... mod 2^64 (grown as needed)


def _powers(base: int, n: int) -> np.ndarray:
    have = _POWERS.get(base)
    if have is None or len(have) < n + 1:
        size = max(n + 1, 2 * (0 if have is None else len(have)), 1024)
        _POWERS[base] = have = np.concatenate(([np.uint64(1)], np.cumprod(np.full(size - 1, base, dtype=np.uint64), dtype=np.uint64)))
    return have


def text_digest(text: str) -> tuple[int, int, int]:
    """hashInto of harness.js, in numpy: per lane seed * B^n + sum c_i * B^(n-1-i) mod 2^32
    over the UTF-16 code units (uint64 products and sums wrap mod 2^64, whose low half is exact)."""
    units = np.frombuffer(text.encode("utf-16-le"), dtype="<u2").astype(np.uint64)
    n = len(units)
    out = []
    for seed, base in ((0x811C9DC5, 31), (0x2545F491, 1000003)):
        powers = _powers(base, n)
        total = int((units * powers[n - 1 :: -1]).sum(dtype=np.uint64)) if n else 0
        out.append((seed * int(powers[n]) + total) & 0xFFFFFFFF)
    return out[0], out[1], n


def test_text_digest_is_the_harness_hash() -> None:
    from tests.runtime.test_digests import python_digest

    for text in ["", "a", '{"n":[1,2]}', "é€😀" * 7, "x" * 5000]:
        assert text_digest(text) == python_digest(text)


def check_pairs(pairs: list[tuple[tuple[int, ...], str]]) -> None:
    """Each (digest, text): the digest is the text's hash, and consecutive ones agree on equality."""
    for k, (digest, text) in enumerate(pairs):
        if k == 0 or text != pairs[k - 1][1]:  # (an equal text: the equality check below)
            assert digest == text_digest(text)
    for (d0, t0), (d1, t1) in zip(pairs, pairs[1:]):
        assert (d0 == d1) == (t0 == t1)


@pytest.mark.parametrize("sample", ["counter", "counter_admin", "tracker"])
def test_state_digest_is_the_serialized_state_hash_at_every_record(sample: str) -> None:
    store = elmreplay.open_store(SAMPLES / sample / "store")
    n = len(store.records)
    checked = 0
    previous: tuple[tuple[int, ...], str] | None = None
    with elmreplay.replay(store, use_reductions=False) as session:
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            digests = session.trace_digests(start, stop)
            traced = session.trace(start, stop)
            pairs = [] if previous is None else [previous]
            for i in sorted(digests):
                state = traced[i][1]
                if digests[i][5] < 0 or state is None:  # no app ran this record
                    continue
                pairs.append((digests[i][3:], state))
            check_pairs(pairs)
            checked += len(pairs) - (previous is not None)
            previous = pairs[-1] if pairs else previous
    assert checked > n * 0.5


def test_state_digests_of_two_timelines_agree_with_their_texts() -> None:
    """The tracker with v4_fix deployed after record 2536 and the recorded v3_bug history, event by event."""
    store = elmreplay.open_store(SAMPLES / "tracker" / "store")
    resolver = RuntimeResolver([RuntimeDirectory(SAMPLES / "tracker" / "runtimes")])
    at = 2536
    deploy, restored = _dry_run_deploy(
        store, SAMPLES / "apps" / "tracker" / "v4_fix", resolver, mode="migrate", at=at,
        timeout_s=DEFAULT_TIMEOUT_S, max_memory=DEFAULT_MAX_MEMORY, keep_process=True,
    )  # fmt: skip
    assert deploy.accepted and restored is not None
    later = [i for i in range(at + 1, len(store.records)) if store.records.kind(i) is RecordKind.UPDATE and not store.records.reverted[i]]
    same = differ = 0
    try:
        with elmreplay.replay(store) as recorded:
            for k in range(0, len(later), CHUNK):
                step = later[k : k + CHUNK]
                items = [(rec, p) for rec in (store.records[i] for i in step) for p in store.app_events(rec)]
                last = {rec.index: j for j, (rec, _) in enumerate(items)}
                flat: list[int] = []
                _, theirs = restored.host.run_app_events(items, states_after=sorted(last.values()), digests=flat)
                ours_digests = recorded.trace_digests(step[0], step[-1] + 1)
                ours = recorded.trace(step[0], step[-1] + 1)
                for i in step:
                    o = last[i] * DIGEST_WIDTH
                    their_digest, their_text = tuple(flat[o + 3 : o + 6]), theirs[last[i]]
                    our_digest, our_text = ours_digests[i][3:], ours[i][1]
                    assert our_text is not None
                    assert their_digest == text_digest(their_text) and our_digest == text_digest(our_text)
                    assert (their_digest == our_digest) == (their_text == our_text)
                    same += their_text == our_text
                    differ += their_text != our_text
    finally:
        restored.close()
    assert same > 0 and differ > 0  # both outcomes were compared
