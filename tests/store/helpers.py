"""Shared builders for the store-layer tests: event JSON, hand-written store files, a scenario
written by the host-faithful writer for every era, an independent reference for the §3.4 revert
rule, and the read-only audit (file snapshots and write-flag auditing)."""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import os
import random
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from elmreplay.store.components import Component, component_hash, component_serial
from elmreplay.store.files import Segments
from elmreplay.store.records import RecordKind
from elmreplay.store.writer import AppendResult, StoreWriter, WriterEra, literal_log_file, newtonsoft_json

#: 2021-07-13T12:40:00Z
T0 = 1626180000000
MINUTE = 60_000


# --- event JSON (store-format §7) --------------------------------------------------------------


def http_event(t: int, uri: str = "http://localhost:5000/api", method: str = "POST", body: str = "") -> str:
    """A 2021-interface ``HttpRequestEvent`` as the host serialized it."""
    return json.dumps(
        {
            "HttpRequestEvent": {
                "posixTimeMilli": t,
                "httpRequestId": f"{t}-1",
                "requestContext": {"clientAddress": "127.0.0.1"},
                "request": {"method": method, "uri": uri, "bodyAsBase64": body, "headers": []},
            }
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def http_event_2020(t: int, uri: str = "http://localhost/", method: str = "GET") -> str:
    """A 2020-interface ``httpRequest`` event (§7.1)."""
    return json.dumps(
        {"httpRequest": {"posixTimeMilli": t, "httpRequestId": f"{t}-7", "request": {"method": method, "uri": uri}}},
        separators=(",", ":"),
    )


def task_event(task_id: str) -> str:
    return json.dumps(
        {"TaskCompleteEvent": {"taskId": task_id, "taskResult": {"CompleteWithoutResult": {}}}}, separators=(",", ":")
    )


def time_event(t: int) -> str:
    return json.dumps({"ArrivedAtTimeEvent": {"posixTimeMilli": t}}, separators=(",", ":"))


# --- hand-written store files -------------------------------------------------------------------


class NoFiles:
    """An empty file source (base of an in-memory overlay)."""

    def read(self, segments: Segments) -> bytes | None:
        return None

    def list_files(self, directory: Segments) -> list[Segments]:
        return []

    def exists(self, segments: Segments) -> bool:
        return False


def write_file(root: Path, segments: Segments, data: bytes) -> Path:
    p = root.joinpath(*segments)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def put_component(root: Path, component: Component, directory: str = "literal-element", *, upper: bool = False) -> str:
    """Write one component's serial form (not its elements) by hand; returns its lowercase hash."""
    h = component_hash(component)
    name = h.upper() if upper else h
    write_file(root, (directory, name[:2], name), component_serial(component))
    return h


def put_tree(root: Path, component: Component, directory: str = "literal-element") -> str:
    """Write a component and, recursively, all its elements by hand."""
    h = put_component(root, component, directory)
    if isinstance(component, tuple):
        for c in component:
            put_tree(root, c, directory)
    return h


def record_json(kind: RecordKind | str, value: dict[str, Any], parent: str | None = None) -> bytes:
    """E2+ record bytes, Newtonsoft style (parent first, omitted when null)."""
    k = kind.value if isinstance(kind, RecordKind) else kind
    obj: dict[str, Any] = {}
    if parent is not None:
        obj["parentHashBase16"] = parent
    obj["compositionEvent"] = {k: value}
    return newtonsoft_json(obj)


def literal_event_record(event: str, parent: str | None) -> bytes:
    return record_json(RecordKind.UPDATE, {"LiteralStringUtf8": event}, parent)


def log_file(minute: int = 0) -> Segments:
    """The literal log file of ``T0 + minute`` minutes."""
    return literal_log_file(T0 + minute * MINUTE)


def e0_line(event_hash: str, parent: str) -> bytes:
    return json.dumps(
        {"parentHashBase16": parent, "events": [{"UpdateElmAppStateForEvent": {"HashBase16": event_hash}}]},
        separators=(",", ":"),
    ).encode()


def write_e0_store(root: Path, newline: bytes = b"\n") -> list[bytes]:
    """Two days of JSON-lines files; uppercase hex (before 2020-05-01) and a blank line."""
    hashes = [put_component(root, time_event(i).encode(), "component", upper=True) for i in range(3)]
    parent = hashlib.sha256(b"").hexdigest().upper()  # E3B0C442…B855
    lines = []
    for h in hashes:
        line = e0_line(h.upper(), parent)
        lines.append(line)
        parent = hashlib.sha256(line).hexdigest().upper()
    write_file(root, ("composition-log", "2020-04-30", "2020-04-30T23.composition.jsonl"), lines[0] + newline * 2 + lines[1] + newline)
    write_file(root, ("composition-log", "2020-05-01", "2020-05-01T00.composition.jsonl"), lines[2] + b"\n")
    return lines


# --- §3.4 reference ----------------------------------------------------------------------------


def host_visible(hashes: list[str], revert_targets: list[str | None]) -> list[bool]:
    """Independent re-statement of the §3.4 enumeration (newest to oldest, one ``revertTo``)."""
    visible = [False] * len(hashes)
    revert_to: str | None = None
    for i in range(len(hashes) - 1, -1, -1):
        if revert_to is not None and hashes[i] != revert_to:
            continue
        revert_to = None
        visible[i] = True
        if revert_targets[i] is not None:
            revert_to = revert_targets[i]
    return visible


# --- the scenario written for every era --------------------------------------------------------


def noise(n: int, seed: int = 7) -> bytes:
    """Incompressible, deterministic bytes."""
    return random.Random(seed).randbytes(n)


CONFIG_1 = {
    "elm.json": b'{"type":"application"}',
    "src/Backend/Main.elm": b"module Backend.Main exposing (..)\n",
    "src/Backend/MigrateState.elm": b"module Backend.MigrateState exposing (migrate)\n",
    "static/big.txt": b"compressible " * 2000,  # >= 10000 bytes serial, deflates well (§2.6)
    "static/noise.bin": noise(12_000),  # >= 10000 bytes serial, does not deflate below 80 %
    "src/Ünïcode/😀 file.elm": "ä😀".encode("utf-8"),
}
CONFIG_2 = {"elm.json": b'{"type":"application","v":2}', "src/Backend/Main.elm": b"module Backend.Main exposing (main)\n"}

STATE_SET = b'{"count":7}'
STATE_AFTER_E2 = b'{"count":2}'
STATE_AFTER_E7 = b'{"count":3}'
STATE_AFTER_DEPLOY2 = b'"migrated"'


@dataclass
class Scenario:
    """What the writer appended, by step name, in append order."""

    path: Path
    era: WriterEra
    steps: list[str] = field(default_factory=list)
    results: dict[str, AppendResult] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    times: dict[str, int] = field(default_factory=dict)
    config_hashes: dict[str, str] = field(default_factory=dict)
    revert_targets: dict[str, str] = field(default_factory=dict)
    reductions: dict[str, bool] = field(default_factory=dict)  # step -> written with BOM

    def hash(self, step: str) -> str:
        return self.results[step].record_hash

    def index(self, step: str) -> int:
        return self.steps.index(step)

    @property
    def hashes(self) -> list[str]:
        return [self.hash(s) for s in self.steps]


#: Steps whose records the revert rule makes invisible (computed by hand from §3.4):
#: r3 -> r1 makes e6, r2, e5 invisible; r1 -> e2 makes e4, e3, set invisible.
SCENARIO_REVERTED = {"set", "e3", "e4", "e5", "r2", "e6"}


def build_scenario(root: Path, era: WriterEra) -> Scenario:
    """Write deploys, app events of every type, a set-state, nested reverts (one spanning an
    earlier revert, one targeting a revert) and reductions with and without BOM.

    In E5 the records spread over four log files, so that r1 (file 1) targets e2 (file 0) and
    r3 (file 2) targets r1 (file 1).
    """
    w = StoreWriter.new_store(root, era)
    sc = Scenario(root, era)

    def add(step: str, result: AppendResult, t: int) -> None:
        sc.steps.append(step)
        sc.results[step] = result
        sc.times[step] = t

    def event(step: str, minute: int, text_of: Callable[[int], str]) -> None:
        t = T0 + minute * MINUTE + len(sc.steps)
        text = text_of(t)
        sc.events[step] = text
        add(step, w.append_app_event(text, t), t)

    def revert(step: str, minute: int, target: str) -> None:
        t = T0 + minute * MINUTE + len(sc.steps)
        sc.revert_targets[step] = sc.hash(target)
        add(step, w.append_revert(sc.hash(target), t), t)

    res, h1 = w.append_deploy(CONFIG_1, migrate=False, time_ms=T0)
    sc.config_hashes["deploy1"] = h1
    add("deploy1", res, T0)
    event("e1", 0, lambda t: http_event(t, "http://localhost:5000/api/add", "POST", "eyJhZGRpdGlvbiI6MX0="))
    event("e2", 0, lambda t: http_event(t, "http://localhost:5000/", "GET"))
    t = T0 + MINUTE
    add("set", w.append_set_state(STATE_SET, t), t)
    event("e3", 1, lambda t: task_event(f"{t}-0"))
    event("e4", 1, time_event)
    revert("r1", 1, "e2")
    event("e5", 2, lambda t: http_event(t, "http://localhost:5000/x"))
    revert("r2", 2, "e1")
    event("e6", 2, lambda t: http_event(t, "http://localhost:5000/ä\u2028😀", "PUT"))
    revert("r3", 2, "r1")
    event("e7", 2, lambda t: http_event(t))
    t = T0 + 3 * MINUTE
    res, h2 = w.append_deploy(CONFIG_2, migrate=True, time_ms=t)
    sc.config_hashes["deploy2"] = h2
    add("deploy2", res, t)
    event("e8", 3, lambda t: http_event_2020(t, "http://localhost/old"))

    w.write_reduction(sc.hash("e2"), state_json=STATE_AFTER_E2, app_config_hash=h1, bom=True)
    w.write_reduction(sc.hash("e7"), state_json=STATE_AFTER_E7, app_config_hash=h1)
    w.write_reduction(sc.hash("deploy2"), state_json=STATE_AFTER_DEPLOY2, app_config_hash=h2)
    sc.reductions = {"e2": True, "e7": False, "deploy2": False}
    return sc


# --- read-only audit ---------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry below ``root``: content hash (files), sorted listing (dirs), mode, size, mtime."""
    snap: dict[str, tuple[Any, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        d = Path(dirpath)
        st = os.lstat(d)
        snap[str(d.relative_to(root)) + "/"] = ("dir", sorted(dirnames + filenames), st.st_mode, st.st_mtime_ns)
        for name in filenames:
            p = d / name
            st = os.lstat(p)
            content = hashlib.sha256(p.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else None
            snap[str(p.relative_to(root))] = ("file", content, st.st_mode, st.st_size, st.st_mtime_ns)
    return snap


def make_read_only(root: Path) -> None:
    """Files 0444, directories 0555 (tests run as root, so the audit below does the real work)."""
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p) and stat.S_ISREG(os.lstat(p).st_mode):
                os.chmod(p, 0o444)
    for dirpath, _, _ in sorted(os.walk(root), key=lambda x: -len(x[0])):
        os.chmod(dirpath, 0o555)


def make_writable(root: Path) -> None:
    for dirpath, _, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p) and stat.S_ISREG(os.lstat(p).st_mode):
                os.chmod(p, 0o644)


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_MUTATORS = (
    "mkdir", "makedirs", "remove", "unlink", "rmdir", "removedirs", "rename", "renames", "replace",
    "symlink", "link", "chmod", "chown", "lchown", "utime", "truncate", "mkfifo", "mknod",
)  # fmt: skip


class WriteAudit:
    """Records every Python-level attempt to open for writing or to mutate a path inside ``root``.

    Also counts read opens inside ``root``, so a test can check that the audit was live.
    """

    def __init__(self, root: Path):
        self.root = os.path.realpath(root)
        self.violations: list[str] = []
        self.read_opens = 0

    def inside(self, p: Any) -> bool:
        if isinstance(p, int) or p is None:
            return False
        try:
            real = os.path.realpath(os.fsdecode(os.fspath(p)))
        except TypeError:
            return False
        return real == self.root or real.startswith(self.root + os.sep)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> WriteAudit:
        real_os_open = os.open
        real_io_open = io.open

        def os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
            if self.inside(path):
                if flags & _WRITE_FLAGS:
                    self.violations.append(f"os.open({path!r}, flags={flags:#o})")
                else:
                    self.read_opens += 1
            return real_os_open(path, flags, mode, dir_fd=dir_fd)

        def io_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if self.inside(file):
                if any(c in mode for c in "wax+"):
                    self.violations.append(f"open({file!r}, {mode!r})")
                else:
                    self.read_opens += 1
            return real_io_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(os, "open", os_open)
        monkeypatch.setattr(builtins, "open", io_open)
        monkeypatch.setattr(io, "open", io_open)
        for name in _MUTATORS:
            real = getattr(os, name, None)
            if real is not None:
                monkeypatch.setattr(os, name, self._guard(name, real))
        return self

    def _guard(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if any(self.inside(a) for a in (*args, *kwargs.values()) if isinstance(a, (str, bytes, os.PathLike))):
                self.violations.append(f"os.{name}{args!r}")
            return real(*args, **kwargs)

        return guarded


def iter_files(root: Path) -> Iterator[Path]:
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            yield Path(dirpath, name)
