"""The scheduler sample: a ``backendMain`` app replayed with the semantics of the 2021-09 ..
2023-02 hosts (era 1b): deploy+init runs ``InitStateEvent`` (its command creates the delivery
process), deploy+migrate runs ``MigrateStateEvent`` (the migration returns a command too),
set-state runs ``SetStateEvent``, and time events and task completions replay as recorded.

The expectations are built here from the scenario (what was posted, which tasks completed how),
not from a replay: a task completion is applied only if its id is the one the root module gave
the task, so the delivered lines in the state check the task framework end to end."""

from __future__ import annotations

import base64
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import elmreplay
from elmreplay.replay.parallel import verify_parallel
from elmreplay.replay.restore import restore
from elmreplay.replay.session import ReplaySession
from elmreplay.runtime.sources import RuntimeDirectory, RuntimeResolver

from ..replay.test_whatif_oracle import oracle_store

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"
STORE = SAMPLES / "scheduler" / "store"
APPS = SAMPLES / "apps" / "scheduler"
RESOLVER = RuntimeResolver([RuntimeDirectory(SAMPLES / "scheduler" / "runtimes")])


@pytest.fixture(scope="module")
def steps() -> list[dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("sample_scenarios", SAMPLES / "scenarios.py")
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out: list[dict[str, Any]] = module.SCENARIOS["scheduler"]()
    return out


@pytest.fixture(scope="module")
def store() -> elmreplay.Store:
    return elmreplay.open_store(str(STORE))


def admin_indices(steps: list[dict[str, Any]]) -> dict[str, int]:
    return {str(s["op"]): i for i, s in enumerate(steps) if s["op"] != "event"}


def expected_delivered(steps: list[dict[str, Any]], first: int, last: int) -> list[str]:
    """Delivered lines (newest first) from the task completions between two steps, as the app
    writes them: ``"<id> <returnValueToString>"`` or ``"<id> lost: process not found"``. A
    completion without ``durationInMilliseconds`` does not decode and adds nothing."""
    lines: list[str] = []
    for s in steps[first : last + 1]:
        if s["op"] != "event" or "TaskCompleteEvent" not in s["json"]:
            continue
        result = json.loads(s["json"])["TaskCompleteEvent"]["taskResult"].get("RequestToVolatileProcessResponse")
        if result is None:
            continue
        if "Err" in result:
            lines.insert(0, "lost")
        elif "durationInMilliseconds" in result["Ok"]:
            lines.insert(0, result["Ok"]["returnValueToString"].replace("delivered #", ""))
    return lines


def test_records_and_kinds(store: elmreplay.Store, steps: list[dict[str, Any]]) -> None:
    assert len(store) == len(steps)
    events = store.events()
    assert list(store.deployments()["mode"]) == ["init", "migrate"]
    kinds = events["event_type"].value_counts().to_dict()
    assert set(kinds) == {"ArrivedAtTimeEvent", "HttpRequestEvent", "TaskCompleteEvent"}
    assert events["kind"].tolist().count("SetElmAppState") == 1


def test_verify_from_genesis_and_from_every_reduction(store: elmreplay.Store) -> None:
    report = elmreplay.verify(store, progress=False, jobs=1)
    assert report.ok and len(report.checks) >= 4
    (assumed,) = report.assumptions
    assert "2021-09-03 .. 2023-02" in assumed and "  assumed: " in str(report) and report.to_json()["assumptions"] == [assumed]
    # Split at every reduction (each part starts from a stored state with a fresh task framework).
    parts = verify_parallel(store, RESOLVER, jobs=2)
    assert parts.ok and [c.index for c in parts.checks] == [c.index for c in report.checks]


def test_states_show_every_applied_delivery(store: elmreplay.Store, steps: list[dict[str, Any]]) -> None:
    marks = admin_indices(steps)
    with elmreplay.replay(store) as session:
        before_migrate = json.loads(session.state_at(marks["deploy_migrate"] - 1) or "")
        before_set = json.loads(session.state_at(marks["set_state"] - 1) or "")
        final = json.loads(session.state_at(len(store) - 1) or "")
    # v1: deliveries through the process init created; the 0 ms answer (reminder 4) was not applied.
    ids_v1 = [line.split(" ")[0] for line in before_migrate["delivered"]]
    assert "4" not in ids_v1 and len(ids_v1) == len(expected_delivered(steps, 0, marks["deploy_migrate"] - 1))
    assert all(line == f"{line.split(' ')[0]} delivered #{line.split(' ')[0]}" for line in before_migrate["delivered"])
    assert before_migrate["volatileProcessId"] == {"Just": ["01c1f7e0a3"]}
    # v2: the migration counted the deliveries, forgot the old process and created a new one.
    assert before_set["volatileProcessId"] == {"Just": ["02c1f7e0a3"]}
    # firedCount = the deliveries migrated (reminder 4 fired in v1 but was never delivered) + the
    # reminders fired since, each of them delivered
    assert before_set["firedCount"] == len(before_set["delivered"]) > len(ids_v1)
    assert before_set["delivered"][-len(ids_v1):] == before_migrate["delivered"]
    # After the set-state the host restarted: the process held in the state is gone.
    assert final["delivered"] and all(line.endswith(" lost: process not found") for line in final["delivered"])
    assert len(final["delivered"]) == len(expected_delivered(steps, marks["set_state"], len(steps) - 1))


def test_responses_and_decode_error_of_a_zero_ms_answer(store: elmreplay.Store, steps: list[dict[str, Any]]) -> None:
    with elmreplay.replay(store) as session:
        responses = session.responses(0, len(store))
    errors = [i for i, r in enumerate(responses) if r is not None and "DecodeEventError" in r]
    zero_ms = [i for i, s in enumerate(steps) if s["op"] == "event" and '"Ok":{"returnValueToString"' in s["json"] and "durationInMilliseconds" not in s["json"]]
    assert errors == zero_ms and len(zero_ms) == 1
    assert "Expecting an OBJECT with a field named `durationInMilliseconds`" in json.loads(responses[errors[0]] or "")["DecodeEventError"]
    posts = [(i, s) for i, s in enumerate(steps) if s["op"] == "event" and '"method":"POST"' in s["json"]]
    for i, _ in posts:
        (complete,) = json.loads(responses[i] or "")["DecodeEventSuccess"]["completeHttpResponses"]
        assert complete["response"]["statusCode"] == 200
        assert base64.b64decode(complete["response"]["bodyAsBase64"]).decode().startswith("added ")


def test_restore_from_a_restart_point_matches_the_replay_and_from_a_later_reduction_not(store: elmreplay.Store, steps: list[dict[str, Any]]) -> None:
    """The host restarted the app at the reduction before the set-state: a restore from there is
    the recorded history. The newest reduction was written while the app kept running; the
    host's start-up restore from it gets a fresh task framework, so the deliveries whose tasks
    were started after it carry ids the fresh framework never gave: they are discarded."""
    marks = admin_indices(steps)
    with elmreplay.replay(store, use_reductions=False) as session:
        head = json.loads(session.state_at(len(store) - 1) or "")
    from_restart = restore(store, RESOLVER, from_reduction=store.records.hash(marks["set_state"] - 1))
    newest = restore(store, RESOLVER)
    try:
        assert json.loads(from_restart.state_json() or "") == head
        assert newest.from_reduction is not None and store.index_of_hash[newest.from_reduction] > marks["set_state"]
        lost = json.loads(newest.state_json() or "")
        assert lost["firedCount"] == head["firedCount"] and lost["delivered"] == head["delivered"][-len(lost["delivered"]):]
        assert len(lost["delivered"]) < len(head["delivered"])
    finally:
        from_restart.close()
        newest.close()


def test_diff_between_states(store: elmreplay.Store, steps: list[dict[str, Any]]) -> None:
    marks = admin_indices(steps)
    with elmreplay.replay(store) as session:
        before, after = session.state_at(marks["set_state"] - 1), session.state_at(marks["set_state"])
    diff = elmreplay.diff_states(before or "", after or "")
    assert "maintenance window" in str(diff.to_frame() if hasattr(diff, "to_frame") else diff)


@pytest.mark.parametrize("mode", ["migrate", "init"])
def test_what_if_candidates(store: elmreplay.Store, mode: str) -> None:
    ok = elmreplay.what_if_deploy(store, str(APPS / "candidate_ok"), mode=mode)
    rejected = elmreplay.what_if_deploy(store, str(APPS / "candidate_reject"), mode=mode)
    assert ok.accepted and ok.message == "Successfully applied this composition event to the process."
    if mode == "init":
        assert rejected.accepted  # init does not run the migration
        assert json.loads(ok.state_after or "")["reminders"] == []
        return
    assert not rejected.accepted
    assert rejected.message.startswith(
        "Failed with exception: Failed to apply composition event: Migration function in the hosted app returned an error: "
        "Problem with the given value:"
    )
    assert "Expecting an OBJECT with a field named `lastFiredMilli`" in rejected.message
    after = json.loads(ok.state_after or "")
    assert after["lastFiredMilli"] == 0 and after["firedCount"] == json.loads(ok.state_before or "")["firedCount"]


@pytest.mark.parametrize("cut", ["deploy_migrate", "set_state", "middle", "first"])
def test_what_if_at_a_cut_equals_the_head_of_a_store_with_those_records(store: elmreplay.Store, steps: list[dict[str, Any]], cut: str, tmp_path: Path) -> None:
    k = {"first": 0, "middle": 150, **admin_indices(steps)}[cut]
    for candidate, mode in (("candidate_ok", "migrate"), ("v2", "migrate"), ("candidate_reject", "init")):
        app = str(APPS / candidate)
        at_cut = elmreplay.what_if_deploy(store, app, mode=mode, at=k)
        head = elmreplay.what_if_deploy(oracle_store(store, k, tmp_path / f"{candidate}{mode}"), app, runtimes=[SAMPLES / "scheduler" / "runtimes"], mode=mode)
        assert (at_cut.accepted, at_cut.message, at_cut.state_before, at_cut.state_after) == (head.accepted, head.message, head.state_before, head.state_after)


def test_deploy_migrate_without_an_app_fails_to_decode(tmp_path: Path) -> None:
    with elmreplay.Recorder(tmp_path / "s", runtimes=[SAMPLES / "scheduler" / "runtimes"]) as rec:
        with pytest.raises(elmreplay.AdminRejected) as e:
            rec.deploy(APPS / "v2", migrate=True, time_ms=1_634_000_000_000)
    assert str(e.value).startswith(
        "Failed with exception: Failed to apply composition event: Failed to process the event in the hosted app: "
        "Hosted app failed to decode the event: Failed to deserialize event: Json.Decode.oneOf failed in the following 7 ways:"
    )


def test_counterfactual_of_the_candidate_without_the_new_process(store: elmreplay.Store, steps: list[dict[str, Any]]) -> None:
    marks = admin_indices(steps)
    report = elmreplay.counterfactual(store, str(APPS / "candidate_ok"), at=marks["deploy_migrate"])
    # The candidate migrates the state v2 just migrated: no process, and it creates none; the
    # completion of v2's CreateVolatileProcess task (the next record) finds no task and is discarded.
    later_events = [s for s in steps[marks["deploy_migrate"] + 1 :] if s["op"] == "event"]
    assert report.deploy.accepted and len(report.events) == len(later_events)
    final = json.loads(report.final_state_counterfactual or "")
    at_deploy = json.loads(report.deploy.state_after or "")
    assert final["volatileProcessId"] == {"Nothing": []} and final["delivered"] == at_deploy["delivered"]  # nothing delivered since
    assert final["firedCount"] > at_deploy["firedCount"]  # but reminders kept firing
    assert json.loads(report.final_state_recorded or "")["delivered"] != final["delivered"]
    first = report.first_divergence
    assert first is not None and first.index == marks["deploy_migrate"] + 1


def test_serialized_checkpoints_are_not_starting_points_where_tasks_may_be_pending(store: elmreplay.Store) -> None:
    """A session with tight serialized checkpoints and no live ones gives the same states as one
    replay from genesis: for backendMain apps it starts only where the host restarted."""
    with ReplaySession(store, RESOLVER, use_reductions=False, live_checkpoints=False) as reference:
        expected = [reference.state_at(i) for i in range(len(store))]
    with ReplaySession(store, RESOLVER, checkpoint_every=1, live_checkpoints=False) as session:
        session.state_at(len(store) - 1)
        for i in (72, 70, 69, 68, 300, 292, 510, 10):
            assert session.state_at(i) == expected[i], i


def test_deploy_steps_say_where_an_era_1a_host_would_differ(store: elmreplay.Store, steps: list[dict[str, Any]]) -> None:
    marks = admin_indices(steps)
    with elmreplay.replay(store, use_reductions=False) as session:
        session.state_at(len(store) - 1)
        results = {i: session.step_results[i].result for i in marks.values()}
    init, migrate, set_state = (results[marks[k]] for k in ("deploy_init", "deploy_migrate", "set_state"))
    assert init is not None and "init returned 1 command(s) (CreateVolatileProcess)" in (init.ok or "")
    assert migrate is not None and "migrate returned 1 command(s) (CreateVolatileProcess)" in (migrate.ok or "")
    assert set_state is not None and set_state.ok == "Successfully applied this composition event to the process."

