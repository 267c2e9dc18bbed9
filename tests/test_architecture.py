"""Dependencies point one way: bot -> storage -> engine. Nothing imports bot."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE_MAY_IMPORT = {"pydantic", "pydantic_core", "engine", "__future__"}
ENGINE_IO_EDGE = "cli"  # the command line is the engine's only door to files and network


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("engine"), ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_imports_only_the_standard_library_and_pydantic(path: Path) -> None:
    foreign = {
        name
        for name in _imports(path)
        if name not in ENGINE_MAY_IMPORT and name not in sys.stdlib_module_names
    }
    assert not foreign, foreign
    if ENGINE_IO_EDGE not in path.relative_to(ROOT / "engine").parts:
        io = _imports(path) & {"asyncio", "socket", "urllib", "http", "sqlite3", "subprocess"}
        assert not io, io


@pytest.mark.parametrize("path", _modules("storage"), ids=lambda p: str(p.relative_to(ROOT)))
def test_storage_never_imports_the_bot(path: Path) -> None:
    assert not _imports(path) & {"bot", "telegram"}
