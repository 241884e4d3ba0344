"""Resolve type expressions written in an app module to canonical types (:mod:`.types`).

Name lookup follows Elm's rules as far as the generator needs them: the module's own types,
then names exposed by its imports, then Elm's default imports; qualified names go through the
import aliases. Package types other than the few with a JSON convention (§8 of
store-format.md) are reported as :class:`UnsupportedElmType` at the file and line of use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from elmreplay.elmcompile.errors import UnknownElmType, UnsupportedElmType
from elmreplay.elmcompile.sources import AppSources
from elmreplay.elmcompile.syntax import (
    CustomTypeDecl,
    ElmModule,
    TFunction,
    TName,
    TRecord,
    TTuple,
    TUnit,
    TVar,
    TypeAliasDecl,
    TypeExpr,
)
from elmreplay.elmcompile.types import (
    AliasRef,
    Builtin,
    CType,
    CustomRef,
    Prim,
    Record,
    TupleType,
    Var,
)

__all__ = ["CustomDefinition", "TypeResolver"]

# Types in scope in every module without an import (Elm's default imports).
_DEFAULT_UNQUALIFIED = {
    "Int": "Basics",
    "Float": "Basics",
    "Bool": "Basics",
    "Never": "Basics",
    "Order": "Basics",
    "String": "String",
    "Char": "Char",
    "List": "List",
    "Maybe": "Maybe",
    "Result": "Result",
    "Program": "Platform",
    "Cmd": "Platform.Cmd",
    "Sub": "Platform.Sub",
}
_DEFAULT_QUALIFIERS = {
    "Basics": "Basics",
    "List": "List",
    "Maybe": "Maybe",
    "Result": "Result",
    "String": "String",
    "Char": "Char",
    "Tuple": "Tuple",
    "Debug": "Debug",
    "Platform": "Platform",
    "Cmd": "Platform.Cmd",
    "Sub": "Platform.Sub",
}

# Package types with a JSON convention: (module, name) -> (kind, arity).
_SUPPORTED_PACKAGE_TYPES: dict[tuple[str, str], tuple[str, int]] = {
    ("Basics", "Int"): ("Int", 0),
    ("Basics", "Float"): ("Float", 0),
    ("Basics", "Bool"): ("Bool", 0),
    ("String", "String"): ("String", 0),
    ("Bytes", "Bytes"): ("Bytes", 0),
    ("List", "List"): ("List", 1),
    ("Set", "Set"): ("Set", 1),
    ("Maybe", "Maybe"): ("Maybe", 1),
    ("Dict", "Dict"): ("Dict", 2),
    ("Result", "Result"): ("Result", 2),
}

# Types of well-known package modules, so `import M exposing (..)` can be followed.
_PACKAGE_EXPORTS: dict[str, frozenset[str]] = {
    "Basics": frozenset({"Int", "Float", "Bool", "Never", "Order"}),
    "String": frozenset({"String"}),
    "Char": frozenset({"Char"}),
    "List": frozenset({"List"}),
    "Maybe": frozenset({"Maybe"}),
    "Result": frozenset({"Result"}),
    "Dict": frozenset({"Dict"}),
    "Set": frozenset({"Set"}),
    "Array": frozenset({"Array"}),
    "Bytes": frozenset({"Bytes", "Endianness"}),
    "Json.Encode": frozenset({"Value"}),
    "Json.Decode": frozenset({"Decoder", "Value", "Error"}),
    "Platform": frozenset({"Program", "Task", "ProcessId", "Router"}),
    "Platform.Cmd": frozenset({"Cmd"}),
    "Platform.Sub": frozenset({"Sub"}),
    "Task": frozenset({"Task"}),
    "Time": frozenset({"Posix", "Zone", "Weekday", "Month", "ZoneName"}),
}

_UNSUPPORTED_REASONS = {
    ("Char", "Char"): "`Char` has no JSON convention in the host's coder generator",
    ("Array", "Array"): "`Array` has no JSON convention in the host's coder generator",
    ("Json.Encode", "Value"): "JSON values (`Json.Encode.Value`) cannot be part of the state",
    ("Json.Decode", "Value"): "JSON values (`Json.Decode.Value`) cannot be part of the state",
    ("Basics", "Never"): "`Never` cannot be part of the state",
}


@dataclass(frozen=True)
class CustomDefinition:
    """A custom type's parameters and tags with argument types resolved in its home module
    (parameters appear as :class:`Var`)."""

    module: str
    name: str
    params: tuple[str, ...]
    tags: tuple[tuple[str, tuple[CType, ...]], ...]
    path: str
    line: int


class TypeResolver:
    """Resolves type expressions of the app's modules, caching alias and custom definitions."""

    def __init__(self, app: AppSources) -> None:
        self.app = app
        self._customs: dict[tuple[str, str], CustomDefinition] = {}
        self._aliases: dict[tuple[str, str], CType] = {}
        self._alias_stack: list[tuple[str, str]] = []

    # --- public --------------------------------------------------------------------------

    def resolve_in(
        self, module: ElmModule, t: TypeExpr, env: Mapping[str, CType] | None = None
    ) -> CType:
        """Resolve ``t`` as written in ``module``; ``env`` binds type variables."""
        return self._resolve(module, t, dict(env or {}))

    def resolve_name_in(self, module: ElmModule, name: str, line: int) -> CType:
        """Resolve a bare (possibly qualified) type name such as ``State`` or ``Backend.Main.State``."""
        return self._resolve(module, TName(name, (), line), {})

    def custom_definition(self, ref: CustomRef) -> CustomDefinition:
        """The definition of the custom type ``ref`` refers to (tags resolved once)."""
        found = self._customs.get(ref.key)
        if found is None:
            home = self._module(ref.module)
            decl = home.type_decl(ref.name)
            assert isinstance(decl, CustomTypeDecl)
            env: dict[str, CType] = {p: Var(p) for p in decl.params}
            tags = tuple(
                (tag.name, tuple(self._resolve(home, a, env) for a in tag.args))
                for tag in decl.tags
            )
            found = CustomDefinition(
                ref.module, ref.name, decl.params, tags, home.path, decl.line
            )
            self._customs[ref.key] = found
        return found

    def alias_target(self, ref: AliasRef) -> CType:
        """The type a parameterless alias stands for (resolved in its home module)."""
        found = self._aliases.get(ref.key)
        if found is None:
            home = self._module(ref.module)
            decl = home.type_decl(ref.name)
            assert isinstance(decl, TypeAliasDecl)
            if ref.key in self._alias_stack:
                raise UnsupportedElmType(
                    f"Type alias `{ref.name}` refers to itself", path=home.path, line=decl.line
                )
            self._alias_stack.append(ref.key)
            try:
                found = self._resolve(home, decl.body, {})
            finally:
                self._alias_stack.pop()
            self._aliases[ref.key] = found
        return found

    # --- resolution ----------------------------------------------------------------------

    def _module(self, name: str) -> ElmModule:
        m = self.app.module(name)
        assert m is not None, name
        return m

    def _resolve(self, module: ElmModule, t: TypeExpr, env: dict[str, CType]) -> CType:
        path = module.path
        if isinstance(t, TUnit):
            return Prim("Unit")
        if isinstance(t, TVar):
            if t.name in env:
                return env[t.name]
            raise UnsupportedElmType(
                f"Type variable `{t.name}` is not bound: the state type must be fully "
                "instantiated",
                path=path,
                line=t.line,
            )
        if isinstance(t, TFunction):
            raise UnsupportedElmType(
                "Function types cannot be part of the state (no JSON convention)",
                path=path,
                line=t.line,
            )
        if isinstance(t, TRecord):
            if t.extension is not None:
                raise UnsupportedElmType(
                    f"Extensible record `{{ {t.extension} | ... }}` cannot be part of the state",
                    path=path,
                    line=t.line,
                )
            return Record(tuple((n, self._resolve(module, ft, env)) for n, ft in t.fields))
        if isinstance(t, TTuple):
            if len(t.items) > 3:
                raise UnsupportedElmType(
                    "Tuples with more than three elements do not exist in Elm",
                    path=path,
                    line=t.line,
                )
            return TupleType(tuple(self._resolve(module, i, env) for i in t.items))
        return self._resolve_name(module, t, env)

    def _resolve_name(self, module: ElmModule, t: TName, env: dict[str, CType]) -> CType:
        home, name = self._lookup(module, t)
        args = tuple(self._resolve(module, a, env) for a in t.args)
        app_module = self.app.module(home)
        if app_module is None:
            return self._package_type(module, t, home, name, args)
        decl = app_module.type_decl(name)
        if len(args) != len(decl.params):
            raise UnknownElmType(
                f"Type `{t.name}` expects {len(decl.params)} argument(s), got {len(args)}",
                path=module.path,
                line=t.line,
            )
        if isinstance(decl, TypeAliasDecl):
            if not decl.params:
                ref = AliasRef(home, name)
                self.alias_target(ref)  # report problems at the alias early
                return ref
            # Parametric aliases are expanded at the use site (Elm forbids recursive aliases;
            # the depth bound turns such code into an error instead of a RecursionError).
            if len(self._alias_stack) > 64:
                raise UnsupportedElmType(
                    f"Type alias `{name}` expands without end (a recursive type alias)",
                    path=app_module.path,
                    line=decl.line,
                )
            self._alias_stack.append((home, name))
            try:
                return self._resolve(app_module, decl.body, dict(zip(decl.params, args)))
            finally:
                self._alias_stack.pop()
        return CustomRef(home, name, args)

    def _package_type(
        self, module: ElmModule, t: TName, home: str, name: str, args: tuple[CType, ...]
    ) -> CType:
        supported = _SUPPORTED_PACKAGE_TYPES.get((home, name))
        if supported is None:
            reason = _UNSUPPORTED_REASONS.get(
                (home, name),
                f"`{home}.{name}` is a package type without a JSON convention; the state may "
                "only use Int, Float, String, Bool, List, Set, Dict, Maybe, Result, tuples, "
                "records, Bytes and the app's own types",
            )
            raise UnsupportedElmType(reason, path=module.path, line=t.line)
        kind, arity = supported
        if len(args) != arity:
            raise UnknownElmType(
                f"Type `{t.name}` expects {arity} argument(s), got {len(args)}",
                path=module.path,
                line=t.line,
            )
        return Prim(kind) if arity == 0 else Builtin(kind, args)

    def _lookup(self, module: ElmModule, t: TName) -> tuple[str, str]:
        """(home module, type name) for the name ``t`` written in ``module``."""
        if "." in t.name:
            qualifier, name = t.name.rsplit(".", 1)
            for imp in module.imports:
                if imp.alias == qualifier or imp.module == qualifier:
                    return self._check_declared(module, t, imp.module, name)
            if qualifier in _DEFAULT_QUALIFIERS:
                return self._check_declared(module, t, _DEFAULT_QUALIFIERS[qualifier], name)
            raise UnknownElmType(
                f"Type `{t.name}`: module `{qualifier}` is not imported",
                path=module.path,
                line=t.line,
            )
        name = t.name
        if module.declares_type(name):
            return (module.name, name)
        for imp in module.imports:
            if imp.exposing is None:
                continue
            if any(item.name == name for item in imp.exposing.items):
                return self._check_declared(module, t, imp.module, name)
            if imp.exposing.everything and self._module_declares(imp.module, name):
                return (imp.module, name)
        if name in _DEFAULT_UNQUALIFIED:
            return (_DEFAULT_UNQUALIFIED[name], name)
        raise UnknownElmType(
            f"Type `{name}` is neither declared in module {module.name} nor imported into it",
            path=module.path,
            line=t.line,
        )

    def _module_declares(self, module_name: str, name: str) -> bool:
        m = self.app.module(module_name)
        if m is not None:
            return m.declares_type(name)
        return name in _PACKAGE_EXPORTS.get(module_name, frozenset())

    def _check_declared(
        self, module: ElmModule, t: TName, home: str, name: str
    ) -> tuple[str, str]:
        m = self.app.module(home)
        if m is not None and not m.declares_type(name):
            raise UnknownElmType(
                f"Type `{t.name}`: module {home} declares no type `{name}`",
                path=module.path,
                line=t.line,
            )
        return (home, name)
