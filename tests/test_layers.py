"""The layers of design.md: errors -> store -> elmcompile -> runtime -> inspect -> replay -> ui/cli.

A module may import its own layer and the ones before it, never a later one. Every import
statement counts, wherever it sits (inside functions, under ``TYPE_CHECKING``): an import moved
into a function to dodge a cycle still makes the lower layer depend on the higher one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "elmreplay"

#: Rank of each top-level part of the package; the top (api, ui, cli, the package itself) may use anything.
#: ``inputs`` and ``outputs`` (checked reads of input files, writes that cannot hit a store) and
#: ``interrupts`` stand with ``errors`` at the bottom: every layer reads and writes files, and they
#: import nothing of the package but ``errors`` (which this rank enforces).
LAYERS = {"errors": 0, "inputs": 0, "outputs": 0, "interrupts": 0, "store": 1, "elmcompile": 2, "runtime": 3, "inspect": 4, "replay": 5}
TOP = 6


def rank(module: str) -> int:
    """Layer rank of an ``elmreplay...`` module name (outside modules: -1, always allowed)."""
    parts = module.split(".")
    if parts[0] != "elmreplay":
        return -1
    if len(parts) == 1:
        return TOP
    return LAYERS.get(parts[1], TOP)


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """``(line, absolute module)`` of every import in ``source`` (relative ones resolved);
    ``from X import name`` yields ``X.name`` too, since ``name`` may be a submodule."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base != "elmreplay":  # `from elmreplay import errors` imports only elmreplay.errors
                found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    own = rank(module)
    if own >= TOP:
        return []
    return [
        f"{module} (layer {own}) line {line} imports {target} (layer {rank(target)})"
        for line, target in imported_modules(source, module, is_package)
        if rank(target) > own
    ]


def test_no_lower_layer_imports_a_higher_one() -> None:
    problems: list[str] = []
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        if rank(module) >= TOP:
            continue
        checked += 1
        problems.extend(violations(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"))
    assert checked > 30  # the walk found the package
    assert problems == []


@pytest.mark.parametrize(
    "source",
    [
        "from ..ui.timeline import Timeline",
        "def f():\n    from ..ui import reprs\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from elmreplay.api import replay\n",
        "import elmreplay.cli",
        "from .. import ui",
        "from elmreplay import api",
    ],
)
def test_the_check_sees_an_upward_import_wherever_it_is(source: str) -> None:
    assert violations(source, "elmreplay.replay.session")


@pytest.mark.parametrize(
    "source",
    [
        "from ..inspect.render import esc",
        "def f():\n    from ..elmcompile import compile_app_config\n",
        "from . import host",
        "from .. import errors",
        "import json",
    ],
)
def test_the_check_lets_downward_imports_pass(source: str) -> None:
    assert violations(source, "elmreplay.replay.session") == []


def test_the_bottom_modules_may_use_only_errors() -> None:
    assert violations("from .errors import OutputError", "elmreplay.outputs") == []
    assert violations("from .store import open_store", "elmreplay.outputs")
    assert violations("from .outputs import write_output", "elmreplay.store.writer") == []


def test_a_package_init_resolves_relative_imports_from_itself() -> None:
    assert violations("from .diff import diff_states", "elmreplay.inspect", is_package=True) == []
    assert violations("from ..replay import session", "elmreplay.inspect", is_package=True)
