"""The host's restore algorithm, literally (store-format §5.1): newest usable reduction, then each
visible record in order. Used for what the host would do at start-up and in the projected-store
test of a deployment (§5.3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import RestoreError
from ..runtime.engine import DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT_S
from ..runtime.sources import RuntimeResolver
from ..store.records import Record, RecordKind
from ..store.reductions import UsableReduction
from ..store.store import Store
from .host import HostProcess, Result, Snapshot


@dataclass(frozen=True)
class RestoreStep:
    """What restore did with one record."""

    index: int
    record_hash: str
    kind: str
    action: str  # "reduction", "applied", "revert-check"
    result: Result | None = None


@dataclass
class Restored:
    """A restored process: the host's state after the newest visible record."""

    host: HostProcess
    last_record_hash: str | None
    steps: list[RestoreStep] = field(default_factory=list)
    from_reduction: str | None = None

    @property
    def app_config_hash(self) -> str | None:
        return self.host.app_config_hash

    def state_json(self) -> str | None:
        """The serialized state (``getSerializedState()``), or None when no app runs."""
        return self.host.snapshot().state_json

    def close(self) -> None:
        self.host.close()


def restore_sequence(store: Store, *, from_reduction: str | None = None) -> list[tuple[Record, UsableReduction | None]]:
    """The records restore applies, oldest first, each with its usable reduction (if it starts there).

    Raises :class:`RestoreError` with the host's "sufficient history" text when the oldest
    record reached has no reduction but a parent.
    """
    seq: list[tuple[Record, UsableReduction | None]] = []
    found_chosen = False
    for rec in reversed(store.records):
        if rec.reverted:
            continue
        red = None
        if from_reduction is None or rec.hash == from_reduction:
            red = store.usable_reduction(rec.hash)
            if from_reduction is not None:
                found_chosen = True
                if red is None:
                    raise RestoreError(f"The reduction of record {rec.hash} is missing or not usable", record_hash=rec.hash)
        seq.append((rec, red))
        if red is not None:
            break
    if from_reduction is not None and not found_chosen:
        raise RestoreError(f"Record {from_reduction} is not a visible record of this history", record_hash=from_reduction)
    seq.reverse()
    if seq and seq[0][1] is None and seq[0][0].parent_hash is not None:
        first = seq[0][0]
        raise RestoreError(
            f"Failed to get sufficient history: Composition log record points to parent {first.parent_hash}",
            event_index=first.index,
            record_hash=first.hash,
        )
    return seq


def restore(
    store: Store,
    resolver: RuntimeResolver,
    *,
    from_reduction: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_memory: int = DEFAULT_MAX_MEMORY,
) -> Restored:
    """Restore the process as the host did on start-up (or from a chosen reduction)."""
    seq = restore_sequence(store, from_reduction=from_reduction)
    host = HostProcess(store, resolver, timeout_s=timeout_s, max_memory=max_memory)
    restored = Restored(host, None)
    try:
        pending: list[tuple[Record, str]] = []

        def flush() -> None:
            host.run_app_events(pending)
            restored.steps.extend(RestoreStep(r.index, r.hash, r.kind.value, "applied") for r, _ in pending)
            pending.clear()

        previous: Record | None = None
        for rec, red in seq:
            if red is not None:
                flush()
                host.restore(Snapshot.of_reduction(red), record=rec)
                restored.from_reduction = rec.hash
                restored.steps.append(RestoreStep(rec.index, rec.hash, rec.kind.value, "reduction"))
            elif rec.kind is RecordKind.REVERT:
                flush()
                target = rec.revert_target
                prev_hash = previous.hash if previous else None
                if target != prev_hash:
                    raise RestoreError(
                        "Error in enumeration of process composition events: "
                        f"Got revert to {target}, but previous version in the enumerated sequence was {prev_hash}.",
                        event_index=rec.index,
                        record_hash=rec.hash,
                    )
                restored.steps.append(RestoreStep(rec.index, rec.hash, rec.kind.value, "revert-check"))
            else:
                for ev in rec.parsed.events:
                    if ev.kind is RecordKind.UPDATE and ev.value is not None:
                        if host.process is not None or host.stored_only is not None:  # stored-only: refused
                            pending.append((rec, store.value_bytes(ev.value, record=rec).decode("utf-8", errors="replace")))
                        continue
                    flush()
                    result = host.apply(rec, ev)
                    restored.steps.append(RestoreStep(rec.index, rec.hash, rec.kind.value, "applied", result))
            previous = rec
            host.last_record_hash = rec.hash
        flush()
    except BaseException:
        host.close()
        raise
    restored.last_record_hash = host.last_record_hash
    return restored
