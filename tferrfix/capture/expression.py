"""The failing call in the user's frame and its arguments, evaluated without side effects.

``executing`` finds the exact AST node that was running when the exception left the user's
frame; ``pure_eval`` evaluates the call's receiver and arguments only where that needs no
function call (names, attributes, constants, safe containers). One more step ``pure_eval``
leaves out on purpose is done here by arithmetic on shapes: ``x_test[5]`` is described from
``x_test``'s shape, without calling its ``__getitem__``.
"""

from __future__ import annotations

import ast
import linecache
from dataclasses import dataclass, field
from types import FrameType, TracebackType
from typing import Any

from tferrfix.capture.describe import describe
from tferrfix.capture.keras_objects import (
    describe_model,
    describe_signatures,
    is_concrete_function,
    is_model,
    is_saved_model,
    model_input_shape,
)
from tferrfix.incident import SCALAR_KINDS, Evidence

_DATA_METHODS = {"predict", "fit", "evaluate", "predict_on_batch", "train_on_batch",
                 "test_on_batch", "call", "__call__"}
_TARGET_KEYWORDS = ("y",)
_TARGET_METHODS = ("fit", "evaluate", "train_on_batch")  # their second positional is y


@dataclass
class CallEvidence:
    evidence: list[Evidence] = field(default_factory=list)
    expression: str | None = None


def failing_node(tb: TracebackType) -> ast.AST | None:
    try:
        import executing

        return executing.Source.executing(tb).node
    except Exception:
        return None


def _enclosing_call(node: ast.AST | None) -> ast.Call | None:
    while node is not None:
        if isinstance(node, ast.Call):
            return node
        node = getattr(node, "parent", None)
    return None


def evidence_of_call(tb: TracebackType) -> CallEvidence:
    """Evidence for the failing call of the frame ``tb`` points to; for a failing statement
    that is not a call (``assert x.shape[1] % 16 == 0``, ``y = a * b``), the values it names."""
    frame = tb.tb_frame
    node = failing_node(tb)
    call = _enclosing_call(node)
    try:
        import pure_eval

        evaluator = pure_eval.Evaluator.from_frame(frame)
    except Exception:
        return CallEvidence()
    if call is None:
        return _names_in_statement(evaluator, frame, node)
    out = CallEvidence(expression=ast.unparse(call))
    receiver_node, method = _receiver(call)
    receiver = _value(evaluator, frame, receiver_node) if receiver_node is not None else None
    if receiver is None or not (is_model(receiver[1]) or is_saved_model(receiver[1])):
        # `loaded.signatures["serving_default"](...)`: the object the function came from.
        receiver = _owner(evaluator, frame, call.func) or receiver
    receiver_is_model = receiver is not None and is_model(receiver[1])
    if receiver is not None:
        text, obj = receiver
        if receiver_is_model:
            out.evidence.append(describe_model(obj, text))
        elif is_saved_model(obj) or is_concrete_function(obj):
            out.evidence.append(describe_signatures(obj, text))
    feeds_model = receiver_is_model and method in _DATA_METHODS
    model_shape = model_input_shape(receiver[1]) if receiver is not None and feeds_model \
        else None
    received = _received_arguments(tb, receiver[1] if receiver is not None else None)
    built = _model_under_construction(tb)
    if built is not None:
        # `keras.Sequential([...])` failed while building its layers: the model exists only
        # inside the constructor, described under the expression that makes it.
        out.evidence.append(describe_model(built, f"{ast.unparse(call.func)}(...)"))
    for position, node in enumerate(call.args):
        found = _value(evaluator, frame, node)
        if found is None and position < len(received):
            # `model.predict(np.array(...))`: the value is not evaluated again (that would
            # call code) but read where the callee received it.
            found = (ast.unparse(node), received[position])
        if found is None:
            # `tf.shape(inputs[0])[0]`: not evaluated, but `inputs` is read.
            out.evidence.extend(_elements(evaluator, frame, node))
            continue
        role = _role(feeds_model, model_shape, inputs=position == 0,
                     targets=position == 1 and method in _TARGET_METHODS)
        out.evidence.append(_describe(found, *role))
        out.evidence.extend(_elements(evaluator, frame, node))
    for keyword in call.keywords:
        if keyword.arg is None:
            continue
        found = _value(evaluator, frame, keyword.value)
        if found is None:
            received_value = _received_keyword(tb, call, keyword.arg)
            if received_value is not _MISSING:
                # `filepath=os.path.join(root, "best.hdf5")`: the call is not run again, the
                # callee's parameter holds what it made.
                found = (ast.unparse(keyword.value), received_value)
        if found is None:
            out.evidence.extend(_elements(evaluator, frame, keyword.value))
            continue
        if isinstance(keyword.value, ast.Constant):
            # `epochs=1` is listed as that, not as a value named `1`
            found = (f"{keyword.arg}={found[0]}", found[1])
        role = _role(feeds_model, model_shape, inputs=keyword.arg == "x",
                     targets=keyword.arg in _TARGET_KEYWORDS)
        out.evidence.append(_describe(found, *role))
        out.evidence.extend(_elements(evaluator, frame, keyword.value))
    if not any(ev.kind not in SCALAR_KINDS for ev in out.evidence):
        # `optimizer.apply_gradients(zip(grads, ...))`: nothing in the call itself could be
        # read, the variables of the statement can.
        out.evidence.extend(_names_in_statement(evaluator, frame, call).evidence)
    seen: set[tuple[str, str]] = set()
    unique = []
    for ev in out.evidence:
        if (ev.subject, ev.kind) not in seen:
            seen.add((ev.subject, ev.kind))
            unique.append(ev)
    out.evidence = unique
    return out


