"""Generate Elm JSON encoders and decoders for canonical types (store-format.md §8).

The JSON shapes are the host's:

* records: objects in field declaration order; decoding uses ``field`` per field;
* custom types: ``{"Tag":[arg, ...]}``; a one-argument tag also decodes from the 2020 legacy
  form ``{"Tag":arg}`` (tried first, as the host did); a tag without arguments decodes from any
  value under its key;
* ``Maybe``: ``{"Nothing":[]}`` / ``{"Just":[v]}``, also decoding ``{"Just":v}`` and ``null``;
* ``Result``: ``{"Err":[e]}`` / ``{"Ok":[v]}``, also decoding the forms without the array;
* ``List`` and ``Set`` as arrays, ``Dict`` as ``[[k,v],...]`` (also decoding
  ``{"key":k,"value":v}`` elements), tuples as arrays, ``()`` as ``[]`` (decoding anything);
* ``Bytes.Bytes`` as ``{"AsBase64":"..."}`` (needs ``elm/bytes`` and a ``Base64`` module).

Alternatives are tried in the host's order and records are decoded with ``andMap`` as the host
did, so decode errors (which end up in ``Interface_DeserializeFailed`` states and migration
results) read like the host's.

``generation`` selects the host's decoders (encoders are the same in all; the history is in
``docs/compilation-interfaces.md``):

* ``"2020"``: the C# generator described above;
* ``"2021-04"``: the host's Elm-based generator from ``df9d2d41`` (2021-04-26): a tag with
  arguments decodes only from ``{"Tag":[args]}``, tags are tried in alphabetical order, and
  ``Dict`` decodes only from ``[[k,v],...]``;
* ``"2021"``: the same from ``52a2ecb0`` (2021-05-17), and a tag without arguments decodes from
  any non-null value under its key (``jsonDecodeSucceedWhenNotNull``).

``Maybe`` and ``Result`` keep their lenient forms in every generation.

Every app type gets a pair of top-level functions named after it
(``jsonEncode_Backend_Main_State`` / ``jsonDecode_Backend_Main_State``); custom types with
parameters get generic coders taking one coder per parameter. Anonymous records and containers
are coded inline. Decoders of recursive custom types wrap their tag decoders in
``Json.Decode.lazy``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from elmreplay.elmcompile.elmtext import (
    call,
    case_of,
    define,
    elm_list,
    elm_string,
    indent_rest,
    lambda_,
    paren,
    record_literal,
    tuple_literal,
)
from elmreplay.elmcompile.resolve import TypeResolver
from elmreplay.elmcompile.types import (
    AliasRef,
    Builtin,
    CType,
    CustomRef,
    Prim,
    Record,
    TupleType,
    Var,
    named_refs,
    print_type,
)

__all__ = ["CoderGenerator", "GeneratedCoders"]

Key = tuple[str, str]

_PRIM_CODERS = {
    "Int": ("Json.Encode.int", "Json.Decode.int"),
    "Float": ("Json.Encode.float", "Json.Decode.float"),
    "String": ("Json.Encode.string", "Json.Decode.string"),
    "Bool": ("Json.Encode.bool", "Json.Decode.bool"),
    "Bytes": ("jsonEncode_Bytes", "jsonDecode_Bytes"),
}

# Support functions, emitted only when used. (name, dependencies, text)
_HELPERS: dict[str, tuple[tuple[str, ...], str]] = {
    "jsonEncode_Maybe": (
        (),
        """jsonEncode_Maybe : (a -> Json.Encode.Value) -> Maybe a -> Json.Encode.Value
