"""A merge op gets fewer tensors than it needs: an empty list or a single tensor.

## What it means
Merge layers (`Concatenate`, `Add`, `Multiply`, `Average`...) and the ops behind them
(`tf.concat` -> `ConcatV2`, `tf.add_n` -> `AddN`, `tf.stack` -> `Pack`) combine a *list* of
tensors. They were given one tensor, a list of one, or an empty list. Older TensorFlow/Keras
need at least two; every version needs at least one, and a list.

## Why it happens
* The list is built in a loop (one branch per feature column, per selected feature name) and
  the loop produced zero or one entries for this configuration or this data.
* A merge layer called on one tensor, `Add()(a)`, instead of on a list, `Add()([a, b])`.

It is not about the batch size: an attr `N` of 1 counts the tensors in the list, not samples.

## Example
```python
outputs = [branch(c) for c in categorical_columns]   # only one column -> [t]
x = layers.Concatenate()(outputs)
```
Keras 3 (3.x):
    A merge layer should be called on a list of inputs. Received: input_shape=(None, 4) (not a list of shapes)
tf-keras 2.x:
    A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=()
Keras 2.x:
    A merge layer should be called on a list of inputs.
TensorFlow graph (tf.concat on an empty list):
    List argument 'values' to 'ConcatV2' Op with length 0 shorter than minimum length 2.
TensorFlow graph, older wording (one tensor; `Value for attr 'N' of 1 must be at least minimum 2`):
    List argument 'values' to 'ConcatV2' Op with length 0

## Fix
```python
x = outputs[0] if len(outputs) == 1 else layers.Concatenate()(outputs)
b = WeightedAdd()([a, other])        # a merge layer takes a list
```

## Fix safety
Skipping the merge for a single tensor computes the same thing. An empty list means the data
or configuration selected nothing: fix the selection, do not paper over it.

## References
- https://github.com/keras-team/autokeras/issues/1
- https://github.com/abhishekkrthakur/approachingalmost/issues/20
- https://github.com/tensorflow/models/issues/10947
- https://github.com/shenweichen/DeepCTR/issues/118
"""

from __future__ import annotations

import ast

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident

code = "TFE0206"
name = "merge-too-few-inputs"
family = "merge-too-few-inputs"
exceptions = ("ValueError", "InvalidArgumentError", "TypeError")

NOT_A_LIST = lazy_regex.compile(
    r"A merge layer should be called on a list of inputs(?:\. Received: input_shape=(?P<got>[^\n]*?)"
    r" \(not a list of shapes\))?")
AT_LEAST = lazy_regex.compile(
    r"A `?(?P<layer>\w+)`? layer should be called on a list of at least (?P<min>\d+) inputs?"
    r"(?:\. Received: input_shape=(?P<got>[^\n]*))?")
LIST_ARG = lazy_regex.compile(
    r"List argument '(?P<arg>\w+)' to '(?P<op>\w+)' Op with length (?P<n>\d+)"
    r"(?: shorter than minimum length (?P<min>\d+))?")
ATTR_N = lazy_regex.compile(
    r"Value for attr 'N' of (?P<n>\d+) must be at least minimum (?P<min>\d+)")
# Keras 3 crashes on an empty list inside Concatenate.build before its own check.
EMPTY_BUILD = lazy_regex.compile(r"object of type 'NoneType' has no len\(\)")
messages = (NOT_A_LIST, AT_LEAST, LIST_ARG, ATTR_N, EMPTY_BUILD)
examples = (
    "A merge layer should be called on a list of inputs. Received: input_shape=(None, 4) "
    "(not a list of shapes)",
    "A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=()",
    "A merge layer should be called on a list of inputs.",
    "List argument 'values' to 'ConcatV2' Op with length 0 shorter than minimum length 2.",
    "List argument 'values' to 'ConcatV2' Op with length 0",
)

_MERGE_CALL = lazy_regex.compile(
    r"(?:Concatenate|concatenate|Add|add|Multiply|multiply|Average|average|Maximum|maximum|"
    r"Minimum|minimum|Subtract|subtract|Dot|dot|concat|add_n|stack)$")


