"""Oracle for the sample ports' getStateJsonValue (the state as its JSON value, built with
encoders that share unchanged parts between states): after every record of every sample
history it deep-equals JSON.parse(getSerializedState()) -- same types, same -0/NaN-free numbers,
same prototypes, same keys in the same order -- checked by a comparison written here, in V8,
while the session replays (in batches, so the views' memos carry over from step to step)."""

from __future__ import annotations

from pathlib import Path

import pytest

import elmreplay
from elmreplay.replay.host import QueryRun

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"

# "ok", or where the view first differs from the parsed serialized state.
CHECK = r"""function () {
  if (typeof getStateJsonValue !== "function") return "no getStateJsonValue";
  var parsed = JSON.parse(getSerializedState()), view = getStateJsonValue();
  function diff(a, b, at) {
    if (typeof a !== typeof b) return at + ": " + typeof a + " vs " + typeof b;
    if (typeof a !== "object" || a === null || b === null) return Object.is(a, b) ? null : at + ": " + String(a) + " vs " + String(b);
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return at + ": another prototype";
    var ka = Reflect.ownKeys(a), kb = Reflect.ownKeys(b);
    if (ka.length !== kb.length) return at + ": keys " + ka.join() + " vs " + kb.join();
    for (var i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i]) return at + ": keys " + ka.join() + " vs " + kb.join();
      var da = Object.getOwnPropertyDescriptor(a, ka[i]), db = Object.getOwnPropertyDescriptor(b, kb[i]);
      if (!("value" in da) || da.enumerable !== db.enumerable) return at + "/" + String(ka[i]) + ": not a plain property";
      var d = ka[i] === "length" && Array.isArray(a) ? (a.length === b.length ? null : at + ": length") : diff(da.value, db.value, at + "/" + String(ka[i]));
      if (d !== null) return d;
    }
    return null;
  }
  return diff(view, parsed, "") || "ok";
}"""

# A find condition (runtime/query.js's runner calls it after every app event) that holds at
# every step, reporting the check's outcome as its value.
CHECK_EVERY_STEP = "(function (h) { var check = " + CHECK + "; return function (c) { c.m[c.m.length] = ['view', check()]; return true; }; })"


def _check_every_record(sample: str, *, compile: bool = False) -> dict[int, str]:
    """The check's outcome after each record of the sample history replayed from its start."""
    store = elmreplay.open_store(SAMPLES / sample / "store")
    outcome: dict[int, str] = {}
    with elmreplay.replay(store, use_reductions=False, compile=compile) as session:

        def on_other(index: int, before: str | None) -> None:
            process = session.host.process
            if process is not None:  # records outside V8 batches: deploys, set-state, reverts...
                outcome[index] = process._eval("(" + CHECK + ")()", what="checking the state view")

        query = QueryRun("view-oracle", CHECK_EVERY_STEP, per_event=False)
        session._reset_to_beginning()
        try:
            session._advance(len(session.records) - 1, query=query, on_other=on_other)
        finally:
            session.host.pool.drop_query(query.key)
        for index, matched in query.found:
            outcome[index] = matched[0][1]
    assert len(outcome) > len(store.records) * 0.9  # (records before the first deploy run no app)
    return outcome


@pytest.mark.parametrize("sample", ["counter", "counter_admin", "tracker"])
def test_port_state_view_equals_parsed_serialized_state_at_every_record(sample: str) -> None:
    outcome = _check_every_record(sample)
    bad = {i: o for i, o in outcome.items() if o != "ok"}
    assert not bad, f"{len(bad)} records differ, first: {min(bad)}: {bad[min(bad)]}"


@pytest.mark.elm
@pytest.mark.slow
@pytest.mark.parametrize("sample", ["counter_admin", "tracker"])
def test_compiled_elm_state_view_equals_parsed_serialized_state_at_every_record(
    sample: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The same for the sample apps compiled from their Elm source (elmcompile publishes the
    generated root's state encoder as getStateJsonValue)."""
    from tests.elmcompile.conftest import require_elm

    require_elm()
    monkeypatch.setenv("ELMREPLAY_CACHE", str(tmp_path / "cache"))
    outcome = _check_every_record(sample, compile=True)
    bad = {i: o for i, o in outcome.items() if o != "ok"}
    assert not bad, f"{len(bad)} records differ, first: {min(bad)}: {bad[min(bad)]}"
