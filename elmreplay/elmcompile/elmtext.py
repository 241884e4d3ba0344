"""Small helpers that lay out generated Elm expressions readably (elm-format-like).

A *piece* is Elm source whose first line is placed wherever the caller puts it and whose
further lines are indented relative to the line the piece starts on. Keeping every further
line at or right of that line's indentation satisfies Elm's layout rule.
"""

from __future__ import annotations

__all__ = [
    "call",
    "case_of",
    "define",
    "elm_list",
    "elm_string",
    "indent_rest",
    "lambda_",
    "paren",
    "record_literal",
    "tuple_literal",
]

MAX_LINE = 92


def indent_rest(piece: str, n: int) -> str:
    """Indent every line but the first by ``n`` spaces (empty lines stay empty)."""
    lines = piece.split("\n")
    return "\n".join([lines[0]] + [(" " * n + line) if line else line for line in lines[1:]])


def _closing_index(text: str, start: int) -> int:
    """Index of the bracket closing the one at ``start`` (string literals skipped)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack: list[str] = []
    i = start
    while i < len(text):
        c = text[i]
        if c == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c in pairs:
            stack.append(pairs[c])
        elif stack and c == stack[-1]:
            stack.pop()
            if not stack:
                return i
        i += 1
    return -1


def paren(expr: str) -> str:
    """Wrap ``expr`` in parentheses unless it is already atomic (closing a multi-line
    expression on a line of its own, as elm-format does)."""
    if not any(ch.isspace() for ch in expr):
        return expr
    if expr[0] in "([{" and _closing_index(expr, 0) == len(expr) - 1:
        return expr
    if expr.startswith('"') and expr.endswith('"') and "\n" not in expr:
        return expr
    if "\n" in expr:
        return "(" + expr + "\n)"
    return f"({expr})"


def _fits_head(arg: str) -> bool:
    # Short atomic arguments and one-line lambdas may stay on the line of the function.
    return "\n" not in arg and (not any(ch.isspace() for ch in arg) or arg.startswith("(\\"))


def call(head: str, args: list[str]) -> str:
    """``head arg1 arg2``; when that does not fit on one line, leading short arguments stay
    on the first line and the others go one per line."""
    parts = [paren(a) for a in args]
    one = " ".join([head, *parts])
    if "\n" not in one and len(one) <= MAX_LINE:
        return one
    first = head
    index = 0
    while (
        index < len(parts)
        and index < len(parts) - 1
        and _fits_head(parts[index])
        and len(first) + 1 + len(parts[index]) <= MAX_LINE
    ):
        first += " " + parts[index]
        index += 1
    return first + "".join("\n    " + indent_rest(p, 4) for p in parts[index:])


def elm_list(items: list[str]) -> str:
    """An Elm list literal, one item per line when it does not fit on one line."""
    if not items:
        return "[]"
    one = "[ " + ", ".join(items) + " ]"
    if "\n" not in one and len(one) <= MAX_LINE:
        return one
    lines = [("[ " if i == 0 else ", ") + indent_rest(item, 2) for i, item in enumerate(items)]
    return "\n".join([*lines, "]"])


def lambda_(params: str, body: str) -> str:
    """A parenthesized lambda ``(\\params -> body)``."""
    one = f"(\\{params} -> {body})"
    if "\n" not in one and len(one) <= MAX_LINE:
        return one
    return f"(\\{params} ->\n    " + indent_rest(body, 4) + "\n)"


def case_of(subject: str, branches: list[tuple[str, str]]) -> str:
    """A case expression over ``(pattern, body)`` branches."""
    out = [f"case {subject} of"]
    for i, (pattern, body) in enumerate(branches):
        if i:
            out.append("")
        out.append(f"    {pattern} ->")
        out.append("        " + indent_rest(body, 8))
    return "\n".join(out)


def define(name: str, annotation: str, params: list[str], body: str, doc: str = "") -> str:
    """A top-level definition with its type annotation (and an optional doc comment)."""
    head = " ".join([name, *params])
    prefix = f"{{-| {doc}\n-}}\n" if doc else ""
    return f"{prefix}{name} : {annotation}\n{head} =\n    " + indent_rest(body, 4)


def elm_string(text: str) -> str:
    """An Elm string literal for ``text``."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def tuple_literal(items: list[str]) -> str:
    """``( a, b )``, or one element per line when an element spans several lines."""
    one = "( " + ", ".join(items) + " )"
    if "\n" not in one and len(one) <= MAX_LINE:
        return one
    lines = [("( " if i == 0 else ", ") + indent_rest(item, 2) for i, item in enumerate(items)]
    return "\n".join([*lines, ")"])


def record_literal(fields: list[tuple[str, str]]) -> str:
    """``{ a = x, b = y }``, one field per line when it does not fit on one line."""
    if not fields:
        return "{}"
    one = "{ " + ", ".join(f"{n} = {v}" for n, v in fields) + " }"
    if "\n" not in one and len(one) <= MAX_LINE:
        return one
    lines = [("{ " if i == 0 else ", ") + f"{n} = {v}" for i, (n, v) in enumerate(fields)]
    return "\n".join([*lines, "}"])
