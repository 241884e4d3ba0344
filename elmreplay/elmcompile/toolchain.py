"""Finding and running the Elm compiler.

The binary is ``$ELMREPLAY_ELM`` if set, else ``elm`` on ``PATH`` (npm ``@lydell/elm`` or Debian
``elm-compiler``). Packages come from ``ELM_HOME`` (default ``~/.elm``); without network access
``elm make`` only works when they are already there, which :func:`elm_toolchain_status` probes.

The layout Elm 0.19.1 reads offline (:func:`missing_packages` checks it)::

    $ELM_HOME/0.19.1/packages/registry.dat                 the list of known packages
    $ELM_HOME/0.19.1/packages/AUTHOR/NAME/VERSION/elm.json  one directory per pinned package
    $ELM_HOME/0.19.1/packages/AUTHOR/NAME/VERSION/src/...
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from elmreplay.elmcompile.errors import ElmCompilerMissing, ElmMakeFailed, ElmPackagesUnavailable

__all__ = [
    "ELM_ENV_VAR",
    "PACKAGES_HINT",
    "elm_home",
    "elm_make",
    "elm_toolchain_status",
    "elm_version",
    "find_elm",
    "missing_packages",
    "pinned_packages",
    "render_elm_report",
]

ELM_ENV_VAR = "ELMREPLAY_ELM"
INSTALL_HINT = "install it with `npm install -g @lydell/elm` or `apt-get install elm-compiler`"
ELM_MAKE_TIMEOUT_SECONDS = 600

# Report titles of `elm make --report=json` that mean "could not get the packages".
_PACKAGE_TITLES = (
    "PROBLEM LOADING PACKAGE LIST",
    "TROUBLE VERIFYING DEPENDENCIES",
    "PROBLEM DOWNLOADING PACKAGE",
    "PROBLEM LOADING DOCS",
    "CORRUPT PACKAGE DATA",
    "HTTP PROBLEM",
)
_BUSY_FILE = "resource busy (file is locked)"

#: How to provide packages that `elm make` cannot download.
PACKAGES_HINT = (
    "provide them by running `elm make` once with network access and the same ELM_HOME, or by "
    "laying out each package's elm.json and src/ in ELM_HOME/0.19.1/packages/AUTHOR/NAME/VERSION/ "
    "and listing it in ELM_HOME/0.19.1/packages/registry.dat"
)


def elm_home() -> Path:
    """The directory Elm keeps packages in: ``$ELM_HOME``, else ``~/.elm``."""
    return Path(os.environ.get("ELM_HOME") or Path.home() / ".elm")


def pinned_packages(elm_json: object) -> dict[str, str]:
    """Every package an application's elm.json pins (direct, indirect and test), by name."""
    pinned: dict[str, str] = {}
    if not isinstance(elm_json, dict):
        return pinned
    for section in ("dependencies", "test-dependencies"):
        deps = elm_json.get(section)
        if not isinstance(deps, dict):
            continue
        for group in ("direct", "indirect"):
            entries = deps.get(group)
            if isinstance(entries, dict):
                pinned.update({str(k): str(v) for k, v in entries.items()})
    return pinned


def missing_packages(pinned: dict[str, str], home: Path | None = None) -> list[str]:
    """``author/name version`` of each pinned package not laid out in ``home`` (sorted)."""
    packages = (home or elm_home()) / "0.19.1" / "packages"
    return [
        f"{name} {version}"
        for name, version in sorted(pinned.items())
        if not (packages / name / version / "elm.json").is_file()
    ]


