"""Lower a ``SourceFiles`` compilation-interface module the way the host did.

Each function names a file of the app config: ``file____<path>``, where ``<path>`` is the
file's path with every character other than an ASCII letter or digit replaced by ``_``
(``file____static_index_html`` for ``static/index.html``). From 2021 (``6635467e``) flags could
go between ``file`` and the ``____`` separator, separated by ``__``: ``file__base64____...``
gives the content as a base64 ``String``, and from ``b30dd8eb`` (2021-05-20)
``file__utf8____...`` gives it as UTF-8 text. Without a flag the value is ``Bytes.Bytes``.

The host's generations read the same name differently. Up to ``b30dd8eb``, unknown flags were
ignored and the ``base64`` flag was compared case-sensitively; from then on flags were
compared in lower case and an unknown flag was an error. So elmreplay uses the function's
annotation to decide: ``Bytes.Bytes`` means the file's bytes (whatever the flags), and
``String`` means the flag's encoding. A name or annotation that matches none of the host's
readings stops with :class:`~elmreplay.elmcompile.errors.CompilationInterfaceError`. The
history is in ``docs/compilation-interfaces.md``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

from elmreplay.elmcompile.elmtext import elm_string
from elmreplay.elmcompile.interfaces import add_imports, function_error, package_type_ref
from elmreplay.elmcompile.jsoncoders import LoweredInterfaceModule
from elmreplay.elmcompile.syntax import ElmModule, TName, parse_type_text

__all__ = [
    "blob_expression",
    "file_path_representation",
    "find_file",
    "lower_source_files_module",
    "replace_definitions",
    "split_function_name",
]

FUNCTION_PREFIX = "file"
FLAGS_SEPARATOR = "____"
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


def file_path_representation(path: str) -> str:
    """How a function name spells a file path: non-ASCII-alphanumerics become ``_``."""
    return _NOT_ALPHANUMERIC.sub("_", path)


def _elm_text_literal(text: str) -> str:
    """An Elm string literal for any text (control characters as ``\\u{..}`` escapes)."""
    escaped = elm_string(text)[1:-1].replace("\r", "\\r")
    escaped = re.sub(
        r"[\x00-\x08\x0b-\x1f\x7f]", lambda m: "\\u{" + f"{ord(m.group(0)):04X}" + "}", escaped
    )
    return f'"{escaped}"'


def _annotation_kind(module: ElmModule, name: str) -> str | None:
    """``"Bytes"``, ``"String"``, another type's text, or None without an annotation."""
    annotation = module.annotations.get(name)
    if annotation is None:
        return None
    t = parse_type_text(annotation.text, module.path, annotation.line)
    if isinstance(t, TName) and not t.args:
        if t.name == "String" and not any(
            imp.exposing is not None and imp.exposing.exposes_type("String")
            for imp in module.imports
        ):
            return "String"
        ref = package_type_ref(module, t.name)
        if ref in (("Bytes", "Bytes"), ("String", "String")):
            return ref[1]
    return " ".join(annotation.text.split())


def find_file(
    module: ElmModule, function: str, line: int, files: Mapping[str, bytes], representation: str
) -> str:
    """The one path in ``files`` whose spelling is ``representation`` (else an error)."""
    matches = sorted(p for p in files if file_path_representation(p) == representation)
    if len(matches) == 1:
        return matches[0]
    if matches:
        problem = f"it matches {len(matches)} files ({', '.join(matches)})"
    else:
        problem = f"no file of the app config has a path spelled '{representation}'"
    raise function_error(module, function, line, problem)


def blob_expression(
    module: ElmModule,
    function: str,
    line: int,
    flags: list[str],
    content: bytes,
    other_flags: frozenset[str] = frozenset(),
) -> tuple[str, bool]:
    """The Elm expression for ``content`` in the form the function's annotation and flags
    ask for, and whether it needs ``Base64``/``Bytes.Encode``. ``other_flags`` are flags the
    module kind knows besides the encodings (lower case)."""
    kind = _annotation_kind(module, function)
    encodings = {f.lower() for f in flags} & {"base64", "utf8"}
    if kind is None:  # no annotation: the reading of the newest host (flags checked)
        unknown = [f for f in flags if f.lower() not in {"base64", "utf8"} | other_flags]
        if unknown:
            raise function_error(module, function, line, f"unknown flag '{unknown[0]}'")
        kind = "String" if encodings else "Bytes"
    if kind == "Bytes":
        as_base64 = base64.b64encode(content).decode("ascii")
        return (
            f'"{as_base64}"\n    |> Base64.toBytes\n    |> Maybe.withDefault '
            '("Failed to convert from base64" |> Bytes.Encode.string |> Bytes.Encode.encode)',
            True,
        )
    if kind != "String":
        raise function_error(
            module, function, line, f"its annotation `{kind}` is neither `Bytes.Bytes` nor `String`"
        )
    if len(encodings) != 1:
        raise function_error(
            module,
            function,
            line,
            "a `String` value needs exactly one of the flags `base64` and `utf8` "
            f"(as in `file__utf8____...`), found {flags or 'none'}",
        )
    if encodings == {"base64"}:
        return f'"{base64.b64encode(content).decode("ascii")}"', False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as e:
        raise function_error(module, function, line, f"the file is not valid UTF-8 ({e.reason})") from None
    return _elm_text_literal(text), False


def lower_source_files_module(
    module: ElmModule, config_files: Mapping[str, bytes]
) -> LoweredInterfaceModule:
    """Replace every function of the ``SourceFiles`` module ``module`` by its file's content.

    ``config_files`` are all files of the app config by path from its root.
    """
    edits: dict[str, str] = {}
    needs_bytes = False
    for name, definition in module.definitions.items():
        flags, representation = split_function_name(module, name, definition.line, FUNCTION_PREFIX)
        path = find_file(module, name, definition.line, config_files, representation)
        expression, uses_bytes = blob_expression(
            module, name, definition.line, flags, config_files[path]
        )
        needs_bytes = needs_bytes or uses_bytes
        edits[name] = expression
    text = replace_definitions(module, edits)
    text = add_imports(module, text, {"Base64", "Bytes.Encode"} if needs_bytes else set())
    return LoweredInterfaceModule(
        text=text, exposures={}, uses_bytes=needs_bytes, replaced=tuple(sorted(edits))
    )


def split_function_name(
    module: ElmModule, name: str, line: int, prefix: str
) -> tuple[list[str], str]:
    """``(flags, path spelling)`` of ``<prefix>[__flag...]____<path>``."""
    rest = name[len(prefix) :] if name.startswith(prefix) else ""
    if FLAGS_SEPARATOR not in rest:
        raise function_error(
            module,
            name,
            line,
            f"its name does not have the form `{prefix}{FLAGS_SEPARATOR}<path>` "
            f"(or `{prefix}__<flag>{FLAGS_SEPARATOR}<path>`)",
        )
    at = rest.index(FLAGS_SEPARATOR)
    return [f for f in rest[:at].split("__") if f], rest[at + len(FLAGS_SEPARATOR) :]


def replace_definitions(module: ElmModule, bodies: Mapping[str, str]) -> str:
    """``module``'s text with each named definition replaced by ``name =`` and its new body
    (annotations and the blank lines after each definition kept)."""
    text = module.source
    for name in sorted(bodies, key=lambda n: module.definitions[n].start, reverse=True):
        definition = module.definitions[name]
        body = text[definition.body_start : definition.end]
        trailing = body[len(body.rstrip()) :] or "\n"
        text = (
            text[: definition.body_start]
            + f"{name} =\n    {bodies[name]}{trailing}"
            + text[definition.end :]
        )
    return text
