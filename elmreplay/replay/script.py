"""Scripted histories: run a list of operations through a :class:`Recorder` to make a new store.

A script is a list of dicts (JSON-able), one per operation::

    {"op": "deploy_init" | "deploy_migrate", "app": "counter/v1", "time_ms": T}
    {"op": "event", "json": "<event JSON as the host stored it>", "time_ms": T}
    {"op": "event", "value": <event as a JSON value>, "time_ms": T}  # written by the era's serializer
    {"op": "set_state", "state": "<state JSON>", "time_ms": T}
    {"op": "revert", "to_step": K, "time_ms": T}     # to the record written by step K
    {"op": "torn_append", "bytes_hex": "…", "time_ms": T}
    {"op": "apply_function", "function": "Backend.ExposeFunctionsToAdmin.f", "args": ["<JSON>"], "time_ms": T}

``app`` names a directory of Elm source (an app config) below ``apps_root``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..errors import ElmReplayError
from ..inputs import read_input
from .recorder import Recorder

IGNORED_NAMES = ("elm-stuff", ".DS_Store")


class ScriptError(ElmReplayError):
    """A script step is malformed (names the step number)."""


def read_app_dir(path: str | os.PathLike[str]) -> dict[str, bytes]:
    """An app's source directory as the host loaded it: every file, ``elm-stuff`` removed (§6.1)."""
    root = Path(path)
    if not root.is_dir():
        raise ScriptError(f"App directory does not exist: {root}")
    files = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if not p.is_dir() and not any(part in IGNORED_NAMES for part in rel.parts):
            files[rel.as_posix()] = read_input(p)  # a FIFO or device is refused, not skipped
    if not files:
        raise ScriptError(f"App directory has no files: {root}")
    return files


@dataclass
class ScriptRun:
    """What running a script produced: the record hash of each step (None for rejected/torn)."""

    step_records: list[str | None] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def run_script(
    recorder: Recorder,
    steps: Sequence[Mapping[str, Any]],
    *,
    app_files: Callable[[str], Mapping[str, bytes]],
    batch: int = 5000,
    on_step: Callable[[int], None] | None = None,
) -> ScriptRun:
    """Run ``steps`` through ``recorder``. Consecutive events are recorded in batches."""
    run = ScriptRun()
    pending: list[tuple[str, int]] = []

    def flush() -> None:
        if pending:
            before = len(recorder.records)
            recorder.events(pending)
            run.step_records.extend(recorder.records[before:])
            pending.clear()

    for n, step in enumerate(steps):
        op = step.get("op")
        t = int(step.get("time_ms", 0))
        if op == "event":
            text = str(step["json"]) if "json" in step else recorder.writer.era.json(step["value"]).decode("utf-8")
            pending.append((text, t))
            if len(pending) >= batch:
                flush()
        else:
            flush()
            _admin_step(recorder, run, n, step, op, t, app_files)
        if on_step is not None:
            on_step(n)
    flush()
    return run


def _admin_step(
    recorder: Recorder,
    run: ScriptRun,
    n: int,
    step: Mapping[str, Any],
    op: Any,
    t: int,
    app_files: Callable[[str], Mapping[str, bytes]],
) -> None:
    from .recorder import AdminRejected

    try:
        if op in ("deploy_init", "deploy_migrate"):
            recorder.deploy(app_files(str(step["app"])), migrate=op == "deploy_migrate", time_ms=t)
        elif op == "set_state":
            recorder.set_state(str(step["state"]), time_ms=t)
        elif op == "revert":
            target = run.step_records[int(step["to_step"])]
            if target is None:
                raise ScriptError(f"step {n}: revert to step {step['to_step']}, which wrote no record")
            recorder.revert(target, time_ms=t)
        elif op == "apply_function":
            recorder.apply_function(str(step["function"]), [str(a) for a in step["args"]], time_ms=t)
        elif op == "torn_append":
            recorder.torn_append(bytes.fromhex(str(step["bytes_hex"])), time_ms=t)
            run.step_records.append(None)
            return
        else:
            raise ScriptError(f"step {n}: unknown op {op!r}")
    except AdminRejected as e:
        run.step_records.append(None)
        run.rejected.append((n, str(e)))
        return
    except (KeyError, ValueError, IndexError) as e:
        raise ScriptError(f"step {n}: malformed {op!r} step: {e}") from None
    run.step_records.append(recorder.records[-1])


def app_loader(apps_root: str | os.PathLike[str]) -> Callable[[str], Mapping[str, bytes]]:
    cache: dict[str, Mapping[str, bytes]] = {}

    def load(name: str) -> Mapping[str, bytes]:
        if name not in cache:
            cache[name] = read_app_dir(Path(apps_root) / name)
        return cache[name]

    return load


def app_names(steps: Iterable[Mapping[str, Any]]) -> list[str]:
    """The app directories a script deploys, in order of first use."""
    seen: dict[str, None] = {}
    for s in steps:
        if s.get("op") in ("deploy_init", "deploy_migrate"):
            seen.setdefault(str(s["app"]), None)
    return list(seen)