def find_elm(elm: str | os.PathLike[str] | None = None) -> str:
    """The Elm binary to use: ``elm`` if given, else ``$ELMREPLAY_ELM``, else ``elm`` on PATH.

    Raises :class:`ElmCompilerMissing` naming what was tried.
    """
    candidate = str(elm) if elm is not None else os.environ.get(ELM_ENV_VAR)
    if candidate:
        resolved = shutil.which(candidate)
        if resolved is None:
            source = "argument" if elm is not None else f"${ELM_ENV_VAR}"
            raise ElmCompilerMissing(
                f"The Elm compiler named by {source} ({candidate!r}) is not an executable file"
            )
        return resolved
    resolved = shutil.which("elm")
    if resolved is None:
        raise ElmCompilerMissing(
            f"No Elm compiler: set {ELM_ENV_VAR} or put `elm` (0.19.1) on PATH; {INSTALL_HINT}"
        )
    return resolved


@lru_cache(maxsize=8)
def elm_version(binary: str) -> str:
    """``elm --version`` of ``binary`` (e.g. ``0.19.1``)."""
    try:
        done = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as e:
        raise ElmCompilerMissing(f"Cannot run the Elm compiler {binary}: {e}") from e
    version = done.stdout.strip()
    if done.returncode != 0 or not version:
        raise ElmCompilerMissing(
            f"`{binary} --version` failed (exit {done.returncode}): {done.stderr.strip()}"
        )
    return version


def render_elm_report(report: object) -> str:
    """Plain text of an ``elm make --report=json`` report (general or compile errors)."""

    def message_text(parts: object) -> str:
        if not isinstance(parts, list):
            return str(parts)
        return "".join(p if isinstance(p, str) else str(p.get("string", "")) for p in parts)

    if not isinstance(report, dict):
        return str(report)
    if report.get("type") == "compile-errors":
        chunks = []
        for module_errors in report.get("errors", []):
            path = module_errors.get("path", "?")
            for problem in module_errors.get("problems", []):
                region = problem.get("region", {}).get("start", {})
                chunks.append(
                    f"-- {problem.get('title', 'ERROR')} --- {path}:{region.get('line', '?')}"
                    f":{region.get('column', '?')}\n\n{message_text(problem.get('message'))}"
                )
        return "\n\n".join(chunks)
    path = report.get("path")
    header = f"-- {report.get('title', 'ERROR')}" + (f" --- {path}" if path else "")
    return f"{header}\n\n{message_text(report.get('message'))}"


