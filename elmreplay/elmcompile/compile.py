"""Compile an app config's Elm source into a runtime (the JS program of the runtime contract).

The runtime is the patched output of the backend root (``initState``,
``processEventAndUpdateState``, ``getSerializedState``, ``setSerializedState``) followed, when
the app has a migration, by the separately compiled migration program publishing
``interface_migrate``, as the host compiled the two separately. Each ``elm make`` output is a
self-contained ``(function(scope){...}(this))``, so both run side by side in one context.

When the migration cannot be prepared (no module, bad annotation, unsupported type, or an Elm
compile error in the migration only), the runtime instead defines the global string
``interface_migrate_preparation_error`` with the host's text (without the host's
``Failed to prepare elm app state migration: `` prefix). The backend part is unaffected: the
host only needed the migration for a deploy-and-migrate.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from elmreplay.elmcompile.cache import RuntimeCache, cache_key
from elmreplay.elmcompile.elmmake import ElmMakeRunner
from elmreplay.elmcompile.errors import ElmMakeFailed, ElmSourceError
from elmreplay.errors import ElmCompileError
from elmreplay.inputs import read_input
from elmreplay.elmcompile.lowering import LoweredApp, host_generation_for, lower_app_config
from elmreplay.elmcompile.patch import patch_backend_js, patch_migration_js, patch_web_service_js
from elmreplay.store.interfaces import AppInterface
from elmreplay.elmcompile.toolchain import elm_make, elm_version, find_elm
from elmreplay.store.recordtimes import TimeBounds

__all__ = [
    "GENERATOR_VERSION",
    "MIGRATION_ERROR_GLOBAL",
    "build_runtime",
    "compile_app_config",
    "compile_app_dir",
    "files_digest",
    "read_app_dir",
]

#: Part of every cache key: bump when generated code or patching changes.
GENERATOR_VERSION = "elmreplay-elmcompile-5"  # 5: root-module coders per host generation (deploy date)

#: Global defined by a runtime whose migration could not be prepared (the host's text).
MIGRATION_ERROR_GLOBAL = "interface_migrate_preparation_error"

_SKIPPED_DIRS = ("elm-stuff", ".git", "node_modules")


@dataclass(frozen=True)
class _Built:
    js: str
    migration_error: str | None


def _write_project(root: Path, files: Mapping[str, bytes]) -> None:
    for rel, content in files.items():
        norm = posixpath.normpath(rel)
        if norm.startswith("../") or norm == ".." or posixpath.isabs(norm):
            continue  # never write outside the temporary project
        target = root / norm
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def build_runtime(
    files: Mapping[str, bytes],
    *,
    elm: str | None = None,
    app_config_hash: str | None = None,
    coder_generation: str | None = None,
    deployed: TimeBounds | None = None,
) -> str:
    """Lower, compile and patch an app config without touching the cache.

    Runs ``elm make`` in a fresh temporary directory (removed afterwards).
    ``coder_generation`` and ``deployed`` are passed to :func:`~.lowering.lower_app_config`.
    """
    binary = find_elm(elm)
    lowered = lower_app_config(
        files,
        deployed=deployed,
        coder_generation=coder_generation,
        elm_make=_elm_make_runner(binary, app_config_hash),
    )
    return _build(lowered, elm=binary, app_config_hash=app_config_hash).js


def _elm_make_runner(elm: str, app_config_hash: str | None) -> ElmMakeRunner:
    """``elm make`` for ElmMake interface modules: same compiler and ELM_HOME as the backend."""

    def run(files: Mapping[str, bytes], entry: str, javascript: bool, debug: bool) -> bytes:
        with tempfile.TemporaryDirectory(prefix="elmreplay-elm-make-") as tmp:
            root = Path(tmp)
            _write_project(root, files)
            output = elm_make(
                root,
                [entry],
                elm=elm,
                app_config_hash=app_config_hash,
                html=not javascript,
                debug=debug,
            )
        return output.encode("utf-8")

    return run


def _build(lowered: LoweredApp, *, elm: str | None, app_config_hash: str | None) -> _Built:
    migration_error = lowered.migration_error
    with tempfile.TemporaryDirectory(prefix="elmreplay-elm-make-") as tmp:
        root = Path(tmp)
        _write_project(root, lowered.files)
        backend_js = elm_make(
            root, [lowered.backend_root_path], elm=elm, app_config_hash=app_config_hash
        )
        if lowered.interface is AppInterface.WEB_SERVICE:
            parts = [patch_web_service_js(backend_js, lowered.backend_root)]
        else:
            parts = [patch_backend_js(backend_js, lowered.backend_root)]
        if lowered.migration_root is not None and lowered.migration_root_path is not None:
            try:
                migration_js = elm_make(
                    root, [lowered.migration_root_path], elm=elm, app_config_hash=app_config_hash
                )
                parts.append(patch_migration_js(migration_js, lowered.migration_root))
            except ElmMakeFailed as e:
                migration_error = f"Failed with exception:\n{e.elm_message}"
    if migration_error is not None:
        parts.append(f"var {MIGRATION_ERROR_GLOBAL} = {json.dumps(migration_error)};")
    # `;` between the parts: the appended functions end in `}` and the next part starts with
    # `(function(scope){`, which JavaScript would otherwise parse as a call.
    return _Built("\n;\n".join(parts) + "\n", migration_error)


def compile_app_config(
    files: Mapping[str, bytes],
    *,
    app_config_hash: str,
    cache_dir: Path | None = None,
    elm: str | None = None,
    coder_generation: str | None = None,
    deployed: TimeBounds | None = None,
) -> str:
    """The runtime JavaScript for an app config, from the cache or freshly compiled.

    Parameters
    ----------
    files
        The app config's files by ``/``-separated path (``elm.json``, ``src/Backend/Main.elm``...).
    app_config_hash
        The app config's component hash; with the compiler and generator versions it keys the
        cache, so it must be the hash of exactly these files.
    cache_dir
        Cache location; default ``$ELMREPLAY_CACHE``, else the user cache directory.
    elm
        The Elm binary; default ``$ELMREPLAY_ELM``, else ``elm`` on PATH.
    coder_generation
        ``"2020"`` or ``"2021"``: the host generation whose JSON decoders a
        ``GenerateJsonCoders`` module gets when its module name does not fix it (see
        :func:`~.lowering.lower_app_config`).
    deployed
        When the app was deployed, as far as the store tells: chooses the host period whose
        generated code the app gets (:func:`~.lowering.host_generation_for`); None: not known
        (the period covering most time among those whose host could compile the app).

    Returns
    -------
    str
        JavaScript defining ``initState``, ``processEventAndUpdateState``,
        ``getSerializedState``, ``setSerializedState`` and, with a migration,
        ``interface_migrate`` (else ``interface_migrate_preparation_error``). After evaluating
        it, run ``app_state = initState;``.

    Raises
    ------
    ElmCompilerMissing, ElmPackagesUnavailable
        No compiler, or no packages (both :class:`~elmreplay.errors.RuntimeUnavailable`).
    ElmSourceError, MissingElmDependency, ElmMakeFailed, JsPatchError
        The app cannot be compiled (all :class:`~elmreplay.errors.ElmCompileError`).
    """
    binary = find_elm(elm)
    try:
        host, _ = host_generation_for(files, deployed)
    except ElmCompileError as e:
        e.app_config_hash = e.app_config_hash or app_config_hash
        raise
    generator = GENERATOR_VERSION + f"-host-{host.commit}" + (f"-coders-{coder_generation}" if coder_generation else "")
    key = cache_key(app_config_hash, elm_version(binary), generator)
    cache = RuntimeCache(cache_dir)
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        lowered = lower_app_config(
            files,
            host_generation=host,
            coder_generation=coder_generation,
            elm_make=_elm_make_runner(binary, app_config_hash),
        )
    except ElmCompileError as e:  # lowering does not know which app config it reads
        e.app_config_hash = e.app_config_hash or app_config_hash
        raise
    js = _build(lowered, elm=binary, app_config_hash=app_config_hash).js
    cache.put(key, js)
    return js


def files_digest(files: Mapping[str, bytes]) -> str:
    """A SHA-256 over sorted paths and contents (a cache key for files without a tree hash)."""
    h = hashlib.sha256()
    for path in sorted(files):
        content = files[path]
        h.update(f"{path}\0{len(content)}\0".encode("utf-8"))
        h.update(content)
    return h.hexdigest()


def read_app_dir(path: str | os.PathLike[str]) -> dict[str, bytes]:
    """The files of an app directory (``elm-stuff``, ``.git`` and ``node_modules`` skipped).

    The Elm project is the directory itself or, in the layout of 2020-04 to 2020-06
    (store-format.md §6.1), its ``elm-app/`` subdirectory; either needs an ``elm.json``.
    """
    root = Path(path)
    if not (root / "elm.json").is_file() and not (root / "elm-app" / "elm.json").is_file():
        raise ElmSourceError(
            f"No elm.json in the app directory {root} (nor in its elm-app/ subdirectory)",
            path="elm.json",
        )
    files: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS)
        for name in sorted(filenames):
            full = Path(dirpath) / name
            files[full.relative_to(root).as_posix()] = read_input(full)
    return files


def compile_app_dir(
    path: str | os.PathLike[str],
    *,
    cache_dir: Path | None = None,
    elm: str | None = None,
    coder_generation: str | None = None,
    deployed: TimeBounds | None = None,
) -> str:
    """The runtime JavaScript for an app given as a directory (e.g. a sample app version).

    Cached under a digest of the directory's files (see :func:`files_digest`).
    ``coder_generation`` and ``deployed`` as for :func:`compile_app_config`.
    """
    files = read_app_dir(path)
    return compile_app_config(
        files,
        app_config_hash="files-sha256:" + files_digest(files),
        cache_dir=cache_dir,
        elm=elm,
        coder_generation=coder_generation,
        deployed=deployed,
    )
