"""Shared by the dtype patterns: dtype names as TensorFlow's C++ runtime prints them, and the
operands of an op on the user's own line.

TensorFlow's kernels name dtypes in C++ (``float``, ``double``, ``half``); Python APIs name
them ``float32``, ``float64``, ``float16``. Everything a template shows uses the Python names.
"""

from __future__ import annotations

import ast
import warnings

# The C++ names of DataType (tensorflow/core/framework/types.cc) -> tf.<name>.
_CPP = {
    "float": "float32", "double": "float64", "half": "float16", "bfloat16": "bfloat16",
    "int8": "int8", "int16": "int16", "int32": "int32", "int64": "int64",
    "uint8": "uint8", "uint16": "uint16", "uint32": "uint32", "uint64": "uint64",
    "bool": "bool", "string": "string", "complex64": "complex64", "complex128": "complex128",
    "float32": "float32", "float64": "float64", "float16": "float16",
    "resource": "resource", "variant": "variant",
}


def dtype_name(text: str | None) -> str | None:
    """``double`` -> ``float64``, ``tf.float32`` -> ``float32``, ``float32_ref`` ->
    ``float32``; None stays None."""
    if not text:
        return None
    name = text.strip().strip("'\"").lower()
    name = name.removeprefix("tf.").removeprefix("dt_").removesuffix("_ref")
    return _CPP.get(name, name)


def is_float(dtype: str | None) -> bool:
    return dtype is not None and dtype.startswith(("float", "bfloat", "half", "double"))


def is_int(dtype: str | None) -> bool:
    return dtype is not None and dtype.startswith(("int", "uint"))


def common_dtype(a: str | None, b: str | None) -> str | None:
    """The dtype both operands should share: float32 (Keras' default) when either is float32,
    else the float one of an int/float pair, else the first."""
    if "float32" in (a, b):
        return "float32"
    if is_float(a) and not is_float(b):
        return a
    if is_float(b) and not is_float(a):
        return b
    return a or b


# TensorFlow op -> the Python operator that creates it on the user's line.
_OPERATORS: dict[str, type[ast.operator]] = {
    "Mul": ast.Mult, "AddV2": ast.Add, "Add": ast.Add, "Sub": ast.Sub, "RealDiv": ast.Div,
    "Div": ast.Div, "TrueDiv": ast.Div, "FloorDiv": ast.FloorDiv, "FloorMod": ast.Mod,
    "Pow": ast.Pow, "MatMul": ast.MatMult, "BatchMatMulV2": ast.MatMult,
}
# TensorFlow op -> the functions that create it.
_FUNCTIONS = {
    "Mul": ("multiply", "mul"), "AddV2": ("add",), "Add": ("add",), "Sub": ("subtract",),
    "RealDiv": ("divide", "truediv", "div"), "Div": ("divide", "div"), "Pow": ("pow",),
    "MatMul": ("matmul",), "BatchMatMulV2": ("matmul",), "Maximum": ("maximum",),
    "Minimum": ("minimum",), "SquaredDifference": ("squared_difference",),
}


def _parse(code: str) -> tuple[ast.AST, str] | None:
    source = code.strip()
    for candidate in (source, source.rstrip(":")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return ast.parse(candidate), candidate
        except SyntaxError:
            continue
    return None


def operands(code: str, op: str | None) -> tuple[str, str, str] | None:
    """(x, y, the line) when ``code`` holds exactly one place that creates ``op``: ``a * b``
    for Mul, ``tf.matmul(a, b)`` for MatMul. None when there is none or more than one (the
    line alone cannot tell which one failed)."""
    parsed = _parse(code) if code and op else None
    if parsed is None or op is None:
        return None
    tree, source = parsed
    operator = _OPERATORS.get(op)
    names = _FUNCTIONS.get(op, ())
    found: list[tuple[ast.AST, ast.AST]] = []
    for node in ast.walk(tree):
        if operator is not None and isinstance(node, ast.BinOp) and isinstance(node.op, operator):
            found.append((node.left, node.right))
        elif isinstance(node, ast.Call) and len(node.args) >= 2:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in names:
                found.append((node.args[0], node.args[1]))
    if len(found) != 1:
        return None
    x = ast.get_source_segment(source, found[0][0])
    y = ast.get_source_segment(source, found[0][1])
    if not x or not y:
        return None
    return x, y, source


def cast_operand(code: str, op: str | None, index: int, dtype: str) -> str | None:
    """``code`` with operand ``index`` (0 = x, 1 = y) of ``op`` wrapped in ``tf.cast(...,
    tf.<dtype>)``; None when the operand is not found exactly once."""
    found = operands(code, op)
    if found is None or index not in (0, 1):
        return None
    x, y, source = found
    target = (x, y)[index]
    if source.count(target) != 1 or (x in y or y in x):
        return None
    return source.replace(target, f"tf.cast({target}, tf.{dtype})", 1)
