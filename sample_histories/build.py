"""Build the bundled sample histories from the scenarios (``python sample_histories/build.py``).

Each sample is written to ``sample_histories/<name>/store`` with the recorder (a host-faithful
writer of new stores), plus ``sample_histories/<name>/runtimes/runtimes.json``, which maps the
app-config hash of every app version of the sample's family (deployed ones and the candidates
for what-if runs) to its hand-written JavaScript port. Building is deterministic: running it
again produces byte-identical stores.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from elmreplay import Recorder  # noqa: E402  (the public recorder)
from elmreplay.replay.script import app_loader, run_script  # noqa: E402
from elmreplay.runtime.sources import RuntimeDirectory, RuntimeResolver  # noqa: E402
from elmreplay.store.components import component_hash  # noqa: E402
from elmreplay.store.trees import TreeEncoding, build_tree  # noqa: E402
from elmreplay.store.writer import WriterEra  # noqa: E402

APPS = HERE / "apps"
PORTS = HERE / "ports"
PORT_LIB = PORTS / "lib" / "elm_port_lib.js"
#: The root module of the 2021-09 .. 2023-02 hosts for ``backendMain`` apps (after PORT_LIB).
BACKEND_MAIN_2021_LIB = PORTS / "lib" / "backend_main_2021.js"
#: The 2023 state shim and web-service framework (after PORT_LIB).
WEBSERVICE_2023_LIB = PORTS / "lib" / "webservice_2023.js"


@dataclass(frozen=True)
class Sample:
    name: str
    scenario: str
    family: str  # apps/<family>/<version>
    era: WriterEra
    tree_encoding: TreeEncoding
    description: str
    reduction_interval_ms: int = 10 * 60 * 1000
    #: Port libraries evaluated between PORT_LIB and the app's port (the host's root module).
    port_libs: tuple[Path, ...] = ()


SAMPLES = [
    Sample(
        "counter",
        "counter",
        "counter",
        WriterEra.E3,
        TreeEncoding.UTF8,
        "2020 layout (head-hash chain, component/ and deflated-component/, UTF-8 tree names): an Int counter "
        "deployed with init, then deploy+migrate to a String builder (Int -> String).",
    ),
    Sample(
        "counter_admin",
        "counter_admin",
        "counter",
        WriterEra.E5,
        TreeEncoding.CODEPOINTS,
        "2021 layout with a set-state, a revert and a torn last append.",
    ),
    Sample(
        "tracker",
        "tracker",
        "tracker",
        WriterEra.E5,
        TreeEncoding.CODEPOINTS,
        "2021 layout (literal log files, literal-element/, code-point tree names, inline events): a shared issue "
        "tracker with migrations and an incident (a buggy version corrupts state, then a fix is deployed). "
        "Reductions every 12 hours of host time (not the host's default 10 minutes) keep the sample small.",
        reduction_interval_ms=12 * 3600 * 1000,
    ),
    Sample(
        "notes",
        "notes",
        "notes",
        WriterEra.E5,
        TreeEncoding.CODEPOINTS,
        "2021 layout: a notes API whose requests and responses go through "
        "CompilationInterface.GenerateJsonCoders (request and response custom types with record "
        "arguments, Maybe, List, a type whose tags are not exposed) and whose GET page is a "
        "CompilationInterface.SourceFiles file; deploy+init, then deploy+migrate (pinned notes).",
        reduction_interval_ms=2 * 3600 * 1000,
    ),
    Sample(
        "scheduler",
        "scheduler",
        "scheduler",
        WriterEra.E5,
        TreeEncoding.CODEPOINTS,
        "2021-10 layout, a `backendMain` app (ElmFullstack.BackendConfig) as the hosts of 2021-09-03 .. 2023-02 "
        "ran it: reminders posted over HTTP, a time subscription (posixTimeIsPast) that fires them, and a volatile "
        "process created by `init` that delivers them (task completions in the log); deploy+init, then "
        "deploy+migrate (the migration returns a command), then a set-state. `scheduler/candidate_ok` migrates the "
        "final state; `scheduler/candidate_reject` declares the new state as its migration input and is rejected. "
        "Runtimes: ports/lib/elm_port_lib.js + ports/lib/backend_main_2021.js + the version's port.",
        reduction_interval_ms=15 * 60 * 1000,
        port_libs=(BACKEND_MAIN_2021_LIB,),
    ),
    Sample(
        "ledger",
        "ledger",
        "ledger",
        WriterEra.STJ_2022,
        TreeEncoding.CODEPOINTS,
        "2023 Elm-Time web service (records and events by System.Text.Json): a ledger deployed on a "
        "2023-02-27 host as a webServerMain app (its first 80 requests and clock ticks stored in the "
        "2021-09 event shape, which later hosts translate), then, on a June 2023 host, tagged events, "
        "ApplyFunctionOnElmAppState records (Backend.ExposeFunctionsToAdmin.creditAll, payOutFees) and "
        "a deploy+migrate to a webServiceMain version with transfer fees. Clock ticks are thinned to one "
        "per 20 minutes (the host sent one at least every 10 s); reductions every 6 hours of host time.",
        reduction_interval_ms=6 * 3600 * 1000,
        port_libs=(WEBSERVICE_2023_LIB, PORTS / "ledger" / "ledger_app.js"),
    ),
]


def load_scenarios() -> dict[str, Callable[[], list[dict[str, Any]]]]:
    spec = importlib.util.spec_from_file_location("sample_scenarios", HERE / "scenarios.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scenarios: dict[str, Callable[[], list[dict[str, Any]]]] = module.SCENARIOS
    return scenarios


def family_versions(family: str) -> list[str]:
    return sorted(p.name for p in (APPS / family).iterdir() if p.is_dir())


def write_runtime_manifest(sample: Sample, runtimes_dir: Path) -> dict[str, list[str]]:
    """runtimes.json: app-config hash (in this sample's tree encoding) -> [port library, port];
    versions.json: app version -> app-config hash."""
    load = app_loader(APPS)
    manifest: dict[str, list[str]] = {}
    versions: dict[str, str] = {}
    for version in family_versions(sample.family):
        port = PORTS / sample.family / f"{version}.js"
        if not port.is_file():
            raise SystemExit(f"no JavaScript port for {sample.family}/{version}: {port}")
        h = component_hash(build_tree(load(f"{sample.family}/{version}"), sample.tree_encoding))
        manifest[h] = [_rel(lib, runtimes_dir) for lib in (PORT_LIB, *sample.port_libs)] + [_rel(port, runtimes_dir)]
        versions[version] = h
    runtimes_dir.mkdir(parents=True, exist_ok=True)
    (runtimes_dir / "runtimes.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    (runtimes_dir / "versions.json").write_text(json.dumps(versions, indent=1) + "\n")
    return manifest


def _rel(path: Path, start: Path) -> str:
    import os

    return os.path.relpath(path, start).replace(os.sep, "/")


def build(sample: Sample, out_root: Path, *, steps: list[dict[str, Any]] | None = None) -> Path:
    """Build one sample into ``out_root/<name>`` (replacing a previous build of it)."""
    target = out_root / sample.name
    if target.exists():
        shutil.rmtree(target)
    store_dir = target / "store"
    runtimes_dir = target / "runtimes"
    write_runtime_manifest(sample, runtimes_dir)
    resolver = RuntimeResolver([RuntimeDirectory(runtimes_dir)])
    recorder = Recorder(
        store_dir, resolver, era=sample.era, tree_encoding=sample.tree_encoding, reduction_interval_ms=sample.reduction_interval_ms
    )
    try:
        run = run_script(recorder, steps if steps is not None else load_scenarios()[sample.scenario](), app_files=app_loader(APPS))
    finally:
        recorder.close()
    if run.rejected:
        raise SystemExit(f"sample {sample.name}: the host would have rejected steps {run.rejected}")
    (target / "README.md").write_text(f"# Sample history `{sample.name}`\n\n{sample.description}\n\nBuilt by `python sample_histories/build.py` from the `{sample.scenario}` scenario in `scenarios.py`; the app versions are in `apps/{sample.family}/`, their hand-written JavaScript ports in `ports/{sample.family}/`.\n")
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("names", nargs="*", help="samples to build (default: all)")
    p.add_argument("--out", type=Path, default=HERE)
    args = p.parse_args(argv)
    for sample in SAMPLES:
        if not args.names or sample.name in args.names:
            path = build(sample, args.out)
            print(f"built {sample.name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
