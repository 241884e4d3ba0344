"""Compilation-interface modules: the app modules whose function bodies the host's compiler
replaced (store-format.md §6.1; the host's history is in ``docs/compilation-interfaces.md``).

An app declares, for example, ``CompilationInterface.GenerateJsonCoders`` with functions such as
``jsonDecodeRequest : Json.Decode.Decoder Request`` whose bodies are placeholders
(``Json.Decode.fail "The compiler replaces this declaration."``). Compiling the app with those
bodies left in gives a program that runs but answers differently from what the host deployed,
so this module decides, before anything is compiled:

* which of the app's modules are compilation-interface modules (:func:`interface_modules`);
* whether elmreplay lowers a module's form (:data:`HOST_FORMS`), and otherwise stops with
  :class:`CompilationInterfaceError` naming the module and its functions;
* after lowering, that no function of any such module still holds a placeholder body
  (:func:`check_no_placeholders`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

from elmreplay.elmcompile.errors import CompilationInterfaceError
from elmreplay.elmcompile.sources import AppSources
from elmreplay.elmcompile.syntax import ElmModule, parse_module

__all__ = [
    "HOST_FORMS",
    "INTERFACE_PREFIXES",
    "PLACEHOLDER_PATTERN",
    "InterfaceForm",
    "add_imports",
    "function_error",
    "check_no_placeholders",
    "interface_modules",
    "package_type_ref",
    "unsupported_form_error",
]

#: Module-name prefixes of compilation-interface modules, oldest first.
INTERFACE_PREFIXES = (
    "ElmFullstackLoweringInterface",
    "ElmFullstackCompilerInterface",
    "CompilationInterface",
)

#: The texts the host's documentation and example apps put into placeholder bodies: "The
#: Elm-fullstack compiler replaces this function." (2020), "... this value.", "The compiler
#: replaces this function/value/declaration." (2021).
PLACEHOLDER_PATTERN = re.compile(r"The (?:Elm-fullstack )?compiler replaces this\b")


@dataclass(frozen=True)
class InterfaceForm:
    """A compilation-interface module the host recognized by its full name.

    ``kind`` is the part after the prefix; ``introduced`` the host commit (and date) from which
    the host replaced this module's functions; ``generations`` the JSON-coder generations
    (:data:`.coders.GENERATIONS`) the host used while it accepted this name, of which
    ``default_generation`` is assumed when the caller does not say.
    """

    module: str
    kind: str
    introduced: str
    generations: tuple[str, ...] = ()

    @property
    def default_generation(self) -> str:
        # the generation that served the name longest: the first for 2020 names, else the last
        return self.generations[0] if self.generations[0] == "2020" else self.generations[-1]


HOST_FORMS: dict[str, InterfaceForm] = {
    f.module: f
    for f in (
        InterfaceForm(
            "ElmFullstackLoweringInterface.GenerateJsonCoders",
            "GenerateJsonCoders",
            "a86d098b 2020-03-01",
            ("2020",),
        ),
        InterfaceForm(
            "ElmFullstackCompilerInterface.GenerateJsonCoders",
            "GenerateJsonCoders",
            "a9e04a4e 2020-05-27",
            ("2020", "2021-04", "2021"),
        ),
        InterfaceForm(
            "ElmFullstackCompilerInterface.SourceFiles", "SourceFiles", "05733578 2020-06-05"
        ),
        InterfaceForm(
            "ElmFullstackCompilerInterface.ElmMakeFrontendWeb",
            "ElmMakeFrontendWeb",
            "7e250981 2020-06-11 (dropped in d19ff9dc 2020-06-28)",
        ),
        InterfaceForm("ElmFullstackCompilerInterface.ElmMake", "ElmMake", "78446019 2020-06-27"),
        InterfaceForm("CompilationInterface.SourceFiles", "SourceFiles", "25ee1940 2021-03-23"),
        InterfaceForm(
            "CompilationInterface.GenerateJsonCoders",
            "GenerateJsonCoders",
            "df9d2d41 2021-04-26",
            ("2021-04", "2021"),
        ),
        InterfaceForm("CompilationInterface.ElmMake", "ElmMake", "2c6770c9 2021-05-10"),
    )
}


def _is_interface_name(name: str) -> bool:
    return any(name.startswith(prefix + ".") for prefix in INTERFACE_PREFIXES)


def interface_modules(app: AppSources) -> list[ElmModule]:
    """The app's compilation-interface modules (any module under one of the prefixes), sorted
    by name. A module found in two source directories counts once, as Elm would reject it."""
    found: dict[str, ElmModule] = {}
    for path in sorted(app.files):
        if not path.endswith(".elm"):
            continue
        for source_dir in app.source_dirs:
            prefix = "" if source_dir in ("", ".") else source_dir + "/"
            if not path.startswith(prefix):
                continue
            name = posixpath.splitext(path[len(prefix) :])[0].replace("/", ".")
            if _is_interface_name(name) and name not in found:
                module = app.module(name)
                if module is not None:
                    found[name] = module
    return [found[n] for n in sorted(found)]


def unsupported_form_error(module: ElmModule) -> CompilationInterfaceError:
    """The error for a host-recognized interface module whose form elmreplay does not lower."""
    form = HOST_FORMS[module.name]
    functions = ", ".join(sorted(module.definitions)) or "(no functions)"
    return CompilationInterfaceError(
        f"The app declares the compilation-interface module {module.name} (the host replaced "
        f"its functions from {form.introduced}), whose form elmreplay does not implement; "
        f"compiling it as written would run its placeholder functions: {functions}",
        module=module.name,
        function=min(module.definitions) if module.definitions else None,
        path=module.path,
        line=module.header_line,
    )


def check_no_placeholders(app: AppSources, lowered_files: Mapping[str, bytes]) -> None:
    """Raise :class:`CompilationInterfaceError` if a function of a compilation-interface module
    still holds a placeholder body in ``lowered_files`` (paths relative to the Elm project)."""
    for original in interface_modules(app):
        content = lowered_files.get(original.path)
        if content is None:
            continue
        module = parse_module(content.decode("utf-8-sig"), original.path)
        for definition in module.definitions.values():
            body = module.source[definition.body_start : definition.end]
            if PLACEHOLDER_PATTERN.search(body):
                raise CompilationInterfaceError(
                    f"Function `{definition.name}` of the compilation-interface module "
                    f"{module.name} still holds its placeholder body after lowering; the host's "
                    "compiler replaced it, and running it as written would give different "
                    "answers",
                    module=module.name,
                    function=definition.name,
                    path=module.path,
                    line=definition.line,
                )


# --- editing interface modules ---------------------------------------------------------------


def function_error(
    module: ElmModule, function: str, line: int, message: str
) -> CompilationInterfaceError:
    """The error for a function of an interface module that cannot be replaced as the host did."""
    return CompilationInterfaceError(
        f"Cannot replace `{function}` of the compilation-interface module {module.name}: "
        f"{message}",
        module=module.name,
        function=function,
        path=module.path,
        line=line,
    )


def package_type_ref(module: ElmModule, name: str) -> tuple[str, str] | None:
    """(package module, type name) that ``name`` refers to through ``module``'s imports."""
    if "." in name:
        qualifier, local = name.rsplit(".", 1)
        for imp in module.imports:
            if imp.alias == qualifier or (imp.alias is None and imp.module == qualifier):
                return imp.module, local
        return None
    for imp in module.imports:
        if imp.exposing is not None and imp.exposing.exposes_type(name):
            return imp.module, name
    return None


def add_imports(module: ElmModule, text: str, wanted: set[str]) -> str:
    """``text`` (``module``'s source with later parts edited) with a plain ``import`` for each
    module in ``wanted`` that ``module`` does not import without an alias already.

    Generated code names modules by their full names, which an aliased import does not
    provide. Offsets up to ``module.import_end`` must be unchanged in ``text``.
    """
    wanted = set(wanted) - {module.name}
    have = {imp.module for imp in module.imports if imp.alias is None}
    missing = sorted(wanted - have)
    if not missing:
        return text
    lines = "".join(f"import {m}\n" for m in missing)
    at = module.import_end
    if module.imports:
        return text[:at] + "\n" + lines.rstrip("\n") + text[at:]
    return text[:at] + lines + "\n\n" + text[at:]
