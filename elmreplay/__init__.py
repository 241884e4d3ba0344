"""elmreplay: investigate, replay and dry-run Elm-fullstack process stores, read-only.

The public surface is small; everything else is importable but internal::

    import elmreplay
    store = elmreplay.open_store("path/to/process-store")
    store.events()          # pandas DataFrame, one row per record
"""

from .errors import (
    AppCrashed,
    AppError,
    AppOutOfMemory,
    AppTimeout,
    ElmCompileError,
    ElmReplayError,
    RestoreError,
    RuntimeUnavailable,
    StoreError,
)
from .store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "AppCrashed",
    "AppError",
    "AppOutOfMemory",
    "AppTimeout",
    "ElmCompileError",
    "ElmReplayError",
    "RestoreError",
    "RuntimeUnavailable",
    "Store",
    "StoreError",
    "open_store",
]
