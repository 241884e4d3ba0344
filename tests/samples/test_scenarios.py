"""The scripted scenarios are deterministic and look like what the host stored (section 7)."""

from __future__ import annotations

import base64
import json
from types import ModuleType
from typing import Any

import pytest

from .harness import APPS

SCENARIO_NAMES = ["counter", "counter_admin", "ledger", "notes", "scheduler", "small_2020", "tracker"]
#: Scenarios whose events are JSON values the recorder writes with its era's serializer.
VALUE_EVENTS = {"ledger"}
#: Scenarios that restart the host at every admin operation (the 2021-09+ host's startPublicApp),
#: not only at deployments.
RESTART_AT_EVERY_ADMIN_OP = {"scheduler"}
OPS = {"deploy_init", "deploy_migrate", "event", "set_state", "revert", "torn_append", "apply_function"}


@pytest.fixture(scope="module")
def all_steps(scenarios: ModuleType) -> dict[str, list[dict[str, Any]]]:
    return {name: scenarios.SCENARIOS[name]() for name in SCENARIO_NAMES}


def test_scenario_names(scenarios: ModuleType) -> None:
    assert sorted(scenarios.SCENARIOS) == sorted(SCENARIO_NAMES)


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_deterministic(scenarios: ModuleType, all_steps: dict[str, list[dict[str, Any]]], name: str) -> None:
    assert scenarios.SCENARIOS[name]() == all_steps[name]


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_step_shapes(all_steps: dict[str, list[dict[str, Any]]], name: str) -> None:
    steps = all_steps[name]
    assert steps[0]["op"] == "deploy_init"
    times = [step["time_ms"] for step in steps]
    assert times == sorted(times) and all(isinstance(t, int) for t in times)
    for index, step in enumerate(steps):
        assert step["op"] in OPS
        if step["op"] in ("deploy_init", "deploy_migrate"):
            assert set(step) == {"op", "app", "time_ms"}
            assert (APPS / step["app"] / "src" / "Backend" / "Main.elm").is_file()
        elif step["op"] == "revert":
            assert 0 <= step["to_step"] < index and steps[step["to_step"]]["op"] != "torn_append"
        elif step["op"] == "torn_append":
            assert index == len(steps) - 1 and not bytes.fromhex(step["bytes_hex"]).endswith(b"\n")


@pytest.mark.parametrize("name", [n for n in SCENARIO_NAMES if n not in VALUE_EVENTS])
def test_events_as_the_host_serialized_them(all_steps: dict[str, list[dict[str, Any]]], name: str) -> None:
    counter = 0
    for step in all_steps[name]:
        if step["op"] in ("deploy_init", "deploy_migrate") or (step["op"] != "event" and name in RESTART_AT_EVERY_ADMIN_OP):
            counter = 0  # the scenarios restart the host with each deployment
        if step["op"] != "event":
            continue
        text = step["json"]
        event = json.loads(text)
        assert json.dumps(event, separators=(",", ":"), ensure_ascii=False) == text
        (kind,) = event
        assert kind in ("HttpRequestEvent", "TaskCompleteEvent", "ArrivedAtTimeEvent")
        if kind != "HttpRequestEvent":
            continue
        http = event[kind]
        counter += 1
        assert list(http) == ["posixTimeMilli", "httpRequestId", "requestContext", "request"]
        assert http["httpRequestId"] == f"{http['posixTimeMilli']}-{counter}"
        assert abs(step["time_ms"] - http["posixTimeMilli"]) <= 3
        assert list(http["request"]) == ["method", "uri", "bodyAsBase64", "headers"]
        base64.b64decode(http["request"]["bodyAsBase64"], validate=True).decode("utf-8")


def test_scheduler_ops_and_task_completions(all_steps: dict[str, list[dict[str, Any]]]) -> None:
    steps = all_steps["scheduler"]
    admin = [(s["op"], s.get("app")) for s in steps if s["op"] != "event"]
    assert admin == [("deploy_init", "scheduler/v1"), ("deploy_migrate", "scheduler/v2"), ("set_state", None)]
    kinds = [next(iter(json.loads(s["json"]))) for s in steps if s["op"] == "event"]
    assert {"HttpRequestEvent", "TaskCompleteEvent", "ArrivedAtTimeEvent"} == set(kinds)
    # The first event after each deployment completes the CreateVolatileProcess task of init or
    # migrate: the first task of a fresh framework, whose time is still 0.
    firsts = [steps[i + 1]["json"] for i, s in enumerate(steps) if s["op"] in ("deploy_init", "deploy_migrate")]
    assert all(json.loads(f)["TaskCompleteEvent"]["taskId"] == "0-0" for f in firsts)
    # One delivery answered in 0 ms: the host omitted durationInMilliseconds.
    results = [json.loads(s["json"])["TaskCompleteEvent"]["taskResult"] for s in steps if s["op"] == "event" and "TaskCompleteEvent" in s["json"]]
    oks = [r["RequestToVolatileProcessResponse"]["Ok"] for r in results if "Ok" in r.get("RequestToVolatileProcessResponse", {})]
    assert sum("durationInMilliseconds" not in ok for ok in oks) == 1
    assert any("Err" in r.get("RequestToVolatileProcessResponse", {}) for r in results)


