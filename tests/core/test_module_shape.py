"""The shape the architecture asks of production code (``docs/architecture.md``): no
module much over 450 lines and no function over 60, so that a module has one reason to
change and a function can be read on one screen. Complexity is ruff's (C901, max 12)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_PRODUCTION = {".venv", "migrations", "tests", "bench", "node_modules", "var", ".git"}
MODULE_LINES = 460
FUNCTION_LINES = 60


def _production_modules():
    for path in sorted(ROOT.rglob("*.py")):
        if not NOT_PRODUCTION.intersection(path.relative_to(ROOT).parts):
            yield path


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def test_the_walk_finds_the_production_code():
    names = {path.relative_to(ROOT).as_posix() for path in _production_modules()}
    assert {"slas/clock.py", "core/commands.py", "config/settings.py"} <= names
    assert not any(name.startswith(("tests/", "bench/")) for name in names)


def test_no_production_module_is_over_its_size():
    too_long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in _production_modules()
        if (lines := path.read_text().count("\n")) > MODULE_LINES
    }
    assert not too_long, f"split these along their responsibilities: {too_long}"


def test_no_production_function_is_over_a_screen():
    too_long = [
        f"{path.relative_to(ROOT).as_posix()}:{node.lineno} {node.name} ({length} lines)"
        for path in _production_modules()
        for node in _functions(ast.parse(path.read_text()))
        if (length := node.end_lineno - node.lineno + 1) > FUNCTION_LINES
    ]
    assert not too_long, "split these into named steps:\n" + "\n".join(too_long)


def test_a_long_function_would_be_caught():
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES))
    (node,) = _functions(ast.parse(f"def long():\n{body}\n"))
    assert node.end_lineno - node.lineno + 1 > FUNCTION_LINES