jsonEncode_Maybe encodeJust maybe =
    case maybe of
        Nothing ->
            Json.Encode.object [ ( "Nothing", Json.Encode.list identity [] ) ]

        Just just ->
            Json.Encode.object [ ( "Just", Json.Encode.list encodeJust [ just ] ) ]""",
    ),
    "jsonDecode_Maybe": (
        (),
        """{-| Also accepts the older forms `{"Just":v}` and `null` (for Nothing), as the host did.
-}
jsonDecode_Maybe : Json.Decode.Decoder a -> Json.Decode.Decoder (Maybe a)
jsonDecode_Maybe decodeJust =
    Json.Decode.oneOf
        [ Json.Decode.field "Nothing" (Json.Decode.succeed Nothing)
        , Json.Decode.field "Just" (Json.Decode.index 0 decodeJust |> Json.Decode.map Just)
        , Json.Decode.field "Just" (decodeJust |> Json.Decode.map Just)
        , Json.Decode.null Nothing
        ]""",
    ),
    "jsonEncode_Result": (
        (),
        """jsonEncode_Result : (e -> Json.Encode.Value) -> (a -> Json.Encode.Value) -> Result e a -> Json.Encode.Value
jsonEncode_Result encodeErr encodeOk result =
    case result of
        Err err ->
            Json.Encode.object [ ( "Err", Json.Encode.list encodeErr [ err ] ) ]

        Ok ok ->
            Json.Encode.object [ ( "Ok", Json.Encode.list encodeOk [ ok ] ) ]""",
    ),
    "jsonDecode_Result": (
        (),
        """{-| Also accepts the older forms without the array, as the host did.
-}
jsonDecode_Result : Json.Decode.Decoder e -> Json.Decode.Decoder a -> Json.Decode.Decoder (Result e a)
jsonDecode_Result decodeErr decodeOk =
    Json.Decode.oneOf
        [ Json.Decode.field "Err" (Json.Decode.index 0 decodeErr) |> Json.Decode.map Err
        , Json.Decode.field "Ok" (Json.Decode.index 0 decodeOk) |> Json.Decode.map Ok
        , Json.Decode.field "Err" decodeErr |> Json.Decode.map Err
        , Json.Decode.field "Ok" decodeOk |> Json.Decode.map Ok
        ]""",
    ),
    "jsonEncode_Set": (
        (),
        """jsonEncode_Set : (a -> Json.Encode.Value) -> Set.Set a -> Json.Encode.Value
jsonEncode_Set encodeElement =
    Set.toList >> Json.Encode.list encodeElement""",
    ),
    "jsonDecode_Set": (
        (),
        """jsonDecode_Set : Json.Decode.Decoder comparable -> Json.Decode.Decoder (Set.Set comparable)
jsonDecode_Set decodeElement =
    Json.Decode.list decodeElement |> Json.Decode.map Set.fromList""",
    ),
    "jsonEncode_Dict": (
        ("jsonEncode_Tuple2",),
        """jsonEncode_Dict : (k -> Json.Encode.Value) -> (v -> Json.Encode.Value) -> Dict.Dict k v -> Json.Encode.Value
jsonEncode_Dict encodeKey encodeValue =
    Dict.toList >> Json.Encode.list (jsonEncode_Tuple2 encodeKey encodeValue)""",
    ),
    "jsonDecode_Dict": (
        ("jsonDecode_Tuple2",),
        """{-| Also accepts elements in the older form `{"key":k,"value":v}`, as the host did.
-}
jsonDecode_Dict : Json.Decode.Decoder comparable -> Json.Decode.Decoder v -> Json.Decode.Decoder (Dict.Dict comparable v)
jsonDecode_Dict decodeKey decodeValue =
    let
        keyValueObject =
            Json.Decode.map2 Tuple.pair
                (Json.Decode.field "key" decodeKey)
                (Json.Decode.field "value" decodeValue)
    in
    Json.Decode.list (Json.Decode.oneOf [ jsonDecode_Tuple2 decodeKey decodeValue, keyValueObject ])
        |> Json.Decode.map Dict.fromList""",
    ),
    "jsonEncode_Tuple2": (
        (),
        """jsonEncode_Tuple2 : (a -> Json.Encode.Value) -> (b -> Json.Encode.Value) -> ( a, b ) -> Json.Encode.Value
