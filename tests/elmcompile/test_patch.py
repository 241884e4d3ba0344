"""Patching elm make output (§6.4), on a small synthetic JavaScript text."""

from __future__ import annotations

import pytest
from py_mini_racer import MiniRacer

from elmreplay.elmcompile import JsPatchError, patch_backend_js, patch_migration_js
from elmreplay.elmcompile.patch import (
    APPENDED_FUNCTIONS,
    STATE_JSON_VALUE_FUNCTION,
    PublishedFunction,
    publish_functions,
    remove_console_lines,
)

ROOT = "Backend.InterfaceToHost_Root"

# Shaped like elm make's output: an IIFE over `scope`, curried functions, a debug warning,
# the definition of _Platform_export and, last, its call.
SYNTHETIC = """(function(scope){
'use strict';
function F2(fun) { var f = function(a) { return function(b) { return fun(a, b); }; }; f.f = fun; return f; }
console.warn('Compiled in DEV mode.');
function _Platform_export(exports) { scope['Elm'] = exports; }
var $author$project$Backend$InterfaceToHost_Root$interfaceToHost_initState = 0;
var $author$project$Backend$InterfaceToHost_Root$interfaceToHost_processEvent = F2(function (event, state) {
    console.log('event: ' + event);
    var next = state + event.length;
    return {a: next, b: 'len ' + next};
});
var $author$project$Backend$InterfaceToHost_Root$interfaceToHost_serializeState = function (state) { return JSON.stringify(state); };
var $author$project$Backend$InterfaceToHost_Root$interfaceToHost_deserializeState = function (text) { return JSON.parse(text); };
var $author$project$Backend$MigrateState_Root$decodeMigrateAndEncodeAndSerializeResult = function (text) { return JSON.stringify({Ok: [String(JSON.parse(text) * 2)]}); };
_Platform_export({'Backend':{'InterfaceToHost_Root':{'init':0}}});}(this));"""


def test_console_lines_are_removed_like_the_host() -> None:
    out = remove_console_lines(SYNTHETIC)
    assert "console." not in out
    assert "var next = state + event.length;" in out
    assert remove_console_lines("a\n  console.log(x);\nb") == "a\n\nb"
    assert remove_console_lines("a\nconsole.log(\nb") == "a\nconsole.log(\nb"  # needs text after `(`


def test_publications_go_before_the_last_platform_export_call() -> None:
    out = patch_backend_js(SYNTHETIC, ROOT)
    call = out.rindex("_Platform_export({")
    block = out[: call]
    assert block.endswith(
        "\nscope['serializedEvent'] = (param_0,param_1) => "
        "$author$project$Backend$InterfaceToHost_Root$interfaceToHost_processEvent(param_0)(param_1);"
        "\nscope['initState'] = $author$project$Backend$InterfaceToHost_Root$interfaceToHost_initState;"
        "\nscope['serializeState'] = $author$project$Backend$InterfaceToHost_Root$interfaceToHost_serializeState;"
        "\nscope['deserializeState'] = $author$project$Backend$InterfaceToHost_Root$interfaceToHost_deserializeState;\n"
    )
    assert out.index("function _Platform_export(") < out.index("scope['serializedEvent']")
    assert out.endswith("}(this));\n" + APPENDED_FUNCTIONS)


def test_patched_program_runs_with_the_runtime_contract() -> None:
    js = patch_backend_js(SYNTHETIC, ROOT) + "\n;\n" + patch_migration_js(SYNTHETIC, "Backend.MigrateState_Root")
    with MiniRacer() as ctx:
        ctx.eval(js)
        ctx.eval("app_state = initState;")
        assert ctx.call("processEventAndUpdateState", "abc") == "len 3"
        assert ctx.call("processEventAndUpdateState", "de") == "len 5"
        assert ctx.call("getSerializedState") == "5"
        ctx.eval("setSerializedState('40')")
        assert ctx.call("getSerializedState") == "40"
        assert ctx.call("interface_migrate", "21") == '{"Ok":["42"]}'


def test_missing_function_fails_loudly() -> None:
    js = SYNTHETIC.replace("interfaceToHost_serializeState =", "somethingElse =")
    with pytest.raises(JsPatchError) as info:
        patch_backend_js(js, ROOT)
    assert "Backend.InterfaceToHost_Root.interfaceToHost_serializeState" in str(info.value)
    assert "serializeState" in str(info.value)


def test_missing_export_call_fails_loudly() -> None:
    with pytest.raises(JsPatchError, match="_Platform_export"):
        publish_functions("var x = 1;", [PublishedFunction("A", "b", "c", 1)])


def test_arity_three_publication() -> None:
    js = "var $author$project$A$f = 1;\n_Platform_export({});"
    out = publish_functions(js, [PublishedFunction("A", "f", "g", 3)])
    assert "scope['g'] = (param_0,param_1,param_2) => $author$project$A$f(param_0)(param_1)(param_2);" in out


def test_state_json_value_is_published_where_the_root_has_a_state_encoder() -> None:
    """Shaped like elm make's non-optimized output: the encoder returns a wrapped Json value."""
    encoder = (
        "function _Json_unwrap(value) { return value.a; }\n"
        "var $author$project$Backend$InterfaceToHost_Root$jsonEncodeState = function (state) { return {$: 0, a: {n: state}}; };\n"
    )
    js = SYNTHETIC.replace("var $author$project$Backend$InterfaceToHost_Root$interfaceToHost_serializeState", encoder + "var $author$project$Backend$InterfaceToHost_Root$interfaceToHost_serializeState")
    out = patch_backend_js(js, ROOT)
    assert out.endswith("}(this));\n" + APPENDED_FUNCTIONS + "\n" + STATE_JSON_VALUE_FUNCTION)
    with MiniRacer() as ctx:
        ctx.eval(out)
        ctx.eval("app_state = initState;")
        ctx.call("processEventAndUpdateState", "abc")
        assert ctx.eval("JSON.stringify(getStateJsonValue())") == '{"n":3}'
    # without the unwrap helper (or the encoder) nothing is published: the function is optional
    assert "getStateJsonValue" not in patch_backend_js(js.replace("function _Json_unwrap(", "function other("), ROOT)
    assert "getStateJsonValue" not in patch_backend_js(SYNTHETIC, ROOT)
