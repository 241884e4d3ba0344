"""Counterfactual vs verify and vs a plain replay: time and peak RSS, each in a fresh process.

A counterfactual replays the later app events through two apps (the recorded one and the
candidate) and compares them event by event by digests, so its memory must not grow with the
number of events: on a big store its peak RSS is compared with a plain replay's, on the tracker
sample its time with ``verify`` of the same store.

Run as a script: ``python -m bench.counterfactual_bench WHAT STORE RUNTIMES [APP AT MODE]`` prints
one JSON object (WHAT: verify, replay or counterfactual).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from .memory_bench import _status_mb, in_fresh_process
from .stores import ROOT, BenchStore

SAMPLES = ROOT / "sample_histories"
#: The tracker sample's counterfactual of the issue: v4_fix deployed where it could have been.
TRACKER_SAMPLE = (SAMPLES / "tracker" / "store", SAMPLES / "tracker" / "runtimes", SAMPLES / "apps" / "tracker" / "v4_fix", 2536, "migrate")


def child(what: str, store_path: str, runtimes: str, app: str | None = None, at: int = 0, mode: str = "migrate") -> dict[str, Any]:
    """Runs in the subprocess: open the store, run ``what``, report time and peak RSS."""
    from elmreplay.replay.session import ReplaySession
    from elmreplay.replay.verify import verify
    from elmreplay.replay.whatif import counterfactual
    from elmreplay.runtime.sources import RuntimeDirectory, RuntimeResolver
    from elmreplay.store.files import DirectoryFiles
    from elmreplay.store.store import Store

    store = Store(DirectoryFiles(store_path))
    resolver = RuntimeResolver([RuntimeDirectory(Path(runtimes))])
    t0 = time.perf_counter()
    out: dict[str, Any] = {"what": what, "records": len(store.records)}
    if what == "verify":
        out["ok"] = verify(store, resolver).ok
    elif what == "replay":
        with ReplaySession(store, resolver, use_reductions=False) as session:  # every record, from the first
            session.replay_all()
    else:
        assert app is not None
        report = counterfactual(store, app, resolver, at=at, mode=mode)
        out.update(accepted=report.deploy.accepted, events=len(report.events), summary=report.summary_line())
    out["seconds"] = time.perf_counter() - t0
    out["peak_rss_mb"] = _status_mb("VmHWM")
    return out


def measure(what: str, store: Path, runtimes: Path, *extra: object) -> dict[str, Any]:
    """``child`` in a fresh interpreter."""
    args = [what, str(store), str(runtimes), *map(str, extra)]
    return in_fresh_process("bench.counterfactual_bench", args, f"counterfactual bench ({what})")


def run(big: BenchStore | None) -> dict[str, Any]:
    """The tracker sample (time and RSS vs verify) and, when given, a big counter store (RSS vs a
    plain replay; the candidate is the deployed app itself, restarted with init after record 1,
    so every later state differs)."""
    store, runtimes, app, at, mode = TRACKER_SAMPLE
    verify_r = measure("verify", store, runtimes)
    cf = measure("counterfactual", store, runtimes, app, at, mode)
    out: dict[str, Any] = {
        "tracker_verify_s": verify_r["seconds"],
        "tracker_verify_peak_rss_mb": verify_r["peak_rss_mb"],
        "tracker_counterfactual_s": cf["seconds"],
        "counterfactual_peak_rss_mb": cf["peak_rss_mb"],
        "counterfactual_vs_verify": cf["seconds"] / verify_r["seconds"],
        "tracker_counterfactual_summary": cf["summary"],
    }
    if big is not None:
        plain = measure("replay", big.path, big.runtimes)
        big_cf = measure("counterfactual", big.path, big.runtimes, SAMPLES / "apps" / "counter" / "v1", 1, "init")
        out.update(
            big_records=plain["records"],
            big_replay_s=plain["seconds"],
            big_replay_peak_rss_mb=plain["peak_rss_mb"],
            big_counterfactual_s=big_cf["seconds"],
            big_counterfactual_peak_rss_mb=big_cf["peak_rss_mb"],
            big_counterfactual_rss_vs_replay=big_cf["peak_rss_mb"] / plain["peak_rss_mb"],
            big_counterfactual_summary=big_cf["summary"],
        )
    return out


if __name__ == "__main__":
    what, store_path, runtimes = sys.argv[1:4]
    rest = sys.argv[4:]
    kwargs: dict[str, Any] = {"app": rest[0], "at": int(rest[1]), "mode": rest[2]} if rest else {}
    print(json.dumps(child(what, store_path, runtimes, **kwargs)))
