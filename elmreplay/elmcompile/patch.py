"""Patch the JavaScript from ``elm make`` into a runtime, exactly as the host did (§6.4).

1. Remove every line matching ``^\\s*console\\.\\w+\\(.+$`` (multiline).
2. Before the **last** ``_Platform_export(``, insert ``scope['<publicName>'] = <expr>;`` per
   published function (``<expr>`` is the Elm symbol, or ``(param_0,param_1) => f(param_0)(param_1)``
   for arity 2).
3. Append ``processEventAndUpdateState``, ``getSerializedState`` and ``setSerializedState``.

Beyond the host: where the generated root defines ``jsonEncodeState``, the runtime also gets
the optional ``getStateJsonValue`` of the runtime contract (design.md): the state as the JSON
value its encoder builds, which is what ``getSerializedState`` writes, without the string
(``find`` reads states this way).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from elmreplay.elmcompile.errors import JsPatchError

__all__ = [
    "APPENDED_FUNCTIONS",
    "STATE_JSON_VALUE_FUNCTION",
    "PublishedFunction",
    "backend_publications",
    "elm_symbol",
    "migration_publications",
    "patch_backend_js",
    "patch_migration_js",
    "patch_web_service_js",
    "publish_functions",
    "publish_state_json_value",
    "remove_console_lines",
]

_CONSOLE_LINE = re.compile(r"^\s*console\.\w+\(.+$", re.M)
_EXPORT_CALL = "_Platform_export("

#: Appended after the patched program (the host's text, newline-joined).
APPENDED_FUNCTIONS = "\n".join(
    [
        "var processEventAndUpdateState = function(eventSerial){",
        "var newStateAndResponse = serializedEvent(eventSerial,app_state);",
        "app_state = newStateAndResponse.a;",
        "return newStateAndResponse.b;",
        "}",
        "var getSerializedState = function(){",
        "return serializeState(app_state);",
        "}",
        "var setSerializedState = function(serializedState){",
        "app_state = deserializeState(serializedState);",
        "}",
    ]
)


#: Appended after APPENDED_FUNCTIONS when the state encoder's value is published.
STATE_JSON_VALUE_FUNCTION = "\n".join(
    [
        "var getStateJsonValue = function(){",
        "return interfaceToHost_stateJsonValue(app_state);",
        "}",
    ]
)


@dataclass(frozen=True)
class PublishedFunction:
    """An Elm top-level function published to the global scope under ``public_name``."""

    module: str
    name: str
    public_name: str
    arity: int


def elm_symbol(module: str, name: str) -> str:
    """The JavaScript name ``elm make`` gives an app definition (non-optimized output)."""
    return "$author$project$" + module.replace(".", "$") + "$" + name


def _publication_expression(f: PublishedFunction) -> str:
    symbol = elm_symbol(f.module, f.name)
    if f.arity < 2:
        return symbol
    params = [f"param_{i}" for i in range(f.arity)]
    return "(" + ",".join(params) + ") => " + symbol + "".join(f"({p})" for p in params)


def remove_console_lines(js: str) -> str:
    """Drop the ``console.*(...)`` lines (the host's engine had no ``console``)."""
    return _CONSOLE_LINE.sub("", js)


def publish_functions(js: str, functions: Sequence[PublishedFunction], *, origin: str = "") -> str:
    """Insert ``scope['name'] = expr;`` statements before the last ``_Platform_export(``.

    Raises :class:`JsPatchError` when there is no ``_Platform_export(`` or a function's symbol
    is not defined in ``js`` (e.g. removed by dead-code elimination).
    """
    where = f" in {origin}" if origin else ""
    index = js.rfind(_EXPORT_CALL)
    if index < 0:
        raise JsPatchError(f"Did not find `{_EXPORT_CALL}` in the output of elm make{where}")
    for f in functions:
        symbol = elm_symbol(f.module, f.name)
        if not re.search(r"\bvar " + re.escape(symbol) + r"\s*=", js):
            raise JsPatchError(
                f"Expected `{f.module}.{f.name}` (JavaScript `{symbol}`) in the output of elm "
                f"make{where}, to publish as `{f.public_name}`; did dead-code elimination drop it?"
            )
    statements = [f"scope['{f.public_name}'] = {_publication_expression(f)};" for f in functions]
    insert = "\n".join(["", *statements, ""])
    return js[:index] + insert + js[index:]


def backend_publications(root_module: str) -> list[PublishedFunction]:
    """The four functions the host published from ``Backend.InterfaceToHost_Root``."""
    return [
        PublishedFunction(root_module, "interfaceToHost_processEvent", "serializedEvent", 2),
        PublishedFunction(root_module, "interfaceToHost_initState", "initState", 0),
        PublishedFunction(root_module, "interfaceToHost_serializeState", "serializeState", 1),
        PublishedFunction(root_module, "interfaceToHost_deserializeState", "deserializeState", 1),
    ]


def migration_publications(root_module: str) -> list[PublishedFunction]:
    """The migration function, published as ``interface_migrate`` (arity 1)."""
    return [
        PublishedFunction(
            root_module, "decodeMigrateAndEncodeAndSerializeResult", "interface_migrate", 1
        )
    ]


def publish_state_json_value(js: str, root_module: str) -> str | None:
    """``js`` with ``scope['interfaceToHost_stateJsonValue']`` (the root's ``jsonEncodeState``,
    unwrapped to the plain JSON value that elm/json's ``encode`` stringifies) inserted before the
    last ``_Platform_export(``; None when the output has no such encoder or no ``_Json_unwrap``."""
    symbol = elm_symbol(root_module, "jsonEncodeState")
    index = js.rfind(_EXPORT_CALL)
    if index < 0 or not re.search(r"\bvar " + re.escape(symbol) + r"\s*=", js) or not re.search(r"\bfunction _Json_unwrap\(", js):
        return None
    statement = f"\nscope['interfaceToHost_stateJsonValue'] = function (state) {{ return _Json_unwrap({symbol}(state)); }};\n"
    return js[:index] + statement + js[index:]


def patch_backend_js(js: str, root_module: str) -> str:
    """The backend runtime: console lines removed, functions published, helpers appended
    (and ``getStateJsonValue`` where the root has a state encoder)."""
    published = publish_functions(
        remove_console_lines(js), backend_publications(root_module), origin=root_module
    )
    with_value = publish_state_json_value(published, root_module)
    if with_value is None:
        return published + "\n" + APPENDED_FUNCTIONS
    return with_value + "\n" + APPENDED_FUNCTIONS + "\n" + STATE_JSON_VALUE_FUNCTION


def patch_migration_js(js: str, root_module: str) -> str:
    """The migration program: console lines removed, ``interface_migrate`` published."""
    return publish_functions(
        remove_console_lines(js), migration_publications(root_module), origin=root_module
    )


#: Appended to a 2023 web-service runtime: the contract's functions (README.md, "Runtimes",
#: 2023 web service) over the root's published functions; shim errors of getSerializedState and
#: setSerializedState are thrown as JavaScript errors with the shim's text.
WEB_SERVICE_FUNCTIONS = "\n".join(
    [
        "var processEventAndUpdateState = function(eventJson){",
        "var newStateAndResponse = ws_processEvent(eventJson, app_state);",
        "app_state = newStateAndResponse.a;",
        "return newStateAndResponse.b;",
        "}",
        "var applyFunction = function(functionName, serializedArgumentsJson){",
        "var newStateAndResponse = ws_applyFunction(functionName, JSON.stringify(Array.prototype.slice.call(serializedArgumentsJson)), app_state);",
        "app_state = newStateAndResponse.a;",
        "return newStateAndResponse.b;",
        "}",
        "var getSerializedState = function(){",
        "var result = JSON.parse(ws_serializeState(app_state));",
        "if (Object.prototype.hasOwnProperty.call(result, 'Err')) throw new Error(result.Err);",
        "return result.Ok;",
        "}",
        "var setSerializedState = function(serializedState){",
        "var newStateAndError = ws_setState(serializedState, app_state);",
        "var error = JSON.parse(newStateAndError.b);",
        "if (error !== null) throw new Error(error);",
        "app_state = newStateAndError.a;",
        "}",
        "var getStateJsonValue = function(){",
        "return JSON.parse(getSerializedState());",
        "}",
    ]
)


def web_service_publications(root_module: str) -> list[PublishedFunction]:
    """The functions of the generated 2023 root (:mod:`.webservice`) the contract layer calls."""
    return [
        PublishedFunction(root_module, "interfaceToHost_initState", "initState", 0),
        PublishedFunction(root_module, "interfaceToHost_processEvent", "ws_processEvent", 2),
        PublishedFunction(root_module, "interfaceToHost_applyFunction", "ws_applyFunction", 3),
        PublishedFunction(root_module, "interfaceToHost_serializeState", "ws_serializeState", 1),
        PublishedFunction(root_module, "interfaceToHost_setState", "ws_setState", 2),
    ]


def patch_web_service_js(js: str, root_module: str) -> str:
    """A 2023 web-service runtime: console lines removed, the root's functions published, the
    contract's functions (with ``applyFunction``) appended."""
    published = publish_functions(
        remove_console_lines(js), web_service_publications(root_module), origin=root_module
    )
    return published + "\n" + WEB_SERVICE_FUNCTIONS
