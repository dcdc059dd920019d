"""The .pyi stub of the native module names exactly what the module exports."""

from __future__ import annotations

import ast
from pathlib import Path

import ytvis_fast
from ytvis_fast import _core


def _stub_names() -> tuple[set[str], dict[str, set[str]]]:
    stub = Path(ytvis_fast.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    top: set[str] = set()
    members: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                n.name
                for n in node.body
                if isinstance(n, ast.FunctionDef) and not n.name.startswith("__")
            }
    return top, members


def test_stub_matches_module() -> None:
    top, members = _stub_names()
    public = {name for name in dir(_core) if not name.startswith("_")}
    assert top == public
    for cls, names in members.items():
        native = getattr(_core, cls)
        if issubclass(native, BaseException):
            continue  # exception types only inherit members
        actual = {n for n in dir(native) if not n.startswith("_")}
        assert names == actual, cls


def test_package_is_typed() -> None:
    assert Path(ytvis_fast.__file__).with_name("py.typed").exists()


def test_version_comes_from_the_build() -> None:
    from importlib.metadata import version

    assert ytvis_fast.__version__ == _core.__version__ == version("ytvis_fast")
