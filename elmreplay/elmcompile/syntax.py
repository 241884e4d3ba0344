"""A hand-written reader for the Elm declarations the JSON-coder generator needs.

It reads a module's header (name, exposing list), its imports (aliases, exposing lists), its
``type`` and ``type alias`` declarations and the raw text of its top-level type annotations.
Value definitions are skipped: a declaration starts at column 1 and runs until the next token
at column 1, which is how Elm's layout rule delimits top-level declarations.

Type declarations are parsed lazily (:meth:`ElmModule.type_decl`), so a module that declares a
type the parser cannot read only fails when the state actually refers to that type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

from elmreplay.elmcompile.errors import ElmSyntaxError

__all__ = [
    "Annotation",
    "CustomTypeDecl",
    "Definition",
    "ElmModule",
    "ExposedItem",
    "Exposing",
    "Import",
    "TFunction",
    "TName",
    "TRecord",
    "TTuple",
    "TUnit",
    "TVar",
    "Tag",
    "Token",
    "TypeAliasDecl",
    "TypeDecl",
    "TypeExpr",
    "parse_module",
    "parse_type_text",
    "tokenize",
]


# --- tokens ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One lexical token. ``kind`` is upper, lower, symbol, string, char, number or other."""

    kind: str
    text: str
    offset: int
    line: int
    col: int

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


# Qualified names: `Dict.Dict`, `Backend.Main.State`, `Json.Decode.string`.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"0x[0-9A-Fa-f]+|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_SYMBOLS = ("..", "->", "(", ")", "{", "}", "[", "]", ",", ":", "=", "|")
_OPERATOR_CHARS = set("+-/*=.<>:&|^?%!~")


def tokenize(source: str, path: str) -> list[Token]:
    """Split Elm source text into tokens, dropping whitespace and comments.

    Raises :class:`ElmSyntaxError` (naming ``path`` and the line) for an unterminated string,
    character literal or block comment.
    """
    tokens: list[Token] = []
    i = 0
    line = 1
    line_start = 0
    n = len(source)

    def fail(message: str, at_line: int) -> ElmSyntaxError:
        return ElmSyntaxError(message, path=path, line=at_line)

    while i < n:
        c = source[i]
        if c == "\n":
            i += 1
            line += 1
            line_start = i
            continue
        if c in " \t\r\f\ufeff":
            i += 1
            continue
        if source.startswith("--", i):
            j = source.find("\n", i)
            i = n if j < 0 else j
            continue
        if source.startswith("{-", i):
            start_line = line
            depth = 0
            while i < n:
                if source.startswith("{-", i):
                    depth += 1
                    i += 2
                elif source.startswith("-}", i):
                    depth -= 1
                    i += 2
                    if depth == 0:
                        break
                else:
                    if source[i] == "\n":
                        line += 1
                        line_start = i + 1
                    i += 1
            if depth != 0:
                raise fail("Unterminated block comment", start_line)
            continue
        col = i - line_start + 1
        start = i
        start_line = line
        if c == '"':
            if source.startswith('"""', i):
                j = i + 3
                while True:
                    if j >= n:
                        raise fail("Unterminated multi-line string", start_line)
                    if source[j] == "\\":
                        j += 2
                        continue
                    if source.startswith('"""', j):
                        j += 3
                        break
                    if source[j] == "\n":
                        line += 1
                        line_start = j + 1
                    j += 1
            else:
                j = i + 1
                while True:
                    if j >= n or source[j] == "\n":
                        raise fail("Unterminated string literal", start_line)
                    if source[j] == "\\":
                        j += 2
                        continue
                    if source[j] == '"':
                        j += 1
                        break
                    j += 1
            tokens.append(Token("string", source[start:j], start, start_line, col))
            i = j
            continue
        if c == "'":
            j = i + 1
            while True:
                if j >= n or source[j] == "\n":
                    raise fail("Unterminated character literal", start_line)
                if source[j] == "\\":
                    j += 2
                    continue
                if source[j] == "'":
                    j += 1
                    break
                j += 1
            tokens.append(Token("char", source[start:j], start, start_line, col))
            i = j
            continue
        m = _NAME.match(source, i)
        if m:
            text = m.group(0)
            last = text.rsplit(".", 1)[-1]
            kind = "upper" if last[:1].isupper() else "lower"
            tokens.append(Token(kind, text, start, start_line, col))
            i = m.end()
            continue
        if c.isdigit():
            m2 = _NUMBER.match(source, i)
            assert m2 is not None
            tokens.append(Token("number", m2.group(0), start, start_line, col))
            i = m2.end()
            continue
        if c in _OPERATOR_CHARS:
            j = i
            while j < n and source[j] in _OPERATOR_CHARS:
                j += 1
            text = source[i:j]
            kind = "symbol" if text in _SYMBOLS else "other"
            tokens.append(Token(kind, text, start, start_line, col))
            i = j
            continue
        kind = "symbol" if c in _SYMBOLS else "other"
        tokens.append(Token(kind, c, start, start_line, col))
        i += 1
    return tokens


