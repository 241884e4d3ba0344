"""The exception hierarchy of elmreplay.

Every error names what it is about: a file inside the store, a record hash, a line number
or an event index. The CLI prints ``str(error)`` as one line and exits 2 (input errors).

::

    ElmReplayError
    ├── StoreError                    something is wrong with the store on disk
    │   ├── StoreNotFound             the directory does not exist / is not a store
    │   ├── CorruptComponent          a component file does not parse (prefix, count, ...)
    │   ├── MissingComponent          a referenced component has no file
    │   ├── HashMismatch              content does not hash to its name
    │   ├── InflatedSizeExceeded      a deflated file inflates beyond the cap (deflate bomb)
    │   ├── CorruptRecord             a composition record is not valid JSON / wrong shape
    │   ├── BrokenParentChain         a record's parent is not the previous record
    │   ├── RevertTargetUnknown       a RevertProcessTo names a record not before it
    │   ├── CorruptReduction          a provisional reduction is unreadable or misnamed
    │   ├── CorruptTree               an app-config tree does not parse
    │   ├── UnsafePath                a link out of the store, or a FIFO/device/directory as a file
    │   └── UnsupportedStoreFeature   a later format this version cannot decode
    ├── StoreExists                   the writer refuses a directory that holds a store
    ├── RuntimeUnavailable            no runtime (JS) can be had for an app config
    ├── AppError                      the app's JavaScript failed
    │   ├── AppCrashed                it threw (or returned something of the wrong type)
    │   ├── AppTimeout                it ran past the timeout
    │   └── AppOutOfMemory            it exceeded the memory limit
    ├── RestoreError                  the host's restore path failed (its message text)
    ├── InvalidStateJson              a state given to the diff is not JSON
    ├── WorkerError                   parallel/Dask workers could not do their part
    └── ElmCompileError               compiling Elm source failed
"""

from __future__ import annotations


class ElmReplayError(Exception):
    """Base class of every error elmreplay raises on purpose."""


def with_location(message: str, **where: object) -> str:
    """``message (file x line 3, record abc)``: the named places that are known, in order."""
    labels = {"path": "file", "line": "line", "event_index": "event index", "record_hash": "record", "app_config_hash": "app config"}
    parts: list[str] = []
    for key, value in where.items():
        if value is None:
            continue
        if key == "line" and parts and parts[-1].startswith("file "):
            parts[-1] += f" line {value}"
        else:
            parts.append(f"{labels[key]} {value}")
    return message + (f" ({', '.join(parts)})" if parts else "")


# --- store -----------------------------------------------------------------------------------


class StoreError(ElmReplayError):
    """The store on disk is missing, damaged or not what it claims to be.

    ``path`` is the store-relative file (``/``-joined) the problem was found in, if any;
    ``record_hash`` the composition record involved, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        record_hash: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(with_location(message, path=path, line=line if path is not None else None, record_hash=record_hash))
        self.path = path
        self.record_hash = record_hash
        self.line = line


class StoreNotFound(StoreError):
    """The given path does not exist, is not a directory, or holds no process store."""


class CorruptComponent(StoreError):
    """A component file does not hold a valid ``blob``/``list`` serial representation."""


class MissingComponent(StoreError):
    """A component referenced by hash has no file in any component directory."""

    def __init__(self, message: str, *, component_hash: str | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.component_hash = component_hash


class HashMismatch(StoreError):
    """Content does not hash to the name it is stored under."""


class InflatedSizeExceeded(StoreError):
    """A deflated file inflates to more than the configured cap (a deflate bomb)."""


class CorruptRecord(StoreError):
    """A composition record is not UTF-8 JSON of a known shape."""


class BrokenParentChain(StoreError):
    """A record's ``parentHashBase16`` does not name the record appended before it."""


class RevertTargetUnknown(StoreError):
    """A ``RevertProcessTo`` record names a record that is not earlier in the history."""


class CorruptReduction(StoreError):
    """A provisional reduction file is unreadable, or its content names another record."""


class CorruptTree(StoreError):
    """An app-config tree component does not parse as a tree (entries, names)."""


class UnsafePath(StoreError):
    """A store path is a link leading outside the store, or not a regular file where one belongs."""


class UnsupportedStoreFeature(StoreError):
    """The store uses a later format element that this version can recognise but not decode."""


class StoreExists(ElmReplayError):
    """The writer was pointed at a directory that already holds (part of) a store."""


# --- runtime ---------------------------------------------------------------------------------


class RuntimeUnavailable(ElmReplayError):
    """No JavaScript runtime can be obtained for an app config (no port, no Elm toolchain)."""

    def __init__(self, message: str, *, app_config_hash: str | None = None) -> None:
        super().__init__(message)
        self.app_config_hash = app_config_hash


class AppError(ElmReplayError):
    """The app's JavaScript failed while handling an event or a state operation.

    ``event_index`` is the 0-based append-order record index (as in ``Store.events()``) and
    ``record_hash`` the record being applied, when the failure happened during a replay.
    """

    def __init__(
        self,
        message: str,
        *,
        event_index: int | None = None,
        record_hash: str | None = None,
        app_config_hash: str | None = None,
        js_message: str | None = None,
    ) -> None:
        super().__init__(
            with_location(message, event_index=event_index, record_hash=record_hash, app_config_hash=app_config_hash)
        )
        self.bare_message = message
        self.event_index = event_index
        self.record_hash = record_hash
        self.app_config_hash = app_config_hash
        self.js_message = js_message


class AppCrashed(AppError):
    """The app threw, or returned a value of the wrong type."""


class AppTimeout(AppError):
    """The app did not return within the configured timeout (an endless loop, usually)."""


class AppOutOfMemory(AppError):
    """The app exceeded the memory limit of its V8 context."""


# --- replay ----------------------------------------------------------------------------------


class RestoreError(ElmReplayError):
    """The host's restore path fails on this history; the message is the host's own text."""

    def __init__(
        self, message: str, *, event_index: int | None = None, record_hash: str | None = None
    ) -> None:
        super().__init__(with_location(message, event_index=event_index, record_hash=record_hash))
        self.host_message = message
        self.event_index = event_index
        self.record_hash = record_hash


class InvalidStateJson(ElmReplayError, ValueError):
    """A state given to the diff as text is not valid JSON (the message names which side and where)."""


class WorkerError(ElmReplayError):
    """Worker processes (local or on a Dask cluster) could not do their part: the store is not
    on a path they can read, elmreplay is not installed there, or a worker died."""


class ElmCompileError(ElmReplayError):
    """Compiling an app config's Elm source failed (the message includes Elm's own text)."""

    def __init__(self, message: str, *, app_config_hash: str | None = None) -> None:
        super().__init__(message)
        self.app_config_hash = app_config_hash
