"""End-to-end on the bundled sample histories: replay == stored reductions, the CLI's answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import elmreplay
from elmreplay.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_histories"
NAMES = ["counter", "counter_admin", "ledger", "notes", "tracker"]


def store_path(name: str) -> str:
    return str(SAMPLES / name / "store")


def app(family: str, version: str) -> str:
    return str(SAMPLES / "apps" / family / version)


@pytest.mark.parametrize("name", NAMES)
def test_every_sample_verifies(name: str) -> None:
    store = elmreplay.open_store(store_path(name))
    report = elmreplay.verify(store, progress=False)
    assert report.ok, str(report)
    assert len(report.checks) == len([h for h in store.reduction_hashes if store.index_of_hash.get(h, 0) > 0])


@pytest.mark.parametrize("name", NAMES)
def test_samples_were_built_deterministically(name: str, tmp_path: Path) -> None:
    """Rebuilding a sample gives byte-identical store files (the committed store is reproducible)."""
    sys.path.insert(0, str(SAMPLES))
    try:
        import build  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(SAMPLES))
    sample = next(s for s in build.SAMPLES if s.name == name)
    rebuilt = build.build(sample, tmp_path) / "store"
    committed = Path(store_path(name))
    files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(rebuilt) for p in rebuilt.rglob("*") if p.is_file())
    assert all((committed / f).read_bytes() == (rebuilt / f).read_bytes() for f in files)


def test_sample_layouts_cover_both_eras() -> None:
    counter = elmreplay.open_store(store_path("counter"))
    assert counter.log.layouts == ["head-hash-chain"]
    assert set(counter.component_dirs) == {"component", "deflated-component"}
    assert counter.app_config(counter.deployments().app_config_hash[0]).name_encoding.value.startswith("2020")
    tracker = elmreplay.open_store(store_path("tracker"))
    assert tracker.log.layouts == ["literal-log"]
    assert "literal-element" in tracker.component_dirs
    assert tracker.records[5].parsed.event.value.literal_utf8 is not None  # inline events
    admin = elmreplay.open_store(store_path("counter_admin"))
    kinds = set(admin.events().kind)
    assert {"SetElmAppState", "RevertProcessTo"} <= kinds
    assert admin.summary()["torn_tail_bytes"] > 0 and admin.summary()["reverted_count"] > 0


def test_counter_migration_int_to_string() -> None:
    store = elmreplay.open_store(store_path("counter"))
    deploy = int(store.deployments().query("mode == 'migrate'")["index"].iloc[0])
    with elmreplay.replay(store) as session:
        before = session.state_at(deploy - 1)
        after = session.state_at(deploy)
    assert after == json.dumps(before)  # String.fromInt


def test_incident_first_bad_state_found_by_diff() -> None:
    store = elmreplay.open_store(store_path("tracker"))
    events = store.events()
    bug_deploy = int(store.deployments()["index"].iloc[2])
    renames = [
        int(i)
        for i in events.index[(events.index > bug_deploy) & (events.kind == "UpdateElmAppStateForEvent")]
        if '"op":"rename"' in _body(store, int(i))
    ]
    with elmreplay.replay(store) as session:
        first = renames[0]
        d = elmreplay.diff_states(session.state_at(first - 1), session.state_at(first))
    assert d.summary()["maybe_became_nothing"] > 10  # assignees of other issues cleared


def _body(store: elmreplay.Store, index: int) -> str:
    import base64

    ev = json.loads(store.event_json(index))
    body = ev.get("HttpRequestEvent", {}).get("request", {}).get("bodyAsBase64", "")
    return base64.b64decode(body).decode("utf-8", "replace").replace(" ", "")


def run_cli(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "elmreplay.cli", *args], capture_output=True, text=True, cwd=ROOT)
    return proc.returncode, proc.stdout, proc.stderr


def test_cli_state_and_verify() -> None:
    code, out, err = run_cli("state", store_path("counter"), "--at", "3")
    assert code == 0 and isinstance(json.loads(out), int), err
    code, out, _ = run_cli("verify", store_path("counter_admin"), "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, err = run_cli("state", store_path("counter"), "--runtimes", str(SAMPLES / "tracker" / "runtimes"))
    assert code == 2 and "RuntimeUnavailable" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("family", "version", "expected"),
    [("tracker", "candidate_ok", 0), ("tracker", "candidate_reject", 1), ("counter", "candidate_ok", 0), ("counter", "candidate_reject", 1),
     ("notes", "candidate_ok", 0), ("notes", "candidate_reject", 1)],
)
def test_cli_what_if_deploy(family: str, version: str, expected: int) -> None:
    code, out, err = run_cli("what-if-deploy", store_path(family), app(family, version), "--mode", "migrate", "--json")
    assert code == expected, err
    doc = json.loads(out)
    assert doc["format_version"] == 1 and doc["accepted"] is (expected == 0)
    # states appear as JSON values, not as JSON text inside strings
    assert isinstance(doc["state_before"], str if family == "counter" else dict)
    assert not str(doc["state_before"]).startswith('"')
    if expected == 1:
        err_text = doc["host_response"]["result"]["Err"]
        assert err_text.startswith("Failed to migrate Elm app state for this deployment: Failed to migrate the elm app state:")
        field = {"tracker": "role", "counter": "otherState", "notes": "archived"}[family]
        assert f"a field named `{field}`" in err_text


def test_cli_what_if_without_runtime_is_an_input_error(tmp_path: Path) -> None:
    code, _, err = run_cli("what-if-deploy", store_path("tracker"), app("counter", "v1"), "--mode", "init")
    assert code == 2 and "No runtime for app config" in err


def test_cli_what_if_at_index_and_diff() -> None:
    code, out, _ = run_cli("what-if-deploy", store_path("tracker"), app("tracker", "v4_fix"), "--at", "2536", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["at_index"] == 2536 and doc["base_record_hash"] == elmreplay.open_store(store_path("tracker")).records[2536].hash
    code, out, _ = run_cli("diff", store_path("counter"), "--from", "5", "--to", "6", "--json")
    assert code == 1 and json.loads(out)["summary"]["changed"] == 1  # a difference: exit 1, as README says


def test_counterfactual_fix_instead_of_bug() -> None:
    store = elmreplay.open_store(store_path("tracker"))
    bug_deploy = int(store.deployments()["index"].iloc[2])
    report = elmreplay.counterfactual(store, app("tracker", "v4_fix"), at=bug_deploy - 1, until=bug_deploy + 200)
    assert report.deploy.accepted
    first = report.first_divergence
    assert first is not None and first.state_differs


def test_main_entry_point_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main(["no-such-command"])
    assert info.value.code == 2
