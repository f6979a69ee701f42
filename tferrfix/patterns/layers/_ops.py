"""Shared by the layer patterns: read the op, node, layer name and shapes that TensorFlow and
Keras print around a shape error (graph-mode shape inference, runtime kernels, Keras 3)."""

from __future__ import annotations

import ast
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.fixes.locate import parse_source
from tferrfix.shapes import Shape, parse_shape

SHAPE = r"(?:\[[^\[\]]*\]|\([^()]*\))"  # one printed shape, [?,28,28,1] or (None, 28)

# "... for '{{node conv2d_1/Conv2D}} = Conv2D[...]" (TF2) or "for 'conv2d_1/Conv2D' (op: 'Conv2D')" (TF1)
_NODE = lazy_regex.compile(r"for '(?:\{\{node )?(?P<node>[^'{}\s]+)(?:\}\})?")
_OP = lazy_regex.compile(r"\(op: '(?P<op>\w+)'\)|\}\} = (?P<op2>\w+)\[|\[Op:(?!__)(?P<op3>\w+)\]|Node: [^=\]]+ = (?P<op4>\w+)\[")
_INPUT_SHAPES = lazy_regex.compile(r"with input shapes: (?P<shapes>\[[^\]]*\](?:, \[[^\]]*\])*)")
_ONE = lazy_regex.compile(r"\([^()]*\)|\[[^\[\]()]*\]")
_TF_KERAS_LAYER = lazy_regex.compile(r"calling layer [\"'](?P<layer>[^\"']+)[\"'](?: \(type (?P<type>\w+)\))?")
_KERAS3_LAYER = lazy_regex.compile(r"calling (?P<type>\w+)\.call\(\)")
_DATA_FORMAT = lazy_regex.compile(r"data_format=\"(?P<fmt>\w+)\"")


def shape_of(text: str | None) -> Shape | None:
    """A printed shape, also Keras 3's space-separated ``[None 32 148 1]``."""
    if text is None:
        return None
    text = text.strip()
    if "," not in text and " " in text.strip("[]() "):
        text = text[0] + ",".join(text[1:-1].split()) + text[-1]
    return parse_shape(text)


def shapes_in(text: str | None) -> list[Shape]:
    """Every printed shape in ``text``, in order."""
    out = []
    for piece in _ONE.findall(text or ""):
        shape = shape_of(piece)
        if shape is not None:
            out.append(shape)
    return out


def op_info(text: str) -> dict[str, Any]:
    """The op, node, layer and input shapes a TensorFlow message names, when it names them."""
    node = _NODE.search(text)
    op = _OP.search(text)
    shapes = _INPUT_SHAPES.search(text)
    tf_layer = _TF_KERAS_LAYER.search(text)
    k3_layer = _KERAS3_LAYER.search(text)
    fmt = _DATA_FORMAT.search(text)
    node_name = node["node"] if node else None
    layer = tf_layer["layer"] if tf_layer else None
    if layer is None and node_name and "/" in node_name:
        layer = node_name.split("/")[-2]
    layer_type = (tf_layer["type"] if tf_layer else None) or (k3_layer["type"] if k3_layer else None)
    op_name = None
    if op:
        op_name = op["op"] or op["op2"] or op["op3"] or op["op4"]
    return {
        "node": node_name,
        "op": op_name,
        "layer": layer,
        "layer_type": layer_type,
        "input_shapes": shapes_in(shapes["shapes"]) if shapes else [],
        "data_format": fmt["fmt"] if fmt else None,
    }


def first_message(incident, rx: regex.Pattern[str]) -> tuple[regex.Match[str], str] | None:
    """The first match of ``rx`` over the incident's messages, with the message it came from."""
    for text in incident.messages:
        found = rx.search(text, timeout=1.0)
        if found:
            return found, text
    return None


# --- reading the user's source, for fixes (parses the file that ran; runs nothing) ---------

def module_of(path: str | None) -> ast.Module | None:
    """The user's file parsed, or None when it cannot be read or parsed."""
    return parse_source(path)


def called_name(node: ast.AST) -> str | None:
    """``Dense`` for ``Dense(...)``, ``layers.Dense(...)``; None for anything else."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else None


def calls_named(tree: ast.Module, name: str) -> list[ast.Call]:
    """The calls to ``name`` in source order."""
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and called_name(n) == name]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset))


def assignment_before(tree: ast.Module, name: str, line: int) -> ast.Assign | None:
    """The last plain ``name = ...`` that starts before ``line``."""
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node.lineno < line and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets) and \
                (best is None or node.lineno > best.lineno):
            best = node
    return best


def call_argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return positional[position] if position < len(positional) else None


def model_layers(evidence: Any) -> list[dict[str, Any]]:
    """The layers of the live model evidence (the first model that lists them)."""
    for ev in evidence:
        if ev.kind == "model" and ev.origin == "live" and ev.detail("layers"):
            return list(ev.detail("layers"))
    return []


def call_taking(code: str, subject: str) -> str | None:
    """The name of the one call on ``code`` whose first argument is ``subject``."""
    try:
        tree = ast.parse(code.strip())
    except SyntaxError:
        return None
    names = [called_name(n) for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args
             and isinstance(n.args[0], ast.Name) and n.args[0].id == subject]
    return names[0] if len(names) == 1 else None
