"""Imports point downward only: domain <- storage <- services <- web."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "contest"

FORBIDDEN = {
    "domain": (
        "starlette",
        "jinja2",
        "sqlite3",
        "aiosqlite",
        "asyncpg",
        "uvicorn",
        "contest.storage",
        "contest.services",
        "contest.web",
    ),
    "storage": ("starlette", "jinja2", "contest.services", "contest.web"),
    "services": ("starlette", "jinja2", "sqlite3", "contest.web"),
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_layers_import_only_downward() -> None:
    problems = []
    for layer, banned in FORBIDDEN.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for name in imports(path):
                if name.startswith(banned):
                    problems.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not problems, problems


def test_init_modules_hold_only_imports() -> None:
    for path in PACKAGE.rglob("__init__.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            assert isinstance(
                node, ast.Import | ast.ImportFrom | ast.Expr | ast.Assign | ast.ClassDef | ast.FunctionDef
            ), path
