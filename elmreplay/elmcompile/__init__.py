"""Compile Elm app configs the way the Elm-fullstack / Elm-Time host did (2020 – 2023-06).

Pipeline (store-format.md §6, §8, §9.1; docs/compilation-interfaces.md):

1. read the app's modules (:mod:`.syntax`, a hand-written declaration parser), decide the app's
   interface from ``Backend.Main`` (``elmreplay.store.interfaces.app_interface``) and find the
   state type and the migration: ``interfaceToHost_processEvent`` and ``Backend.MigrateState``
   (else ``MigrateBackendState``) for the 2020 – 2021-08 interface (:mod:`.lowering`);
   ``backendMain`` for the 2021-09 root (:mod:`.backendmain`); ``webServiceMain`` /
   ``webServerMain`` for the 2023 state shim (:mod:`.webservice`), both around the task
   framework of :mod:`.taskframework`;
2. generate JSON coders (:mod:`.coders`, with the decoders of the host period that deployed the
   app, :mod:`.generations`) and the root modules ``Backend.InterfaceToHost_Root``
   and the migration root (:mod:`.lowering`), exposing the app's types and tags as needed, and
   lower the app's compilation-interface modules (:mod:`.interfaces`: ``GenerateJsonCoders``
   in :mod:`.jsoncoders`, ``SourceFiles`` in :mod:`.sourcefiles`, ``ElmMake`` and
   ``ElmMakeFrontendWeb`` in :mod:`.elmmake`), refusing what it cannot replace as the host did;
3. run ``elm make`` (:mod:`.toolchain`) and patch its output (:mod:`.patch`);
4. cache the runtime by app-config hash and compiler version (:mod:`.cache`).

The generators are pure functions returning Elm text, usable without a compiler.
"""

from __future__ import annotations

from elmreplay.elmcompile.cache import RuntimeCache, default_cache_dir
from elmreplay.elmcompile.compile import (
    MIGRATION_ERROR_GLOBAL,
    build_runtime,
    compile_app_config,
    compile_app_dir,
    read_app_dir,
)
from elmreplay.elmcompile.errors import (
    CompilationInterfaceError,
    ElmCompilerMissing,
    ElmMakeFailed,
    ElmPackagesUnavailable,
    ElmSourceError,
    ElmSyntaxError,
    JsPatchError,
    MigrationPreparationError,
    MissingElmDependency,
    StateTypeNotFound,
    UnknownElmType,
    UnsupportedElmType,
)
from elmreplay.elmcompile.generations import HOST_GENERATIONS, HostGeneration
from elmreplay.elmcompile.lowering import (
    MIGRATION_DECODE_ERROR_PREFIX,
    LoweredApp,
    backend_root_module,
    host_generation_for,
    lower_app_config,
    migration_root_module,
)
from elmreplay.elmcompile.patch import patch_backend_js, patch_migration_js
from elmreplay.elmcompile.toolchain import elm_toolchain_status

__all__ = [
    "CompilationInterfaceError",
    "MIGRATION_DECODE_ERROR_PREFIX",
    "MIGRATION_ERROR_GLOBAL",
    "ElmCompilerMissing",
    "ElmMakeFailed",
    "ElmPackagesUnavailable",
    "ElmSourceError",
    "ElmSyntaxError",
    "HOST_GENERATIONS",
    "HostGeneration",
    "JsPatchError",
    "LoweredApp",
    "MigrationPreparationError",
    "MissingElmDependency",
    "RuntimeCache",
    "StateTypeNotFound",
    "UnknownElmType",
    "UnsupportedElmType",
    "backend_root_module",
    "build_runtime",
    "compile_app_config",
    "compile_app_dir",
    "default_cache_dir",
    "elm_toolchain_status",
    "generate_root_modules",
    "host_generation_for",
    "lower_app_config",
    "migration_root_module",
    "patch_backend_js",
    "patch_migration_js",
    "read_app_dir",
]


def generate_root_modules(files: dict[str, bytes]) -> dict[str, str]:
    """The generated Elm modules for an app config, by path (pure; no compiler needed)."""
    return lower_app_config(files).generated