def test_counter_sizes(all_steps: dict[str, list[dict[str, Any]]]) -> None:
    ops = [step["op"] if step["op"] != "event" else "e" for step in all_steps["counter"]]
    assert ops == ["deploy_init"] + ["e"] * 300 + ["deploy_migrate"] + ["e"] * 100


def test_counter_admin_has_set_state_revert_and_torn_append(all_steps: dict[str, list[dict[str, Any]]]) -> None:
    ops = [step["op"] for step in all_steps["counter_admin"]]
    assert ops.count("set_state") == 1 and ops.count("revert") == 1 and ops[-1] == "torn_append"


def test_tracker_incident_steps(scenarios: ModuleType, all_steps: dict[str, list[dict[str, Any]]]) -> None:
    steps = all_steps["tracker"]
    incident = scenarios.TRACKER_INCIDENT
    deploys = [(i, s["op"], s["app"]) for i, s in enumerate(steps) if s["op"] != "event"]
    assert deploys == [
        (0, "deploy_init", "tracker/v1"),
        (incident["deploy_v2_step"], "deploy_migrate", "tracker/v2"),
        (incident["deploy_v3_bug_step"], "deploy_migrate", "tracker/v3_bug"),
        (incident["deploy_v4_fix_step"], "deploy_migrate", "tracker/v4_fix"),
    ]
    assert 3500 <= len(steps) <= 4500

    def body(index: int) -> dict[str, Any]:
        request = json.loads(steps[index]["json"])["HttpRequestEvent"]["request"]
        decoded: dict[str, Any] = json.loads(base64.b64decode(request["bodyAsBase64"]))
        return decoded

    renames = [i for i, s in enumerate(steps) if s["op"] == "event" and "HttpRequestEvent" in s["json"]
               and b'"op":"rename"' in base64.b64decode(json.loads(s["json"])["HttpRequestEvent"]["request"]["bodyAsBase64"])]
    after_v3 = [i for i in renames if i > incident["deploy_v3_bug_step"]]
    assert after_v3[0] == incident["first_corrupting_step"]
    assert body(incident["first_corrupting_step"])["userId"] == "dave"
    kinds = {next(iter(json.loads(s["json"]))) for s in steps if s["op"] == "event"}
    assert kinds == {"HttpRequestEvent", "TaskCompleteEvent", "ArrivedAtTimeEvent"}
    docstring = scenarios.__doc__ or ""
    for key in ("deploy_v2_step", "deploy_v3_bug_step", "first_corrupting_step", "deploy_v4_fix_step"):
        assert f"step {incident[key]}" in docstring


def test_ledger_events_in_both_2023_shapes(all_steps: dict[str, list[dict[str, Any]]]) -> None:
    """2021-09 shape (no nulls) until the host upgrade of 2023-06-05, tagged after; request ids
    count from 1 again at the upgrade and at the deploy+migrate (host restarts)."""
    steps = all_steps["ledger"]
    admin = [(s["op"], s.get("app") or s.get("function")) for s in steps if s["op"] != "event"]
    assert admin == [
        ("deploy_init", "ledger/v1"), ("apply_function", "Backend.ExposeFunctionsToAdmin.creditAll"),
        ("deploy_migrate", "ledger/v2"), ("apply_function", "Backend.ExposeFunctionsToAdmin.payOutFees"),
    ]  # fmt: skip
    upgrade = 1_685_952_000_000  # 2023-06-05T08:00Z
    counters: dict[int, list[int]] = {0: [], 1: [], 2: []}
    migrated = False
    for step in steps:
        migrated = migrated or step["op"] == "deploy_migrate"
        if step["op"] != "event":
            continue
        assert set(step) == {"op", "value", "time_ms"}
        ((kind, body),) = step["value"].items()
        old = step["time_ms"] < upgrade
        inner = body if old else body[0]
        assert isinstance(inner, dict) and (isinstance(body, list) != old)
        if kind in ("ArrivedAtTimeEvent", "PosixTimeHasArrivedEvent"):
            assert (kind == "ArrivedAtTimeEvent") == old and list(inner) == ["posixTimeMilli"]
            continue
        assert kind == "HttpRequestEvent" and list(inner) == ["posixTimeMilli", "httpRequestId", "requestContext", "request"]
        time_ms, counter = inner["httpRequestId"].split("-")
        assert int(time_ms) == inner["posixTimeMilli"]
        counters[0 if old else 2 if migrated else 1].append(int(counter))
        request = inner["request"]
        if old:  # the 2021-09 shape: null members omitted
            assert None not in request.values() and list(request)[-1] == "headers"
            assert None not in inner["requestContext"].values()
        else:
            assert list(request) == ["method", "uri", "bodyAsBase64", "headers"]
            assert set(request["bodyAsBase64"]) <= {"Just", "Nothing"} and set(inner["requestContext"]["clientAddress"]) <= {"Just", "Nothing"}
    assert [len(c) for c in counters.values()] == [80, 60, 65]
    assert all(c == list(range(1, len(c) + 1)) for c in counters.values())