def _role(feeds_model: bool, model_shape: tuple[int | None, ...] | None, *, inputs: bool,
          targets: bool) -> tuple[str | None, dict[str, Any]]:
    """The role of an argument of the failing call when the call feeds a model (its inputs or
    its targets), with the shape the model wants for its inputs."""
    if not feeds_model:
        return None, {}
    if inputs:
        shape = {} if model_shape is None else {"model_input_shape": list(model_shape)}
        return "model-input", shape
    return ("targets" if targets else None), {}


def _owner(evaluator: Any, frame: FrameType, func: ast.expr) -> tuple[str, Any] | None:
    """The model or SavedModel a called expression was taken from, looking through
    attributes and subscripts."""
    node = func
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
        found = _value(evaluator, frame, node)
        if found is not None and (is_model(found[1]) or is_saved_model(found[1])):
            return found
    return None


_MAX_ELEMENTS = 6
_MAX_NAMES = 6


def _elements(evaluator: Any, frame: FrameType, node: ast.expr) -> list[Evidence]:
    """Each element of a list, tuple or dict written in the call (``[a, b]``,
    ``{"image": x, "meta": m}``), or each argument of a call nested in it, under its own name:
    the user knows ``a`` and ``b``, not ``[a, b][1]``."""
    if isinstance(node, (ast.List, ast.Tuple)):
        parts = node.elts
    elif isinstance(node, ast.Dict):
        parts = [v for v in node.values if v is not None]
    elif isinstance(node, (ast.Name, ast.Attribute, ast.Constant)):
        return []
    else:
        # `tf.constant(new_data)`, `zip(grads, variables)`, `tf.shape(a)[0]`: the expression
        # is not run again, but the variables it reads are the user's data.
        return _described_names(evaluator, frame, node)
    out = []
    for part in parts[:_MAX_ELEMENTS]:
        if isinstance(part, ast.Constant):
            continue
        found = _value(evaluator, frame, part)
        if found is not None:
            out.append(_describe(found, None, {}))
    return out


def _names_in_statement(evaluator: Any, frame: FrameType, node: ast.AST | None
                        ) -> CallEvidence:
    """The variables the failing statement reads, described; scalars and functions left out."""
    statement = node
    while statement is not None and not isinstance(statement, ast.stmt):
        statement = getattr(statement, "parent", None)
    if statement is None:
        statement = _statement_at(frame)
    if statement is None:
        return CallEvidence()
    return CallEvidence(_described_names(evaluator, frame, statement), ast.unparse(statement))


def _described_names(evaluator: Any, frame: FrameType, root: ast.AST) -> list[Evidence]:
    out = []
    seen: set[str] = set()
    for name in ast.walk(root):
        if not isinstance(name, ast.Name) or not isinstance(name.ctx, ast.Load) \
                or name.id in seen or len(seen) >= _MAX_NAMES:
            continue
        seen.add(name.id)
        found = _value(evaluator, frame, name)
        if found is None or (callable(found[1]) and not is_model(found[1])) \
                or isinstance(found[1], (int, float, bool, str, type(None))):
            continue
        evidence = (describe_model(found[1], found[0]) if is_model(found[1])
                    else _describe(found, None, {}))
        if evidence.kind not in ("object", "module"):
            out.append(evidence)
    return out


def _statement_at(frame: FrameType) -> ast.stmt | None:
    """The innermost statement at the frame's current line, found by parsing its file, for
    when ``executing`` cannot tell which node was running."""
    try:
        source = "".join(linecache.getlines(frame.f_code.co_filename))
        tree = ast.parse(source) if 0 < len(source) < 5_000_000 else None
    except (SyntaxError, ValueError):
        return None
    line = frame.f_lineno
    best: ast.stmt | None = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or 0) and (
                best is None or node.lineno >= best.lineno):
            best = node
    return best


