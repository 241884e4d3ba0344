"""An app config's files as an Elm project: ``elm.json``, source directories, modules."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping

from elmreplay.elmcompile.errors import ElmSourceError, MissingElmDependency
from elmreplay.elmcompile.syntax import ElmModule, parse_module

__all__ = ["AppSources", "BASE64_PACKAGES", "HOST_BYTES_IMPORTS", "module_path"]

#: Packages known to provide a `Base64` module with `fromBytes`/`toBytes`.
BASE64_PACKAGES = ("danfishgold/base64-bytes",)

#: Imports the host added to every module it generated coders into from 2020-05-27
#: (`a9e04a4e`), used or not (store-format.md §6.3; docs/compilation-interfaces.md).
HOST_BYTES_IMPORTS = ("Base64", "Bytes", "Bytes.Decode", "Bytes.Encode")


def module_path(module_name: str, source_dir: str = "src") -> str:
    """``Backend.Main`` -> ``src/Backend/Main.elm``."""
    rel = module_name.replace(".", "/") + ".elm"
    return rel if source_dir in ("", ".") else f"{source_dir}/{rel}"


def _project_dir(files: Mapping[str, bytes]) -> str:
    if "elm.json" in files:
        return ""
    candidates = sorted(p[: -len("/elm.json")] for p in files if p.endswith("/elm.json"))
    if "elm-app" in candidates:
        return "elm-app"
    return candidates[0] if len(candidates) == 1 else ""


class AppSources:
    """Read-only view of an app config's files (``Mapping[path, bytes]``, ``/``-separated).

    Paths may carry a leading ``./``; ``elm-stuff/`` entries are ignored, as the host removed
    that directory when loading an app. The Elm project is the root, or, in app configs from
    before 2020-06-11 that have no root ``elm.json``, the ``elm-app/`` directory (else the only
    directory holding an ``elm.json``); ``project_dir`` names it and paths are relative to it.
    """

    def __init__(self, files: Mapping[str, bytes]) -> None:
        normalized: dict[str, bytes] = {}
        for path, content in files.items():
            norm = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
            if "elm-stuff" in norm.split("/"):
                continue
            normalized[norm] = bytes(content)
        #: Every file of the app config (``elm-stuff`` dropped), relative to its root.
        self.config_files = normalized
        self.project_dir = _project_dir(normalized)
        prefix = self.project_dir + "/" if self.project_dir else ""
        self.files: dict[str, bytes] = {
            path[len(prefix) :]: content
            for path, content in normalized.items()
            if path.startswith(prefix)
        }
        self._modules: dict[str, ElmModule | None] = {}
        self.elm_json = self._read_elm_json()
        dirs = self.elm_json.get("source-directories", ["src"])
        if not isinstance(dirs, list) or not all(isinstance(d, str) for d in dirs):
            raise ElmSourceError("`source-directories` must be a list of strings", path="elm.json")
        self.source_dirs = [posixpath.normpath(d) for d in dirs]

    def _read_elm_json(self) -> dict[str, object]:
        raw = self.files.get("elm.json")
        if raw is None:
            raise ElmSourceError("The app config has no elm.json at its root", path="elm.json")
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ElmSourceError(f"elm.json is not valid JSON: {e}", path="elm.json") from e
        if not isinstance(data, dict):
            raise ElmSourceError("elm.json must hold a JSON object", path="elm.json")
        return data

    def text(self, path: str) -> str:
        """The file at ``path`` decoded as UTF-8 (a byte order mark is dropped)."""
        try:
            return self.files[path].decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ElmSourceError(f"Not valid UTF-8: {e}", path=path) from e

    def find_module_path(self, module_name: str) -> str | None:
        """The path of the app module ``module_name``, or None for a package module."""
        for d in self.source_dirs:
            p = module_path(module_name, d)
            if p in self.files:
                return p
        return None

    def module(self, module_name: str) -> ElmModule | None:
        """The parsed app module ``module_name`` (cached), or None if the app has none."""
        if module_name not in self._modules:
            path = self.find_module_path(module_name)
            self._modules[module_name] = (
                None if path is None else parse_module(self.text(path), path)
            )
        return self._modules[module_name]

    def direct_dependencies(self) -> dict[str, str]:
        """``dependencies.direct`` of an application's elm.json (package -> version)."""
        deps = self.elm_json.get("dependencies")
        if isinstance(deps, dict):
            direct = deps.get("direct", deps)
            if isinstance(direct, dict):
                return {str(k): str(v) for k, v in direct.items()}
        return {}

    def provides_bytes_imports(self) -> bool:
        """Whether the app can import :data:`HOST_BYTES_IMPORTS`: elm/bytes as a direct
        dependency and a `Base64` module (its own, or a direct package of :data:`BASE64_PACKAGES`)."""
        direct = self.direct_dependencies()
        return "elm/bytes" in direct and (
            self.find_module_path("Base64") is not None
            or any(p in direct for p in BASE64_PACKAGES)
        )

    def require_packages(self, packages: list[str], why: str) -> None:
        """Raise :class:`MissingElmDependency` unless elm.json lists ``packages`` as direct."""
        direct = self.direct_dependencies()
        missing = [p for p in packages if p not in direct]
        if missing:
            raise MissingElmDependency(
                f"elm.json must list {', '.join(missing)} in dependencies.direct: {why}"
            )
