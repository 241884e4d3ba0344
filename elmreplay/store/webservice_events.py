"""App events of the 2023 web-service interface, and the host's translation of stored literals.

From 2023-03-13 (``7739f030``) the Elm-Time host stores an app event as the tagged JSON of
``BackendEventStruct`` (``Platform/WebServer/InterfaceToHost/InterfaceToHost.cs``), e.g.
``{"PosixTimeHasArrivedEvent":[{"posixTimeMilli":1679000010000}]}``, and on restore it translates
every stored literal before passing it to the app (``TranslateUpdateElmAppEventFromStore`` in
``PersistentProcessLiveRepresentation.cs`` @ ``7739f030``, unchanged in logic through ``5ee236fe``):

1. deserialize it as the tagged ``BackendEventStruct``; on success, serialize that value again;
2. else deserialize it as ``_2023_02_27.AppEventStructure`` (the 2021-09 .. 2023-02-27 shape, nulls
   and defaults omitted) and map it: ``ArrivedAtTimeEvent`` to ``PosixTimeHasArrivedEvent``,
   ``HttpRequestEvent`` with ``Maybe.NothingFromNull`` for ``clientAddress`` and ``bodyAsBase64``,
   ``TaskCompleteEvent`` through ``TaskResult.From_2023_02_27`` (``{"Ok":x}``/``{"Err":e}`` objects
   to tagged results, null strings of a volatile-process answer to ``Nothing``); serialize the result;
3. else ``Did not match any expected shape``.

The app receives the re-serialized text (System.Text.Json, so escaped by the default encoder): as
a string argument until 2023-03-23, and from ``c4b1b812`` (2023-03-24) as the JSON value parsed
from that same text. :func:`translate_stored_event` gives exactly that text.

The types gained the native volatile-process task results on 2023-07-01 (``0480879d``), and
``RequestToVolatileProcessError`` its second member ``RequestToVolatileProcessOtherError`` (so a
translated ``{"Err":{"ProcessNotFound":{}}}`` is written with ``"RequestToVolatileProcessOtherError":null``
from then on); :class:`EventTypes` has both generations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from .stj import (
    Array,
    Choice,
    Element,
    Integer,
    Record,
    Shape,
    StjError,
    String,
    Variant,
    deserialize,
    maybe,
    nothing_from_null,
    parse_raw,
    result,
)

#: The host's prefix for a literal its translation refused (``ApplyCompositionEvent`` @ ``7739f030``).
TRANSLATION_FAILED = "Failed to migrate event update Elm app event string to current version: "
NO_SHAPE = "Did not match any expected shape"
UNEXPECTED_STRUCTURE = "Unexpected structure in webServerEvent_2023_02_27: "
UNEXPECTED_TASK_RESULT = "Unexpected shape of _2023_02_27.TaskResult: "
#: .NET's messages for the exceptions the translation could throw (uncaught: the restore fails).
NULL_REFERENCE = "System.NullReferenceException: Object reference not set to an instance of an object."
NOT_IMPLEMENTED = "System.NotImplementedException: The method or operation is not implemented."


class HostTypes(str, Enum):
    """Which generation of the host's interface types did the translating."""

    V2023_03 = "2023-03"  # 7739f030 .. 2023-06
    V2023_07 = "2023-07"  # 0480879d (native volatile processes) .. 2024-12


_STR, _LONG, _ELEMENT = String(), Integer(64), Element()
_HEADERS = Array(Record("HttpHeader", (("name", _STR), ("values", Array(_STR)))))
_CREATE_ERROR = Record("CreateVolatileProcessErrorStructure", (("exceptionToString", _STR),))
_CREATE_OK = Record("CreateVolatileProcessComplete", (("processId", _STR),))


@dataclass(frozen=True)
class EventTypes:
    """The C# types of one host generation that the translation reads and writes."""

    backend_event: Choice
    task_result: Choice
    request_complete: Record
    request_error: Record
    old_app_event: Record
    old_task_result: Record

    @staticmethod
    def of(host: HostTypes) -> EventTypes:
        return _TYPES[host]