jsonEncode_Tuple2 encodeA encodeB ( a, b ) =
    Json.Encode.list identity [ encodeA a, encodeB b ]""",
    ),
    "jsonDecode_Tuple2": (
        (),
        """jsonDecode_Tuple2 : Json.Decode.Decoder a -> Json.Decode.Decoder b -> Json.Decode.Decoder ( a, b )
jsonDecode_Tuple2 decodeA decodeB =
    Json.Decode.map2 Tuple.pair
        (Json.Decode.index 0 decodeA)
        (Json.Decode.index 1 decodeB)""",
    ),
    "jsonEncode_Tuple3": (
        (),
        """jsonEncode_Tuple3 : (a -> Json.Encode.Value) -> (b -> Json.Encode.Value) -> (c -> Json.Encode.Value) -> ( a, b, c ) -> Json.Encode.Value
jsonEncode_Tuple3 encodeA encodeB encodeC ( a, b, c ) =
    Json.Encode.list identity [ encodeA a, encodeB b, encodeC c ]""",
    ),
    "jsonDecode_Tuple3": (
        (),
        """jsonDecode_Tuple3 : Json.Decode.Decoder a -> Json.Decode.Decoder b -> Json.Decode.Decoder c -> Json.Decode.Decoder ( a, b, c )