_STATEMENT = lazy_regex.compile(r"(?P<lhs>return\s+|[\w.]+\s*=\s*)(?P<rhs>.+)")


def _merge_site(code_line: str | None):
    """The merge call on the user's line and the argument it got."""
    if not code_line:
        return None, None
    sites = call_sites(code_line)
    # Layer(...)(x): the outer call is a call of the layer object
    for site in sites:
        inner = site.method.split("(")[0].split(".")[-1]
        if "(" in site.method and _MERGE_CALL.search(inner) and site.args:
            return inner, site.args[0]
    for site in sites:
        method = site.method.split(".")[-1]
        if _MERGE_CALL.search(method):
            return method, site.args[0] if site.args else None
    return None, None


def match(incident: Incident) -> Diagnosis | None:
    frame = incident.user_frame
    method, argument = _merge_site(frame.code if frame else None)
    for text in incident.messages:
        for rx in messages:
            found = rx.search(text, timeout=1.0)
            if not found:
                continue
            if rx is EMPTY_BUILD and method is None:
                return None  # a len(None) elsewhere says nothing about merging
            groups = found.groupdict()
            n = int(groups["n"]) if groups.get("n") else None
            got = (groups.get("got") or "").strip() or None
            if rx is NOT_A_LIST:
                situation = "single"
            elif rx is EMPTY_BUILD or n == 0 or got == "()":
                situation = "empty"
            elif n == 1 or (rx is AT_LEAST and groups["min"] != "1"):
                situation = "one"
            else:
                situation = "few"
            facts = {
                "situation": situation, "n": n,
                "minimum": int(groups["min"]) if groups.get("min") else None,
                "op": groups.get("op"),
                "layer": groups.get("layer"), "received": got,
                "merge_call": method, "argument": argument,
            }
            confidence = 0.6 if rx is EMPTY_BUILD else 0.9
            return Diagnosis.of(__name__, confidence=confidence, facts=facts)
    return None


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    frame = incident.user_frame
    facts = diagnosis.facts
    where = (frame.file, frame.line) if frame else (None, None)
    code_line = frame.code.strip() if frame and frame.code else ""
    argument = facts.get("argument")
    if facts["situation"] == "single" and code_line and argument and code_line.count(f"({argument})") == 1:
        snippet = code_line.replace(f"({argument})", f"([{argument}, other])", 1) + \
            "  # a merge layer takes a list of tensors"
    elif code_line and argument and _STATEMENT.match(code_line):
        head = _STATEMENT.match(code_line)
        skipped = f"{argument}[0] if len({argument}) == 1 else {head['rhs']}"
        snippet = (f"if not {argument}:\n    raise ValueError('nothing to merge: check what fills {argument}')\n"
                   f"{head['lhs']}{skipped}")
        value = _value_code(code_line)
        if facts["situation"] == "one" and incident.source == "live" and frame and frame.line \
                and argument.isidentifier() and value:
            # A merge of one tensor is that tensor: skipping it computes the same thing.
            skipped = f"{argument}[0] if len({argument}) == 1 else {value}"
            edit = Edit(frame.file, frame.line, "replace_expression",
                        (("new", skipped), ("old", value)))
            return [Fix(f"Skip the merge when `{argument}` holds a single tensor",
                        Applicability.SAFE, f"{head['lhs']}{skipped}", frame.file,
                        frame.line, (edit,))]
    else:
        snippet = ("if not tensors:\n    raise ValueError('nothing to merge')\n"
                   "x = tensors[0] if len(tensors) == 1 else tf.concat(tensors, axis=-1)")
    return [Fix("Give the merge a list of at least two tensors (or skip it)",
                Applicability.DISPLAY_ONLY, snippet, *where)]


def _value_code(statement: str) -> str | None:
    """The code of the value an assignment or ``return`` computes, without a comment."""
    try:
        node = ast.parse(statement).body[0]
    except (SyntaxError, IndexError):
        return None
    if isinstance(node, (ast.Assign, ast.Return)) and node.value is not None:
        return ast.get_source_segment(statement, node.value)
    return None
