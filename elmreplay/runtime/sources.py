"""Where the JavaScript for an app config comes from: runtime directories or Elm compilation.

A *runtime directory* holds ``<app-config-hash>.js`` files, and/or a ``runtimes.json`` manifest
mapping app-config hashes to lists of JS files (relative to the directory) that are
concatenated in order, e.g. a shared library followed by one app's port::

    {"9f0c…e1": ["lib/elm_port_lib.js", "counter_v1.js"]}

Compilation (Elm source inside the app config -> JS) is the other source; it plugs in as a
provider with the same signature.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Protocol, Sequence

import orjson

from ..errors import RuntimeUnavailable
from ..inputs import read_input, read_input_text
from ..store.recordtimes import TimeBounds

MANIFEST = "runtimes.json"


class RuntimeProvider(Protocol):
    """Returns the JS for an app config, or None when it has none for it."""

    def __call__(self, app_config_hash: str, files: Mapping[str, bytes]) -> str | None: ...


@dataclass
class RuntimeDirectory:
    """A directory of hand-written or pre-built runtimes keyed by app-config hash."""

    path: Path

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        if not self.path.is_dir():
            raise RuntimeUnavailable(f"Runtime directory does not exist: {self.path}")
        manifest = self.path / MANIFEST
        self._manifest: dict[str, list[str]] = {}
        if manifest.exists():
            try:
                data = orjson.loads(read_input(manifest))
            except orjson.JSONDecodeError as e:
                raise RuntimeUnavailable(f"Runtime manifest {manifest} is not valid UTF-8 JSON: {e}") from None
            ok = isinstance(data, dict) and all(
                isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for v in data.values()
            )
            if not ok:
                raise RuntimeUnavailable(f"Runtime manifest {manifest} is not a JSON object of file lists")
            self._manifest = {k.lower(): list(v) if isinstance(v, list) else [v] for k, v in data.items()}

    def hashes(self) -> list[str]:
        single = [p.stem.lower() for p in self.path.glob("*.js") if len(p.stem) == 64]
        return sorted(set(single) | set(self._manifest))

    def __call__(self, app_config_hash: str, files: Mapping[str, bytes]) -> str | None:
        h = app_config_hash.lower()
        if h in self._manifest:
            # relative to the manifest; a runtime directory is the user's own
            return "\n;\n".join(read_input_text(self.path / rel) for rel in self._manifest[h])
        single = self.path / f"{h}.js"
        if single.exists():
            return read_input_text(single)
        return None


@dataclass
class CompilerProvider:
    """Compiles the app config's Elm source like the host did (:mod:`elmreplay.elmcompile`).

    Unlike other providers it also takes ``deployed``, when the store says the app was deployed:
    the host of that time decides the generated code (``compile_app_config(deployed=...)``)."""

    cache_dir: str | os.PathLike[str] | None = None

    def __call__(
        self, app_config_hash: str, files: Mapping[str, bytes], deployed: TimeBounds | None = None
    ) -> str | None:
        try:
            from ..elmcompile import compile_app_config
        except ImportError as e:  # the compiler package is optional at this layer
            raise RuntimeUnavailable(f"Elm compilation is not available: {e}", app_config_hash=app_config_hash) from None
        js: str = compile_app_config(
            files,
            app_config_hash=app_config_hash,
            cache_dir=Path(self.cache_dir) if self.cache_dir else None,
            deployed=deployed,
        )
        return js


def compiler_provider(cache_dir: str | os.PathLike[str] | None = None) -> CompilerProvider:
    """A provider that compiles the app config's Elm source like the host did (issue: elmcompile)."""
    return CompilerProvider(cache_dir)


@dataclass
class RuntimeResolver:
    """Tries providers in order; caches the JS text per app config."""

    providers: Sequence[RuntimeProvider] = ()
    _cache: dict[str, str] = field(default_factory=dict)

    def preload(self, js_by_hash: Mapping[str, str]) -> None:
        """Take JavaScript resolved elsewhere (e.g. shipped to a worker) for these app configs."""
        self._cache.update((h.lower(), js) for h, js in js_by_hash.items())

    def js_for(
        self,
        app_config_hash: str,
        files_loader: Callable[[], Mapping[str, bytes]],
        deployed: TimeBounds | None = None,
    ) -> str:
        """The JS for an app config (cached per app config: a store deploys an app config
        with one host generation, see :meth:`elmreplay.replay.host.ProcessPool.deploy_time`)."""
        h = app_config_hash.lower()
        if h in self._cache:
            return self._cache[h]
        files: Mapping[str, bytes] | None = None
        for provider in self.providers:
            if files is None and not isinstance(provider, RuntimeDirectory):
                files = files_loader()
            given = files if files is not None else {}
            js = provider(h, given, deployed) if isinstance(provider, CompilerProvider) else provider(h, given)
            if js is not None:
                self._cache[h] = js
                return js
        where = ", ".join(str(p.path) for p in self.providers if isinstance(p, RuntimeDirectory)) or "none"
        compiling = any(not isinstance(p, RuntimeDirectory) for p in self.providers)
        raise RuntimeUnavailable(
            f"No runtime for app config {h}: no JavaScript in the runtime directories ({where})"
            + ("" if compiling else " and Elm compilation is off")
            + "; give a directory holding it with --runtimes DIR (runtimes=[...]), or compile the app's Elm source"
            " with --compile (compile=True)",
            app_config_hash=h,
        )


def default_resolver(
    store_path: str | os.PathLike[str] | None,
    runtime_dirs: Sequence[str | os.PathLike[str]] = (),
    *,
    compile: bool = False,
    cache_dir: str | os.PathLike[str] | None = None,
) -> RuntimeResolver:
    """Runtime directories given, else the ``runtimes/`` directory beside a sample store; with
    ``compile=True`` only compilation (runtime directories are ignored)."""
    if compile:
        return RuntimeResolver([compiler_provider(cache_dir)])
    dirs = [RuntimeDirectory(Path(d)) for d in runtime_dirs]
    if not dirs and store_path is not None:
        beside = Path(store_path).resolve().parent / "runtimes"
        if beside.is_dir():
            dirs.append(RuntimeDirectory(beside))
    return RuntimeResolver(dirs)

