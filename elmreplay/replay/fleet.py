"""Fleet what-if: one candidate deployment dry-run against many stores (one per tenant).

The candidate's JavaScript is resolved (or compiled) once, here, under its app-config hash in
every tree encoding (a store hashes app configs the way its era did), and shipped to the
workers with the candidate's files. Each worker opens its store read-only by path and runs
:func:`~.whatif.what_if_deploy` on an in-memory projection of it; the apps already deployed in
a store get their JavaScript on the worker (the given runtime directories, on a path the
workers can read, or the ``runtimes/`` directory beside the store; or Elm compilation there).

A store that cannot be opened or dry-run is a row with its error, not the end of the fleet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from ..errors import ElmReplayError
from ..runtime.sources import RuntimeDirectory, RuntimeResolver, default_resolver
from ..store.components import component_hash
from ..store.files import DirectoryFiles
from ..store.recordtimes import TimeBounds, record_time_bounds, union_bounds
from ..store.store import Store, open_store
from ..store.trees import TreeEncoding, build_tree
from .pool import Progress, run_tasks
from .script import read_app_dir
from .whatif import what_if_deploy

#: The columns of :func:`fleet_what_if`'s table, in order.
COLUMNS = [
    "store",
    "verdict",
    "host_text",
    "head_hash",
    "seconds",
    "state_bytes_before",
    "state_bytes_after",
    "diff_summary",
    "app_config_hash",
    "error",
]
VERDICTS = ("accept", "reject", "error")

StoreRef = str | os.PathLike[str] | Store


@dataclass(frozen=True)
class Candidate:
    """The app to deploy: its files and its JavaScript under each hash it can have."""

    files: Mapping[str, bytes]
    runtimes: Mapping[str, str]


@dataclass(frozen=True)
class FleetShared:
    """Sent to each worker once."""

    candidate: Candidate
    mode: str
    at: int | None
    runtime_dirs: tuple[str, ...]
    compile: bool


def candidate_hashes(files: Mapping[str, bytes]) -> list[str]:
    """The app-config hash of ``files`` in every era's tree encoding."""
    return list(dict.fromkeys(component_hash(build_tree(files, enc)) for enc in TreeEncoding))


def prepare_candidate(
    app: str | os.PathLike[str] | Mapping[str, bytes],
    resolver: RuntimeResolver,
    deployed: TimeBounds | None = None,
) -> Candidate:
    """Read the candidate and resolve its JavaScript once (raises what the resolver raises
    when no hash of it has JavaScript). ``deployed``: when it would be deployed (it chooses the
    host generation a compiled candidate follows)."""
    files = dict(app) if isinstance(app, Mapping) else read_app_dir(app)
    hashes = candidate_hashes(files)
    error: ElmReplayError | None = None
    for h in hashes:
        try:
            js = resolver.js_for(h, lambda: files, deployed)
        except ElmReplayError as e:
            error = error or e
            continue
        return Candidate(files, {x: js for x in hashes})  # the same program under every encoding
    assert error is not None
    raise error


def candidate_resolver(store_paths: Sequence[str], runtime_dirs: Sequence[str], compile: bool) -> RuntimeResolver:
    """Where the candidate's JavaScript is looked for: the given runtime directories (or Elm
    compilation), else the ``runtimes/`` directories beside the stores."""
    if compile or runtime_dirs:
        return default_resolver(None, runtime_dirs, compile=compile)
    beside = dict.fromkeys(Path(p).resolve().parent / "runtimes" for p in store_paths)
    return RuntimeResolver([RuntimeDirectory(d) for d in beside if d.is_dir()])


def fleet_deploy_time(paths: Sequence[str], at: int | None) -> TimeBounds | None:
    """When the candidate would be deployed on the fleet: the times of the records it would
    follow (the head, or record ``at``), joined over the stores that can be read (the others
    become error rows later). One compiled candidate serves every store, as the fleet ships it
    once; stores of different host periods get the period covering most of the joined time."""
    bounds = []
    for path in paths:
        try:
            store = open_store(path)
            index = len(store) - 1 if at is None else (at if at >= 0 else len(store) + at)
            found = record_time_bounds(store.log.records[index]) if 0 <= index < len(store) else None
        except (ElmReplayError, OSError, IndexError):
            continue
        if found is not None:
            bounds.append(found)
    return union_bounds(bounds)


