"""``--compile`` follows the host that deployed each app: the deploy record's time (from the
store) goes to the compiler, and chooses the host period whose generated code the app gets.

No Elm needed: ``compile_app_config`` is replaced by a stand-in that records what it was asked
for and returns the sample's port, and the module text the chosen period generates is checked
against golden files (tests/elmcompile/golden/sample-*), which hold the 2021 state decoders for
the 2021 samples and the 2020 ones for the 2020 sample.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

import pytest

import elmreplay
import elmreplay.elmcompile
from elmreplay.cli import EXIT_OK, EXIT_DIFFERENT, main
from elmreplay.elmcompile import lower_app_config, read_app_dir
from elmreplay.elmcompile.lowering import host_generation_for
from elmreplay.replay.host import app_deploy_time
from elmreplay.runtime.sources import RuntimeDirectory
from elmreplay.store.recordtimes import TimeBounds

SAMPLES = Path(__file__).resolve().parents[2] / "sample_histories"
GOLDEN = Path(__file__).resolve().parents[1] / "elmcompile" / "golden"
ROOT = "src/Backend/InterfaceToHost_Root.elm"


class StandInCompiler:
    """Records (app config hash, deploy time) per call and answers with the sample's port."""

    def __init__(self, sample: str) -> None:
        self.ports = RuntimeDirectory(SAMPLES / sample / "runtimes")
        self.calls: list[tuple[str, TimeBounds | None, Mapping[str, bytes]]] = []

    def __call__(self, files: Mapping[str, bytes], *, app_config_hash: str, deployed: TimeBounds | None = None,
                 **_: Any) -> str | None:
        self.calls.append((app_config_hash, deployed, files))
        return self.ports(app_config_hash, files)  # None: no port under this hash (tree encoding)


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Any:
    def make(sample: str) -> StandInCompiler:
        compiler = StandInCompiler(sample)
        monkeypatch.setattr(elmreplay.elmcompile, "compile_app_config", compiler)
        return compiler

    return make


def test_the_store_dates_each_deployment() -> None:
    tracker = elmreplay.open_store(str(SAMPLES / "tracker" / "store"))
    first = tracker.deployments().iloc[0]
    bounds = app_deploy_time(tracker, first["app_config_hash"])
    assert bounds is not None
    assert bounds.earliest == datetime(2021, 7, 19, 7, 45, tzinfo=timezone.utc) and bounds.latest is None
    assert "composition-log/literal/2021-07-19/2021-07-19T07-45" in bounds.source
    counter = elmreplay.open_store(str(SAMPLES / "counter" / "store"))
    bounds = app_deploy_time(counter, counter.deployments().iloc[0]["app_config_hash"])
    assert bounds is not None and "head-hash chain record in component/" in bounds.source
    assert (bounds.earliest, bounds.latest) == (
        datetime(2020, 5, 5, tzinfo=timezone.utc), datetime(2021, 2, 14, tzinfo=timezone.utc))
    assert app_deploy_time(counter, "00" * 32) is None


@pytest.mark.parametrize(("sample", "commit"), [("tracker", "da027786"), ("notes", "da027786"),
                                                ("counter", "a9e04a4e"), ("counter_admin", "da027786")])
def test_verify_compile_passes_each_deploy_time_to_the_compiler(
    stand_in: Any, capsys: pytest.CaptureFixture[str], sample: str, commit: str
) -> None:
    compiler = stand_in(sample)
    assert main(["verify", str(SAMPLES / sample / "store"), "--compile", "--jobs", "1"]) == EXIT_OK
    store = elmreplay.open_store(str(SAMPLES / sample / "store"))
    deployed = set(store.deployments()["app_config_hash"])
    assert {h for h, _, _ in compiler.calls} == deployed
    for h, bounds, files in compiler.calls:
        assert bounds == app_deploy_time(store, h)
        host, note = host_generation_for(files, bounds)
        assert host.commit == commit and note is None


@pytest.mark.parametrize(("family", "sample", "golden"), [
    ("tracker", "tracker", "sample-tracker-candidate_reject"),
    ("notes", "notes", "sample-notes-candidate_reject"),
])
def test_what_if_compile_deploys_the_candidate_at_the_head_log_files_time(
    stand_in: Any, capsys: pytest.CaptureFixture[str], family: str, sample: str, golden: str
) -> None:
    compiler = stand_in(sample)
    app = SAMPLES / "apps" / family / "candidate_reject"
    store_path = SAMPLES / sample / "store"
    assert main(["what-if-deploy", str(store_path), str(app), "--compile"]) == EXIT_DIFFERENT
    store = elmreplay.open_store(str(store_path))
    newest_file = store.log.records[len(store) - 1].location.path
    files = read_app_dir(app)
    (bounds,) = {b for _, b, f in compiler.calls if dict(f) == files}
    assert bounds is not None and bounds.source == f"log file {newest_file}"
    lowered = lower_app_config(files, deployed=bounds)
    assert lowered.host_generation is not None and lowered.host_generation.state_coders == "2021"
    # The 2021 state and migration-input decoders, as the golden files hold them.
    root = (GOLDEN / golden / ROOT).read_text(encoding="utf-8")
    assert lowered.generated[ROOT] == root
    assert "jsonDecode_singleTagArgument" not in root and "keyValueObject" not in root
    assert ("jsonDecodeSucceedWhenNotNull" in root) == (family == "tracker")  # notes' state has no custom type


def test_a_2020_store_gives_the_2020_decoders() -> None:
    store = elmreplay.open_store(str(SAMPLES / "counter" / "store"))
    bounds = app_deploy_time(store, store.deployments().iloc[0]["app_config_hash"])
    tracker_v1 = read_app_dir(SAMPLES / "apps" / "tracker" / "v1")
    root_2020 = lower_app_config(tracker_v1, deployed=bounds).generated[ROOT]
    root_2021 = lower_app_config(tracker_v1, deployed=TimeBounds(
        datetime(2021, 7, 19, tzinfo=timezone.utc), None, "test")).generated[ROOT]
    assert "jsonDecode_singleTagArgument" in root_2020 and "keyValueObject" in root_2020
    assert "jsonDecodeSucceedWhenNotNull" in root_2021 and "keyValueObject" not in root_2021


def test_fleet_compile_dates_the_candidate_like_its_stores(stand_in: Any) -> None:
    compiler = stand_in("tracker")
    app = SAMPLES / "apps" / "tracker" / "candidate_reject"
    store_path = str(SAMPLES / "tracker" / "store")
    table = elmreplay.fleet_what_if(app, [store_path], compile=True, jobs=1)
    assert list(table["verdict"]) == ["reject"]
    assert "json.users[0][1]" in table["host_text"].iloc[0]
    files = read_app_dir(app)
    (bounds,) = {b for _, b, f in compiler.calls if dict(f) == files}
    store = elmreplay.open_store(store_path)
    assert bounds is not None and bounds.source == f"log file {store.log.records[len(store) - 1].location.path}"
    assert host_generation_for(files, bounds)[0].state_coders == "2021"
