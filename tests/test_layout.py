"""The house rules a newcomer relies on, checked: every module says what it owns, every public
function and class has a docstring, and no module grows past about 350 lines."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "python" / "mothello_data"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 350


def test_the_package_is_found():
    assert len(MODULES) > 15


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_has_a_docstring_and_stays_small(path):
    text = path.read_text()
    assert ast.get_docstring(ast.parse(text)), f"{path.name}: no module docstring"
    assert text.count("\n") <= MAX_LINES, f"{path.name}: {text.count(chr(10))} lines (split it by responsibility)"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_public_functions_and_classes_have_docstrings(path):
    tree = ast.parse(path.read_text())
    missing = []
    for node in tree.body:
        members = node.body if isinstance(node, ast.ClassDef) and not node.name.startswith("_") else []
        for item in [node, *members]:
            if isinstance(item, (ast.FunctionDef, ast.ClassDef)) and not item.name.startswith("_"):
                if not ast.get_docstring(item):
                    missing.append(f"{item.name} (line {item.lineno})")
    assert not missing, f"{path.name}: no docstring on {', '.join(missing)}"
