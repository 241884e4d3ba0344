"""Hostile sizes are refused before they are held whole, checked under an address-space limit.

Each case runs in a fresh interpreter that first warms up (imports, a small store's events
table: the allocators' reservations are made), then lowers ``RLIMIT_AS`` to what it uses plus a
margin far below the hostile size, and only then meets the hostile file. A reader that held the
file whole would die with a MemoryError (or worse); the bounded one gives the documented error.
No timings anywhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Callable

import pytest

from elmreplay.cli import EXIT_INPUT, main
from elmreplay.errors import CorruptRecord
from elmreplay.store import linescan, open_store
from tests.store.helpers import snapshot

from .stores import REPO, BaseStore

GiB, MiB = 1 << 30, 1 << 20
MARGIN = 768 * MiB  # above the 512 MiB inflate cap, far below the hostile sizes

CopyOf = Callable[[str], BaseStore]

SCRIPT = r"""
import json, resource, re, sys
from elmreplay.store import open_store
from elmreplay.errors import ElmReplayError

warm = open_store(sys.argv[1]); warm.events(); warm.app_config(warm.deployments()["app_config_hash"].iloc[0])
size = int(re.search(r"VmSize:\s+(\d+)", open("/proc/self/status").read()).group(1)) * 1024
limit = size + int(sys.argv[4])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    store = open_store(sys.argv[2])
    if sys.argv[3] == "events":
        store.events()
    else:
        store.app_config(sys.argv[3])
    result = {"error": None}
except ElmReplayError as e:
    result = {"error": type(e).__name__, "message": str(e)}
except MemoryError:
    result = {"error": "MemoryError"}
print(json.dumps(result))
"""


def run_limited(warm: Path, store: Path, what: str, *, margin: int = MARGIN, workers: int = 0) -> dict[str, str | None]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(warm), str(store), what, str(margin)],
        capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO), "ELMREPLAY_WORKERS": str(workers)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, str | None] = json.loads(done.stdout.splitlines()[-1])
    return result


def grow_sparse(path: Path, size: int) -> None:
    """Make ``path`` ``size`` bytes long without writing them (a sparse file: no disk used)."""
    with open(path, "r+b") as f:
        f.truncate(size)


def test_a_3_gib_log_file_is_refused_by_its_size(copy_of: CopyOf) -> None:
    store = copy_of("literal")
    log = sorted((store.root / "composition-log").rglob("*T*"))[0]
    grow_sparse(log, 3 * GiB)
    before = snapshot(store.root)
    result = run_limited(copy_of("literal").root, store.root, "events")
    assert result["error"] == "StoreError" and "larger than the reader's limit" in str(result["message"])
    assert snapshot(store.root) == before


def test_a_3_gib_component_is_refused_by_its_size(copy_of: CopyOf) -> None:
    store = copy_of("literal")
    h = str(store.meta["app_config_hash"])
    component = store.root / "literal-element" / h[:2] / h
    grow_sparse(component, 3 * GiB)
    before = snapshot(store.root)
    result = run_limited(copy_of("literal").root, store.root, h)
    assert result["error"] == "StoreError" and "larger than the reader's limit" in str(result["message"])
    assert h in str(result["message"])
    assert snapshot(store.root) == before


def test_a_deflate_bomb_stops_at_the_cap(copy_of: CopyOf) -> None:
    """A deflated file that inflates to 2 GiB: refused at the 512 MiB cap, under a limit of 768 MiB."""
    store = copy_of("literal")
    deflated = [p for p in (store.root / "deflated-literal-element").rglob("*") if p.is_file()]
    assert deflated, "the test app config has a big compressible file"
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(16 * MiB)
    bomb = [z.compress(f"blob {2 * GiB}\0".encode())]
    bomb += [z.compress(zeros) for _ in range(2 * GiB // len(zeros))]
    bomb.append(z.flush())
    deflated[0].write_bytes(b"".join(bomb))
    before = snapshot(store.root)
    result = run_limited(copy_of("literal").root, store.root, str(store.meta["app_config_hash"]))
    assert result["error"] == "InflatedSizeExceeded", result
    assert deflated[0].name in str(result["message"])
    assert snapshot(store.root) == before


def test_an_oversized_record_line_is_refused_before_it_is_parsed(copy_of: CopyOf, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The line limit (256 MiB) lowered to 1 MiB, and a valid 2 MiB record line appended."""
    monkeypatch.setattr(linescan, "MAX_RECORD_BYTES", MiB)
    store = copy_of("literal")
    log = sorted((store.root / "composition-log").rglob("*T*"))[-1]
    line = json.dumps({"compositionEvent": {"UpdateElmAppStateForEvent": {"LiteralStringUtf8": "x" * (2 * MiB)}}})
    with open(log, "ab") as f:
        f.write(line.encode() + b"\n")
    before = snapshot(store.root)
    with pytest.raises(CorruptRecord, match="more than the reader's limit of 1048576") as info:
        open_store(store.root)
    assert info.value.path == str(log.relative_to(store.root)) and info.value.line is not None
    code, out, err = main(["summary", str(store.root)]), *capsys.readouterr()
    assert code == EXIT_INPUT and out == "" and len(err.splitlines()) == 1 and "CorruptRecord" in err
    assert snapshot(store.root) == before


@pytest.mark.parametrize("workers", [0, 1])
def test_an_oversized_line_is_refused_before_it_is_held_whole(copy_of: CopyOf, workers: int) -> None:
    """A log file of almost 1 GiB (the file limit) that is one line after its records: refused
    at the 256 MiB line limit under an address-space margin of 512 MiB, far below the file, by
    the store's process and by a worker alike (sparse: no disk used)."""
    store = copy_of("literal")
    log = sorted((store.root / "composition-log").rglob("*T*"))[-1]
    records = log.read_bytes().count(b"\n")
    size = GiB - MiB
    with open(log, "r+b") as f:  # zeros up to one byte before the end, a line feed there
        f.seek(size - 1)
        f.write(b"\n")
    assert size > linescan.MAX_RECORD_BYTES + 512 * MiB
    before = snapshot(store.root)
    result = run_limited(copy_of("literal").root, store.root, "events", margin=512 * MiB, workers=workers)
    assert result["error"] == "CorruptRecord", result
    message = str(result["message"])
    assert "more than the reader's limit of 268435456" in message
    assert str(log.relative_to(store.root)) in message and f"line {records + 1}" in message
    assert len(message.splitlines()) == 1
    assert snapshot(store.root) == before
