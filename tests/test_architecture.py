"""Imports point downward only: domain <- storage <- services <- web."""

from __future__ import annotations

import ast
import re
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


STORAGE = PACKAGE / "storage"
# Operator messages, read by whoever runs the server, not by participants or organisers.
OPERATOR_MESSAGES = {("migrate.py", "SchemaTooNew"), ("postgres.py", "DatabaseUnavailable")}
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


def _strings(node: ast.AST, *, skip: set[str]) -> list[tuple[int, str]]:
    """The string constants under ``node`` (f-string parts too), outside the classes named in ``skip``."""
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.ClassDef) and child.name in skip:
            continue
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            found.append((child.lineno, child.value))
        found += _strings(child, skip=skip)
    return found


def test_storage_reports_facts_not_messages() -> None:
    """Storage stores and reports facts: it raises no typed contest error
    (services word those) and holds no Vietnamese string a user would read."""
    problems = []
    for path in STORAGE.rglob("*.py"):
        if "migrations" in path.relative_to(STORAGE).parts:
            continue
        name = path.relative_to(PACKAGE)
        problems += [f"{name} imports {m}" for m in imports(path) if m == "contest.errors" or m == "contest"]
        skip = {cls for file, cls in OPERATOR_MESSAGES if file == path.name}
        tree = ast.parse(path.read_text(encoding="utf-8"))
        problems += [f"{name}:{line} {text!r}" for line, text in _strings(tree, skip=skip) if VIETNAMESE.search(text)]
    assert not problems, problems


def _store_classes() -> set[str]:
    """The concrete classes :class:`Storage` builds its stores from."""
    tree = ast.parse((STORAGE / "stores.py").read_text(encoding="utf-8"))
    return {
        node.value.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign | ast.Assign)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
    }


def test_services_use_the_storage_protocols_not_the_stores() -> None:
    """Storage exposes each store typed by its Protocol (mypy --strict checks
    the store satisfies it), and services never name a concrete store."""
    stores = _store_classes()
    protocols = {
        node.name
        for node in ast.parse((STORAGE / "interface.py").read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef)
    }
    exposed = [
        node
        for node in ast.walk(ast.parse((STORAGE / "stores.py").read_text(encoding="utf-8")))
        if isinstance(node, ast.AnnAssign | ast.Assign)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id in stores
    ]
    untyped = [
        ast.unparse(node)
        for node in exposed
        if (
            isinstance(node, ast.AnnAssign)
            and not (isinstance(node.annotation, ast.Name) and node.annotation.id in protocols)
        )
        or (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Attribute))
    ]
    assert not untyped, untyped
    assert {"AttemptStore", "BankStore", "ContestStore", "AccountStore"} <= stores, stores
    problems = []
    for path in (PACKAGE / "services").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("contest.storage"):
                problems += [f"{path.name} imports {a.name}" for a in node.names if a.name in stores]
            elif isinstance(node, ast.Attribute) and node.attr in stores:
                problems.append(f"{path.name}:{node.lineno} uses {node.attr}")
    assert not problems, problems
