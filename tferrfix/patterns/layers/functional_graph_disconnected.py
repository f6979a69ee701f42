"""A functional model's outputs cannot be computed from the inputs it was given.

## What it means
A functional `Model(inputs, outputs)` is the graph of layer calls that leads from `inputs` to
`outputs`. Keras walks back from every output to the inputs; when it meets a tensor that is
not one of the `inputs` and was not computed from them, the output cannot be computed and the
model is refused ("Graph disconnected"). The tensor it names is the missing link: usually an
`Input` that the layers were built on but that is not in `inputs=`.

## Why it happens
* The layers were called on one `Input` object and the `Model` was created with another one
  (an `Input` created twice, e.g. in a function called twice, or a copy with the same name).
* A model with several inputs lists only some of them in `inputs=` (an `Input(tensor=...)`,
  a second branch).
* A layer was called on a tensor from another model, or on a Python list of tensors that was
  changed afterwards (`concatenate(a_list)` and then `a_list.append(...)`).
* tf-keras 2.1-2.5: a model with several inputs called with fewer of them
  (`model(images)` for a model built on `[images, labels]`) fails while it runs with
  `Could not compute output ...`; the same assertion appears when a model was assembled with
  `Sequential.add()` from tensors instead of layers.

## Example
```python
states, actions = Input((8,)), Input((4,))
states1, actions1 = Input((8,), name="states"), Input((4,), name="actions")
q = Dense(1)(Add()([Dense(64)(states1), Dense(64)(actions1)]))
model = Model(inputs=[states, actions], outputs=q)   # the layers hang off states1/actions1
```
Keras 3 (3.x):
    Output with path `` is not connected to `inputs`
tf-keras 2.x:
    Graph disconnected: cannot obtain value for tensor KerasTensor(type_spec=TensorSpec(shape=(None, 8), dtype=tf.float32, name='states'), name='states', description="created by layer 'states'") at layer "dense". The following previous layers were accessed without issue: []
    Graph disconnected: cannot obtain value for tensor Tensor("dropout_19_1/Identity:0", shape=(None, None, None, 32), dtype=float32) at layer "concatenate_4".
Keras <= 2.3 / TF1:
    Graph disconnected: cannot obtain value for tensor Tensor("actions_3:0", shape=(?, 4), dtype=float32) at layer "actions". The following previous layers were accessed without issue: []
    Graph disconnected: cannot obtain value for tensor <tf.Variable 'Variable_2:0' shape=(1,) dtype=float32_ref> at layer "input_6". The following previous layers were accessed without issue: ['input_5', 'conv2d_11']
tf-keras 2.1 - 2.5 (while the model runs):
    Could not compute output Tensor("ArcHead/Identity:0", shape=(None, 1200), dtype=float32)
    Could not compute output KerasTensor(type_spec=TensorSpec(shape=(None, 420, 640, 3), dtype=tf.float32, name=None), name='composition/add/add:0', description="created by layer 'composition'")

## Fix
```python
model = Model(inputs=[states1, actions1], outputs=q)  # the Inputs the layers were called on
logits = model([images, labels], training=True)       # every input of a multi-input model
```

## Fix safety
Passing the right `Input` objects changes nothing else in the model. Creating each `Input`
once and reusing the variable avoids the problem altogether. When the missing input really is
a constant, make it a weight of a layer instead of an `Input`.

## References
- https://github.com/keras-team/keras/issues/10936
- https://github.com/keras-team/keras/issues/8166
- https://github.com/conscienceli/IterNet/issues/5
- https://github.com/peteryuX/arcface-tf2/issues/7
- https://github.com/tensorflow/tensorflow/issues/49168
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.fixes.snippets import call_sites, data_call, rewrite_argument
from tferrfix.incident import Incident
from tferrfix.patterns.layers._ops import call_argument, called_name, calls_named, module_of

code = "TFE0209"
name = "functional-graph-disconnected"
family = "functional-graph-disconnected"
# RuntimeError in Keras <= 2.3, ValueError later, AssertionError while a tf-keras 2.1-2.5
# model runs; "Exception" lets a name mangled by Markdown (`_RuntimeError`) through.
exceptions = ("ValueError", "RuntimeError", "AssertionError", "Exception")

DISCONNECTED = lazy_regex.compile(
    r"Graph disconnected: [Cc]annot obtain value for tensor (?P<tensor>[^\n]{1,800}?) at "
    r"layer [\"']?(?P<layer>[^\"'\s]{1,200}?)[\"']?\.(?: The following previous layers were "
    r"accessed without issue: (?P<accessed>\[[^\]\n]{0,2000}\]))?"
)
NOT_CONNECTED = lazy_regex.compile(
    r"Output with path `(?P<path>[^`\n]{0,300})` is not connected to `inputs`"
)
COULD_NOT_COMPUTE = lazy_regex.compile(r"Could not compute output (?P<tensor>[^\n]{1,800})")
messages = (DISCONNECTED, NOT_CONNECTED, COULD_NOT_COMPUTE)
examples = (
    "Output with path `` is not connected to `inputs`",
    "Graph disconnected: cannot obtain value for tensor KerasTensor(type_spec=TensorSpec("
    "shape=(None, 8), dtype=tf.float32, name='states'), name='states', description=\"created "
    "by layer 'states'\") at layer \"dense\". The following previous layers were accessed "
    "without issue: []",
    "Graph disconnected: cannot obtain value for tensor Tensor(\"dropout_19_1/Identity:0\", "
    "shape=(None, None, None, 32), dtype=float32) at layer \"concatenate_4\".",
    "Graph disconnected: cannot obtain value for tensor Tensor(\"actions_3:0\", shape=(?, 4), "
    "dtype=float32) at layer \"actions\". The following previous layers were accessed without "
    "issue: []",
    "Graph disconnected: cannot obtain value for tensor <tf.Variable 'Variable_2:0' "
    "shape=(1,) dtype=float32_ref> at layer \"input_6\". The following previous layers were "
    "accessed without issue: ['input_5', 'conv2d_11']",
    "Could not compute output Tensor(\"ArcHead/Identity:0\", shape=(None, 1200), "
    "dtype=float32)",
    "Could not compute output KerasTensor(type_spec=TensorSpec(shape=(None, 420, 640, 3), "
    "dtype=tf.float32, name=None), name='composition/add/add:0', description=\"created by "
    "layer 'composition'\")",
)

_KERAS_TENSOR_NAME = lazy_regex.compile(r"\bname='(?P<name>[^'\n]+)', description")
_TENSOR_NAME = lazy_regex.compile(r"Tensor\(\"(?P<name>[^\"\n]+)\"|<tf\.Variable '(?P<var>[^'\n]+)'")
_CREATED_BY = lazy_regex.compile(r"created by layer '(?P<layer>[^'\n]+)'")
_SHAPE = lazy_regex.compile(r"shape=(?P<shape>\([^()]*\))")
_SUFFIX = lazy_regex.compile(r"(?:_\d+)?(?::\d+)?$")
_BUILDS = lazy_regex.compile(r"\bModel\(|\bFunctional\(")


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if found:
                facts = _facts(rx, found.groupdict(), incident)
                confidence = 0.8 if rx is COULD_NOT_COMPUTE else 0.9
                return Diagnosis.of(__name__, confidence=confidence, facts=facts)
    return None


def _facts(rx: regex.Pattern[str], groups: dict[str, Any], incident: Incident) -> dict[str, Any]:
    tensor = groups.get("tensor") or ""
    named = _KERAS_TENSOR_NAME.search(tensor) or _TENSOR_NAME.search(tensor)
    tensor_name = None
    if named:
        tensor_name = named.groupdict().get("name") or named.groupdict().get("var")
    created = _CREATED_BY.search(tensor)
    shape = _SHAPE.search(tensor)
    layer = groups.get("layer")
    accessed = regex.findall(r"'([^'\n]+)'", groups.get("accessed") or "")
    frame = incident.user_frame
    code = frame.code.strip() if frame and frame.code else ""
    inputs_code = _inputs_argument(code)
    base = _SUFFIX.sub("", tensor_name) if tensor_name else None
    # The Input's name also written as a variable in `inputs=`: a different object that
    # happens to share the name (the layers hang off another Input called so).
    name_in_inputs = bool(base and inputs_code and regex.search(
        rf"(?<![\w.]){regex.escape(base)}(?![\w(])", inputs_code))
    return {
        "wording": {DISCONNECTED: "disconnected", NOT_CONNECTED: "not-connected",
                    COULD_NOT_COMPUTE: "could-not-compute"}[rx],
        "tensor_name": tensor_name,
        "tensor_kind": _tensor_kind(tensor, tensor_name, layer, created),
        "created_by": created["layer"] if created else None,
        "tensor_shape": shape["shape"] if shape else None,
        "layer": layer,
        "accessed": accessed,
        "path": groups.get("path"),
        "user_action": _user_action(code),
        "inputs_code": inputs_code,
        "name_in_inputs": name_in_inputs,
    }


def _tensor_kind(tensor: str, tensor_name: str | None, layer: str | None,
                 created: regex.Match[str] | None) -> str:
    if tensor.startswith("<tf.Variable"):
        return "variable"
    if not tensor_name:
        return "unknown"
    base = _SUFFIX.sub("", tensor_name)
    if created and created["layer"] == tensor_name.split(":")[0]:
        return "input"  # a KerasTensor made by its own InputLayer
    if "/" not in tensor_name and (base == layer or base.startswith("input")):
        return "input"
    return "intermediate"


def _user_action(code: str) -> str | None:
    """"building" when the user's line creates the Model, "calling" when it runs one."""
    if not code:
        return None
    if _BUILDS.search(code):
        return "building"
    if data_call(code) is not None:
        return "calling"
    return None


