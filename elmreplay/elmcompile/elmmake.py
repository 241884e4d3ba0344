"""Lower ``ElmMake`` and ``ElmMakeFrontendWeb`` compilation-interface modules as the host did.

Their functions get the output of ``elm make`` for an Elm module of the app (typically the
frontend), compiled with the same compiler and packages as the backend, from the app's files
after its ``SourceFiles`` and ``GenerateJsonCoders`` modules were lowered (the host's order).

* ``ElmFullstackCompilerInterface.ElmMakeFrontendWeb`` (``7e250981`` 2020-06-11 to
  ``d19ff9dc`` 2020-06-28): the fixed names ``elm_make_frontendWeb_html``, ``..._html_debug``,
  ``..._html_base64`` and ``..._html_debug_base64`` get the HTML of ``src/FrontendWeb/Main.elm``
  (``--debug`` for the ``debug`` names; a base64 ``String`` for the ``base64`` names, else
  ``Bytes.Bytes``). The host left functions with other names as written.
* ``ElmMake`` (``78446019`` 2020-06-27; ``CompilationInterface.ElmMake`` from ``2c6770c9``
  2021-05-10): ``elm_make[__flag...]____<path>`` names the entry module's file like
  ``SourceFiles`` does. Flags: ``debug`` (``--debug``), ``javascript`` (the JavaScript instead
  of HTML; from ``2c6770c9``), ``base64`` (a base64 ``String``) and, from ``b30dd8eb``
  (2021-05-20), ``utf8`` (the output as ``String``). As for ``SourceFiles``, the annotation
  decides between ``Bytes.Bytes`` and a ``String`` encoding.

The history is in ``docs/compilation-interfaces.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Callable

from elmreplay.elmcompile.interfaces import add_imports, function_error
from elmreplay.elmcompile.jsoncoders import LoweredInterfaceModule
from elmreplay.elmcompile.sourcefiles import (
    blob_expression,
    find_file,
    replace_definitions,
    split_function_name,
)
from elmreplay.elmcompile.syntax import ElmModule

__all__ = ["ElmMakeRunner", "FRONTEND_WEB_ENTRY", "lower_elm_make_module"]

#: ``(project files, entry path, javascript, debug) -> output bytes``: runs ``elm make``.
ElmMakeRunner = Callable[[Mapping[str, bytes], str, bool, bool], bytes]

FUNCTION_PREFIX = "elm_make"
FRONTEND_WEB_ENTRY = "src/FrontendWeb/Main.elm"

# ElmMakeFrontendWeb: function name -> flags it stands for.
_FRONTEND_WEB_NAMES = {
    "elm_make_frontendWeb_html": [],
    "elm_make_frontendWeb_html_debug": ["debug"],
    "elm_make_frontendWeb_html_base64": ["base64"],
    "elm_make_frontendWeb_html_debug_base64": ["debug", "base64"],
}


def lower_elm_make_module(
    module: ElmModule, project_files: Mapping[str, bytes], elm_make: ElmMakeRunner
) -> LoweredInterfaceModule:
    """Replace the functions of an ``ElmMake``/``ElmMakeFrontendWeb`` module by the output of
    ``elm make`` on ``project_files`` (the Elm project's files, paths from its root)."""
    frontend_web = module.name.endswith(".ElmMakeFrontendWeb")
    outputs: dict[tuple[str, bool, bool], bytes] = {}
    bodies: dict[str, str] = {}
    needs_bytes = False
    for name, definition in module.definitions.items():
        line = definition.line
        if frontend_web:
            if name not in _FRONTEND_WEB_NAMES:
                continue  # left as written by the host; a placeholder there is caught later
            flags, entry = _FRONTEND_WEB_NAMES[name], FRONTEND_WEB_ENTRY
            if entry not in project_files:
                raise function_error(
                    module, name, line, f"it compiles the frontend, but the app has no {entry}"
                )
        else:
            flags, representation = split_function_name(module, name, line, FUNCTION_PREFIX)
            entry = find_file(module, name, line, project_files, representation)
        lowered = {f.lower() for f in flags}
        key = (entry, "javascript" in lowered, "debug" in lowered)
        if key not in outputs:
            outputs[key] = elm_make(project_files, *key)
        expression, uses_bytes = blob_expression(
            module, name, line, flags, outputs[key], frozenset({"javascript", "debug"})
        )
        needs_bytes = needs_bytes or uses_bytes
        bodies[name] = expression
    text = add_imports(
        module, replace_definitions(module, bodies), {"Base64", "Bytes.Encode"} if needs_bytes else set()
    )
    return LoweredInterfaceModule(
        text=text, exposures={}, uses_bytes=needs_bytes, replaced=tuple(sorted(bodies))
    )
