"""Small helpers that lay out generated Elm expressions readably (elm-format-like).

A *piece* is Elm source whose first line is placed wherever the caller puts it and whose
further lines are indented relative to the line the piece starts on. Keeping every further
line at or right of that line's indentation satisfies Elm's layout rule.
"""

from __future__ import annotations

__all__ = ["call", "case_of", "define", "elm_list", "elm_string", "indent_rest", "lambda_", "paren"]

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
    """Wrap ``expr`` in parentheses unless it is already atomic."""
    if not any(ch.isspace() for ch in expr):
        return expr
    if expr[0] in "([{" and _closing_index(expr, 0) == len(expr) - 1:
        return expr
    if expr.startswith('"') and expr.endswith('"') and "\n" not in expr:
        return expr
    return f"({expr})"


def call(head: str, args: list[str]) -> str:
    """``head arg1 arg2``, one argument per line when it does not fit on one line."""
    parts = [paren(a) for a in args]
    one = " ".join([head, *parts])
    if "\n" not in one and len(one) <= MAX_LINE:
        return one
    return head + "".join("\n    " + indent_rest(p, 4) for p in parts)


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