def _inputs_argument(code: str) -> str | None:
    for site in call_sites(code) if code else []:
        if site.method.split(".")[-1] in ("Model", "Functional"):
            keywords = dict(site.keywords)
            if "inputs" in keywords:
                return keywords["inputs"]
            if site.args:
                return site.args[0]
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    code = frame.code.strip() if frame and frame.code else ""
    if facts["wording"] == "could-not-compute" and facts["user_action"] == "calling":
        new_line = rewrite_argument(code, lambda a: f"[{a}, <the other inputs>]")
        snippet = (new_line or "outputs = model([first_input, second_input])") + \
            "  # one tensor per model input, in the order of model.inputs"
        return [Fix("Call the model with all of its inputs", Applicability.DISPLAY_ONLY,
                    snippet, *where)]
    if facts["wording"] == "could-not-compute":
        snippet = ("outputs = layer(inputs)  # build the model with the functional API, calling "
                   "each layer on the previous tensor, not Sequential.add() of tensors\n"
                   "model = keras.Model(inputs=inputs, outputs=outputs)  # and call it with "
                   "every one of its inputs")
        return [Fix("Connect every output to the model's inputs", Applicability.DISPLAY_ONLY,
                    snippet, None, None)]
    missing = _missing_description(facts)
    inputs = facts.get("inputs_code")
    if code and inputs and code.count(inputs) == 1:
        snippet = (f"# inputs= must hold the very Input objects the layers were called on; "
                   f"{missing}\n{code}")
    else:
        snippet = ("inputs = [...]  # the Input tensors the layers were called on, each created "
                   f"once; {missing}\nmodel = keras.Model(inputs=inputs, outputs=outputs)")
    fix = Fix("Build the Model from the Inputs its layers were called on",
              Applicability.DISPLAY_ONLY, snippet, *where)
    return [_rewired(incident, fix)]


