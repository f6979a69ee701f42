"""Shared by input-count-mismatch and sample-count-mismatch: read the messages in which Keras
counts arrays - how many inputs a model got, and how many samples each array holds.

The two families meet in one message, Keras' "Data cardinality is ambiguous": it lists the
number of samples of every input and target. Usually the inputs and targets really differ in
length (sample-count-mismatch). But when ``x`` is a Python list of N arrays of the same length
L and there are N targets, Keras read the list of N samples as N separate inputs of L samples
each: the list should have been one array (input-count-mismatch).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.fixes.snippets import data_call
from tferrfix.incident import Incident
from tferrfix.shapes import Shape, parse_shape

_S = r"(?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])"  # a printed shape

# -- the number of inputs ------------------------------------------------------------------
# Keras 3: 'Layer "m" expects 2 named input(s) with keys ['a', 'b'], but it received 1 input
# tensors.'; tf-keras 2.x: 'Layer "model" expects 2 input(s), but it received 1 input tensors.
# Inputs received: [...]' (older: 'Layer model_2 expects 2 input(s)', 'expects 1 inputs').
EXPECTS = lazy_regex.compile(
    r"Layer [\"']?(?P<layer>[\w./-]+?)[\"']? expects (?P<expected>\d+) (?:named )?"
    r"inputs?(?:\(s\))?(?: with keys (?P<keys>\[[^\]]*\]))?, but it received "
    r"(?P<received>\d+) input tensors?"
)
# Keras <= 2.3: "Error when checking model input: the list of Numpy arrays that you are passing
# to your model is not the size the model expected. Expected to see 1 array(s), but instead got
# the following list of 5910 arrays: [...]"
LIST_SIZE = lazy_regex.compile(
    r"Error when checking(?: model)? input ?: the list of Numpy arrays that you are passing to "
    r"your model is not the size the model expected\. Expected to see (?P<expected>\d+) "
    r"array\(s\),? but (?:instead )?got the following list of (?P<received>\d+) arrays"
)

# -- the number of samples ------------------------------------------------------------------
# Keras 3: "Data cardinality is ambiguous. Make sure all arrays contain the same number of
# samples.'x' sizes: 396, 369\n'y' sizes: 396"; tf-keras 2.x: "Data cardinality is ambiguous:\n
#   x sizes: 2520\n  y sizes: 4575\nMake sure all arrays contain the same number of samples."
CARDINALITY = lazy_regex.compile(r"Data cardinality is ambiguous")
_SIZES = lazy_regex.compile(r"['\"]?(?P<name>x|y|sample_weight)['\"]? sizes: (?P<sizes>\d+(?:, \d+)*)")
# Keras <= 2.3: "Input arrays should have the same number of samples as target arrays. Found
# 2520 input samples and 4575 target samples." (often cut short in pasted reports)
INPUT_VS_TARGET = lazy_regex.compile(
    r"Input arrays should have the same number of s(?:a(?:m(?:p(?:les as target arrays\. Found "
    r"(?P<x>\d+) input samples and (?P<y>\d+) target samples)?)?)?)?"
)
# Keras <= 2.3: "All input arrays (x) should have the same number of samples. Got array
# shapes: [(2, 74), (2, 18), (32, 572)]"
ALL_ARRAYS = lazy_regex.compile(
    r"All (?P<what>input|target) arrays \((?P<name>x|y)\) should have the same number of "
    r"samples\.(?: Got array shapes: (?P<shapes>\[[^\]]*\]))?"
)
_ONE_SHAPE = lazy_regex.compile(r"\([^()]*\)")
_TENSOR_SHAPE = lazy_regex.compile(rf"shape=(?P<shape>{_S})")


@dataclass(frozen=True)
class Counts:
    """What a counting message says."""

    wording: str
    expected_inputs: int | None = None
    received_inputs: int | None = None
    layer: str | None = None
    keys: tuple[str, ...] = ()
    received_shapes: tuple[Shape, ...] = ()
    x_sizes: tuple[int, ...] = ()
    y_sizes: tuple[int, ...] = ()
    weight_sizes: tuple[int, ...] = ()
    shapes: tuple[Shape, ...] = ()  # "Got array shapes" of Keras 2
    arrays: str | None = None  # "input" / "target" for Keras 2's per-kind message

    @property
    def list_read_as_inputs(self) -> bool:
        """N arrays of one length L given as x, and N targets: a list of N samples that Keras
        took for N inputs of L samples each."""
        xs = self.x_sizes
        return (len(xs) >= 2 and len(set(xs)) == 1 and len(set(self.y_sizes)) == 1
                and self.y_sizes[0] == len(xs) and xs[0] != len(xs))

    def facts(self) -> dict[str, Any]:
        return {
            "wording": self.wording,
            "expected_inputs": self.expected_inputs,
            "received_inputs": self.received_inputs,
            "layer": self.layer,
            "keys": list(self.keys),
            "received_shapes": list(self.received_shapes),
            "x_sizes": list(self.x_sizes),
            "y_sizes": list(self.y_sizes),
            "weight_sizes": list(self.weight_sizes),
            "array_shapes": list(self.shapes),
            "arrays": self.arrays,
        }


def read_counts(incident: Incident) -> Counts | None:
    """The first counting message of the incident, read; None when there is none."""
    for text in incident.messages:
        found = EXPECTS.search(text, timeout=1.0)
        if found:
            keys = tuple(regex.findall(r"'([^']*)'", found["keys"] or ""))
            after = text[found.end():]
            shapes = tuple(s for s in (parse_shape(m["shape"])
                                       for m in _TENSOR_SHAPE.finditer(after, timeout=1.0))
                           if s is not None)
            return Counts("expects", int(found["expected"]), int(found["received"]),
                          found["layer"], keys, shapes)
        found = LIST_SIZE.search(text, timeout=1.0)
        if found:
            return Counts("list-size", int(found["expected"]), int(found["received"]))
        found = CARDINALITY.search(text, timeout=1.0)
        if found:
            sizes: dict[str, tuple[int, ...]] = {}
            for m in _SIZES.finditer(text, found.end(), timeout=1.0):
                sizes.setdefault(m["name"], tuple(int(n) for n in m["sizes"].split(", ")))
            return Counts("cardinality", x_sizes=sizes.get("x", ()), y_sizes=sizes.get("y", ()),
                          weight_sizes=sizes.get("sample_weight", ()))
        found = INPUT_VS_TARGET.search(text, timeout=1.0)
        if found:
            xs = (int(found["x"]),) if found["x"] else ()
            ys = (int(found["y"]),) if found["y"] else ()
            return Counts("input-vs-target", x_sizes=xs, y_sizes=ys)
        found = ALL_ARRAYS.search(text, timeout=1.0)
        if found:
            shapes = tuple(s for s in (parse_shape(p) for p in
                                       _ONE_SHAPE.findall(found["shapes"] or "")) if s)
            firsts = tuple(s[0] for s in shapes if s and s[0] is not None)
            key = "x_sizes" if found["name"] == "x" else "y_sizes"
            return Counts("all-arrays", shapes=shapes, arrays=found["what"],
                          **{key: firsts})  # type: ignore[arg-type]
    return None


@dataclass(frozen=True)
class CallShape:
    """How the user's failing line passed the data: ``model.fit([a, b], y, ...)``."""

    method: str | None = None
    receiver: str | None = None
    x: str | None = None
    x_kind: str | None = None  # "list", "nested-list", "wrapped-list", "name", ...
    x_items: tuple[str, ...] = ()
    validation_list: str | None = None  # the source of `validation_data=[...]`
    y: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def read_call(code: str) -> CallShape:
    """The data argument of the user's line and how it is built (lists, nesting)."""
    site = data_call(code) if code else None
    if site is None and code and code.rstrip().endswith((",", "(")):
        # the first line of a call written over several lines: "model.fit([a, b], y,"
        site = data_call(code.rstrip().rstrip(",") + ")")
    if site is None:
        return CallShape()
    x = site.args[0] if site.args else dict(site.keywords).get("x")
    kind, items = _literal_kind(x)
    validation = dict(site.keywords).get("validation_data")
    validation_list = validation if validation and validation.lstrip().startswith("[") else None
    y = site.args[1] if len(site.args) > 1 else dict(site.keywords).get("y")
    return CallShape(site.method, site.receiver, x, kind, items, validation_list, y)


def _literal_kind(source: str | None) -> tuple[str | None, tuple[str, ...]]:
    if not source:
        return None, ()
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return None, ()
    if not isinstance(node, (ast.List, ast.Tuple)):
        return "name", ()
    items = tuple(ast.get_source_segment(source.strip(), e) or "" for e in node.elts)
    if len(node.elts) == 1 and isinstance(node.elts[0], (ast.List, ast.Tuple)):
        return "wrapped-list", items  # [[a, b]]: the inputs wrapped in one more list
    if node.elts and all(isinstance(e, ast.List) for e in node.elts):
        return "nested-list", items  # [[ids], [segments]]: Python lists, not arrays
    return "list", items
