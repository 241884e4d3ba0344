"""Small helpers shared by the benchmarks: timing, memory, the events and JavaScript of a store."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import Any, TypeVar

from elmreplay.runtime.sources import RuntimeResolver
from elmreplay.store.records import RecordKind
from elmreplay.store.store import Store

T = TypeVar("T")


def best_of(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Shortest wall time of ``repeat`` runs (other processes share this machine's 2 cores:
    the minimum is the least disturbed run) and the last result."""
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result  # type: ignore[return-value]


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    return best_of(fn, 1)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def app_event_strings(store: Store) -> list[str]:
    """Every app event of the store, as the app receives it, in append order."""
    out: list[str] = []
    for rec in store.records:
        if rec.kind is RecordKind.UPDATE:
            out.extend(store.app_events(rec))
    return out


def first_app_js(store: Store, resolver: RuntimeResolver) -> str:
    """The JavaScript of the app config the store deploys first."""
    deploys = store.deployments()
    h = str(deploys.app_config_hash.iloc[0])
    return resolver.js_for(h, lambda: store.app_config(h).files)


def per_s(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def rounded(d: dict[str, Any], digits: int = 4) -> dict[str, Any]:
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in d.items()}
