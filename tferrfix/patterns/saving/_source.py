"""Where in the user's file (the one that ran) a saving fix must edit: the string literal that
holds a file name, the class a message names. Reads the file with ``ast``; runs nothing.
Used only for live incidents, where the file is the program that failed."""

from __future__ import annotations

import ast
import os

from tferrfix.fixes.locate import parse_source
from tferrfix.fixes.materialize import read_source


def _tree(path: str | None) -> ast.Module | None:
    return parse_source(path)


def string_literals(path: str | None) -> list[tuple[str, int]]:
    """(value, 1-based line) of every string literal in the file."""
    tree = _tree(path)
    if tree is None:
        return []
    return sorted(((n.value, n.lineno) for n in ast.walk(tree)
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)),
                  key=lambda item: item[1])


def literal_of_path(path: str | None, received: str | None) -> tuple[str, int, int] | None:
    """The one string literal that spells the file name Keras received: the whole path, or
    its last component(s) when the program joined it to a directory (``os.path.join(d,
    "best.hdf5")``). Returns (value, line, how often that value occurs in the file)."""
    if not received:
        return None
    literals = string_literals(path)
    if not literals:
        return None
    exact = [item for item in literals if item[0] == received]
    found = exact or [item for item in literals
                      if item[0] and "/" + item[0].lstrip("/") == received[-len(item[0]) - 1:]
                      .replace(os.sep, "/") and os.path.basename(item[0])]
    values = {value for value, _ in found}
    if len(values) != 1:
        return None
    value = values.pop()
    lines = [line for v, line in literals if v == value]
    return value, lines[0], len(lines)


def class_lines(path: str | None, name: str) -> list[int]:
    """1-based lines of the ``class <name>`` (or ``def <name>``) definitions."""
    tree = _tree(path)
    if tree is None:
        return []
    return sorted(n.lineno for n in ast.walk(tree)
                  if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and n.name == name)


def keyword_call(path: str | None, line: int | None, keyword: str
                 ) -> tuple[str, str, list[str] | None] | None:
    """The one call spanning ``line`` that is given ``keyword=``: (the source of its callee,
    e.g. ``keras.layers.Dense``; the source of the keyword's value; the sources of its
    elements when the value is a list or tuple display, else None)."""
    source = read_source(path) if path else None
    tree = _tree(path)
    if source is None or tree is None or line is None:
        return None
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node.end_lineno is None:
            continue
        if not node.lineno <= line <= node.end_lineno:
            continue
        for kw in node.keywords:
            if kw.arg == keyword:
                found.append((node, kw))
    if len(found) != 1:
        return None
    call, kw = found[0]
    callee = ast.get_source_segment(source, call.func)
    value = ast.get_source_segment(source, kw.value)
    if callee is None or value is None:
        return None
    elements = None
    if isinstance(kw.value, (ast.List, ast.Tuple)):
        parts = [ast.get_source_segment(source, e) for e in kw.value.elts]
        elements = [p for p in parts if p is not None]
        if len(elements) != len(parts):
            elements = None
    return callee, value, elements


def statement_is_call_of(path: str | None, line: int | None, method: str) -> bool:
    """Whether the statement at ``line`` is an expression statement calling ``.method(...)``
    (``model.add(LSTM(...))``)."""
    tree = _tree(path)
    if tree is None or line is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and node.end_lineno is not None and \
                node.lineno <= line <= node.end_lineno:
            value = node.value
            return isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                value.func.attr == method
    return False


def first_framework_import(path: str | None) -> tuple[int | None, bool]:
    """The line of the program's first top-level import of TensorFlow, Keras or tf-keras,
    and whether ``import os`` comes before it."""
    tree = _tree(path)
    if tree is None:
        return None, False
    has_os = False
    for node in tree.body:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        roots = {name.split(".")[0] for name in names}
        if roots & {"tensorflow", "keras", "tf_keras"}:
            return node.lineno, has_os
        if isinstance(node, ast.Import) and any(a.name == "os" and a.asname is None
                                                for a in node.names):
            has_os = True
    return None, has_os
