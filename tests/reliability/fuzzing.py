"""Shared pieces of the fuzz tests: an in-memory file source, store mutations, and "read
everything a user can ask for" with the check that only documented exceptions come out.

The fuzz scale: the CI profile runs a few thousand cases in total; ``ELMREPLAY_SLOW=1`` (or
``ELMREPLAY_FUZZ_SCALE=N``) multiplies every test's case count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from elmreplay.errors import ElmReplayError
from elmreplay.store.files import Segments
from elmreplay.store.records import RecordKind
from elmreplay.store.store import Store

SCALE = int(os.environ.get("ELMREPLAY_FUZZ_SCALE", "25" if os.environ.get("ELMREPLAY_SLOW") == "1" else "1"))
#: Per-example limit: a hang guard (typical cases take milliseconds), not a performance claim.
HANG_GUARD_MS = 20_000


def fuzz_settings(examples: int) -> settings:
    """Settings for one fuzz test: ``examples`` cases in CI, times the scale in the slow profile."""
    return settings(
        max_examples=examples * SCALE,
        deadline=HANG_GUARD_MS,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )


class DictFiles:
    """A store held in memory (the fuzz tests mutate it without touching a disk)."""

    def __init__(self, files: dict[Segments, bytes]):
        self.files = files

    @classmethod
    def from_directory(cls, root: Path) -> DictFiles:
        files: dict[Segments, bytes] = {}
        for p in sorted(root.rglob("*")):
            if p.is_file():
                files[p.relative_to(root).parts] = p.read_bytes()
        return cls(files)

    def read(self, segments: Segments) -> bytes | None:
        return self.files.get(segments)

    def exists(self, segments: Segments) -> bool:
        return segments in self.files

    def list_files(self, directory: Segments) -> list[Segments]:
        n = len(directory)
        return [s for s in self.files if s[:n] == directory and len(s) > n]

    def copy(self) -> DictFiles:
        return DictFiles(dict(self.files))

    def write_to(self, root: Path) -> None:
        for segs, data in self.files.items():
            p = root.joinpath(*segs)
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)


# --- mutations ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    """One change to one file: ``op`` at relative position ``where`` (0..1) with ``data``."""

    file: int
    op: str
    where: float
    data: bytes
    other: int

    def apply(self, files: dict[Segments, bytes]) -> None:
        names = sorted(files)
        if not names:
            return
        name = names[self.file % len(names)]
        content = files[name]
        at = int(self.where * len(content))
        lines = content.split(b"\n")
        line = min(int(self.where * len(lines)), len(lines) - 1)
        if self.op == "flip":
            if content:
                at = min(at, len(content) - 1)
                files[name] = content[:at] + bytes([content[at] ^ (self.data[0] if self.data else 1)]) + content[at + 1 :]
        elif self.op == "truncate":
            files[name] = content[:at]
        elif self.op == "insert":
            files[name] = content[:at] + self.data + content[at:]
        elif self.op == "overwrite":
            files[name] = content[:at] + self.data + content[at + len(self.data) :]
        elif self.op == "empty":
            files[name] = b""
        elif self.op == "delete":
            del files[name]
        elif self.op == "replace-with-other":
            files[name] = files[names[self.other % len(names)]]
        elif self.op == "duplicate-line":
            files[name] = b"\n".join(lines[: line + 1] + lines[line:])
        elif self.op == "delete-line":
            files[name] = b"\n".join(lines[:line] + lines[line + 1 :])
        elif self.op == "swap-lines":
            if line + 1 < len(lines):
                lines[line], lines[line + 1] = lines[line + 1], lines[line]
                files[name] = b"\n".join(lines)
        elif self.op == "cut-line":
            lines[line] = lines[line][: len(lines[line]) // 2]
            files[name] = b"\n".join(lines)
        elif self.op == "move":
            files[(*name[:-1], name[-1].upper() if name[-1] != name[-1].upper() else name[-1] + "x")] = files.pop(name)
        else:  # pragma: no cover
            raise AssertionError(self.op)


OPS = (
    "flip", "truncate", "insert", "overwrite", "empty", "delete", "replace-with-other",
    "duplicate-line", "delete-line", "swap-lines", "cut-line", "move",
)  # fmt: skip

interesting_bytes = st.one_of(
    st.binary(min_size=1, max_size=16),
    st.sampled_from([b"\n", b"\xff", b"\xef\xbb\xbf", b"\x00", b"{", b"}", b'"', b"[" * 64, b"blob 99999999999\x00", b"list 3\x00", b"1e999"]),
)

mutations = st.builds(
    Mutation,
    file=st.integers(0, 10_000),
    op=st.sampled_from(OPS),
    where=st.floats(0, 1, allow_nan=False),
    data=interesting_bytes,
    other=st.integers(0, 10_000),
)


def mutated(files: DictFiles, muts: list[Mutation]) -> DictFiles:
    out = files.copy()
    for m in muts:
        m.apply(out.files)
    return out


# --- reading everything -----------------------------------------------------------------------------


def documented(fn: Callable[[], Any]) -> BaseException | None:
    """Run ``fn``; a documented error is returned, anything else propagates (and fails the test)."""
    try:
        fn()
    except ElmReplayError as e:
        return e
    return None


def read_everything(store: Store) -> list[BaseException]:
    """Every read-only operation on ``store``; the documented errors they raised."""
    errors: list[BaseException | None] = [
        documented(store.summary),
        documented(lambda: repr(store)),
        documented(store.events),
        documented(store.deployments),
        documented(lambda: store.reductions(check_usable=True)),
    ]
    for rec in store.records:
        ev = rec.parsed.event
        if ev.kind in (RecordKind.DEPLOY_INIT, RecordKind.DEPLOY_MIGRATE) and ev.value and ev.value.hash_base16:
            h = ev.value.hash_base16
            errors.append(documented(lambda: store.app_config(h).to_zip()))
        elif ev.kind is RecordKind.SET_STATE:
            i = rec.index
            errors.append(documented(lambda: store.set_state_json(i)))
        elif ev.kind is RecordKind.UPDATE:
            errors.append(documented(lambda: store.app_events(rec)))
    for h in store.reduction_hashes:
        errors.append(documented(lambda: store.usable_reduction(h)))
    return [e for e in errors if e is not None]
