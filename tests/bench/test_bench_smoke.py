"""Smoke test of the benchmark suite (bench/): every benchmark runs end to end on tiny stores.

Nothing here times anything: the assertions check that each figure is produced, that the
benchmarks measured what they claim (same event counts, verify passed, same diff paths) and
that ``bench/run.py``'s last output line is the JSON summary CI compares across commits.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bench import load_bench, run, stores
from elmreplay.store.writer import WriterEra

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = (
    "replay_vs_limit",
    "counter_events_per_s",
    "seek_p95_s",
    "load_vs_limit",
    "diff_speedup",
    "peak_rss_mb",
    "replay_vs_limit_median",
    "load_vs_limit_median",
    "verify_parallel_speedup",
    "fleet_stores_per_s",
    "counterfactual_vs_verify",
    "counterfactual_peak_rss_mb",
    "counterfactual_big_rss_vs_replay",
)


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return run.run("tiny", tmp_path_factory.mktemp("bench"), parallel=False)


def test_every_figure_is_reported(summary: dict[str, object]) -> None:
    for key in REQUIRED:
        value = summary[key]
        assert isinstance(value, (int, float)) and value > 0, (key, value)
    assert summary["diff_paths_equal"] is True
    assert summary["verify_parallel_same_report"] is True
    assert summary["records"] == {"counter": 400, "chain": 200, "tracker": 150}
    assert summary["checkpoint_budget_mb"] == 256
    # the counter compiled from its Elm source: measured where Elm is, else the reason why not
    elm = summary["counter_elm_replay_vs_limit_median"]
    if elm is None:
        assert str(summary["counter_elm_skipped"]).startswith("Elm toolchain unavailable: ")
    else:
        assert isinstance(elm, float) and elm > 0 and summary["counter_elm_limit_events_per_s"] > 0


def test_the_status_indexed_tracker_client_makes_the_scenario_s_requests() -> None:
    """The benchmark's faster client model must produce exactly the scenario client's steps."""
    sc = stores.scenarios()
    host = sc._Host(random.Random(719))
    client = sc._TrackerClient(host)
    client.version = 4
    t = stores.TRACKER_START_MS
    host.deploy("deploy_init", "tracker/v4_fix", t)
    for k in range(600):
        t += host.rng.randint(50, 2_000)
        if k < len(sc._TEAM):
            client.add_user(t, k)
        else:
            client.random_action(t)
    assert stores.tracker_steps(600) == host.steps


def test_limits_read_every_record(tmp_path: Path) -> None:
    literal = stores.make_store("counter", 30, tmp_path, era=WriterEra.E5)
    chain = stores.make_store("counter", 30, tmp_path, era=WriterEra.E3)
    assert load_bench.limit_literal(literal.path) == 31  # the deploy and 30 events
    assert load_bench.limit_chain(chain.path) == 31


def test_cli_prints_the_summary_as_its_last_line(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "bench/run.py", "--tiny", "--keep", str(tmp_path / "stores")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    last = json.loads(out.strip().splitlines()[-1])
    assert last["mode"] == "tiny" and all(k in last for k in REQUIRED)
    assert "== 1. replay throughput" in out and "== 5. memory" in out


def test_find_vs_replay_is_reported(summary: dict[str, object]) -> None:
    for key in ("find_vs_replay", "find_vs_replay_response"):
        ratios = summary[key]
        assert isinstance(ratios, dict) and set(ratios) == {"counter", "tracker"}
        assert all(isinstance(v, float) and v > 0 for v in ratios.values()), (key, ratios)
