"""``ApplyFunctionOnElmAppState`` records (2023-03-15 ``4bf750c3`` .. 2025-04; modern-eras §2e).

The record's ``LiteralStringUtf8`` is the System.Text.Json text of the host's
``ApplyFunctionOnStateEvent(string functionName, IReadOnlyList<string> serializedArgumentsJson)``
(``ProcessStoreSupportingMigrations.cs`` @ ``4bf750c3``, unchanged @ ``5ee236fe``), e.g.
``{"functionName":"Backend.ExposeFunctionsToAdmin.creditAll","serializedArgumentsJson":["5"]}``: the
name of an exposed function and the JSON *text* of each argument. The record escapes that text
once more (``\\u0022`` for its quotes). The host wrote it only when the application was committed
to the ``main`` branch; on restore it applies the function again with ``commitResultingState: true``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .stj import Array, Record, StjError, String, deserialize
from .writer import system_text_json

APPLY_FUNCTION_ON_STATE_EVENT = Record(
    "ApplyFunctionOnStateEvent", (("functionName", String()), ("serializedArgumentsJson", Array(String())))
)


@dataclass(frozen=True)
class ApplyFunctionEvent:
    """The function application a record asks for."""

    function_name: str
    serialized_arguments_json: tuple[str, ...]


class ApplyFunctionLiteralError(ValueError):
    """The literal is not an ``ApplyFunctionOnStateEvent`` the host could have applied."""


def parse_apply_function_literal(literal: str) -> ApplyFunctionEvent:
    """Read the record's literal as the host's restore did (``JsonSerializer.Deserialize``).

    Raises :class:`ApplyFunctionLiteralError` where the host's restore threw (the text is not
    such a record: ``JsonException``; ``null``, a missing name or argument list, or a ``null``
    argument: a null reference further on)."""
    try:
        value = deserialize(APPLY_FUNCTION_ON_STATE_EVENT, literal)
    except StjError as e:
        raise ApplyFunctionLiteralError(f"not an ApplyFunctionOnStateEvent: {e}") from None
    if value is None:
        raise ApplyFunctionLiteralError("the literal is null")
    name, args = value["functionName"], value["serializedArgumentsJson"]
    if name is None or args is None or any(a is None for a in args):
        raise ApplyFunctionLiteralError("functionName or serializedArgumentsJson (or one of its elements) is missing or null")
    return ApplyFunctionEvent(name, tuple(args))


def apply_function_literal(function_name: str, serialized_arguments_json: list[str] | tuple[str, ...]) -> str:
    """The literal the host wrote for a committed application (``JsonSerializer.Serialize``)."""
    value = {"functionName": function_name, "serializedArgumentsJson": list(serialized_arguments_json)}
    return system_text_json(value).decode("ascii")
