"""Which host interface an app config, a record or a store was written for.

elmreplay replays the 2020 - 2021-08 interface (store-format §5.2 first part, §6.2 "old
interface", §7.1/§7.2, §9.1) and the 2021-09 ``backendMain`` interface (era 1b, with the
semantics of :mod:`elmreplay.replay.interface_semantics`). Later interfaces are *listed* but not
replayed yet. So that a replay never applies another interface's semantics to them (a plausible
but wrong state), they are detected here from what the store really holds, and the replay layer
stops with :class:`~elmreplay.errors.UnsupportedEra`:

* **The app config's files** (store-format §6.1, §6.2; ``docs/modern-eras-replay.md``):

  - ``backendMain`` declared in ``Backend/Main.elm`` (from 2021-08-14, ``85f1b331``): an
    ``ElmFullstack.BackendConfig`` app. From 2021-09-03 (``ec1891b9``) the host talks to it with
    ``InitStateEvent`` / ``SetStateEvent`` / ``MigrateStateEvent`` (§7.3, §9.2) and keeps a task
    framework around its state (§6.3); the compiler of that host requires ``backendMain``.
  - ``webServerMain`` (2023-02) or ``webServiceMain`` (2023-05-07, ``0ae86d63``): the Elm-Time
    web-service interface with tagged event JSON and the state shim (§12); from 2025-03-06 run
    in the Pine VM.
  - an app-supplied ``Backend/InterfaceToHost_Root.elm`` (the host used it unchanged, §6.3): its
    text says which contract it implements.
  - ``interfaceToHost_processEvent`` (§6.2, the old interface): replayed.

* **Record kinds** (§3.1, §12): ``ApplyFunctionOnElmAppState`` (2023-03-15, ``4bf750c3``) and
  ``ApplyFunctionOnLiteralAndState`` (2025-04-04, ``97a17a3a``).

* **Pine-era stores** (§1.2, §12): ``value/json/deflated`` (2025-04-04) or ``value/binary/deflated``
  (2025-04-11) files, or ``ApplyFunctionOnLiteralAndState`` records. Their states are Pine values,
  not JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Iterable, Mapping

from .records import RecordKind

if TYPE_CHECKING:
    from .webservice_events import HostTypes


class AppInterface(str, Enum):
    """The host interface an app config implements (the value is how messages name it)."""

    OLD = "the 2020 - 2021-08 interface (interfaceToHost_processEvent)"
    BACKEND_MAIN = "the 2021-08+ backendMain interface (ElmFullstack.BackendConfig; InitStateEvent/SetStateEvent/MigrateStateEvent)"
    WEB_SERVICE = "the 2023+ Elm-Time web-service interface (webServerMain/webServiceMain; tagged event JSON and state shim)"
    UNKNOWN = "no known interface"

    @property
    def replayed(self) -> bool:
        """Whether elmreplay replays apps of this interface (UNKNOWN: the runtime decides)."""
        return self in (AppInterface.OLD, AppInterface.UNKNOWN, AppInterface.BACKEND_MAIN, AppInterface.WEB_SERVICE)


@dataclass(frozen=True)
class InterfaceFinding:
    """What :func:`app_interface` found, and where."""

    interface: AppInterface
    path: str | None = None
    evidence: str | None = None  # the declaration or marker that decided it

    def refusal(self, app_config_hash: str) -> str | None:
        """The one-line refusal for replaying this app config, or None when it is replayed."""
        if self.interface.replayed:
            return None
        return (
            f"App config {app_config_hash} is an app of {self.interface.value} ({self.evidence} in {self.path}); "
            "elmreplay lists such stores but does not replay them yet"
        )


#: Declarations in ``Backend.Main`` that name an interface, strongest first (an app declaring a
#: modern entry point is run through it even if it still has the old functions).
_ENTRY_POINTS: tuple[tuple[str, AppInterface], ...] = (
    ("webServiceMain", AppInterface.WEB_SERVICE),
    ("webServerMain", AppInterface.WEB_SERVICE),
    ("backendMain", AppInterface.BACKEND_MAIN),
    ("interfaceToHost_processEvent", AppInterface.OLD),
)
#: Texts of an app-supplied root module that show the contract it implements (§7.3; modern-eras §2b).
_ROOT_MARKERS: tuple[tuple[str, AppInterface], ...] = (
    ("ShimRequest", AppInterface.WEB_SERVICE),
    ("InitStateEvent", AppInterface.BACKEND_MAIN),
    ("SetStateEvent", AppInterface.BACKEND_MAIN),
    ("MigrateStateEvent", AppInterface.BACKEND_MAIN),
)
_MAIN_MODULE = "Backend/Main.elm"
_ROOT_MODULE = "Backend/InterfaceToHost_Root.elm"
def strip_elm_comments(source: str, *, keep_strings: bool = True) -> str:
    """Elm source with comments (``--`` and nested ``{- -}``) removed. String and char literals
    are skipped whole, so that a ``--`` or ``{-`` inside one is not taken for a comment (inside a
    block comment only ``{-`` and ``-}`` count, as for the Elm compiler); with
    ``keep_strings=False`` each literal becomes ``""`` (its text cannot look like a declaration)."""
    out: list[str] = []
    i, n, depth, start = 0, len(source), 0, 0
    while i < n:
        two = source[i : i + 2]
        if depth:
            if two == "{-":
                depth, i = depth + 1, i + 2
            elif two == "-}":
                depth, i = depth - 1, i + 2
                start = i
            else:
                i += 1
        elif two == "{-":
            out.append(source[start:i])
            depth, i = 1, i + 2
        elif two == "--":
            out.append(source[start:i])
            i = source.find("\n", i)
            i = n if i < 0 else i
            start = i
        elif source[i] in "\"'":
            begin = i
            if source.startswith('"""', i):
                close = source.find('"""', i + 3)
                i = n if close < 0 else close + 3
            else:
                quote, i = source[i], i + 1
                while i < n and source[i] not in (quote, "\n"):
                    i += 2 if source[i] == "\\" else 1
                i += 1
            if not keep_strings:
                out.append(source[start:begin] + '""')
                start = i
        else:
            i += 1
    if not depth:
        out.append(source[start:])
    return "".join(out)


def _find(files: Mapping[str, bytes], suffix: str) -> str | None:
    """The file ending in ``suffix``: ``src/`` first (§6.1), then pre-2020-06-11 ``elm-app/src/``."""
    for preferred in ("src/" + suffix, "elm-app/src/" + suffix):
        if preferred in files:
            return preferred
    return min((p for p in files if p == suffix or p.endswith("/" + suffix)), default=None)


def app_interface(files: Mapping[str, bytes]) -> InterfaceFinding:
    """The host interface of an app config, from its ``Backend.Main`` declarations (or from an
    app-supplied root module, which the host used unchanged)."""
    root = _find(files, _ROOT_MODULE)
    if root is not None:
        text = strip_elm_comments(files[root].decode("utf-8", errors="replace"), keep_strings=False)
        for marker, interface in _ROOT_MARKERS:
            if marker in text:
                return InterfaceFinding(interface, root, f"'{marker}' in an app-supplied root module")
        return InterfaceFinding(AppInterface.OLD, root, "an app-supplied root module")
    main = _find(files, _MAIN_MODULE)
    if main is None:
        return InterfaceFinding(AppInterface.UNKNOWN)
    text = strip_elm_comments(files[main].decode("utf-8", errors="replace"), keep_strings=False)
    for name, interface in _ENTRY_POINTS:
        if re.search(rf"^{name}(?=[\s:=])", text, re.M):
            if interface is AppInterface.BACKEND_MAIN:
                return _backend_main_interface(files, text, main)
            return InterfaceFinding(interface, main, f"a top-level declaration '{name}'")
    return InterfaceFinding(AppInterface.UNKNOWN, main)


#: ``backendMain`` annotated with a platform module's config type (modern-eras §1a renames, §2a).
_PLATFORM_CONFIG_TYPE = re.compile(r"^backendMain\s*:\s*Platform\.Web(?:Server|Service)\.", re.M)


def _backend_main_interface(files: Mapping[str, bytes], main_text: str, main: str) -> InterfaceFinding:
    """``backendMain`` is an entry name of both the 2021-09 interface and the 2023 web service
    (``entryPoints`` in ``CompileBackendApp.elm`` @ 0ae86d63 accept it beside ``webServiceMain``).
    From 2023-03 the host generates the state shim for any entry name of an app that ships a
    platform module (and fails "Did not find platform module" without one); the 2021 hosts need
    the app's own ``ElmFullstack`` module. So a platform config type in the annotation decides,
    else which of the two modules the app ships."""
    if _PLATFORM_CONFIG_TYPE.search(main_text):
        return InterfaceFinding(AppInterface.WEB_SERVICE, main, "'backendMain' annotated with a Platform.WebServer/WebService config type")
    platforms = [p for p in (_find(files, name) for name in _PLATFORM_MODULES) if p is not None]
    if platforms and _find(files, "ElmFullstack.elm") is None:
        evidence = f"a top-level declaration 'backendMain' beside the platform module {platforms[0]} and no ElmFullstack module"
        return InterfaceFinding(AppInterface.WEB_SERVICE, main, evidence)
    return InterfaceFinding(AppInterface.BACKEND_MAIN, main, "a top-level declaration 'backendMain'")


# --- record kinds and store eras -----------------------------------------------------------------

PINE_VM_ERA = "2025 Pine VM"
PINE_VM_MESSAGE = (
    "records of the 2025 Pine VM era (states are Pine values; events are ApplyFunctionOnLiteralAndState "
    "applications of Pine expressions) need the Pine VM to replay, which elmreplay does not have"
)

#: (``ApplyFunctionOnElmAppState`` records are replayed on 2023 web-service apps and refused on
#: others by the replay layer, which knows the running app.)
_KIND_REFUSALS: dict[RecordKind, tuple[str, str]] = {
    RecordKind.APPLY_FUNCTION_ON_LITERAL: (PINE_VM_ERA, "ApplyFunctionOnLiteralAndState: " + PINE_VM_MESSAGE),
}


def kind_refusal(kind: RecordKind) -> tuple[str, str] | None:
    """``(era, message)`` for record kinds elmreplay lists but does not replay; None otherwise."""
    return _KIND_REFUSALS.get(kind)


def is_pine_era(component_dirs: Iterable[str], kinds: Iterable[RecordKind]) -> bool:
    """Whether a store was written by the 2025-04+ Pine host: it has ``value/`` files (§1.2, §12)
    or ``ApplyFunctionOnLiteralAndState`` records."""
    return any(d.startswith("value/") for d in component_dirs) or RecordKind.APPLY_FUNCTION_ON_LITERAL in set(kinds)


# --- the 2023 web service: which host generation's interface types -------------------------------

_PLATFORM_MODULES = ("Platform/WebService.elm", "Platform/WebServer.elm")


def web_service_host_types(files: Mapping[str, bytes]) -> HostTypes:
    """The interface types the host used with a web-service app: an app whose platform module
    declares ``CreateVolatileProcessNative`` got the ``_2023_06`` shim (``webServiceShimVersionModules``
    in ``CompileBackendApp.elm`` @ ``5ee236fe``), so it ran on a host of 2023-07-01 (``0480879d``) or
    later, whose types write ``RequestToVolatileProcessOtherError``; every other app the 2023-03 types
    (the translations differ only there). Comments are not looked at (the host read the texts of
    the module's declarations)."""
    from .webservice_events import HostTypes  # the writer, which that module uses, reads interfaces

    for name in _PLATFORM_MODULES:
        path = _find(files, name)
        if path is not None:
            text = strip_elm_comments(files[path].decode("utf-8", errors="replace"))
            return HostTypes.V2023_07 if "CreateVolatileProcessNative" in text else HostTypes.V2023_03
    return HostTypes.V2023_03