def _rewired(incident: Incident, fix: Fix) -> Fix:
    """``fix`` with edits that swap each ``Input`` given to the Model that no layer was called
    on for the one ``Input`` of the same arguments (but its name) that layers were called on
    and the Model was not given. Unsafe: the model's inputs are other objects, possibly with
    other names (feeding by name changes)."""
    frame = incident.user_frame
    if frame is None or frame.file is None or frame.line is None:
        return fix
    if incident.source != "live":
        return replace(fix, reason="explained from text: run the program under tferrfix to "
                                   "apply it")
    tree = module_of(frame.file)
    line = frame.line
    model = None
    if tree is not None:
        model = next((c for name in ("Model", "Functional") for c in calls_named(tree, name)
                      if c.lineno <= line <= (c.end_lineno or c.lineno)), None)
    given = call_argument(model, 0, "inputs") if model is not None else None
    if tree is None or model is None or given is None:
        return replace(fix, reason="the Model call is not found in the source")
    elements = list(given.elts) if isinstance(given, ast.List | ast.Tuple) else [given]
    if not all(isinstance(e, ast.Name) for e in elements):
        return replace(fix, reason="the Model's inputs are not plain names")
    inputs = _input_variables(tree)
    used = _names_used_outside(tree, model)
    given_names = {e.id for e in elements if isinstance(e, ast.Name)}
    taken: set[str] = set()
    edits = []
    for element in elements:
        assert isinstance(element, ast.Name)
        if element.id not in inputs:
            return replace(fix, reason=f"`{element.id}` is not made by one Input(...) call")
        if element.id in used:
            continue
        candidates = [name for name, args in inputs.items()
                      if args == inputs[element.id] and name in used
                      and name not in given_names and name not in taken]
        if len(candidates) != 1:
            return replace(fix, reason=f"no single Input of the same shape stands in for "
                                       f"`{element.id}`")
        taken.add(candidates[0])
        edits.append(edit(frame.file, element.lineno, "rename_name", old=element.id,
                          new=candidates[0]))
    if not edits:
        return replace(fix, reason="every Input given to the Model is used by a layer")
    swaps = ", ".join(f"{dict(e.args)['old']} -> {dict(e.args)['new']}" for e in edits)
    return replace(fix, title="Give the Model the Inputs its layers were called on",
                   applicability=Applicability.UNSAFE,
                   snippet=fix.snippet + f"  # {swaps}", edits=tuple(edits))