def _event_types(host: HostTypes) -> EventTypes:
    if host is HostTypes.V2023_03:
        request_error = Record("RequestToVolatileProcessError", (("ProcessNotFound", _ELEMENT),))
    else:
        request_error = Record(
            "RequestToVolatileProcessError", (("ProcessNotFound", _ELEMENT), ("RequestToVolatileProcessOtherError", _STR))
        )
    request_complete = Record(
        "RequestToVolatileProcessComplete",
        (("exceptionToString", maybe(_STR)), ("returnValueToString", maybe(_STR)), ("durationInMilliseconds", _LONG)),
    )
    variants: list[tuple[str, tuple[Shape, ...]]] = [
        ("CreateVolatileProcessResponse", (result(_CREATE_ERROR, _CREATE_OK),)),
        ("RequestToVolatileProcessResponse", (result(request_error, request_complete),)),
        ("CompleteWithoutResult", ()),
    ]
    if host is HostTypes.V2023_07:
        runtime_info = Record("RuntimeInformationRecord", (("runtimeIdentifier", _STR), ("osPlatform", maybe(_STR))))
        read_all = Record(
            "ReadAllFromVolatileProcessNativeSuccessStruct",
            (("stdOutBase64", _STR), ("stdErrBase64", _STR), ("exitCode", maybe(Integer(32)))),
        )
        variants = [
            ("ReadRuntimeInformationResponse", (result(_STR, runtime_info),)),
            variants[0],
            variants[1],
            ("WriteToVolatileProcessNativeStdInTaskResponse", (result(request_error, _ELEMENT),)),
            ("ReadAllFromVolatileProcessNativeTaskResponse", (result(request_error, read_all),)),
            variants[2],
        ]
    task_result = Choice("TaskResult", tuple(variants))
    http_request = Record(
        "HttpRequestEventStruct",
        (
            ("posixTimeMilli", _LONG),
            ("httpRequestId", _STR),
            ("requestContext", Record("HttpRequestContext", (("clientAddress", maybe(_STR)),))),
            ("request", Record("HttpRequest", (("method", _STR), ("uri", _STR), ("bodyAsBase64", maybe(_STR)), ("headers", _HEADERS)))),
        ),
    )
    backend_event = Choice(
        "BackendEventStruct",
        (
            ("PosixTimeHasArrivedEvent", (Record("PosixTimeHasArrivedEventStruct", (("posixTimeMilli", _LONG),)),)),
            ("HttpRequestEvent", (http_request,)),
            ("TaskCompleteEvent", (Record("ResultFromTaskWithId", (("taskId", _STR), ("taskResult", task_result))),)),
        ),
    )

    def old_result(err: Shape, ok: Shape) -> Record:
        return Record("Result", (("Err", err), ("Ok", ok)))

    old_request_complete = Record(
        "RequestToVolatileProcessComplete", (("exceptionToString", _STR), ("returnValueToString", _STR), ("durationInMilliseconds", _LONG))
    )
    old_task_result = Record(
        "TaskResult",
        (
            ("CreateVolatileProcessResponse", old_result(_CREATE_ERROR, _CREATE_OK)),
            ("RequestToVolatileProcessResponse", old_result(request_error, old_request_complete)),
            ("CompleteWithoutResult", _ELEMENT),
        ),
    )
    old_http = Record(
        "HttpRequestEvent",
        (
            ("posixTimeMilli", _LONG),
            ("httpRequestId", _STR),
            ("requestContext", Record("HttpRequestContext", (("clientAddress", _STR),))),
            ("request", Record("HttpRequest", (("method", _STR), ("uri", _STR), ("bodyAsBase64", _STR), ("headers", _HEADERS)))),
        ),
    )
    old_app_event = Record(
        "AppEventStructure",
        (
            ("ArrivedAtTimeEvent", Record("ArrivedAtTimeEventStructure", (("posixTimeMilli", _LONG),))),
            ("HttpRequestEvent", old_http),
            ("TaskCompleteEvent", Record("ResultFromTaskWithId", (("taskId", _STR), ("taskResult", old_task_result)))),
            ("InitStateEvent", _ELEMENT),
            ("SetStateEvent", _STR),
            ("MigrateStateEvent", _STR),
        ),
    )
    return EventTypes(backend_event, task_result, request_complete, request_error, old_app_event, old_task_result)


_TYPES = {host: _event_types(host) for host in HostTypes}


@dataclass(frozen=True)
class Translation:
    """The outcome of translating one stored literal.

    Exactly one of: ``event_json`` (the text the app received), ``error`` (the host's
    ``Result`` error, complete with :data:`TRANSLATION_FAILED`), ``exception`` (an exception the
    host did not catch, as .NET names it: the restore failed with it).
    """

    event_json: str | None = None
    error: str | None = None
    exception: str | None = None
    #: ``"tagged"`` or ``"2023-02-27"``: which parse succeeded (None when none did).
    shape: str | None = None


class _Crash(Exception):
    """An exception the host's translation would have thrown (not a ``JsonException``)."""


