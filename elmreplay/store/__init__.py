"""The store layer: read-only access to Elm-fullstack process stores, and a writer for new ones."""

from .appconfig import AppConfig
from .components import Component, blob_hash, component_hash
from .records import Record, RecordKind
from .store import Store, open_store
from .trees import TreeEncoding, build_tree, flatten_tree
from .writer import StoreWriter, WriterEra

__all__ = [
    "AppConfig",
    "Component",
    "Record",
    "RecordKind",
    "Store",
    "StoreWriter",
    "TreeEncoding",
    "WriterEra",
    "blob_hash",
    "build_tree",
    "component_hash",
    "flatten_tree",
    "open_store",
]