# --- type expressions ------------------------------------------------------------------------


@dataclass(frozen=True)
class TVar:
    """A type variable such as ``a`` or ``msg``."""

    name: str
    line: int


@dataclass(frozen=True)
class TName:
    """A (possibly qualified) type name applied to arguments: ``Dict.Dict String Int``."""

    name: str
    args: tuple[TypeExpr, ...]
    line: int


@dataclass(frozen=True)
class TRecord:
    """A record type; ``extension`` is the ``r`` of ``{ r | a : Int }``."""

    fields: tuple[tuple[str, TypeExpr], ...]
    extension: str | None
    line: int


@dataclass(frozen=True)
class TTuple:
    """A tuple type with two or more elements."""

    items: tuple[TypeExpr, ...]
    line: int


@dataclass(frozen=True)
class TUnit:
    """The unit type ``()``."""

    line: int


@dataclass(frozen=True)
class TFunction:
    """A function type ``a -> b``."""

    argument: TypeExpr
    result: TypeExpr
    line: int


TypeExpr = Union[TVar, TName, TRecord, TTuple, TUnit, TFunction]


class _TypeParser:
    """Recursive descent over the tokens of one declaration."""

    def __init__(self, tokens: list[Token], path: str, fallback_line: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.path = path
        self.fallback_line = fallback_line

    # helpers
    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def at(self, text: str) -> bool:
        t = self.peek()
        return t is not None and t.kind in ("symbol", "other") and t.text == text

    def line(self) -> int:
        t = self.peek()
        if t is not None:
            return t.line
        return self.tokens[-1].line if self.tokens else self.fallback_line

    def fail(self, message: str) -> ElmSyntaxError:
        t = self.peek()
        found = f"found `{t.text}`" if t is not None else "found the end of the declaration"
        return ElmSyntaxError(f"{message}, {found}", path=self.path, line=self.line())

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise self.fail(f"Expected `{text}`")
        t = self.tokens[self.pos]
        self.pos += 1
        return t

    def expect_kind(self, kind: str, what: str) -> Token:
        t = self.peek()
        if t is None or t.kind != kind:
            raise self.fail(f"Expected {what}")
        self.pos += 1
        return t

    # grammar
    def type_expr(self) -> TypeExpr:
        line = self.line()
        left = self.btype()
        if self.at("->"):
            self.pos += 1
            return TFunction(left, self.type_expr(), line)
        return left

    def btype(self) -> TypeExpr:
        t = self.peek()
        if t is not None and t.kind == "upper":
            self.pos += 1
            args: list[TypeExpr] = []
            while self.starts_atom():
                args.append(self.atom())
            return TName(t.text, tuple(args), t.line)
        return self.atom()

    def starts_atom(self) -> bool:
        t = self.peek()
        if t is None:
            return False
        return t.kind in ("upper", "lower") or self.at("(") or self.at("{")

    def atom(self) -> TypeExpr:
        t = self.peek()
        if t is None:
            raise self.fail("Expected a type")
        if t.kind == "lower":
            if "." in t.text:
                raise self.fail("Expected a type")
            self.pos += 1
            return TVar(t.text, t.line)
        if t.kind == "upper":
            self.pos += 1
            return TName(t.text, (), t.line)
        if self.at("("):
            self.pos += 1
            if self.at(")"):
                self.pos += 1
                return TUnit(t.line)
            items = [self.type_expr()]
            while self.at(","):
                self.pos += 1
                items.append(self.type_expr())
            self.expect(")")
            if len(items) == 1:
                return items[0]
            return TTuple(tuple(items), t.line)
        if self.at("{"):
            self.pos += 1
            extension: str | None = None
            fields: list[tuple[str, TypeExpr]] = []
            if self.at("}"):
                self.pos += 1
                return TRecord((), None, t.line)
            nxt = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
            if nxt is not None and nxt.text == "|":
                extension = self.expect_kind("lower", "a record extension variable").text
                self.expect("|")
            while True:
                name = self.expect_kind("lower", "a record field name").text
                self.expect(":")
                fields.append((name, self.type_expr()))
                if self.at(","):
                    self.pos += 1
                    continue
                self.expect("}")
                break
            return TRecord(tuple(fields), extension, t.line)
        raise self.fail("Expected a type")

    def finish(self) -> None:
        if self.peek() is not None:
            raise self.fail("Unexpected token after the type")


def parse_type_text(text: str, path: str = "<type>", line: int = 1) -> TypeExpr:
    """Parse a standalone type expression (used by tests and for annotation texts)."""
    tokens = tokenize(text, path)
    tokens = [Token(t.kind, t.text, t.offset, t.line + line - 1, t.col) for t in tokens]
    p = _TypeParser(tokens, path, line)
    result = p.type_expr()
    p.finish()
    return result


# --- declarations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExposedItem:
    """One entry of an exposing list: ``State``, ``Msg(..)``, ``update`` or ``(|.)``."""

    name: str
    open: bool
    start: int
    end: int


@dataclass(frozen=True)
class Exposing:
    """An exposing list; ``start``/``end`` are the source offsets of its parentheses."""

    everything: bool
    items: tuple[ExposedItem, ...]
    start: int
    end: int

    def exposes_type(self, name: str) -> bool:
        return self.everything or any(i.name == name for i in self.items)

    def exposes_tags(self, name: str) -> bool:
        return self.everything or any(i.name == name and i.open for i in self.items)


@dataclass(frozen=True)
class Import:
    """``import Module.Name as Alias exposing (...)``."""

    module: str
    alias: str | None
    exposing: Exposing | None
    line: int


@dataclass(frozen=True)
class Tag:
    """One constructor of a custom type."""

    name: str
    args: tuple[TypeExpr, ...]
    line: int


@dataclass(frozen=True)
class TypeAliasDecl:
    """``type alias Name params = body``."""

    name: str
    params: tuple[str, ...]
    body: TypeExpr
    line: int


@dataclass(frozen=True)
class CustomTypeDecl:
    """``type Name params = Tag args | ...``."""

    name: str
    params: tuple[str, ...]
    tags: tuple[Tag, ...]
    line: int


TypeDecl = Union[TypeAliasDecl, CustomTypeDecl]


@dataclass(frozen=True)
class Annotation:
    """A top-level type annotation; ``text`` is the raw source after the colon up to the next
    top-level declaration (the shape the host's regular expressions were applied to)."""

    name: str
    text: str
    line: int


@dataclass(frozen=True)
class Definition:
    """A top-level value definition (``name params = body``) and, when present, its annotation.

    ``start``/``end`` are source offsets: from the annotation (or the definition when there is
    none) to the next top-level declaration; ``body_start`` is where the definition itself
    (the line ``name params =``) starts.
    """

    name: str
    line: int
    start: int
    body_start: int
    end: int


@dataclass
class ElmModule:
    """The declarations of one Elm module that the generator needs."""

    name: str
    path: str
    source: str
    exposing: Exposing
    imports: tuple[Import, ...]
    annotations: dict[str, Annotation]
    header_line: int
    definitions: dict[str, Definition] = field(default_factory=dict)
    #: Offset where an import may be inserted (after the last import, else before the first
    #: declaration after the header).
    import_end: int = 0
    _type_chunks: dict[str, list[Token]] = field(default_factory=dict, repr=False)
    _type_cache: dict[str, TypeDecl] = field(default_factory=dict, repr=False)

    def declares_type(self, name: str) -> bool:
        """Whether the module declares a type or type alias named ``name``."""
        return name in self._type_chunks

    @property
    def type_names(self) -> tuple[str, ...]:
        return tuple(self._type_chunks)

    def type_decl(self, name: str) -> TypeDecl:
        """Parse (once) and return the declaration of type ``name``."""
        cached = self._type_cache.get(name)
        if cached is None:
            cached = _parse_type_decl(self._type_chunks[name], self.path)
            self._type_cache[name] = cached
        return cached


# Keywords that start top-level declarations other than value definitions.
_NOT_VALUES = frozenset({"import", "type", "port", "infix", "module", "effect"})


def _split_declarations(tokens: list[Token]) -> list[list[Token]]:
    chunks: list[list[Token]] = []
    for t in tokens:
        if t.col == 1 or not chunks:
            chunks.append([t])
        else:
            chunks[-1].append(t)
    return chunks


def parse_module(source: str, path: str) -> ElmModule:
    """Read the header, imports, type declarations and annotations of an Elm module.

    Raises :class:`ElmSyntaxError` naming ``path`` and the line when the header or an import
    cannot be read. Type declarations are only checked when first used.
    """
    tokens = tokenize(source, path)
    chunks = _split_declarations(tokens)
    if not chunks:
        raise ElmSyntaxError("Empty module: expected a `module` header", path=path, line=1)
    header = chunks[0]
    p = _TypeParser(header, path, 1)
    for keyword in ("port", "effect"):
        if p.peek() is not None and p.peek().text == keyword:  # type: ignore[union-attr]
            p.pos += 1
    first = p.peek()
    if first is None or first.text != "module":
        raise ElmSyntaxError(
            "Expected the module header (`module Name exposing (..)`) at the start",
            path=path,
            line=header[0].line,
        )
    p.pos += 1
    name_token = p.expect_kind("upper", "a module name")
    if p.peek() is not None and p.peek().text == "where":  # type: ignore[union-attr]
        # effect modules: `effect module X where { command = MyCmd } exposing (..)`
        while p.peek() is not None and not (p.peek().text == "exposing"):  # type: ignore[union-attr]
            p.pos += 1
    exposing_token = p.peek()
    if exposing_token is None or exposing_token.text != "exposing":
        raise p.fail("Expected `exposing` in the module header")
    p.pos += 1
    exposing = _parse_exposing(p)

    imports: list[Import] = []
    annotations: dict[str, Annotation] = {}
    definitions: dict[str, Definition] = {}
    type_chunks: dict[str, list[Token]] = {}
    # Where imports may be added: after the last import, else before the first declaration.
    import_end = chunks[1][0].offset if len(chunks) > 1 else len(source)
    pending_annotation: tuple[str, int] | None = None  # (name, offset) of the last annotation
    for index, chunk in enumerate(chunks[1:], start=1):
        head = chunk[0]
        end = chunks[index + 1][0].offset if index + 1 < len(chunks) else len(source)
        annotated = pending_annotation
        pending_annotation = None
        if head.kind == "lower" and head.text == "import":
            imports.append(_parse_import(chunk, path))
            import_end = chunk[-1].end
        elif head.kind == "lower" and head.text == "type":
            if len(chunk) < 2:
                raise ElmSyntaxError("Incomplete type declaration", path=path, line=head.line)
            name_tok = chunk[2] if chunk[1].text == "alias" and len(chunk) > 2 else chunk[1]
            if name_tok.kind != "upper" or "." in name_tok.text:
                raise ElmSyntaxError(
                    f"Expected a type name after `type`, found `{name_tok.text}`",
                    path=path,
                    line=name_tok.line,
                )
            type_chunks[name_tok.text] = chunk
        elif head.kind == "lower" and len(chunk) > 1 and chunk[1].text == ":":
            text = source[chunk[1].end : end]
            annotations.setdefault(head.text, Annotation(head.text, text, head.line))
            pending_annotation = (head.text, head.offset)
        elif head.kind == "lower" and "." not in head.text and head.text not in _NOT_VALUES:
            start = head.offset
            if annotated is not None and annotated[0] == head.text:
                start = annotated[1]
            definitions.setdefault(
                head.text, Definition(head.text, head.line, start, head.offset, end)
            )
    return ElmModule(
        name=name_token.text,
        path=path,
        source=source,
        exposing=exposing,
        imports=tuple(imports),
        annotations=annotations,
        header_line=header[0].line,
        definitions=definitions,
        import_end=import_end,
        _type_chunks=type_chunks,
    )


def _parse_exposing(p: _TypeParser) -> Exposing:
    open_paren = p.expect("(")
    if p.at(".."):
        p.pos += 1
        close = p.expect(")")
        return Exposing(True, (), open_paren.offset, close.end)
    items: list[ExposedItem] = []
    while True:
        t = p.peek()
        if t is None:
            raise p.fail("Unterminated exposing list")
        if p.at("("):
            # an operator such as `(|.)`
            p.pos += 1
            op = p.peek()
            if op is None:
                raise p.fail("Unterminated exposing list")
            p.pos += 1
            close_op = p.expect(")")
            items.append(ExposedItem(op.text, False, t.offset, close_op.end))
        elif t.kind in ("upper", "lower") and "." not in t.text:
            p.pos += 1
            end = t.end
            is_open = False
            if t.kind == "upper" and p.at("("):
                p.pos += 1
                p.expect("..")
                end = p.expect(")").end
                is_open = True
            items.append(ExposedItem(t.text, is_open, t.offset, end))
        else:
            raise p.fail("Expected a name in the exposing list")
        if p.at(","):
            p.pos += 1
            continue
        close = p.expect(")")
        return Exposing(False, tuple(items), open_paren.offset, close.end)


def _parse_import(chunk: list[Token], path: str) -> Import:
    p = _TypeParser(chunk, path, chunk[0].line)
    p.pos = 1
    module = p.expect_kind("upper", "a module name after `import`")
    alias: str | None = None
    exposing: Exposing | None = None
    t = p.peek()
    if t is not None and t.text == "as":
        p.pos += 1
        alias = p.expect_kind("upper", "a module alias after `as`").text
        t = p.peek()
    if t is not None and t.text == "exposing":
        p.pos += 1
        exposing = _parse_exposing(p)
    p.finish()
    return Import(module.text, alias, exposing, chunk[0].line)


def _parse_type_decl(chunk: list[Token], path: str) -> TypeDecl:
    p = _TypeParser(chunk, path, chunk[0].line)
    p.pos = 1
    is_alias = p.peek() is not None and p.peek().text == "alias"  # type: ignore[union-attr]
    if is_alias:
        p.pos += 1
    name = p.expect_kind("upper", "a type name")
    params: list[str] = []
    while p.peek() is not None and p.peek().kind == "lower":  # type: ignore[union-attr]
        params.append(p.tokens[p.pos].text)
        p.pos += 1
    p.expect("=")
    if is_alias:
        body = p.type_expr()
        p.finish()
        return TypeAliasDecl(name.text, tuple(params), body, name.line)
    tags: list[Tag] = []
    while True:
        tag = p.expect_kind("upper", "a constructor name")
        if "." in tag.text:
            raise ElmSyntaxError(
                f"Expected a constructor name, found `{tag.text}`", path=path, line=tag.line
            )
        args: list[TypeExpr] = []
        while p.starts_atom():
            args.append(p.atom())
        tags.append(Tag(tag.text, tuple(args), tag.line))
        if p.at("|"):
            p.pos += 1
            continue
        p.finish()
        return CustomTypeDecl(name.text, tuple(params), tuple(tags), name.line)
