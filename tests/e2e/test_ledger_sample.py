"""The 2023 ledger sample: a store begun by a 2023-02-27 Elm-Time host (events in the 2021-09 shape)
and continued by 2023-06 hosts (tagged events, ApplyFunctionOnElmAppState records, a deploy+migrate
from webServerMain to webServiceMain).

The oracle is a model of the ledger written here from the app's Elm source, run over the
scenario's steps; the replayed states come from the hand-written ports through elmreplay's
translation and state-shim semantics."""

from __future__ import annotations

import base64
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

import elmreplay
from elmreplay.api import resolver_for
from elmreplay.errors import RestoreError
from elmreplay.replay import projection as projections
from elmreplay.replay.restore import restore
from elmreplay.store.records import RecordKind

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"
STORE = SAMPLES / "ledger" / "store"
APPS = SAMPLES / "apps" / "ledger"


def scenario() -> list[dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("sample_scenarios", SAMPLES / "scenarios.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    steps: list[dict[str, Any]] = module.SCENARIOS["ledger"]()
    return steps


def model_states() -> list[dict[str, Any]]:
    """The state after each record, by the rules of apps/ledger/*/src/Backend/Main.elm."""
    state: dict[str, Any] = {}
    fee = 0
    out: list[dict[str, Any]] = []
    for step in scenario():
        op = step["op"]
        if op == "deploy_init":
            state = {"balances": {}, "transferCount": 0, "lastSettlementMilli": 0, "settlementCount": 0}
        elif op == "deploy_migrate":
            state = {**state, "feesCollected": 0}
            fee = 1
        elif op == "apply_function":
            name, arg = step["function"].rsplit(".", 1)[1], json.loads(step["args"][0])
            balances = dict(state["balances"])
            if name == "creditAll":
                balances = {k: v + arg for k, v in balances.items()}
                state = {**state, "balances": balances}
            else:  # payOutFees
                balances[arg] = balances.get(arg, 0) + state["feesCollected"]
                state = {**state, "balances": balances, "feesCollected": 0}
        else:
            state = apply_event(state, step["value"], fee)
        out.append(state)
    return out


def apply_event(state: dict[str, Any], event: dict[str, Any], fee: int) -> dict[str, Any]:
    (tag, body), = event.items()
    inner = body[0] if isinstance(body, list) else body
    if tag in ("ArrivedAtTimeEvent", "PosixTimeHasArrivedEvent"):
        t = inner["posixTimeMilli"]
        if t >= state["lastSettlementMilli"] + 3_600_000:
            return {**state, "lastSettlementMilli": t, "settlementCount": state["settlementCount"] + 1}
        return state
    request = inner["request"]
    encoded = request.get("bodyAsBase64")
    if isinstance(encoded, dict):
        encoded = encoded["Just"][0] if "Just" in encoded else None
    if request["method"] == "GET" or encoded is None:
        return state
    operation = json.loads(base64.b64decode(encoded))
    balances = dict(state["balances"])
    if "deposit" in operation:
        d = operation["deposit"]
        balances[d["account"]] = balances.get(d["account"], 0) + d["amount"]
        return {**state, "balances": balances}
    if "transfer" in operation:
        t = operation["transfer"]
        if balances.get(t["from"], 0) < t["amount"] + fee:
            return state
        balances[t["from"]] = balances.get(t["from"], 0) - t["amount"] - fee
        balances[t["to"]] = balances.get(t["to"], 0) + t["amount"]
        changed = {**state, "balances": balances, "transferCount": state["transferCount"] + 1}
        if fee:
            changed["feesCollected"] = state["feesCollected"] + fee
        return changed
    return state


def state_json(model: dict[str, Any]) -> Any:
    """The model as the generated encoder writes it (Dict: [key, value] pairs in key order)."""
    return {**model, "balances": [[k, v] for k, v in sorted(model["balances"].items())]}


@pytest.fixture(scope="module")
def store() -> elmreplay.Store:
    return elmreplay.open_store(str(STORE))


def test_the_store_has_the_2023_shapes(store: elmreplay.Store) -> None:
    kinds = [r.kind for r in store.records]
    assert kinds.count(RecordKind.APPLY_FUNCTION) == 2
    assert kinds.count(RecordKind.DEPLOY_MIGRATE) == 1 and kinds[0] is RecordKind.DEPLOY_INIT
    literals = [r.parsed.event.value.literal_utf8 or "" for r in store.records if r.kind is RecordKind.UPDATE]
    old = [x for x in literals if x.startswith(('{"ArrivedAtTimeEvent":', '{"HttpRequestEvent":{'))]
    tagged = [x for x in literals if x.startswith(('{"PosixTimeHasArrivedEvent":[', '{"HttpRequestEvent":[{'))]
    assert len(old) > 80 and len(tagged) > 100 and len(old) + len(tagged) == len(literals)
    # System.Text.Json wrote the records: the base64 '+' and '/' ... and the quotes of the
    # ApplyFunctionOnStateEvent text inside its record
    apply_raw = [r.raw for r in store.records if r.kind is RecordKind.APPLY_FUNCTION]
    assert b'\\u0022functionName\\u0022' in apply_raw[1] and b'\\\\u0022erin\\\\u0022' in apply_raw[1]


def test_replayed_states_match_the_model(store: elmreplay.Store) -> None:
    expected = model_states()
    assert len(expected) == len(store)
    with elmreplay.replay(store) as session:
        for index in (0, 1, 90, 100, len(store) // 2, len(store) - 1, *[i for i, r in enumerate(store.records) if r.kind is not RecordKind.UPDATE]):
            assert json.loads(session.state_at(index) or "null") == state_json(expected[index]), index


def test_verify_passes(store: elmreplay.Store) -> None:
    report = elmreplay.verify(store, progress=False, jobs=1)
    assert report.ok, report


def test_old_shape_events_reach_the_app_translated(store: elmreplay.Store) -> None:
    """The app answered the first part's requests: 2021-09-shaped events were translated (an
    untranslated one would be refused by the shim's tagged decoder)."""
    with elmreplay.replay(store) as session:
        trace = session.trace(0, 90)
    answered = [json.loads(trace[i][0]) for i in sorted(trace) if trace[i][0]]
    assert answered and not any("Err" in a for a in answered)
    statuses = [c["response"]["statusCode"] for a in answered for c in a["completeHttpResponses"]]
    assert statuses.count(200) > 50 and (409 in statuses or 400 in statuses)


def test_what_if_candidates(store: elmreplay.Store) -> None:
    ok = elmreplay.what_if_deploy(store, str(APPS / "candidate_ok"))
    assert ok.accepted, ok
    rejected = elmreplay.what_if_deploy(store, str(APPS / "candidate_reject"))
    assert not rejected.accepted
    assert rejected.message.startswith("Failed with exception: Failed to apply composition event: Problem with the given value:")
    assert "Expecting an OBJECT with a field named `frozenAccounts`" in rejected.message


def test_what_if_init(store: elmreplay.Store) -> None:
    report = elmreplay.what_if_deploy(store, str(APPS / "candidate_ok"), mode="init")
    assert report.accepted


def test_counterfactual_with_the_candidate(store: elmreplay.Store) -> None:
    migrate_at = next(i for i, r in enumerate(store.records) if r.kind is RecordKind.DEPLOY_MIGRATE)
    report = elmreplay.counterfactual(store, str(APPS / "candidate_ok"), at=migrate_at + 5)
    assert report.deploy.accepted and len(report.events) == report.events_total > 0
    # no account is frozen: the candidate answers every later event the same; its states have
    # one field more (frozenAccounts: [])
    assert not any(e.response_differs for e in report.events)
    assert all(e.state_differs for e in report.events)


def _projected_restore_error(store: elmreplay.Store, kind: RecordKind, append: Any) -> str:
    projection = projections.Projection.of(store)
    outcome = projections.test_continue_with(projection, kind, append, resolver_for(store))
    assert not outcome.accepted
    return outcome.message


def test_a_report_function_cannot_be_committed(store: elmreplay.Store) -> None:
    message = _projected_restore_error(
        store, RecordKind.APPLY_FUNCTION,
        lambda w: w.append_apply_function("Backend.ExposeFunctionsToAdmin.balanceReport", ['"alice"'], 1_700_000_000_000),
    )  # fmt: skip
    assert message.startswith(
        "Failed with exception: Failed to apply composition event: "
        "Failed to apply function Backend.ExposeFunctionsToAdmin.balanceReport: Function did not return a new state (event index 290, record "
    )


def test_an_unknown_function_and_an_untranslatable_event_fail_the_restore(store: elmreplay.Store) -> None:
    message = _projected_restore_error(
        store, RecordKind.APPLY_FUNCTION, lambda w: w.append_apply_function("Backend.ExposeFunctionsToAdmin.nope", ["1"], 1_700_000_000_000)
    )
    assert "None of the exposed functions matches name 'Backend.ExposeFunctionsToAdmin.nope'. This app only exposes the following 6 functions: " in message
    projection = projections.Projection.of(store)
    projection.writer.append_app_event('{"InitStateEvent":{}}', 1_700_000_000_000)
    with pytest.raises(RestoreError, match="Unexpected structure in webServerEvent_2023_02_27"):
        restore(projection.store(), resolver_for(store)).close()