_MISSING = object()


def _received_keyword(tb: TracebackType, call: ast.Call, name: str) -> Any:
    """The value the called function received for the keyword ``name``: its parameter of that
    name, or the ``kwargs`` of a decorator's wrapper around it. Only when the frame below is
    that function (its name, or ``__init__`` of a class call) or such a wrapper."""
    callee = tb.tb_next
    if callee is None:
        return _MISSING
    code = callee.tb_frame.f_code
    local = callee.tb_frame.f_locals
    func = call.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if code.co_name in (called, "__init__"):
        params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        if name in params and name in local:
            return local[name]
    kwargs = local.get("kwargs")
    if "args" in local and isinstance(kwargs, dict) and name in kwargs:
        return kwargs[name]
    return _MISSING


def _received_arguments(tb: TracebackType, receiver: Any) -> tuple[Any, ...]:
    """The positional arguments as the next frame (the callee, or Keras' error-handling
    wrapper around it) received them, when that frame shows them unambiguously."""
    callee = tb.tb_next
    if callee is None or receiver is None:
        return ()
    local = callee.tb_frame.f_locals
    args = local.get("args")
    if isinstance(args, tuple) and args and args[0] is receiver:
        return args[1:]
    if local.get("self") is receiver and "x" in local:
        return (local["x"],)
    return ()


def _model_under_construction(tb: TracebackType) -> Any:
    """The Keras model whose constructor the failing call entered, if it did."""
    callee = tb.tb_next
    if callee is None or callee.tb_frame.f_code.co_name != "__init__":
        return None
    owner = callee.tb_frame.f_locals.get("self")
    return owner if owner is not None and is_model(owner) else None


def _receiver(call: ast.Call) -> tuple[ast.expr | None, str]:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.value, func.attr
    if isinstance(func, ast.Name):
        return func, "__call__"
    return None, ""


class _Shaped:
    """A stand-in for ``array[index]``: its shape and dtype, computed, not fetched."""

    def __init__(self, base: Any, shape: tuple[int | None, ...]) -> None:
        self.shape = shape
        self.dtype = getattr(base, "dtype", None)
        self.kind = "array" if type(base).__module__.startswith("numpy") else "tensor"


def _describe(found: tuple[str, Any], role: str | None, extra: dict[str, Any]) -> Evidence:
    try:
        return _described(found, role, extra)
    except Exception as error:  # a value that cannot be described costs only its evidence
        return Evidence(found[0], "object", None, None, "live",
                        (("unreadable", type(error).__name__),))


def _described(found: tuple[str, Any], role: str | None, extra: dict[str, Any]) -> Evidence:
    subject, value = found
    if isinstance(value, _Shaped):
        details = dict(extra)
        if role:
            details["role"] = role
        dtype = getattr(value.dtype, "name", None) or (str(value.dtype) if value.dtype else None)
        return Evidence(subject, value.kind, value.shape, dtype, "live", tuple(details.items()))
    return describe(value, subject, role=role, extra=extra)


def _value(evaluator: Any, frame: FrameType, node: ast.expr) -> tuple[str, Any] | None:
    text = ast.unparse(node)
    try:
        return text, evaluator[node]
    except Exception:
        pass
    if isinstance(node, ast.Subscript):
        base = _value(evaluator, frame, node.value)
        if base is None:
            return None
        shape = _indexed_shape(base[1], node.slice, evaluator)
        if shape is not None:
            return text, _Shaped(base[1], shape)
    return None


def _indexed_shape(base: Any, index: ast.expr, evaluator: Any) -> tuple[int | None, ...] | None:
    shape = getattr(base, "shape", None)
    try:
        dims = tuple(None if d is None else int(d) for d in shape)  # type: ignore[union-attr]
    except Exception:
        return None
    if not dims:
        return None
    if isinstance(index, ast.Slice):
        start, stop, step = (_int(evaluator, part) for part in (index.lower, index.upper,
                                                                 index.step))
        if dims[0] is None:
            return (None, *dims[1:])
        length = len(range(dims[0])[slice(start, stop, step)])
        return (length, *dims[1:])
    if isinstance(index, ast.Tuple):
        return None
    value = _int(evaluator, index)
    if value is None:
        return None
    return dims[1:]


def _int(evaluator: Any, node: ast.expr | None) -> int | None:
    if node is None:
        return None
    try:
        value = evaluator[node]
    except Exception:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
