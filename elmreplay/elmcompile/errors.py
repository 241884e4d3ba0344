"""Exceptions of the Elm compilation layer.

All of them subclass the project-wide classes in :mod:`elmreplay.errors`, so callers that only
know :class:`~elmreplay.errors.ElmCompileError` or :class:`~elmreplay.errors.RuntimeUnavailable`
catch them too::

    ElmCompileError (elmreplay.errors)
    ├── ElmSourceError              something in the app's sources, at a file and line
    │   ├── ElmSyntaxError          the declaration parser cannot read a declaration
    │   ├── UnsupportedElmType      the state refers to a type without a JSON convention
    │   ├── UnknownElmType          a type name that resolves to nothing
    │   ├── StateTypeNotFound       Backend.Main has no usable interfaceToHost_processEvent
    │   └── CompilationInterfaceError  a compilation-interface module elmreplay cannot lower
    ├── MigrationPreparationError   the host's texts for a migration it cannot prepare
    ├── MissingElmDependency        elm.json lacks a package the generated code needs
    ├── ElmMakeFailed               `elm make` rejected the program (Elm's own message)
    └── JsPatchError                the compiled JavaScript lacks an expected name
    RuntimeUnavailable (elmreplay.errors)
    ├── ElmCompilerMissing          no `elm` binary
    └── ElmPackagesUnavailable      Elm packages cannot be had (no network, not in ELM_HOME)
"""

from __future__ import annotations

from elmreplay.errors import ElmCompileError, RuntimeUnavailable

__all__ = [
    "CompilationInterfaceError",
    "ElmCompilerMissing",
    "ElmMakeFailed",
    "ElmPackagesUnavailable",
    "ElmSourceError",
    "ElmSyntaxError",
    "JsPatchError",
    "MigrationPreparationError",
    "MissingElmDependency",
    "StateTypeNotFound",
    "UnknownElmType",
    "UnsupportedElmType",
]


class ElmSourceError(ElmCompileError):
    """A problem located in one of the app's Elm files.

    ``path`` is the app-config path (``src/Backend/Main.elm``), ``line`` 1-based.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        app_config_hash: str | None = None,
    ) -> None:
        where = ""
        if path is not None:
            where = f" (file {path}" + (f" line {line}" if line is not None else "") + ")"
        super().__init__(message + where, app_config_hash=app_config_hash)
        self.path = path
        self.line = line
        self.bare_message = message


class ElmSyntaxError(ElmSourceError):
    """The declaration parser could not read a module header, import or type declaration."""


class UnsupportedElmType(ElmSourceError):
    """The state refers to a type that has no JSON convention (``Char``, ``Array``, functions...)."""


class UnknownElmType(ElmSourceError):
    """A type name in the state does not resolve to a declaration or a known package type."""


class StateTypeNotFound(ElmSourceError):
    """``Backend.Main`` is missing or has no ``interfaceToHost_processEvent`` annotation."""


class CompilationInterfaceError(ElmSourceError):
    """A compilation-interface module (``CompilationInterface.*`` and the older prefixes) whose
    function bodies the host's compiler replaced, and which elmreplay cannot replace the same
    way: a form it does not implement, a function it cannot generate, or a placeholder body
    left after lowering. ``module`` and ``function`` name what is affected."""

    def __init__(
        self,
        message: str,
        *,
        module: str,
        function: str | None = None,
        path: str | None = None,
        line: int | None = None,
        app_config_hash: str | None = None,
    ) -> None:
        super().__init__(message, path=path, line=line, app_config_hash=app_config_hash)
        self.module = module
        self.function = function


class MigrationPreparationError(ElmCompileError):
    """The migration cannot be prepared; ``host_message`` is the host's own text.

    The replay layer reports it as ``Failed to prepare elm app state migration: <host_message>``.
    """

    def __init__(self, host_message: str, *, app_config_hash: str | None = None) -> None:
        super().__init__(host_message, app_config_hash=app_config_hash)
        self.host_message = host_message


class MissingElmDependency(ElmCompileError):
    """``elm.json`` lacks a package (or the app a module) that the generated code needs."""


class ElmMakeFailed(ElmCompileError):
    """``elm make`` rejected the program; ``elm_message`` is the compiler's own report."""

    def __init__(
        self, message: str, *, elm_message: str, app_config_hash: str | None = None
    ) -> None:
        super().__init__(message, app_config_hash=app_config_hash)
        self.elm_message = elm_message


class JsPatchError(ElmCompileError):
    """The JavaScript from ``elm make`` lacks a name the patching step must publish."""


class ElmCompilerMissing(RuntimeUnavailable):
    """No Elm compiler: ``ELMREPLAY_ELM`` is unset/invalid and ``elm`` is not on ``PATH``."""


class ElmPackagesUnavailable(RuntimeUnavailable):
    """``elm make`` could not get the Elm packages (offline and not cached in ``ELM_HOME``).

    The message is one line naming each missing ``author/name version`` and how to provide
    them. ``elm_title`` is the title of Elm's report (e.g. ``PROBLEM LOADING PACKAGE LIST``),
    ``elm_message`` Elm's whole report, ``missing`` the ``author/name version`` texts.
    """

    elm_title: str = ""
    elm_message: str = ""
    missing: tuple[str, ...] = ()