def elm_make(
    project_dir: Path,
    entry_modules: list[str],
    *,
    elm: str | None = None,
    app_config_hash: str | None = None,
    html: bool = False,
    debug: bool = False,
) -> str:
    """Run ``elm make <entries> --output=...`` (non-optimized) in ``project_dir``; return the
    JavaScript, or with ``html`` the HTML page (``--debug`` with ``debug``).

    Raises :class:`ElmPackagesUnavailable` when Elm cannot get its packages and
    :class:`ElmMakeFailed` (with Elm's own message) for any other failure.
    """
    binary = find_elm(elm)
    output = project_dir / ("elmreplay-elm-make-output." + ("html" if html else "js"))
    command = [binary, "make", *entry_modules, f"--output={output}", "--report=json"]
    if debug:
        command.append("--debug")
    for attempt in range(2):
        try:
            done = subprocess.run(
                command,
                cwd=project_dir,
                capture_output=True,
                text=True,
                timeout=ELM_MAKE_TIMEOUT_SECONDS,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as e:
            raise ElmMakeFailed(
                f"elm make did not finish within {ELM_MAKE_TIMEOUT_SECONDS} s",
                elm_message="",
                app_config_hash=app_config_hash,
            ) from e
        if done.returncode == 0 and output.exists():
            return output.read_text(encoding="utf-8")
        # The host retried once on this error from concurrent compilers sharing ELM_HOME.
        if _BUSY_FILE in done.stderr and attempt == 0:
            continue
        break
    raise _classify_failure(done.stderr or done.stdout, app_config_hash, project_dir)


def _packages_error(
    title: str, elm_text: str, project_dir: Path, app_config_hash: str | None
) -> ElmPackagesUnavailable:
    """One line naming what is missing from ELM_HOME; Elm's own report is kept aside."""
    home = elm_home()
    try:
        elm_json = json.loads((project_dir / "elm.json").read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        elm_json = None
    missing = missing_packages(pinned_packages(elm_json), home)
    registry = home / "0.19.1" / "packages" / "registry.dat"
    if missing:
        what = f"ELM_HOME={home} lacks {', '.join(missing)}"
    elif not registry.is_file():
        what = f"ELM_HOME={home} has no {registry.relative_to(home)}"
    else:
        what = f"ELM_HOME={home} holds every pinned package, but Elm could not load them"
    error = ElmPackagesUnavailable(
        f"Elm packages unavailable ({title}, no network?): {what}; {PACKAGES_HINT}",
        app_config_hash=app_config_hash,
    )
    error.elm_title = title
    error.elm_message = elm_text
    error.missing = tuple(missing)
    return error


def _classify_failure(
    stderr: str, app_config_hash: str | None, project_dir: Path
) -> ElmMakeFailed | ElmPackagesUnavailable:
    try:
        report = json.loads(stderr)
    except json.JSONDecodeError:
        report = None
    text = render_elm_report(report) if report is not None else stderr.strip()
    title = report.get("title", "") if isinstance(report, dict) else ""
    if title in _PACKAGE_TITLES or (report is None and "package.elm-lang.org" in stderr):
        return _packages_error(title or "PACKAGE PROBLEM", text, project_dir, app_config_hash)
    return ElmMakeFailed(f"elm make failed:\n{text}", elm_message=text, app_config_hash=app_config_hash)


_PROBE_ELM_JSON = {
    "type": "application",
    "source-directories": ["src"],
    "elm-version": "0.19.1",
    "dependencies": {
        "direct": {"elm/core": "1.0.5", "elm/json": "1.1.3"},
        "indirect": {},
    },
    "test-dependencies": {"direct": {}, "indirect": {}},
}
_PROBE_MAIN = """module Main exposing (main)

import Json.Encode


main : Program () () ()
main =
    Platform.worker
        { init = \\_ -> ( (), Cmd.none )
        , update = \\_ _ -> ( Json.Encode.encode 0 Json.Encode.null |> always (), Cmd.none )
        , subscriptions = \\_ -> Sub.none
        }
"""


def elm_toolchain_status(
    elm: str | None = None, *, packages: tuple[str, ...] = ()
) -> tuple[bool, str]:
    """Whether Elm apps can be compiled here, and why not.

    Finds the compiler and compiles a tiny program that needs ``elm/core`` and ``elm/json``
    (plus ``packages``, given as ``"author/name@version"``). The reason names the binary and
    ``ELM_HOME``, so a skipped test says precisely what is missing.
    """
    try:
        binary = find_elm(elm)
        version = elm_version(binary)
    except ElmCompilerMissing as e:
        return False, str(e)
    return _probe(binary, version, os.environ.get("ELM_HOME", ""), packages)


@lru_cache(maxsize=16)
def _probe(
    binary: str, version: str, home_setting: str, packages: tuple[str, ...]
) -> tuple[bool, str]:
    elm_json = json.loads(json.dumps(_PROBE_ELM_JSON))
    for spec in packages:
        name, _, pinned = spec.partition("@")
        elm_json["dependencies"]["direct"][name] = pinned
    home = home_setting or "~/.elm (default)"
    with tempfile.TemporaryDirectory(prefix="elmreplay-probe-") as tmp:
        root = Path(tmp)
        (root / "src").mkdir()
        (root / "elm.json").write_text(json.dumps(elm_json), encoding="utf-8")
        (root / "src" / "Main.elm").write_text(_PROBE_MAIN, encoding="utf-8")
        try:
            elm_make(root, ["src/Main.elm"], elm=binary)
        except ElmPackagesUnavailable as e:
            return False, f"Elm {version} at {binary}: {e}"
        except ElmMakeFailed as e:
            return False, f"Elm {version} at {binary} failed on a trivial program: {e}"
    return True, f"Elm {version} at {binary} with packages from ELM_HOME={home}"
