"""App configs: the deployed file trees (store-format §2.3, §6.1)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Mapping

from .trees import TreeEncoding

MIGRATION_MODULE_PATHS = ("src/Backend/MigrateState.elm", "src/MigrateBackendState.elm")


@dataclass(frozen=True)
class AppConfig:
    """One deployed app config: its component hash and its files (``{path: bytes}``)."""

    hash: str
    files: Mapping[str, bytes]
    name_encoding: TreeEncoding | None = None

    @property
    def migration_module(self) -> str | None:
        """Path of the migration module the host would use (§9.1), if the config has one."""
        for p in MIGRATION_MODULE_PATHS:
            if p in self.files:
                return p
        # Apps deployed before 2020-06-11 kept the Elm app under elm-app/ (§6.1).
        for p in MIGRATION_MODULE_PATHS:
            if "elm-app/" + p in self.files:
                return "elm-app/" + p
        return None

    @property
    def elm_modules(self) -> list[str]:
        return sorted(p for p in self.files if p.endswith(".elm"))

    def text(self, path: str) -> str:
        """A file's content decoded as UTF-8 (with replacement characters where invalid)."""
        return self.files[path].decode("utf-8", errors="replace")

    def to_zip(self) -> bytes:
        """The config as a zip archive, like the host's ``get-deployed-app-config``."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(self.files):
                info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
                z.writestr(info, self.files[path])
        return buf.getvalue()

    def __repr__(self) -> str:
        return f"AppConfig({self.hash[:12]}…, {len(self.files)} files, migration={self.migration_module is not None})"
