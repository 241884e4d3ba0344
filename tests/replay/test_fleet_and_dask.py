"""Fleet what-if and the Dask path (issue 19), on a LocalCluster of 2 worker processes."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from elmreplay import fleet_what_if, open_store, verify
from elmreplay.cli import main
from elmreplay.replay.fleet import COLUMNS, candidate_hashes
from elmreplay.replay.pool import run_tasks
from elmreplay.replay.script import read_app_dir
from elmreplay.replay.whatif import what_if_deploy
from elmreplay.runtime.sources import default_resolver

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
TRACKER = ROOT / "sample_histories" / "tracker"
APPS = ROOT / "sample_histories" / "apps" / "tracker"
RUNTIMES = str(TRACKER / "runtimes")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def tenants(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Three tenants: copies of the tracker store (the samples are never written)."""
    root = tmp_path_factory.mktemp("tenants")
    out = []
    for name in ("acme", "globex", "initech"):
        shutil.copytree(TRACKER / "store", root / name)
        out.append(str(root / name))
    return out


def test_verify_on_dask_gives_the_sequential_report(client: Any) -> None:
    store = open_store(TRACKER / "store")
    assert verify(store, client=client, progress=False) == verify(store, jobs=1, progress=False)


@pytest.mark.parametrize("candidate,verdict", [("candidate_ok", "accept"), ("candidate_reject", "reject")])
def test_fleet_rows_match_single_what_ifs(client: Any, tenants: list[str], candidate: str, verdict: str) -> None:
    table = fleet_what_if(APPS / candidate, [*tenants, str(Path(tenants[0]).parent / "missing")], mode="migrate", runtimes=[RUNTIMES], client=client, progress=False)
    assert list(table.columns) == COLUMNS
    assert list(table["verdict"]) == [verdict] * 3 + ["error"]
    assert "StoreNotFound" in table["error"].iloc[3]
    # Oracle: the plain what-if on one store, in this process.
    single = what_if_deploy(open_store(tenants[0]), APPS / candidate, default_resolver(None, [RUNTIMES]), mode="migrate")
    row = table.iloc[0]
    assert row["host_text"] == single.message and row["head_hash"] == single.store_head_hash
    assert row["app_config_hash"] == single.app_config_hash
    assert row["state_bytes_before"] == len(single.state_before.encode())  # type: ignore[union-attr]
    if single.accepted:
        assert row["state_bytes_after"] == len(single.state_after.encode())  # type: ignore[union-attr]
        assert row["diff_summary"] == single.diff.summary()
    else:
        assert row["state_bytes_after"] is pd_na()


def pd_na() -> Any:
    import pandas as pd

    return pd.NA


def test_the_candidate_is_resolved_once_and_shipped() -> None:
    files = read_app_dir(APPS / "candidate_ok")
    hashes = candidate_hashes(files)
    assert len(hashes) == 4  # one per tree encoding: workers find it whatever the store's era
    manifest = json.loads((TRACKER / "runtimes" / "runtimes.json").read_text())
    assert sum(h in manifest for h in hashes) == 1


def test_fleet_cli_exit_codes(client: Any, tenants: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    address = client.scheduler.address
    base = ["fleet", "what-if-deploy", "--mode", "migrate", "--runtimes", RUNTIMES, "--scheduler", address]
    assert main([*base, str(APPS / "candidate_ok"), *tenants]) == 0
    assert "3 accept, 0 reject, 0 error" in capsys.readouterr().out
    assert main([*base, str(APPS / "candidate_reject"), *tenants, "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [r["verdict"] for r in rows] == ["reject"] * 3 and rows[0]["state_bytes_before"] > 0
    assert main([*base, str(APPS / "candidate_ok"), tenants[0], tenants[0] + "-missing"]) == 2
    # Local worker processes (no scheduler) answer the same.
    assert main(["fleet", "what-if-deploy", "--mode", "migrate", "--runtimes", RUNTIMES, str(APPS / "candidate_reject"), *tenants[:2]]) == 1
    # No JavaScript for the candidate: an input error before any store is run.
    assert main(["fleet", "what-if-deploy", "--mode", "migrate", str(APPS / "candidate_ok"), *tenants]) == 2
    assert "RuntimeUnavailable" in capsys.readouterr().err


def test_cli_verify_on_a_scheduler(client: Any, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(TRACKER / "store")
    assert main(["verify", store, "--scheduler", client.scheduler.address, "--json"]) == 0
    on_dask = json.loads(capsys.readouterr().out)
    assert main(["verify", store, "--jobs", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == on_dask


def sleepy(seconds: float, shared: None, on_progress: Any) -> float:
    time.sleep(seconds)
    return seconds


def test_ctrl_c_cancels_the_futures(client: Any) -> None:
    def interrupt(units: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_tasks(sleepy, [0.0, 30.0, 30.0], None, client=client, on_progress=interrupt)
    deadline = time.monotonic() + 10
    while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0