def translate_stored_event(literal: str, host: HostTypes = HostTypes.V2023_03) -> Translation:
    """What the host made of a stored ``UpdateElmAppStateForEvent`` literal (module docstring)."""
    types = EventTypes.of(host)
    try:
        raw = parse_raw(literal)
    except StjError:
        return Translation(error=TRANSLATION_FAILED + NO_SHAPE)
    try:
        return _written(types, types.backend_event.read(raw), "tagged")
    except StjError:
        pass
    try:
        old = types.old_app_event.read(raw)
    except StjError:
        return Translation(error=TRANSLATION_FAILED + NO_SHAPE)
    try:
        mapped = _from_2023_02_27(types, old)
    except _Crash as e:
        return Translation(exception=str(e), shape="2023-02-27")
    if isinstance(mapped, str):
        return Translation(error=TRANSLATION_FAILED + mapped, shape="2023-02-27")
    return _written(types, mapped, "2023-02-27")


def _written(types: EventTypes, event: Variant | None, shape: str) -> Translation:
    """The event serialized again (a string the encoder cannot write was an exception)."""
    try:
        return Translation(event_json=types.backend_event.write(event), shape=shape)
    except StjError as e:
        return Translation(exception=f"System.InvalidOperationException: {e}", shape=shape)


def _from_2023_02_27(types: EventTypes, old: dict[str, Any] | None) -> Variant | str:
    """The switch of ``TranslateUpdateElmAppEventFromStore``: a tagged event, or the error text."""
    if old is None:
        return UNEXPECTED_STRUCTURE + "null"
    if old["ArrivedAtTimeEvent"] is not None:
        return Variant("PosixTimeHasArrivedEvent", ({"posixTimeMilli": old["ArrivedAtTimeEvent"]["posixTimeMilli"]},))
    http = old["HttpRequestEvent"]
    if http is not None:
        if http["requestContext"] is None or http["request"] is None:
            raise _Crash(NULL_REFERENCE)
        request = http["request"]
        return Variant(
            "HttpRequestEvent",
            (
                {
                    "posixTimeMilli": http["posixTimeMilli"],
                    "httpRequestId": http["httpRequestId"],
                    "requestContext": {"clientAddress": nothing_from_null(http["requestContext"]["clientAddress"])},
                    "request": {
                        "method": request["method"],
                        "uri": request["uri"],
                        "bodyAsBase64": nothing_from_null(request["bodyAsBase64"]),
                        "headers": request["headers"],
                    },
                },
            ),
        )
    task = old["TaskCompleteEvent"]
    if task is not None:
        task_result = _task_result_from_2023_02_27(types, task["taskResult"])
        if isinstance(task_result, str):
            return task_result
        return Variant("TaskCompleteEvent", ({"taskId": task["taskId"], "taskResult": task_result},))
    return UNEXPECTED_STRUCTURE + types.old_app_event.write(old)


def _task_result_from_2023_02_27(types: EventTypes, old: dict[str, Any] | None) -> Variant | str:
    """``TaskResult.From_2023_02_27``."""
    if old is None:
        raise _Crash(NULL_REFERENCE)
    create = old["CreateVolatileProcessResponse"]
    if create is not None:
        return Variant("CreateVolatileProcessResponse", (_as_pine_result(create),))
    request = old["RequestToVolatileProcessResponse"]
    if request is not None:
        answer = _as_pine_result(request)
        if answer.name == "Ok":
            done = answer.args[0]
            answer = Variant(
                "Ok",
                (
                    {
                        "exceptionToString": nothing_from_null(done["exceptionToString"]),
                        "returnValueToString": nothing_from_null(done["returnValueToString"]),
                        "durationInMilliseconds": done["durationInMilliseconds"],
                    },
                ),
            )
        return Variant("RequestToVolatileProcessResponse", (answer,))
    if old["CompleteWithoutResult"] is not None:
        return Variant("CompleteWithoutResult")
    return UNEXPECTED_TASK_RESULT + types.old_task_result.write(old)


def _as_pine_result(old: dict[str, Any]) -> Variant:
    """``_2023_02_27.Result.AsPineResult``: Ok wins over Err; neither throws."""
    if old["Ok"] is not None:
        return Variant("Ok", (old["Ok"],))
    if old["Err"] is not None:
        return Variant("Err", (old["Err"],))
    raise _Crash(NOT_IMPLEMENTED)


def tagged_event_json(event: Any, host: HostTypes = HostTypes.V2023_03) -> str:
    """The host's serialization of a tagged event value (as :func:`deserialize_tagged_event` gives)."""
    return EventTypes.of(host).backend_event.write(event)


def deserialize_tagged_event(text: str, host: HostTypes = HostTypes.V2023_03) -> Variant | None:
    """Read tagged event JSON as the host did (raises :class:`~.stj.StjError`)."""
    value = deserialize(EventTypes.of(host).backend_event, text)
    assert value is None or isinstance(value, Variant)
    return value