def store_path(store: StoreRef) -> str:
    if isinstance(store, Store):
        if not isinstance(store.files, DirectoryFiles):
            raise ValueError(f"store {store.name!r} is not a directory on disk; a fleet needs stores by path")
        return os.fspath(store.files.root)
    return os.fspath(store)


def fleet_what_if(
    app: str | os.PathLike[str] | Mapping[str, bytes],
    stores: Sequence[StoreRef],
    *,
    mode: str = "migrate",
    at: int | None = None,
    runtimes: Sequence[str | os.PathLike[str]] = (),
    compile: bool = False,
    jobs: int | None = None,
    client: Any = None,
    on_progress: Progress | None = None,
) -> pd.DataFrame:
    """Dry-run deploying ``app`` on every store; one row per store (see :data:`COLUMNS`).

    ``verdict`` is ``accept``, ``reject`` or ``error`` (then ``error`` says why). Stores run
    on a Dask ``client``'s workers, or on ``jobs`` local worker processes (default: the CPUs).
    """
    if mode not in ("migrate", "init"):
        raise ValueError(f"mode must be 'migrate' or 'init', not {mode!r}")
    paths = [store_path(s) for s in stores]
    dirs = tuple(os.fspath(Path(d).resolve()) for d in runtimes)
    deployed = fleet_deploy_time(paths, at) if compile else None
    candidate = prepare_candidate(app, candidate_resolver(paths, dirs, compile), deployed)
    shared = FleetShared(candidate, mode, at, dirs, compile)
    rows = run_tasks(fleet_row, paths, shared, jobs=jobs, client=client, on_progress=on_progress)
    df = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("state_bytes_before", "state_bytes_after"):
        df[column] = df[column].astype("Int64")  # sizes stay integers next to missing ones
    df.attrs.update(mode=mode, at=at, app=None if isinstance(app, Mapping) else os.fspath(app))
    return df


def fleet_row(path: str, shared: FleetShared, on_progress: Progress | None = None) -> dict[str, Any]:
    """Dry-run the candidate on the store at ``path`` (on a worker): its row of the table."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row["store"] = path
    try:
        store = open_store(path)
        row["head_hash"] = store.head_hash
        resolver = default_resolver(path, shared.runtime_dirs, compile=shared.compile)
        resolver.preload(shared.candidate.runtimes)
        report = what_if_deploy(store, shared.candidate.files, resolver, mode=shared.mode, at=shared.at)
    except (ElmReplayError, OSError, IndexError) as e:
        row.update(verdict="error", error=f"{type(e).__name__}: {e}")
        return row
    diff = report.diff if report.accepted else None
    row.update(
        verdict="accept" if report.accepted else "reject",
        host_text=report.message,
        head_hash=report.store_head_hash,
        seconds=report.seconds,
        state_bytes_before=_size(report.state_before),
        state_bytes_after=_size(report.state_after) if report.accepted else None,
        diff_summary=diff.summary() if diff is not None else None,
        app_config_hash=report.app_config_hash,
    )
    return row


def _size(state: str | None) -> int | None:
    return None if state is None else len(state.encode("utf-8"))


def fleet_exit_code(table: pd.DataFrame) -> int:
    """The CLI's answer: 2 when a store could not be dry-run (the answer is incomplete), else
    1 when any store rejects, else 0."""
    verdicts = set(table["verdict"])
    return 2 if "error" in verdicts else 1 if "reject" in verdicts else 0


def table_text(table: pd.DataFrame) -> str:
    """One line per store: verdict, store, head, the host's answer (first line) or the error."""
    counts = table["verdict"].value_counts()
    head = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
    lines = [f"fleet what-if deploy+{table.attrs.get('mode', '?')}: {len(table)} stores: {head}"]
    for row in table.to_dict("records"):
        text = row["error"] if row["verdict"] == "error" else row["host_text"]
        first = str(text).splitlines()[0] if isinstance(text, str) and text else ""
        head_hash = row["head_hash"][:12] if isinstance(row["head_hash"], str) else "-"
        lines.append(f"  {str(row['verdict']).upper():7} {row['store']}  head {head_hash}  {first}".rstrip())
    return "\n".join(lines)
