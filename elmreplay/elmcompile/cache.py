"""A content-addressed cache of compiled runtimes, outside any store.

Location: the ``cache_dir`` argument, else ``$ELMREPLAY_CACHE``, else
``$XDG_CACHE_HOME/elmreplay``, else ``~/.cache/elmreplay``. Entries live under
``runtimes/<kk>/<key>.js`` with the SHA-256 of the JavaScript in ``<key>.js.sha256``. Both are
written to a temporary file in the same directory and renamed into place, so readers never see
a partial file and concurrent writers of the same key (which write the same bytes) are safe.
An entry whose digest is missing or does not match is treated as absent and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from elmreplay.errors import OutputError
from elmreplay.outputs import check_output, write_output

__all__ = ["CACHE_ENV_VAR", "RuntimeCache", "cache_key", "default_cache_dir"]

CACHE_ENV_VAR = "ELMREPLAY_CACHE"


def default_cache_dir() -> Path:
    """``$ELMREPLAY_CACHE``, else ``$XDG_CACHE_HOME/elmreplay``, else ``~/.cache/elmreplay``."""
    explicit = os.environ.get(CACHE_ENV_VAR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "elmreplay"


def cache_key(app_config_hash: str, compiler_version: str, generator_version: str) -> str:
    """The entry name for an app config compiled by a compiler and generator version."""
    text = f"app-config {app_config_hash}\nelm {compiler_version}\ngenerator {generator_version}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RuntimeCache:
    """Compiled runtimes (JavaScript text) by key; see the module docstring."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.directory / "runtimes" / key[:2]
        return folder / f"{key}.js", folder / f"{key}.js.sha256"

    def get(self, key: str) -> str | None:
        """The cached JavaScript, or None if absent or corrupt (digest missing or wrong)."""
        js_path, digest_path = self._paths(key)
        try:
            data = js_path.read_bytes()
            expected = digest_path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if hashlib.sha256(data).hexdigest() != expected:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, key: str, js: str) -> Path:
        """Store ``js`` under ``key`` atomically; returns the path of the JavaScript file."""
        js_path, digest_path = self._paths(key)
        check_output(js_path)  # before a directory is made: no cache inside an opened store
        try:
            js_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"cannot create the cache directory: {e.strerror or e}", path=str(js_path.parent)) from None
        data = js.encode("utf-8")
        write_output(js_path, data)  # temp file + rename, and never into an opened store
        write_output(digest_path, (hashlib.sha256(data).hexdigest() + "\n").encode("ascii"))
        return js_path

