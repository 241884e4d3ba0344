"""Provisional reductions: snapshots of the process state after a record (store-format §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from ..errors import CorruptReduction, CorruptTree, MissingComponent
from .componentstore import ComponentReader
from .components import Component
from .files import FileSource, Segments, join
from .interfaces import AppInterface, app_interface
from .pine_values import pine_value_json
from .records import ValueRef, _value_ref
from .trees import flatten_tree

REDUCTION_DIR: Segments = ("provisional-reduction",)
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Reduction:
    """One provisional reduction file, parsed (its components are not loaded yet)."""

    record_hash: str
    path: str
    elm_app_state: ValueRef | None
    app_config: ValueRef | None
    had_bom: bool


def reduction_path(record_hash: str) -> Segments:
    return (*REDUCTION_DIR, record_hash)


def list_reduction_hashes(files: FileSource) -> list[str]:
    """The record hashes that have a reduction file."""
    return sorted(s[-1] for s in files.list_files(REDUCTION_DIR) if len(s) == 2)


def read_reduction(files: FileSource, record_hash: str) -> Reduction | None:
    """Parse ``provisional-reduction/<record_hash>``; None when there is no such file.

    Raises :class:`CorruptReduction` with the host's texts when it is unreadable or names
    another record.
    """
    segs = reduction_path(record_hash)
    data = files.read(segs)
    if data is None:
        return None
    p = join(segs)
    bom = data.startswith(UTF8_BOM)
    if bom:
        data = data[len(UTF8_BOM) :]

    def fail(why: str) -> CorruptReduction:
        return CorruptReduction(f"Failed to read reduction from file '{record_hash}'. {why}", path=p, record_hash=record_hash)

    try:
        obj: Any = orjson.loads(data)
    except orjson.JSONDecodeError as e:
        raise fail(f"Not valid UTF-8 JSON: {e}") from None
    if not isinstance(obj, dict):
        raise fail("Not a JSON object.")
    named = obj.get("reducedCompositionHashBase16")
    if not isinstance(named, str) or named.lower() != record_hash.lower():
        raise fail(f"Unexpected content in file {record_hash}: composition hash does not match.")
    try:
        state = _value_ref(obj["elmAppState"], what="elmAppState") if obj.get("elmAppState") is not None else None
        config = _value_ref(obj["appConfig"], what="appConfig") if obj.get("appConfig") is not None else None
    except ValueError as e:
        raise fail(str(e)) from None
    return Reduction(record_hash.lower(), p, state, config, bom)


@dataclass(frozen=True)
class UsableReduction:
    """A reduction whose state and app config both load (§4's usability rule)."""

    reduction: Reduction
    state_json: bytes
    app_config_hash: str
    app_config_files: dict[str, bytes]
    #: "json": the app's serialized state (2020-2024); "pine": a 2025 Pine value, shown as
    #: :func:`~elmreplay.store.pine_values.pine_value_json` (it cannot be loaded into an app).
    state_format: str = "json"


def load_usable(components: ComponentReader, reduction: Reduction, *, pine_states: bool = False) -> UsableReduction | None:
    """Apply the host's usability rule; None when a component is missing or a field is null.

    A config that does not parse as a tree, or a state that is not a blob, is an error (the
    host threw there), except for Pine values: a state that is a list or a blob that is not JSON,
    in a 2025-04+ store (``pine_states``, see :func:`~elmreplay.store.interfaces.is_pine_era`) or
    of a web-service app (the 2025-03 Pine host wrote Pine states before it wrote ``value/``
    files, modern-eras §3a). JSON never starts like a Pine value (a list; an integer's sign byte
    2 or 4; a UTF-32 string's zero byte), so a JSON state of an older host stays JSON.
    """
    if reduction.app_config is None or reduction.elm_app_state is None:
        return None
    config_hash = reduction.app_config.hash_base16
    if config_hash is None:
        return None
    state = reduction.elm_app_state
    try:
        tree = components.load(config_hash)
        found: Component = state.literal_utf8.encode("utf-8") if state.literal_utf8 is not None else b""
        if state.hash_base16 is not None and state.literal_utf8 is None:
            found = components.load(state.hash_base16)
    except MissingComponent:
        return None
    try:
        files = flatten_tree(tree, component_hash=config_hash)
    except CorruptTree as e:
        raise CorruptReduction(str(e), path=reduction.path, record_hash=reduction.record_hash) from None
    if is_pine_state(found, pine_states or app_interface(files).interface is AppInterface.WEB_SERVICE):
        return UsableReduction(reduction, pine_value_json(found).encode(), config_hash, files, "pine")
    if not isinstance(found, bytes):
        raise CorruptReduction(
            f"Unexpected content of elmAppStateComponent {state.hash_base16}: This is not a blob.",
            path=reduction.path,
            record_hash=reduction.record_hash,
        )
    return UsableReduction(reduction, found, config_hash, files)


def is_pine_state(value: Component, pine_possible: bool) -> bool:
    """Whether a state component is a 2025 Pine value rather than the JSON text every state was
    before: a list, or a blob that is not JSON, where the store or app allows Pine states."""
    if not pine_possible:
        return False
    if not isinstance(value, bytes):
        return True
    try:
        orjson.loads(value)
    except orjson.JSONDecodeError:
        return True
    return False

