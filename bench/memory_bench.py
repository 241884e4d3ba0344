"""Memory: peak RSS of a full replay + verify, measured in a fresh subprocess per store.

The child opens the store (and builds its hash -> index map), notes its RSS, runs :func:`elmreplay.replay.verify.verify` (a full
replay from the first record, comparing every stored reduction) and reports its peak RSS.
Running it on two history lengths separates what grows with the history (the opened store's
records) from what the replay adds (checkpoints, V8 heap, batches), which must not grow.

Run as a script: ``python -m bench.memory_bench STORE RUNTIMES`` prints one JSON object.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .stores import ROOT, BenchStore


def _status_mb(field: str) -> float:
    """``VmRSS`` (current) or ``VmHWM`` (peak) resident set size from /proc/self/status."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> bool:
    """Reset the peak RSS counter (Linux >= 4.0) so the replay's own peak can be read."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def child(store_path: str, runtimes: str) -> dict[str, Any]:
    """Runs in the subprocess: open, verify, report."""
    from elmreplay.replay.verify import verify
    from elmreplay.runtime.sources import RuntimeDirectory, RuntimeResolver
    from elmreplay.store.files import DirectoryFiles
    from elmreplay.store.store import Store

    start_mb = _status_mb("VmRSS")
    store = Store(DirectoryFiles(store_path))
    read_mb = _status_mb("VmRSS")
    store.index_of_hash  # the store's lazily built hash -> index map (verify needs it)
    opened_mb = _status_mb("VmRSS")
    open_peak_mb = _status_mb("VmHWM")
    reset = _reset_peak()
    t0 = time.perf_counter()
    report = verify(store, RuntimeResolver([RuntimeDirectory(Path(runtimes))]))
    verify_peak_mb = _status_mb("VmHWM")
    return {
        "records": len(store.records),
        "verify_ok": report.ok,
        "verify_s": time.perf_counter() - t0,
        "rss_start_mb": start_mb,
        "rss_after_read_mb": read_mb,
        "rss_after_open_mb": opened_mb,
        "open_peak_rss_mb": open_peak_mb,
        "verify_peak_rss_mb": verify_peak_mb if reset else None,
        "rss_after_verify_mb": _status_mb("VmRSS"),
        "peak_rss_mb": max(open_peak_mb, verify_peak_mb),
    }


def in_fresh_process(module: str, args: list[str], what: str) -> dict[str, Any]:
    """Run ``python -m module args...`` and return the JSON object on its last output line."""
    proc = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run(bench: BenchStore) -> dict[str, Any]:
    """Measure ``bench`` in a fresh interpreter."""
    result = in_fresh_process("bench.memory_bench", [str(bench.path), str(bench.runtimes)], f"memory benchmark of {bench.name}")
    result["store"] = bench.name
    result["store_mb"] = result["rss_after_open_mb"] - result["rss_start_mb"]
    result["hash_index_mb"] = result["rss_after_open_mb"] - result["rss_after_read_mb"]
    peak_during_replay = result["verify_peak_rss_mb"] or result["peak_rss_mb"]
    result["replay_added_mb"] = peak_during_replay - result["rss_after_open_mb"]
    return result


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2])))
