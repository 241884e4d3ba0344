"""Batch digests: hash and length of each response and state, computed inside V8 (issue 14)."""

from __future__ import annotations

from elmreplay.runtime.engine import DIGEST_HASH, DIGEST_LENGTH, DIGEST_SKIP, AppProcess

from .test_engine import GOOD


def python_digest(text: str) -> tuple[int, int, int]:
    """The harness's hash written again in Python (two 32-bit polynomial lanes over UTF-16 units)."""
    h1, h2 = 0x811C9DC5, 0x2545F491
    units = text.encode("utf-16-le")
    for k in range(0, len(units), 2):
        c = units[k] | units[k + 1] << 8
        h1 = (h1 * 31 + c) & 0xFFFFFFFF
        h2 = (h2 * 1000003 + c) & 0xFFFFFFFF
    return h1, h2, len(units) // 2


def test_digests_are_the_hashes_and_lengths_of_responses_and_states() -> None:
    events = ['{"n":1}', '{"n":0}', '{"n":-30}', '{"n":2}']
    with AppProcess(GOOD, app_config_hash="a") as p:
        result, failure = p.run_batch(events, responses=True, states_after=[0, 1, 2, 3], digests=True)
    assert failure is None and result.digests is not None
    rows = [tuple(result.digests[6 * i : 6 * i + 6]) for i in range(len(events))]
    for i, row in enumerate(rows):
        assert row[:3] == python_digest(result.responses[i])  # type: ignore[index]
        assert row[3:] == python_digest(result.states[i])


def test_per_event_requests_and_two_contexts_agree() -> None:
    events = ['{"n":5}', '{"n":0}', '{"n":1}', '{"n":10}']
    other = GOOD.replace("String(app_state)", '"r" + app_state')  # another app: same states, other responses
    with AppProcess(GOOD, app_config_hash="a") as p, AppProcess(other, app_config_hash="b") as q:
        full, _ = p.run_batch(events, digests=True)
        asked, _ = q.run_batch(events, digests=[DIGEST_SKIP, DIGEST_LENGTH, 6, 2])
    f = [tuple(full.digests[6 * i : 6 * i + 6]) for i in range(4)]  # type: ignore[index]
    a = [tuple(asked.digests[6 * i : 6 * i + 6]) for i in range(4)]  # type: ignore[index]
    assert a[0][3:] == (-1, -1, -1)  # skipped
    assert a[1][3:] == (-1, -1, 1)  # length only ("5")
    assert a[2][3:] == (-1, -1, 1)  # asked to hash when 6 long: "6" is 1 long
    assert a[3][3:] == f[3][3:] == python_digest("16")  # 2 long: hashed, equal across contexts
    assert all(x[:3] != y[:3] for x, y in zip(f, a))  # the responses differ
    with AppProcess(GOOD, app_config_hash="a") as p:
        p.set_state("16")
        assert p.state_digest() == python_digest("16")
        same, _ = p.run_batch(['{"n":0}'], digests=[DIGEST_HASH])
        assert tuple(same.digests[3:]) == python_digest("16")  # type: ignore[index]


def test_a_runtime_with_get_state_digest_is_not_serialized() -> None:
    """getStateDigest (optional) replaces hashing the text: its triple comes back whatever was
    asked, and getSerializedState is not called for digests."""
    counted = GOOD + """
var serialized = 0;
var getSerializedState = function () { serialized++; return JSON.stringify(app_state); };
function getStateDigest() { return [7, 8, String(app_state).length]; }
"""
    with AppProcess(counted, app_config_hash="d") as p:
        result, failure = p.run_batch(['{"n":5}', '{"n":10}', '{"n":1}'], digests=[DIGEST_LENGTH, DIGEST_HASH, 3])
        assert failure is None and result.digests is not None
        assert [tuple(result.digests[6 * i + 3 : 6 * i + 6]) for i in range(3)] == [(7, 8, 1), (7, 8, 2), (7, 8, 2)]
        assert p.state_digest() == (7, 8, 2)
        assert p._eval("serialized", what="reading the counter") == 0


def test_a_bad_get_state_digest_fails_the_batch() -> None:
    for body, text in [("return 'x'", "not [hash1, hash2, length]"), ("return [1, 2, -3]", "non-uint32"), ("return [1.5, 2, 3]", "non-uint32")]:
        with AppProcess(GOOD + f"\nfunction getStateDigest() {{ {body}; }}", app_config_hash="e") as p:
            result, failure = p.run_batch(['{"n":1}', '{"n":2}'], digests=True)
            assert failure is not None and failure.offset == 0 and text in str(failure.error)
