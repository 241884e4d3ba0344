"""Lower a ``GenerateJsonCoders`` compilation-interface module the way the host did.

Every function of the module must be annotated ``T -> Json.Encode.Value`` (an encoder) or
``Json.Decode.Decoder T`` (a decoder); its body is replaced by the generated coder for ``T``,
and the coder functions it needs are appended to the module, with the imports they use. Custom
types the coders construct get their tags exposed in their home modules (done by the caller
with the returned ``exposures``, like for the root modules). The host's history of this module
is in ``docs/compilation-interfaces.md``.

Anything the host's generator could not handle stops with
:class:`~elmreplay.elmcompile.errors.CompilationInterfaceError` naming the module, the function
and, for an unsupported type such as ``Char``, ``Array`` or a function, the type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from elmreplay.elmcompile.coders import CoderGenerator
from elmreplay.elmcompile.elmtext import indent_rest
from elmreplay.elmcompile.errors import ElmSourceError
from elmreplay.elmcompile.interfaces import add_imports, function_error, package_type_ref
from elmreplay.elmcompile.resolve import TypeResolver
from elmreplay.elmcompile.sources import HOST_BYTES_IMPORTS, AppSources
from elmreplay.elmcompile.syntax import ElmModule, TFunction, TName, TypeExpr, parse_type_text

__all__ = ["LoweredInterfaceModule", "lower_json_coders_module"]

_ALWAYS_IMPORTED = ("Dict", "Json.Decode", "Json.Encode", "Set")


@dataclass
class LoweredInterfaceModule:
    """The new text of an interface module and what it needs from the app's other modules."""

    text: str
    exposures: dict[str, dict[str, bool]]
    uses_bytes: bool
    replaced: tuple[str, ...]


def _coder_target(module: ElmModule, t: TypeExpr) -> tuple[bool, TypeExpr] | None:
    """``(is_decoder, T)`` for ``Json.Decode.Decoder T`` or ``T -> Json.Encode.Value``."""
    if isinstance(t, TName) and len(t.args) == 1:
        if package_type_ref(module, t.name) == ("Json.Decode", "Decoder"):
            return True, t.args[0]
    if isinstance(t, TFunction) and isinstance(t.result, TName) and not t.result.args:
        if package_type_ref(module, t.result.name) in (("Json.Encode", "Value"), ("Json.Decode", "Value")):
            return False, t.argument
    return None


def _reserved_names(app: AppSources, module: ElmModule) -> set[str]:
    """Value names in scope at the module's top level, which generated code must not shadow."""
    names = set(module.definitions)
    for imp in module.imports:
        if imp.exposing is None:
            continue
        names |= {i.name for i in imp.exposing.items if i.name[:1].islower()}
        imported = app.module(imp.module)
        if imp.exposing.everything and imported is not None:
            names |= set(imported.definitions)
    return names


def lower_json_coders_module(
    app: AppSources, resolver: TypeResolver, module: ElmModule, generation: str
) -> LoweredInterfaceModule:
    """Replace every function of the ``GenerateJsonCoders`` module ``module`` by its coder.

    ``generation`` selects the host's decoder leniency (:data:`.coders.GENERATIONS`).
    """
    reserved = _reserved_names(app, module)
    gen = CoderGenerator(resolver, reserved, generation=generation)
    bodies: list[tuple[int, int, str]] = []
    for name, definition in sorted(module.definitions.items(), key=lambda d: d[1].start):
        annotation = module.annotations.get(name)
        if annotation is None or definition.start == definition.body_start:
            raise function_error(module, name, definition.line, "the function has no type annotation")
        try:
            annotated = parse_type_text(annotation.text, module.path, annotation.line)
        except ElmSourceError as e:
            raise function_error(module, name, annotation.line, e.bare_message) from None
        target = _coder_target(module, annotated)
        if target is None:
            raise function_error(
                module,
                name,
                annotation.line,
                f"its annotation `{' '.join(annotation.text.split())}` is neither "
                "`T -> Json.Encode.Value` nor `Json.Decode.Decoder T`",
            )
        is_decoder, type_expr = target
        try:
            resolved = resolver.resolve_in(module, type_expr)
            expression = gen.decoder(resolved) if is_decoder else gen.encoder(resolved)
        except ElmSourceError as e:
            where = f" ({e.path} line {e.line})" if e.path and e.line else ""
            raise function_error(module, name, annotation.line, f"{e.bare_message}{where}") from None
        if definition.body_start != module.source.find(name, definition.body_start):
            raise function_error(module, name, definition.line, "unexpected text before the definition")
        bodies.append(
            (definition.body_start, definition.end, f"{name} =\n    {indent_rest(expression, 4)}")
        )
    coders = gen.generate()

    if module.name in coders.exposures:
        own = ", ".join(sorted(coders.exposures[module.name]))
        raise function_error(
            module,
            min(module.definitions),
            module.header_line,
            f"it codes types declared in the interface module itself ({own}); declare them in "
            "another module",
        )
    clashes = sorted(
        n for n in _defined_names(coders.definitions) if n in module.definitions
    )
    if clashes:
        raise function_error(
            module,
            clashes[0],
            module.definitions[clashes[0]].line,
            f"the names {', '.join(clashes)} are taken by the generated coder functions",
        )

    text = module.source
    tail = "\n\n\n" + "\n\n\n".join(coders.definitions) + "\n"
    edits = sorted(bodies, reverse=True)
    for start, end, replacement in edits:
        # keep the blank lines that separated the definition from the next declaration
        trailing = text[start:end][len(text[start:end].rstrip()) :]
        text = text[:start] + replacement + (trailing or "\n") + text[end:]
    text = text.rstrip() + tail
    text = add_imports(module, text, set(generated_imports(app, coders.app_modules, coders.uses_bytes)))
    return LoweredInterfaceModule(
        text=text,
        exposures=coders.exposures,
        uses_bytes=coders.uses_bytes,
        replaced=tuple(sorted(module.definitions)),
    )


def _defined_names(definitions: list[str]) -> set[str]:
    names = set()
    for d in definitions:
        for line in d.splitlines():
            if line and not line[0].isspace() and " : " in line:
                names.add(line.split(" : ", 1)[0])
    return names


def generated_imports(app: AppSources, modules: Iterable[str], uses_bytes: bool) -> list[str]:
    """The modules a generated module (or an interface module given coders) imports: the
    app modules its coders name, `Dict`, `Set`, `Json.Decode`, `Json.Encode`, and the host's
    `Base64`/`Bytes` imports of 2020-05-27 on (:data:`.sources.HOST_BYTES_IMPORTS`) when the
    app provides them or the coded types need them. An app that provides neither is one the
    host could only have deployed before 2020-05-27, when the list lacked them."""
    names = set(modules) | set(_ALWAYS_IMPORTED)
    if uses_bytes or app.provides_bytes_imports():
        names |= set(HOST_BYTES_IMPORTS)
    return sorted(names)