def _input_variables(tree: ast.Module) -> dict[str, str]:
    """Names bound once to an ``Input(...)`` call -> the call's arguments but its name."""
    seen: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    value = node.value
                    args = ""
                    if called_name(value) == "Input":
                        assert isinstance(value, ast.Call)
                        args = ast.dump(ast.Tuple(elts=list(value.args), ctx=ast.Load())) + \
                            "".join(ast.dump(k) for k in value.keywords if k.arg != "name")
                    seen.setdefault(target.id, []).append(args)
    return {name: args[0] for name, args in seen.items() if len(args) == 1 and args[0]}


def _names_used_outside(tree: ast.Module, call: ast.Call) -> set[str]:
    """Names read anywhere but inside ``call``."""
    inside = {id(n) for n in ast.walk(call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load) and id(n) not in inside}


def _missing_description(facts: dict[str, Any]) -> str:
    name = facts.get("tensor_name")
    layer = facts.get("layer")
    kind = facts.get("tensor_kind")
    at = f" (needed by layer '{layer}')" if layer and layer != _SUFFIX.sub("", name or "") else ""
    if kind == "input" and name:
        return f"the Input named '{_SUFFIX.sub('', name)}'{at} is not among them"
    if kind == "variable" and name:
        return f"the variable '{name}'{at} is used as an input but is not among them"
    if name:
        return f"tensor '{name}'{at} is not computed from them"
    return "the output does not depend on them"
