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
    ├── UnsupportedEra                a record or app config of a later host interface that elmreplay
    │                                 lists but cannot replay yet (backendMain, 2023 kinds, Pine VM)
    ├── InvalidStateJson              a state given to the diff is not JSON
    ├── SkipNotPossible               a skipped-event counterfactual cannot answer for a record
    ├── QuerySyntaxError              a find condition does not parse (names the column)
    ├── UnsupportedQuery              a find condition asks what this history cannot answer
    ├── RecordIndexOutOfRange         an ``at``/``--at`` index names no record of the store
    ├── WorkerError                   parallel/Dask workers could not do their part
    ├── ElmCompileError               compiling Elm source failed
    ├── InputFileError                a file the user gave (runtime, manifest, app) cannot be read
    ├── OutputError                   an output file cannot be written (no space, no directory, ...)
    │   └── UnsafeOutput              the output would land in (or on a file of) an opened store
    └── AmbiguousHash                 a hash prefix names no record / config, or more than one

    Interrupted (a KeyboardInterrupt)  SIGINT or SIGTERM arrived while the CLI ran
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


class RecordIndexOutOfRange(ElmReplayError, IndexError):
    """A record index (``at``, ``--at``, ``--from``, ``--to``) names no record; the message gives
    the number as typed and the valid range."""

    def __init__(self, message: str, *, index: int, count: int) -> None:
        super().__init__(message)
        self.index = index
        self.count = count


class UnsupportedEra(ElmReplayError):
    """Replaying this record would need a host interface elmreplay does not implement yet.

    Raised instead of replaying with the 2020-2021 semantics (which would give a plausible but
    wrong state). ``era`` names the interface or record era (see :mod:`elmreplay.store.interfaces`).
    Deliberately not a :class:`RestoreError`: a what-if must not report it as a rejected deployment.
    """

    def __init__(
        self,
        message: str,
        *,
        era: str,
        event_index: int | None = None,
        record_hash: str | None = None,
        app_config_hash: str | None = None,
    ) -> None:
        super().__init__(with_location(message, event_index=event_index, record_hash=record_hash))
        self.bare_message = message
        self.era = era
        self.event_index = event_index
        self.record_hash = record_hash
        self.app_config_hash = app_config_hash

    def at(self, *, event_index: int, record_hash: str) -> UnsupportedEra:
        """The same refusal, naming the record it stopped at."""
        return UnsupportedEra(
            self.bare_message, era=self.era, event_index=event_index, record_hash=record_hash, app_config_hash=self.app_config_hash
        )


class InvalidStateJson(ElmReplayError, ValueError):
    """A state given to the diff as text is not valid JSON (the message names which side and where)."""


class SkipNotPossible(ElmReplayError):
    """The history with one event skipped cannot be computed for this record (not an app event,
    or past the next deployment, set-state or revert); the message names the records."""


class QuerySyntaxError(ElmReplayError, ValueError):
    """A find condition (``session.find``, ``elmreplay find --where``) does not parse or asks for
    something the condition language does not have. ``column`` is 1-based."""

    def __init__(self, message: str, *, text: str, column: int) -> None:
        super().__init__(f"{message} at column {column}")
        self.reason = message
        self.text = text
        self.column = column

    def pointer(self) -> str:
        """The condition and a caret under the column, for a terminal."""
        return f"{self.text}\n{' ' * (self.column - 1)}^"


class UnsupportedQuery(ElmReplayError, ValueError):
    """A find condition that parses but cannot be answered exactly on this history (the message
    names the record)."""


class WorkerError(ElmReplayError):
    """Worker processes (local or on a Dask cluster) could not do their part: the store is not
    on a path they can read, elmreplay is not installed there, or a worker died."""


class ElmCompileError(ElmReplayError):
    """Compiling an app config's Elm source failed (the message includes Elm's own text)."""

    def __init__(self, message: str, *, app_config_hash: str | None = None) -> None:
        super().__init__(message)
        self.app_config_hash = app_config_hash


# --- files given by the user, outputs, signals -----------------------------------------------------


class InputFileError(ElmReplayError):
    """A file the user pointed at (a runtime, a runtime manifest, an app directory's file) is
    missing, not a regular file, unreadable, or not valid UTF-8 where text is expected."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message if path is None else f"{path}: {message}")
        self.path = path


class OutputError(ElmReplayError):
    """An output file (``-o``, an export, a cache entry) cannot be written; nothing was replaced."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message if path is None else f"{path}: {message}")
        self.path = path


class UnsafeOutput(OutputError):
    """The output would be written inside a store opened in this process, through a link into
    it, or onto the same file (device and inode) as one of its files."""


class AmbiguousHash(ElmReplayError, KeyError):
    """A hash or hash prefix matches nothing, or more than one candidate (the message lists them)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; ``signum`` says which (a KeyboardInterrupt, so Ctrl-C handling
    that already exists applies unchanged)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