jsonDecode_Tuple3 decodeA decodeB decodeC =
    Json.Decode.map3 (\\a b c -> ( a, b, c ))
        (Json.Decode.index 0 decodeA)
        (Json.Decode.index 1 decodeB)
        (Json.Decode.index 2 decodeC)""",
    ),
    "jsonDecode_singleTagArgument": (
        (),
        """{-| The argument of a one-argument tag: the 2020 legacy form `{"Tag":arg}` or `{"Tag":[arg]}`
(tried in the host's order, so decode errors read the same).
-}
jsonDecode_singleTagArgument : Json.Decode.Decoder a -> Json.Decode.Decoder a
jsonDecode_singleTagArgument decodeArgument =
    Json.Decode.oneOf [ decodeArgument, Json.Decode.index 0 decodeArgument ]""",
    ),
    "jsonDecode_andMap": (
        (),
        """jsonDecode_andMap : Json.Decode.Decoder a -> Json.Decode.Decoder (a -> b) -> Json.Decode.Decoder b
jsonDecode_andMap =
    Json.Decode.map2 (|>)""",
    ),
    "jsonEncode_Bytes": (
        (),
        """jsonEncode_Bytes : Bytes.Bytes -> Json.Encode.Value
jsonEncode_Bytes bytes =
    Json.Encode.object
        [ ( "AsBase64"
          , bytes |> Base64.fromBytes |> Maybe.withDefault "Error encoding to base64" |> Json.Encode.string
          )
        ]""",
    ),
    "jsonDecode_Bytes": (
        (),
        """jsonDecode_Bytes : Json.Decode.Decoder Bytes.Bytes
jsonDecode_Bytes =
    Json.Decode.field "AsBase64"
        (Json.Decode.string
            |> Json.Decode.andThen
                (Base64.toBytes
                    >> Maybe.map Json.Decode.succeed
                    >> Maybe.withDefault (Json.Decode.fail "Failed to decode base64.")
                )
        )""",
    ),
}

# The 2021 generator's versions of support functions (same names, so calls stay the same).
_HELPERS_2021: dict[str, tuple[tuple[str, ...], str]] = {
    "jsonDecode_Dict": (
        ("jsonDecode_Tuple2",),
        """jsonDecode_Dict : Json.Decode.Decoder comparable -> Json.Decode.Decoder v -> Json.Decode.Decoder (Dict.Dict comparable v)
jsonDecode_Dict decodeKey decodeValue =
    Json.Decode.list (jsonDecode_Tuple2 decodeKey decodeValue)
        |> Json.Decode.map Dict.fromList""",
    ),
    "jsonDecodeSucceedWhenNotNull": (
        (),
        """{-| A tag without arguments: any value under the tag's key except `null`.
-}
jsonDecodeSucceedWhenNotNull : a -> Json.Decode.Decoder a
jsonDecodeSucceedWhenNotNull valueIfNotNull =
    Json.Decode.value
        |> Json.Decode.andThen
            (\\asValue ->
                if asValue == Json.Encode.null then
                    Json.Decode.fail "Is null."

                else
                    Json.Decode.succeed valueIfNotNull
            )""",
    ),
}

#: Generations of the host's coder generator (see the module documentation).
GENERATIONS = ("2020", "2021-04", "2021")

_MAP_MAX = 8


@dataclass
class GeneratedCoders:
    """The output of :meth:`CoderGenerator.generate`.

    ``definitions`` are Elm top-level definitions (named coders first, then support functions);
    ``app_modules`` the app modules the code refers to (to import); ``exposures`` per app module
    the types it must expose (``True``: with all tags); ``uses_bytes`` whether ``Bytes``/``Base64``
    are referenced.
    """

    definitions: list[str]
    app_modules: list[str]
    exposures: dict[str, dict[str, bool]]
    uses_bytes: bool


@dataclass
class _Scope:
    """Names bound around the expression being generated (to avoid shadowing)."""

    taken: set[str] = field(default_factory=set)


class CoderGenerator:
    """Generates coders for a set of root types and everything they reference.

    Use :meth:`encoder` / :meth:`decoder` to get expressions for root types (they register what
    they need), then :meth:`generate` for the definitions.
    """

    def __init__(
        self,
        resolver: TypeResolver,
        reserved_names: Iterable[str] = (),
        *,
        generation: str = "2020",
    ) -> None:
        if generation not in GENERATIONS:
            raise ValueError(f"generation must be one of {GENERATIONS}, not {generation!r}")
        self.resolver = resolver
        self.reserved = set(reserved_names)
        self.generation = generation
        self._helper_texts = dict(_HELPERS)
        if generation != "2020":
            self._helper_texts.update(_HELPERS_2021)
        self._keys: list[Key] = []
        self._refs: dict[Key, CType] = {}
        self._base_names: dict[Key, str] = {}
        self._helpers: set[str] = set()
        self._graph: dict[Key, set[Key]] = {}
        self._recursive: set[Key] | None = None

    # --- naming --------------------------------------------------------------------------

    def _base(self, key: Key) -> str:
        base = self._base_names.get(key)
        if base is None:
            candidate = f"{key[0]}_{key[1]}".replace(".", "_")
            taken = set(self._base_names.values())
            base, n = candidate, 2
            while base in taken:
                base, n = f"{candidate}_{n}", n + 1
            self._base_names[key] = base
        return base

    def encoder_name(self, key: Key) -> str:
        return "jsonEncode_" + self._base(key)

    def decoder_name(self, key: Key) -> str:
        return "jsonDecode_" + self._base(key)

    # --- registration --------------------------------------------------------------------

    def register(self, t: CType) -> None:
        """Register every named type reachable from ``t`` (closing over definitions)."""
        pending = list(named_refs(t))
        while pending:
            ref = pending.pop(0)
            assert isinstance(ref, (CustomRef, AliasRef))
            key = ref.key
            if key in self._refs:
                continue
            self._refs[key] = ref
            self._keys.append(key)
            self._base(key)
            inner: list[CType] = []
            if isinstance(ref, AliasRef):
                inner = named_refs(self.resolver.alias_target(ref))
            else:
                definition = self.resolver.custom_definition(ref)
                for _, args in definition.tags:
                    for a in args:
                        inner.extend(named_refs(a))
            self._graph[key] = {r.key for r in inner if isinstance(r, (CustomRef, AliasRef))}
            pending.extend(inner)
            self._recursive = None

    def _is_recursive(self, key: Key) -> bool:
        if self._recursive is None:
            rec: set[Key] = set()
            for start in self._graph:
                seen: set[Key] = set()
                stack = list(self._graph[start])
                while stack:
                    k = stack.pop()
                    if k == start:
                        rec.add(start)
                        break
                    if k in seen:
                        continue
                    seen.add(k)
                    stack.extend(self._graph.get(k, ()))
            self._recursive = rec
        return key in self._recursive

    def _comparable_params(self) -> dict[Key, set[str]]:
        """Type parameters of registered custom types that end up as Set elements or Dict keys
        (directly or through another generic custom type): a fixed point over definitions."""
        customs = {k: r for k, r in self._refs.items() if isinstance(r, CustomRef)}
        result: dict[Key, set[str]] = {k: set() for k in customs}

        def constrained_vars(t: CType, out: set[str]) -> None:
            if isinstance(t, Builtin):
                if t.name in ("Set", "Dict") and isinstance(t.args[0], Var):
                    out.add(t.args[0].name)
                for a in t.args:
                    constrained_vars(a, out)
            elif isinstance(t, CustomRef):
                params = self.resolver.custom_definition(t).params
                for p, a in zip(params, t.args):
                    if isinstance(a, Var) and p in result.get(t.key, set()):
                        out.add(a.name)
                    constrained_vars(a, out)
            elif isinstance(t, Record):
                for _, ft in t.fields:
                    constrained_vars(ft, out)
            elif isinstance(t, TupleType):
                for i in t.items:
                    constrained_vars(i, out)

        changed = True
        while changed:
            changed = False
            for key, ref in customs.items():
                found: set[str] = set()
                for _, args in self.resolver.custom_definition(ref).tags:
                    for a in args:
                        constrained_vars(a, found)
                if not found <= result[key]:
                    result[key] |= found
                    changed = True
        return result

    def _use(self, helper: str) -> str:
        if helper not in self._helpers:
            self._helpers.add(helper)
            for dep in self._helper_texts[helper][0]:
                self._use(dep)
        return helper

    # --- expressions ---------------------------------------------------------------------

    def encoder(self, t: CType) -> str:
        """An Elm expression of type ``T -> Json.Encode.Value`` for the root type ``t``."""
        self.register(t)
        return self._enc_fn(t, _Scope(set(self.reserved)), 0)

    def decoder(self, t: CType) -> str:
        """An Elm expression of type ``Json.Decode.Decoder T`` for the root type ``t``."""
        self.register(t)
        return self._dec(t, _Scope(set(self.reserved)))

    def _enc_call(self, t: CType, scope: _Scope, depth: int) -> tuple[str, list[str]] | None:
        """``(function, arguments)`` of the encoder of ``t`` when it is an application."""
        if isinstance(t, Prim) and t.name != "Unit":
            enc = _PRIM_CODERS[t.name][0]
            return (self._use(enc) if t.name == "Bytes" else enc), []
        if isinstance(t, Builtin):
            args = [self._enc_fn(a, scope, depth) for a in t.args]
            head = "Json.Encode.list" if t.name == "List" else self._use("jsonEncode_" + t.name)
            return head, args
        if isinstance(t, TupleType):
            args = [self._enc_fn(a, scope, depth) for a in t.items]
            return self._use(f"jsonEncode_Tuple{len(t.items)}"), args
        if isinstance(t, CustomRef):
            return self.encoder_name(t.key), [self._enc_fn(a, scope, depth) for a in t.args]
        if isinstance(t, AliasRef):
            return self.encoder_name(t.key), []
        if isinstance(t, Var):
            return f"encode_{t.name}", []
        return None

    def _enc_fn(self, t: CType, scope: _Scope, depth: int) -> str:
        """An expression of type ``T -> Json.Encode.Value``."""
        application = self._enc_call(t, scope, depth)
        if application is not None:
            return call(*application)
        if isinstance(t, Record) and t.fields:
            var = self._fresh("record" if depth == 0 else f"record{depth}", scope)
            inner = _Scope(scope.taken | {var})
            return lambda_(var, self._enc_apply(t, var, inner, depth + 1))
        return lambda_("_", self._enc_apply(t, "_", scope, depth))

    def _enc_apply(self, t: CType, subject: str, scope: _Scope, depth: int) -> str:
        """An expression of type ``Json.Encode.Value`` encoding the value ``subject``."""
        application = self._enc_call(t, scope, depth)
        if application is not None:
            return call(application[0], [*application[1], subject])
        if isinstance(t, Prim):  # ()
            return "Json.Encode.list identity []"
        assert isinstance(t, Record)
        items = [
            tuple_literal(
                [elm_string(name), self._enc_apply(ft, f"{subject}.{name}", scope, depth)]
            )
            for name, ft in t.fields
        ]
        return call("Json.Encode.object", [elm_list(items)])

    def _dec(self, t: CType, scope: _Scope) -> str:
        if isinstance(t, Prim):
            if t.name == "Unit":
                return "Json.Decode.succeed ()"
            dec = _PRIM_CODERS[t.name][1]
            return self._use(dec) if t.name == "Bytes" else dec
        if isinstance(t, Builtin):
            args = [self._dec(a, scope) for a in t.args]
            if t.name == "List":
                return call("Json.Decode.list", args)
            return call(self._use("jsonDecode_" + t.name), args)
        if isinstance(t, TupleType):
            args = [self._dec(a, scope) for a in t.items]
            return call(self._use(f"jsonDecode_Tuple{len(t.items)}"), args)
        if isinstance(t, CustomRef):
            return call(self.decoder_name(t.key), [self._dec(a, scope) for a in t.args])
        if isinstance(t, AliasRef):
            return self.decoder_name(t.key)
        if isinstance(t, Var):
            return f"decode_{t.name}"
        if not t.fields:
            return "Json.Decode.succeed {}"
        params = []
        taken = set(scope.taken)
        for name, _ in t.fields:
            p = self._fresh(name, _Scope(taken))
            taken.add(p)
            params.append(p)
        constructor = lambda_(
            " ".join(params), record_literal([(n, p) for (n, _), p in zip(t.fields, params)])
        )
        field_decoders = [
            call("Json.Decode.field", [elm_string(name), self._dec(ft, scope)])
            for name, ft in t.fields
        ]
        # Always `andMap`, like the host: the decode error then names the same field as the
        # host's (the last missing one), which matters for `Interface_DeserializeFailed` texts.
        return self._and_map(constructor, field_decoders)

    def _map_n(self, function: str, decoders: list[str]) -> str:
        if len(decoders) == 1:
            return call("Json.Decode.map", [function, decoders[0]])
        if len(decoders) <= _MAP_MAX:
            return call(f"Json.Decode.map{len(decoders)}", [function, *decoders])
        return self._and_map(function, decoders)

    def _and_map(self, function: str, decoders: list[str]) -> str:
        and_map = self._use("jsonDecode_andMap")
        lines = [f"Json.Decode.succeed {paren(function)}"]
        lines += [f"    |> {and_map} " + indent_rest(paren(d), 4) for d in decoders]
        return "\n".join(lines)

    def _fresh(self, name: str, scope: _Scope) -> str:
        """``name``, changed if needed so it shadows nothing (Elm rejects shadowing)."""
        candidate = name
        if candidate.startswith(("jsonEncode_", "jsonDecode_", "encode_", "decode_")):
            candidate = "field_" + candidate  # the prefixes of generated names and parameters
        while candidate in scope.taken:
            candidate += "_"
        return candidate

    # --- definitions ---------------------------------------------------------------------

    def generate(self) -> GeneratedCoders:
        """All definitions for the registered types plus the support functions they use."""
        definitions: list[str] = []
        index = 0
        while index < len(self._keys):  # generating may register more (never in practice)
            ref = self._refs[self._keys[index]]
            definitions.extend(self._definitions_for(ref))
            index += 1
        for name, (_, text) in self._helper_texts.items():
            if name in self._helpers:
                definitions.append(text)
        exposures: dict[str, dict[str, bool]] = {}
        for key in self._keys:
            exposures.setdefault(key[0], {})[key[1]] = isinstance(self._refs[key], CustomRef)
        return GeneratedCoders(
            definitions=definitions,
            app_modules=sorted(exposures),
            exposures=exposures,
            uses_bytes=bool(self._helpers & {"jsonEncode_Bytes", "jsonDecode_Bytes"}),
        )

    def _definitions_for(self, ref: CType) -> list[str]:
        if isinstance(ref, AliasRef):
            target = self.resolver.alias_target(ref)
            type_text = print_type(ref)
            scope = _Scope(set(self.reserved) | {"value"})
            enc = define(
                self.encoder_name(ref.key),
                f"{type_text} -> Json.Encode.Value",
                ["value"],
                self._enc_apply(target, "value", scope, 0),
            )
            dec = define(
                self.decoder_name(ref.key),
                f"Json.Decode.Decoder {type_text}",
                [],
                self._dec(target, _Scope(set(self.reserved))),
            )
            return [enc, dec]
        assert isinstance(ref, CustomRef)
        definition = self.resolver.custom_definition(ref)
        params = definition.params
        # Parameters used as Set elements or Dict keys must be `comparable` in annotations.
        comparable = self._comparable_params().get(ref.key, set())
        shown = [f"comparable_{p}" if p in comparable else p for p in params]
        generic = CustomRef(ref.module, ref.name, tuple(Var(p) for p in shown))
        type_text = print_type(generic)
        enc_params = [f"encode_{p}" for p in params]
        dec_params = [f"decode_{p}" for p in params]
        enc_annotation = " -> ".join(
            [*(f"({p} -> Json.Encode.Value)" for p in shown), type_text, "Json.Encode.Value"]
        )
        dec_annotation = " -> ".join(
            [*(f"Json.Decode.Decoder {p}" for p in shown), f"Json.Decode.Decoder {paren(type_text)}"]
        )
        taken = set(self.reserved) | set(enc_params) | set(dec_params) | {"value"}
        branches = []
        for tag, args in definition.tags:
            arg_names = [f"a{i}" for i in range(len(args))]
            scope = _Scope(taken | set(arg_names))
            encoded_args = [
                self._enc_apply(a, n, scope, 0) for a, n in zip(args, arg_names)
            ]
            tagged = tuple_literal(
                [elm_string(tag), call("Json.Encode.list identity", [elm_list(encoded_args)])]
            )
            body = call("Json.Encode.object", [elm_list([tagged])])
            branches.append((" ".join([f"{ref.module}.{tag}", *arg_names]), body))
        enc = define(
            self.encoder_name(ref.key),
            enc_annotation,
            [*enc_params, "value"],
            case_of("value", branches),
        )
        lazy = self._is_recursive(ref.key)
        strict = self.generation != "2020"
        not_null = self.generation == "2021"
        tag_decoders = []
        tags = sorted(definition.tags, key=lambda t: t[0]) if strict else definition.tags
        for tag, args in tags:
            constructor = f"{ref.module}.{tag}"
            scope = _Scope(set(taken))
            if not args:
                if not_null:
                    inner = call(self._use("jsonDecodeSucceedWhenNotNull"), [constructor])
                else:
                    inner = f"Json.Decode.succeed {constructor}"
            elif len(args) == 1 and strict:
                index_0 = call("Json.Decode.index", ["0", self._dec(args[0], scope)])
                inner = call("Json.Decode.map", [constructor, index_0])
            elif len(args) == 1:
                single = call(self._use("jsonDecode_singleTagArgument"), [self._dec(args[0], scope)])
                inner = call("Json.Decode.map", [constructor, single])
            else:
                inner = self._map_n(
                    constructor,
                    [
                        call("Json.Decode.index", [str(i), self._dec(a, scope)])
                        for i, a in enumerate(args)
                    ],
                )
            if lazy and args:
                inner = call("Json.Decode.lazy", [lambda_("_", inner)])
            tag_decoders.append(call("Json.Decode.field", [elm_string(tag), inner]))
        dec = define(
            self.decoder_name(ref.key),
            dec_annotation,
            dec_params,
            call("Json.Decode.oneOf", [elm_list(tag_decoders)]),
        )
        return [enc, dec]
