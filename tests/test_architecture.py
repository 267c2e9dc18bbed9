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


# What each bot folder may import from the rest of bot/ (the folder's own __init__ says why).
BOT_FOLDERS_MAY_IMPORT = {
    "parsing": set(),
    "views": {"feeds"},
    "feeds": set(),
    "commands": {"parsing", "views", "feeds"},
    "alerts": {"views", "feeds"},
    "telegram": {"alerts", "commands", "parsing", "views", "feeds"},
    "webapp": {"commands", "parsing", "views", "feeds"},
}
BOT_FOLDERS_NEVER_IMPORT = {
    "parsing": {"storage", "telegram"},
    "views": {"storage", "telegram"},
    "feeds": {"telegram"},
    "commands": {"telegram"},
    "alerts": {"telegram"},
    "telegram": set(),
    "webapp": {"telegram"},
}


def _bot_imports(path: Path) -> set[str]:
    """The bot folders (bot.X) a module imports, by absolute import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    folders: set[str] = set()
    for node in ast.walk(tree):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module]
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
            else []
        )
        for name in names:
            parts = name.split(".")
            if parts[0] == "bot" and len(parts) > 1 and (ROOT / "bot" / parts[1]).is_dir():
                folders.add(parts[1])
    return folders


@pytest.mark.parametrize(
    "path",
    [p for folder in BOT_FOLDERS_MAY_IMPORT for p in _modules(f"bot/{folder}")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_each_bot_folder_imports_only_what_its_layer_may(path: Path) -> None:
    folder = path.relative_to(ROOT / "bot").parts[0]
    others = _bot_imports(path) - {folder}
    assert others <= BOT_FOLDERS_MAY_IMPORT[folder], others - BOT_FOLDERS_MAY_IMPORT[folder]
    assert not _imports(path) & BOT_FOLDERS_NEVER_IMPORT[folder]


@pytest.mark.parametrize("path", _modules("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_composition_root_knows_telegram(path: Path) -> None:
    """bot/app.py and bot/__main__.py wire the adapter; nothing else outside it imports it."""
    inside = path.relative_to(ROOT / "bot").parts[0] == "telegram"
    if not inside and path.name not in {"app.py", "__main__.py"}:
        assert "telegram" not in _bot_imports(path)
        assert "telegram" not in _imports(path)


def test_every_folder_says_what_lives_there_and_what_it_may_import() -> None:
    for init in [*(ROOT / "bot").glob("*/__init__.py"), ROOT / "storage" / "__init__.py"]:
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "import" in doc, f"{init.relative_to(ROOT)} says nothing of its imports"
