"""elmreplay's benchmark suite: ``python bench/run.py [--quick] [--keep DIR]``.

Generates its stores with the recorder into a temporary directory (never committed), then
prints each figure as a ratio measured in the same run, with the absolute numbers:

1. replay throughput (counter and tracker apps) vs the engine's limit (the app's update in a
   tight JavaScript loop over event strings already inside V8), and one call per event;
2. seek latency (random ``state_at``) on the counter store and the tracker store;
3. load (store -> ``events()`` DataFrame) in both layouts vs reading + JSON-parsing the same
   bytes, and the hash-verification cost;
4. diff: elmreplay's diff vs plain DeepDiff on a ~10 MB state (``bench/diff_bench.py``);
5. memory: peak RSS of a full replay + verify of the biggest counter store (subprocess);
6. find vs replay: a path condition over a range against a plain replay of the same range
   (``bench/find_bench.py``; the tracker's state condition over its first ``find_tracker_stop``
   records, since its cost grows with the state's size).
8. scale-out: parallel verify (jobs = the CPUs) vs sequential, and fleet what-ifs per second
   (``bench/scale_bench.py``).

Replay and load also report the median ratio of their interleaved repeats (3 each, except
``tiny``), so that one noisy repeat does not decide.
Where Elm is available (``elm`` on PATH, its packages in ``ELM_HOME``), replay is measured once
more with the counter compiled from its Elm source (``counter_elm_*`` keys; else a skip reason).

Sizes: full run 1M-record counter stores and a 100k-event tracker store (< 10 min on 2 cores);
``--quick`` 100k and 10k, and an 800k counter store for parallel verify (< 3 min; the CI runs it). Nothing is asserted. The last output line
is one JSON object (keys ``replay_vs_limit``, ``counter_events_per_s``, ``seek_p95_s``,
``load_vs_limit``, ``diff_speedup``, ``peak_rss_mb`` and more) to compare across commits.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``elmreplay`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import counterfactual_bench, diff_bench, find_bench, load_bench, memory_bench, replay_bench, scale_bench, seek_bench  # noqa: E402
from bench.stores import BenchStore, make_store  # noqa: E402
from elmreplay.replay.parallel import MIN_PARALLEL_RECORDS  # noqa: E402
from elmreplay.store.writer import WriterEra  # noqa: E402


@dataclass(frozen=True)
class Sizes:
    """How big the generated stores are, and how many repetitions and seeks to run."""

    counter: int  # counter app, literal log (E5): replay, seek, load, memory
    chain: int  # counter app, head-hash chain (E3): load (3 files per record to write)
    tracker: int  # tracker app (E5): replay, seek
    memory_small: int  # a shorter counter history: what grows with history length
    repeat: int  # interleaved repetitions (best kept) of the cheap measurements
    counter_seeks: tuple[int, int]  # warm, cold
    tracker_seeks: tuple[int, int]
    one_call_events: int
    diff_quick: bool
    find_tracker_stop: int = 3000  # records of the tracker store that find is measured on
    fleet_stores: int = 8  # copies of the tracker store in the fleet what-if
    #: Records of a counter store (E5) of its own for the parallel verify (0: the counter
    #: store). Parallel verify pays off from about ``MIN_PARALLEL_RECORDS`` records (starting a
    #: worker costs ~0.9 s), so it is measured on a store at least that long.
    scale: int = 0

    #: Replay and load repeats (interleaved, each against its limit) whose median ratio is reported.
    MEDIAN_REPEAT = 3

    @staticmethod
    def of(mode: str) -> Sizes:
        if mode == "full":
            return Sizes(1_000_000, 100_000, 100_000, 100_000, 2, (200, 50), (40, 5), 2000, False, 4)
        if mode == "quick":
            return Sizes(100_000, 20_000, 10_000, 10_000, 2, (100, 25), (50, 5), 1000, True, scale=4 * MIN_PARALLEL_RECORDS)
        # "tiny": the smoke test's sizes
        return Sizes(400, 200, 150, 100, 1, (5, 3), (5, 2), 20, True, 2)


def _log(message: str) -> None:
    print(message, flush=True)


def _make(args: tuple[str, int, str, str]) -> BenchStore:
    kind, n, root, era = args
    return make_store(kind, n, Path(root), era=WriterEra(era))


def generate(sizes: Sizes, root: Path, *, parallel: bool = True) -> dict[str, BenchStore]:
    """Record the benchmark stores (in parallel processes: generation is not measured)."""
    jobs = {
        "counter": ("counter", sizes.counter, str(root), "E5"),
        "counter_chain": ("counter", sizes.chain, str(root), "E3"),
        "tracker": ("tracker", sizes.tracker, str(root), "E5"),
        "counter_small": ("counter", sizes.memory_small, str(root), "E5"),
        **({"counter_scale": ("counter", sizes.scale, str(root), "E5")} if sizes.scale else {}),
    }
    if not parallel:
        return {name: _make(job) for name, job in jobs.items()}
    with ProcessPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {name: pool.submit(_make, job) for name, job in jobs.items()}
        return {name: f.result() for name, f in futures.items()}


def run(mode: str, root: Path, *, parallel: bool = True) -> dict[str, Any]:
    """Run every benchmark; returns the summary (also printed, as the last line)."""
    sizes = Sizes.of(mode)
    t0 = time.perf_counter()
    stores = generate(sizes, root, parallel=parallel)
    _log(f"stores recorded in {time.perf_counter() - t0:.0f} s: " + ", ".join(f"{s.name}" for s in stores.values()))

    _log("\n== 1. replay throughput vs the engine's limit ==")
    counter_store = replay_bench.open_store(stores["counter"])
    repeat = 1 if mode == "tiny" else Sizes.MEDIAN_REPEAT
    counter = replay_bench.run(stores["counter"], repeat=repeat, one_call_events=sizes.one_call_events, store=counter_store)
    _print_replay(counter)
    tracker, tracker_session = replay_bench.run_keeping_session(
        stores["tracker"], one_call_events=sizes.one_call_events, repeat=repeat
    )
    _print_replay(tracker)

    compiled = replay_bench.run_compiled(stores["counter"], root / "elm-cache", repeat=repeat, store=counter_store)
    if "skipped" in compiled:
        _log(f"{compiled['store']} with the counter compiled from its Elm source: skipped ({compiled['skipped']})")
    else:
        _log(f"{compiled['store']} with the counter compiled from its Elm source (compiled in {compiled['compile_s']:.1f} s):")
        _print_replay(compiled, contrast=False)

    _log("\n== 2. seek: random state_at ==")
    warm, cold = sizes.counter_seeks
    seek_counter = seek_bench.run(stores["counter"], seeks=warm, cold_seeks=cold, store=counter_store)
    del counter_store
    _print_seek(seek_counter)
    warm, cold = sizes.tracker_seeks
    seek_tracker = seek_bench.run(stores["tracker"], seeks=warm, cold_seeks=cold, session=tracker_session)
    _print_seek(seek_tracker)

    _log("\n== 3. load: store -> events() DataFrame vs reading + parsing the same bytes ==")
    # 3 interleaved rounds (best and median kept) even at full size: this shared VM's speed
    # drifts by tens of percent within a minute, and a single round measured the same code at
    # 0.36x-0.60x.
    load_literal = load_bench.run(stores["counter"], repeat=repeat)
    _print_load(load_literal)
    load_chain = load_bench.run(stores["counter_chain"], repeat=repeat)
    _print_load(load_chain)

    _log("\n== 4. diff: elmreplay vs plain DeepDiff on adjacent states ==")
    diff = diff_bench.run(sizes.diff_quick)
    _log(
        f"state {diff['state_mb']} MB, {diff['changes']} changes: plain DeepDiff {diff['plain_deepdiff_s']:.3f} s, "
        f"elmreplay {diff['elmreplay_diff_s']:.4f} s -> {diff['diff_speedup']}x (goal >= 10x); "
        f"same changed paths: {diff['paths_equal']}"
    )

    _log("\n== 5. memory: peak RSS of replay + verify (fresh process) ==")
    mem_small = memory_bench.run(stores["counter_small"])
    mem_big = memory_bench.run(stores["counter"])
    for m in (mem_small, mem_big):
        _print_memory(m)
    growth = _memory_growth(mem_small, mem_big)
    _log(
        f"from {mem_small['records']} to {mem_big['records']} records: the opened store grows "
        f"{growth['store_kb_per_record']:.2f} KB/record; replay + verify adds {mem_small['replay_added_mb']:.0f} "
        f"-> {mem_big['replay_added_mb']:.0f} MB"
    )

    _log("\n== 6. find: a path condition vs a plain replay of the same range ==")
    find_counter = find_bench.run(stores["counter"], kind="counter", repeat=sizes.repeat)
    find_tracker = find_bench.run(stores["tracker"], kind="tracker", repeat=sizes.repeat, stop=sizes.find_tracker_stop)
    for f in (find_counter, find_tracker):
        _print_find(f)

    _log("\n== 7. counterfactual: tracker sample vs verify; a 100k-event counter store vs a plain replay ==")
    cf = counterfactual_bench.run(stores["counter_small"] if mode == "full" else stores["counter"])
    _log(
        f"tracker sample: counterfactual {cf['tracker_counterfactual_s']:.2f} s, peak RSS {cf['counterfactual_peak_rss_mb']:.0f} MB; "
        f"verify {cf['tracker_verify_s']:.2f} s -> {cf['counterfactual_vs_verify']:.2f}x (goal <= 2.5x, <= 600 MB)"
    )
    if "big_records" in cf:
        _log(
            f"{cf['big_records']} records: counterfactual peak RSS {cf['big_counterfactual_peak_rss_mb']:.0f} MB "
            f"({cf['big_counterfactual_s']:.1f} s) vs plain replay {cf['big_replay_peak_rss_mb']:.0f} MB "
            f"-> {cf['big_counterfactual_rss_vs_replay']:.2f}x (goal <= 1.5x)"
        )

    _log("\n== 8. scale-out: parallel verify, fleet what-if ==")
    speedup = scale_bench.verify_speedup(stores.get("counter_scale", stores["counter"]))
    _log(
        f"{speedup['store']}: verify of {speedup['records']} records, {speedup['reductions_checked']} reductions: "
        f"jobs=1 {speedup['sequential_s']:.2f} s, jobs={speedup['jobs']} {speedup['parallel_s']:.2f} s -> "
        f"{speedup['speedup']:.2f}x (goal >= 1.4x on 2 cores; other work on the machine shares them); "
        f"same report: {speedup['same_report']}"
    )
    fleet = scale_bench.fleet_rate(stores["tracker"], root, sizes.fleet_stores)
    _log(
        f"fleet what-if of candidate_ok on {fleet['stores']} copies of the {fleet['records_per_store']}-event tracker store: "
        f"{fleet['seconds']:.2f} s = {fleet['stores_per_s']:.2f} stores/s; verdicts {fleet['verdicts']}"
    )

    summary: dict[str, Any] = {
        "mode": mode,
        "counterfactual_vs_verify": round(cf["counterfactual_vs_verify"], 2),
        "counterfactual_peak_rss_mb": round(cf["counterfactual_peak_rss_mb"]),
        **({"counterfactual_big_rss_vs_replay": round(cf["big_counterfactual_rss_vs_replay"], 2)} if "big_records" in cf else {}),
        "replay_vs_limit": round(min(counter["replay_vs_limit"], tracker["replay_vs_limit"]), 3),
        "counter_events_per_s": round(counter["replay_events_per_s"]),
        "seek_p95_s": round(max(seek_counter["warm"]["p95_s"], seek_tracker["warm"]["p95_s"]), 4),
        "load_vs_limit": round(min(load_literal["load_vs_limit"], load_chain["load_vs_limit"]), 3),
        "diff_speedup": diff["diff_speedup"],
        "peak_rss_mb": round(mem_big["peak_rss_mb"]),
        "replay_vs_limit_median": round(min(counter["replay_vs_limit_median"], tracker["replay_vs_limit_median"]), 3),
        "counter_replay_vs_limit_median": round(counter["replay_vs_limit_median"], 3),
        "tracker_replay_vs_limit_median": round(tracker["replay_vs_limit_median"], 3),
        "counter_replay_vs_limit_repeats": counter["replay_vs_limit_repeats"],
        "tracker_replay_vs_limit_repeats": tracker["replay_vs_limit_repeats"],
        "load_vs_limit_median": round(min(load_literal["load_vs_limit_median"], load_chain["load_vs_limit_median"]), 3),
        "load_literal_vs_limit_median": round(load_literal["load_vs_limit_median"], 3),
        "load_chain_vs_limit_median": round(load_chain["load_vs_limit_median"], 3),
        "verify_parallel_speedup": round(speedup["speedup"], 3),
        "verify_parallel_jobs": speedup["jobs"],
        "verify_parallel_records": speedup["records"],
        "verify_parallel_reductions": speedup["reductions_checked"],
        "verify_parallel_same_report": speedup["same_report"],
        "verify_sequential_s": round(speedup["sequential_s"], 3),
        "verify_parallel_s": round(speedup["parallel_s"], 3),
        "fleet_stores_per_s": round(fleet["stores_per_s"], 3),
        "fleet_stores": fleet["stores"],
        **_compiled_keys(compiled),
        "counter_replay_vs_limit": round(counter["replay_vs_limit"], 3),
        "counter_replay_vs_limit_cpu": round(counter["replay_vs_limit_cpu"], 3),
        "counter_verify_vs_limit": round(counter["verify_vs_limit"], 3),
        "counter_limit_events_per_s": round(counter["limit_events_per_s"]),
        "counter_one_call_events_per_s": round(counter["one_call_events_per_s"]),
        "counter_batched_vs_one_call": round(counter["batched_vs_one_call"], 1),
        "tracker_replay_vs_limit": round(tracker["replay_vs_limit"], 3),
        "tracker_replay_vs_limit_cpu": round(tracker["replay_vs_limit_cpu"], 3),
        "tracker_events_per_s": round(tracker["replay_events_per_s"]),
        "tracker_limit_events_per_s": round(tracker["limit_events_per_s"]),
        "tracker_one_call_events_per_s": round(tracker["one_call_events_per_s"]),
        "tracker_batched_vs_one_call": round(tracker["batched_vs_one_call"], 1),
        "tracker_update_us_at_end": round(tracker["limit_last_chunk_us_per_event"]),
        "seek_counter_p50_s": round(seek_counter["warm"]["p50_s"], 4),
        "seek_counter_p95_s": round(seek_counter["warm"]["p95_s"], 4),
        "seek_counter_cold_p95_s": round(seek_counter["cold"]["p95_s"], 4),
        "seek_tracker_p50_s": round(seek_tracker["warm"]["p50_s"], 4),
        "seek_tracker_p95_s": round(seek_tracker["warm"]["p95_s"], 4),
        "seek_tracker_cold_p95_s": round(seek_tracker["cold"]["p95_s"], 4),
        "checkpoint_mb_counter": round(seek_counter["warm"]["checkpoint_mb"], 3),
        "checkpoint_mb_tracker": round(seek_tracker["warm"]["checkpoint_mb"], 1),
        "checkpoint_budget_mb": round(seek_tracker["warm"]["budget_mb"]),
        "seek_tracker_live_checkpoints": seek_tracker["warm"]["live_checkpoints"],
        "seek_tracker_v8_heap_mb": round(seek_tracker["warm"]["v8_heap_mb"]),
        "load_literal_vs_limit": round(load_literal["load_vs_limit"], 3),
        "load_chain_vs_limit": round(load_chain["load_vs_limit"], 3),
        "load_literal_vs_verified_limit": round(load_literal["load_vs_verified_limit"], 3),
        "load_chain_vs_verified_limit": round(load_chain["load_vs_verified_limit"], 3),
        "load_literal_best_possible_vs_limit": round(load_literal["best_possible_vs_limit"], 3),
        "load_literal_one_process_vs_limit": round(load_literal["one_process_vs_limit"], 3),
        "load_workers": load_literal["workers"],
        "load_literal_records_per_s": round(load_literal["records_per_s"]),
        "load_chain_records_per_s": round(load_chain["records_per_s"]),
        "hash_share_literal": round(load_literal["hash_share_of_load"], 3),
        "hash_share_chain": round(load_chain["hash_share_of_load"], 3),
        "diff_paths_equal": diff["paths_equal"],
        "store_kb_per_record": round(growth["store_kb_per_record"], 3),
        "replay_added_mb_small": round(mem_small["replay_added_mb"]),
        "replay_added_mb_big": round(mem_big["replay_added_mb"]),
        "find_vs_replay": {"counter": round(find_counter["find_vs_replay"]["state"], 2), "tracker": round(find_tracker["find_vs_replay"]["state"], 2)},
        "find_vs_replay_response": {
            "counter": round(find_counter["find_vs_replay"]["response"], 2),
            "tracker": round(find_tracker["find_vs_replay"]["response"], 2),
        },
        "find_tracker_records": find_tracker["records"],
        "records": {"counter": sizes.counter, "chain": sizes.chain, "tracker": sizes.tracker},
        "seconds": round(time.perf_counter() - t0),
    }
    return summary


def _compiled_keys(compiled: dict[str, Any]) -> dict[str, Any]:
    """The compiled counter's keys: its median ratio (the goal's) and its limit, or why skipped."""
    if "skipped" in compiled:
        return {"counter_elm_replay_vs_limit_median": None, "counter_elm_skipped": compiled["skipped"]}
    return {
        "counter_elm_replay_vs_limit_median": round(compiled["replay_vs_limit_median"], 3),
        "counter_elm_replay_vs_limit_repeats": compiled["replay_vs_limit_repeats"],
        "counter_elm_limit_events_per_s": round(compiled["limit_events_per_s"]),
        "counter_elm_events_per_s": round(compiled["replay_events_per_s"]),
    }


def _print_replay(r: dict[str, Any], *, contrast: bool = True) -> None:
    _log(
        f"{r['store']}: {r['events']} events\n"
        f"  limit (update in a JS loop, events in V8) {r['limit_s']:8.3f} s  {r['limit_events_per_s']:10.0f} events/s\n"
        f"  elmreplay replay_all                      {r['replay_s']:8.3f} s  {r['replay_events_per_s']:10.0f} events/s"
        f"  -> {r['replay_vs_limit']:.2f}x of the limit (CPU time: {r['replay_vs_limit_cpu']:.2f}x)"
        + (f"; median of the repeats {r['replay_vs_limit_median']:.2f}x (goal >= 0.8x)" if "replay_vs_limit_median" in r else "")
        + "\n"
        + (
            f"  elmreplay verify                          {r['verify_s']:8.3f} s  {r['verify_events_per_s']:10.0f} events/s"
            f"  -> {r['verify_vs_limit']:.2f}x ({r['reductions_checked']} reductions, ok={r['verify_ok']})\n"
            if r.get("verify_s") is not None
            else ""
        )
        + (
            f"  the first {r['one_call_events']} events: one Python->V8 call per event {r['one_call_events_per_s']:.0f} events/s,"
            f" batched {r['batched_events_per_s']:.0f} events/s ({r['batched_vs_one_call']:.0f}x)\n"
            if contrast
            else ""
        )
        + f"  median of the repeats: {r['replay_vs_limit_median']:.2f}x {r['replay_vs_limit_repeats']}; "
        f"the app's update at the end of the history: {r['limit_last_chunk_us_per_event']:.1f} us/event"
    )


def _print_seek(r: dict[str, Any]) -> None:
    _log(f"{r['store']}: {r['records']} records, final state {r['state_mb']:.2f} MB")
    for kind in ("warm", "cold"):
        s = r[kind]
        _log(
            f"  {kind}: {s['seeks']} seeks  p50 {s['p50_s'] * 1000:.1f} ms  p95 {s['p95_s'] * 1000:.1f} ms  "
            f"max {s['max_s'] * 1000:.1f} ms (goal p95 <= 200 ms); events replayed per seek: mean "
            f"{s['events_replayed_mean']:.0f}, p95 {s['events_replayed_p95']:.0f}, max {s['events_replayed_max']}; "
            f"checkpoints {s['checkpoints']} every {s['checkpoint_every']} = {s['checkpoint_mb']:.2f} MiB "
            f"of the {s['budget_mb']:.0f} MiB budget; live checkpoints {s['live_checkpoints']} every "
            f"{s['live_every']}, V8 heap {s['v8_heap_mb']:.0f} of {s['live_budget_mb']:.0f} MiB"
        )


def _print_load(r: dict[str, Any]) -> None:
    _log(
        f"{r['store']} ({r['layout']}): {r['records']} records\n"
        f"  limit (read + orjson.loads records and events) {r['limit_s']:7.3f} s\n"
        f"  elmreplay Store(...).events()                  {r['load_s']:7.3f} s  (open {r['open_s']:.3f} s, "
        f"DataFrame {r['events_df_s']:.3f} s)  {r['records_per_s']:.0f} records/s"
        f"  -> {r['load_vs_limit']:.2f}x of the limit (goal >= 0.5x)\n"
        f"  hash verification (SHA-256 of the same bytes) {r['hash_s']:.3f} s = {100 * r['hash_share_of_load']:.0f}% of the load;"
        f" limit + hashing {r['verified_limit_s']:.3f} s -> load at {r['load_vs_verified_limit']:.2f}x of that\n"
        f"  in one process (no workers; {r['workers']} used above) {r['one_process_load_s']:.3f} s"
        f" -> {r['one_process_vs_limit']:.2f}x; building the same table from Python lists takes {r['table_build_s']:.3f} s,"
        f" so a loader in one process parsing as fast as the limit would reach at most {r['best_possible_vs_limit']:.2f}x"
    )


def _print_memory(m: dict[str, Any]) -> None:
    _log(
        f"{m['store']}: {m['records']} records: peak RSS {m['peak_rss_mb']:.0f} MB (interpreter "
        f"{m['rss_start_mb']:.0f} MB, opened store +{m['store_mb']:.0f} MB of which its hash index "
        f"{m['hash_index_mb']:.0f} MB, replay + verify "
        f"+{m['replay_added_mb']:.0f} MB), verify {m['verify_s']:.1f} s ok={m['verify_ok']}"
    )


def _print_find(f: dict[str, Any]) -> None:
    _log(f"{f['store']}: records [0, {f['records']}), state at the end {f['state_kb_at_end']:.0f} KB; replay {f['replay_s']:.3f} s")
    for name, where in f["conditions"].items():
        _log(
            f"  {name:8} {where!r}: {f['find_s'][name]:.3f} s, {f['matches'][name]} matches"
            f" -> {f['find_vs_replay'][name]:.2f}x of the replay (goal <= 2x)"
        )


def _memory_growth(small: dict[str, Any], big: dict[str, Any]) -> dict[str, float]:
    records = max(1, big["records"] - small["records"])
    return {"store_kb_per_record": (big["store_mb"] - small["store_mb"]) * 1024 / records}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="100k-record stores (CI), < 3 minutes")
    ap.add_argument("--keep", type=Path, help="generate the stores here and keep them")
    ap.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # the smoke test's sizes
    args = ap.parse_args(argv)
    mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    root = args.keep or Path(tempfile.mkdtemp(prefix="elmreplay-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        summary = run(mode, root)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
