"""Keras models and layers, loaded SavedModels and concrete functions, described as evidence.

Attributes are read without running user code: an attribute is read only when it is stored on
the instance or defined by a class of Keras or TensorFlow itself, never a property of a user's
subclass.
"""

from __future__ import annotations

import contextlib
import inspect
from typing import Any

from tferrfix.capture.describe import _shape_tuple, spec_components
from tferrfix.incident import Evidence

MAX_LAYERS = 300
_LIBRARIES = ("keras", "tf_keras", "tensorflow")
_LAYER_FIELDS = ("units", "filters", "kernel_size", "pool_size", "strides", "padding",
                 "data_format", "rate", "target_shape", "axis", "input_dim", "output_dim",
                 "return_sequences")


def _is_library_class(cls: type) -> bool:
    return cls.__module__.split(".")[0] in _LIBRARIES


def _has_library_base(value: Any, names: tuple[str, ...]) -> bool:
    return any(c.__name__ in names and _is_library_class(c) for c in type(value).__mro__)


def is_layer(value: Any) -> bool:
    return _has_library_base(value, ("Layer",))


def is_model(value: Any) -> bool:
    return _has_library_base(value, ("Model", "Functional", "Sequential"))


def is_saved_model(value: Any) -> bool:
    return _has_library_base(value, ("_UserObject", "AutoTrackable")) and \
        hasattr(value, "signatures")


def is_concrete_function(value: Any) -> bool:
    return _has_library_base(value, ("ConcreteFunction",))


def safe_attr(value: Any, name: str, default: Any = None) -> Any:
    """``value.name`` when reading it runs no user code."""
    try:
        instance_dict = vars(value)
    except TypeError:
        instance_dict = {}
    if name in instance_dict:
        return instance_dict[name]
    for cls in type(value).__mro__:
        if name in cls.__dict__:
            if not _is_library_class(cls) and hasattr(cls.__dict__[name], "__get__"):
                return default
            try:
                return getattr(value, name)
            except Exception:
                return default
    return default


def _shapes(tensors: Any) -> list[tuple[int | None, ...] | None] | None:
    if tensors is None:
        return None
    if not isinstance(tensors, (list, tuple)):
        tensors = [tensors]
    return [_shape_tuple(safe_attr(t, "shape")) for t in tensors]


def _name_of(obj: Any) -> str | None:
    if obj is None:
        return None
    if isinstance(obj, str):
        return obj
    return getattr(obj, "__name__", None) or type(obj).__name__


def layer_facts(layer: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"class": type(layer).__name__, "name": safe_attr(layer, "name")}
    for field in _LAYER_FIELDS:
        value = safe_attr(layer, field)
        if value is not None and isinstance(value, (int, str, bool, tuple, list)):
            facts[field] = list(value) if isinstance(value, tuple) else value
    activation = safe_attr(layer, "activation")
    if activation is not None:
        facts["activation"] = _name_of(activation)
    return facts


def describe_model(model: Any, subject: str) -> Evidence:
    details: dict[str, Any] = {"class": type(model).__name__, "name": safe_attr(model, "name")}
    inputs = _shapes(safe_attr(model, "inputs"))
    if inputs:
        details["input_shapes"] = [list(s) if s is not None else None for s in inputs]
    outputs = _shapes(safe_attr(model, "outputs"))
    if outputs:
        details["output_shapes"] = [list(s) if s is not None else None for s in outputs]
    layers = safe_attr(model, "layers") or []
    try:
        details["layer_count"] = len(layers)
        details["layers"] = [layer_facts(layer) for layer in list(layers)[:MAX_LAYERS]]
    except Exception:
        pass
    loss = safe_attr(model, "loss")
    if loss is not None:
        details["loss"] = _name_of(loss) if not isinstance(loss, (dict, list)) else str(loss)
    shape = tuple(inputs[0]) if inputs and len(inputs) == 1 and inputs[0] is not None else None
    return Evidence(subject, "model", shape, None, "live", tuple(details.items()))


def describe_layer(layer: Any, subject: str) -> Evidence:
    details = layer_facts(layer)
    spec = safe_attr(layer, "input_spec")
    if spec is not None:
        details["input_spec"] = str(spec)[:300]
    return Evidence(subject, "layer", None, None, "live", tuple(details.items()))


def describe_signatures(obj: Any, subject: str) -> Evidence:
    details: dict[str, Any] = {}
    signatures = safe_attr(obj, "signatures")
    found = {}
    inputs: dict[str, list[dict[str, Any]]] = {}
    functions: list[tuple[str, Any]] = []
    with contextlib.suppress(Exception):
        functions = [(key, signatures[key]) for key in list(signatures or {})[:20]]
    if is_concrete_function(obj):
        functions.append(("(this function)", obj))
    for key, fn in functions:
        spec = safe_attr(fn, "structured_input_signature")
        found[key] = str(spec)[:500]
        with contextlib.suppress(Exception):
            inputs[key] = spec_components(spec)
    details["signatures"] = found
    details["signature_inputs"] = inputs
    return Evidence(subject, "saved_model", None, None, "live", tuple(details.items()))


def model_input_shape(model: Any) -> tuple[int | None, ...] | None:
    shapes = _shapes(safe_attr(model, "inputs"))
    if shapes and len(shapes) == 1:
        return shapes[0]
    return None


def library_objects(frames: list[Any]) -> list[Evidence]:
    """The Keras layers and models that were running when the error was raised (``self`` of
    library frames), innermost last, without duplicates."""
    seen: set[int] = set()
    out: list[Evidence] = []
    for frame in frames:
        module = frame.f_globals.get("__name__", "")
        if module.split(".")[0] not in _LIBRARIES:
            continue
        owner = frame.f_locals.get("self")
        if owner is None or id(owner) in seen:
            continue
        if is_model(owner):
            seen.add(id(owner))
            out.append(describe_model(owner, f"model {safe_attr(owner, 'name')!s}"))
        elif is_layer(owner):
            seen.add(id(owner))
            out.append(describe_layer(owner, f"layer {safe_attr(owner, 'name')!s}"))
    return out[-6:]


def signature_of(fn: Any) -> str | None:
    try:
        return str(inspect.signature(fn))
    except (TypeError, ValueError):
        return None
