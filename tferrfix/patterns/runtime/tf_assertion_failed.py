"""A TensorFlow run-time check (tf.debugging.assert_*, tf.Assert) failed on the values that reached it.

## What it means
TensorFlow checks written as ops (`tf.debugging.assert_equal`, `assert_less_equal`,
`assert_non_negative`, `tf.Assert`, and the checks inside library functions such as
`tf.image.random_crop` or `tf.metrics.auc`) test *values*, while the program runs. One of them
found data that breaks its condition and raised `InvalidArgumentError` with the values it saw.
In a graph (`model.fit`, `tf.function`, TF1 sessions) the failing op runs long after the
line that created it, so the Python line in the traceback is usually where the graph ran.

## Why it happens
* The data breaks the assumption the check guards: two inputs with different numbers of
  samples, images smaller than the crop size, predictions outside [0, 1] for AUC, negative
  values where counts or masks are expected, a data set without the annotations a model head
  needs (a ground-truth count of 0).
* A value of the wrong kind is passed: class ids from `tf.argmax` where probabilities are
  expected.

## Example
```python
image = tf.image.random_crop(image, size=[408, 544, 3])   # some images are (640, 427, 3)
```
TensorFlow 2.x graph (`model.fit` on a `tf.data` pipeline):
    Graph execution error:

    Detected at node random_crop/Assert/Assert defined at (most recent call last):
    <stack traces unavailable>
    assertion failed: [Need value.shape >= size, got ] [640 427 3] [408 544 3]
TensorFlow 1.x graph (`session.run`):
    assertion failed: [predictions must be in [0, 1]] [Condition x <= y did not hold element-wise:x (ArgMax:0) = ] [119 119 119...] [y (auc/Cast_1:0) = ] [1]
    assertion failed: [] [Condition x == y did not hold element-wise:] [x (Loss/BoxClassifierLoss/assert_equal_2/x:0) = ] [0] [y (Loss/BoxClassifierLoss/assert_equal_2/y:0) = ] [1]
TensorFlow 2.x eager (tf-keras 2.x wrapper; Keras 3 words the header "Exception encountered when calling CustomLayer.call()."):
    Exception encountered when calling layer 'custom_layer' (type CustomLayer).

    inputs do not have equal batch_size
    Condition x == y did not hold.
    First 1 elements of x:
    [10]
    First 1 elements of y:
    [15]
TensorFlow 1.x static check (the values are known when the graph is built):
    Condition x >= 0 did not hold element-wise:
    x (Const_1:0) =
    [-1.  1.]

## Fix
```python
# make the data satisfy the check; e.g. resize images up to the crop size before cropping
shape = tf.shape(image)
image = tf.image.resize(image, [tf.maximum(shape[0], 408), tf.maximum(shape[1], 544)])
image = tf.image.random_crop(image, size=[408, 544, 3])
```

## Fix safety
The check states what the code after it needs, so the fix belongs in the data (or in what is
passed to the check), never in removing the assertion. Resizing images changes what the model
sees; cutting inputs to the same number of samples drops data; passing probabilities instead
of class ids to a metric is what the metric is defined on.

## References
- https://github.com/tensorflow/models/issues/3972
- https://github.com/HasnainRaz/Skin-Segmentation-TensorFlow/issues/7
- https://github.com/terrifyzhao/bert-utils/issues/22
- https://github.com/wshuyi/demo-text-binary-classification-with-bert/issues/2
- https://github.com/tensorflow/tensorflow/issues/39643
- https://github.com/tensorflow/tensorflow/pull/23109
"""

from __future__ import annotations

import ast
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.locate import find_call_lines
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.fixes.snippets import data_call
from tferrfix.incident import Frame, Incident
from tferrfix.patterns.runtime._common import node_name, outermost_code
from tferrfix.shapes import show

code = "TFE0603"
name = "tf-assertion-failed"
family = "tf-assertion-failed"
exceptions = ("InvalidArgumentError",)

# Graph mode (TF1 and TF2): the Assert op prints its data as bracketed items.
ASSERTION = lazy_regex.compile(r"assertion failed: (?P<body>[^\n]*)")
# Eager and static checks: "Condition x == y did not hold." / "... did not hold element-wise:".
CONDITION = lazy_regex.compile(r"Condition (?P<condition>[^\n]*?) did not hold(?P<elementwise> element-wise)?")
# tf.Assert run eagerly.
EXPECTED_TRUE = lazy_regex.compile(
    r"Expected '(?P<condition>tf\.Tensor\(False[^'\n]*)' to be true\. Summarized data: (?P<body>[^\n]*)"
)
messages = (ASSERTION, CONDITION, EXPECTED_TRUE)
examples = (
    "Graph execution error:\n\nDetected at node random_crop/Assert/Assert defined at (most "
    "recent call last):\n<stack traces unavailable>\nassertion failed: [Need value.shape >= "
    "size, got ] [640 427 3] [408 544 3]\n\t [[{{node random_crop/Assert/Assert}}]]\n\t "
    "[[IteratorGetNext]] [Op:__inference_multi_step_on_iterator_1027]",
    "assertion failed: [predictions must be in [0, 1]] [Condition x <= y did not hold "
    "element-wise:x (ArgMax:0) = ] [119 119 119...] [y (auc/Cast_1:0) = ] [1]",
    "assertion failed: [] [Condition x == y did not hold element-wise:] [x "
    "(Loss/BoxClassifierLoss/assert_equal_2/x:0) = ] [0] [y "
    "(Loss/BoxClassifierLoss/assert_equal_2/y:0) = ] [1]",
    "Exception encountered when calling layer 'custom_layer' (type CustomLayer).\n\ninputs do "
    "not have equal batch_size\nCondition x == y did not hold.\nFirst 1 elements of x:\n[10]\n"
    "First 1 elements of y:\n[15]\n\nCall arguments received by layer 'custom_layer' (type "
    "CustomLayer):\n  • inputs=['tf.Tensor(shape=(10, 1), dtype=float32)', "
    "'tf.Tensor(shape=(15, 1), dtype=float32)']",
    "\nCondition x >= 0 did not hold element-wise:\nx (Const_1:0) = \n[-1.  1.]",
)

_OPERAND = lazy_regex.compile(r"(?P<which>[xy]) \((?P<tensor>[^()\n]*)\) =")
_EAGER_VALUES = lazy_regex.compile(r"First \d+ elements of (?P<which>[xy]):\n(?P<value>[^\n]*)")
_STATIC_VALUE = lazy_regex.compile(r"(?P<which>[xy]) \((?P<tensor>[^()\n]*)\) =[ \t]*\n(?P<value>[^\n]*)")
_CHECK_FN = lazy_regex.compile(
    r"(?<![A-Za-z0-9])(?P<fn>assert_(?:equal|none_equal|less_equal|less|greater_equal|greater"
    r"|non_negative|non_positive|negative|positive|near|rank(?:_at_least|_in)?|shapes|type"
    r"|integer|scalar|proper_iterable)|Assert)(?:_\d+)?(?![A-Za-z0-9_])"
)
_KERAS_LAYER = lazy_regex.compile(
    r"Exception encountered when calling (?:layer [\"']?(?P<layer>[^\"'\s]+)[\"']?"
    r"(?: \(type (?P<layer_type>\w+)\))?|(?P<layer_type>[\w.]+?)\.call\(\))"
)
# Checks inside a loss op: the loss's own pattern (logits-labels-mismatch...) is more specific.
_LOSS_INTERNAL = lazy_regex.compile(r"WithLogits|crossentropy", flags=regex.I)
_RANDOM_CROP = lazy_regex.compile(r"Need value\.shape >= size")
_PROBABILITY = lazy_regex.compile(r"must be in \[0, 1\]")
_CHECK_CALL = lazy_regex.compile(r"(?:\bassert_\w+|\bAssert)\(")


def match(incident: Incident) -> Diagnosis | None:
    for text in incident.messages:
        facts = _read(text)
        if facts is not None:
            break
    else:
        return None
    wrapper = _KERAS_LAYER.search(incident.messages[0], timeout=1.0)
    facts["layer"] = wrapper.group("layer") if wrapper else None
    facts["layer_type"] = wrapper.group("layer_type") if wrapper else None
    check = outermost_code(incident, _CHECK_CALL)
    facts["check_code"] = check.code.strip().rstrip(",") if check else None
    facts["check_file"] = check.file if check else None
    facts["check_line"] = check.line if check else None
    if facts["check_fn"] is None and check is not None:
        found = _CHECK_FN.search(check.code)
        facts["check_fn"] = found.group("fn") if found else None
    facts["batch_sizes"] = _batch_sizes(incident)
    facts["kind"] = _kind(facts)
    confidence = 0.9
    if _LOSS_INTERNAL.search(" ".join(str(facts.get(k) or "") for k in ("node", "x_tensor",
                                                                         "y_tensor"))):
        confidence = 0.5
    evidence = [ev for ev in incident.evidence if ev.shape is not None or ev.detail("shapes")]
    return Diagnosis.of(__name__, confidence=confidence, facts=facts, evidence=evidence[:2])


def _items(body: str) -> list[str]:
    """``[a] [b [0, 1]] [c]`` -> ``["a", "b [0, 1]", "c"]`` (brackets may nest)."""
    items: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(body):
        if char == "[":
            if depth == 0:
                start = index + 1
            depth += 1
        elif char == "]" and depth:
            depth -= 1
            if depth == 0:
                items.append(body[start:index])
    return items


def _read(text: str) -> dict[str, Any] | None:
    facts: dict[str, Any] = {"data": None, "condition": None, "x_tensor": None, "y_tensor": None,
                             "x_value": None, "y_value": None, "values": [], "mode": None,
                             "node": node_name(text), "check_fn": None, "scope": None}
    graph = ASSERTION.search(text, timeout=1.0) or EXPECTED_TRUE.search(text, timeout=1.0)
    if graph is not None:
        facts["mode"] = "graph" if graph.re is ASSERTION else "eager-assert"
        items = _items(graph.group("body"))
        data: list[str] = []
        pending = None
        for item in items:
            condition = CONDITION.search(item)
            operand = _OPERAND.search(item)
            if condition:
                facts["condition"] = condition.group("condition")
            if operand:
                pending = operand.group("which")
                facts[f"{pending}_tensor"] = operand.group("tensor")
                continue
            if condition:
                continue
            if pending is not None:
                facts[f"{pending}_value"] = item.strip()
                pending = None
            elif facts["condition"] is None and not data:
                data.append(item.strip())
            else:
                facts["values"].append(item.strip())
        facts["data"] = data[0] if data and data[0] else None
        if graph.re is EXPECTED_TRUE:
            facts["data"] = graph.group("body").strip() or None
    else:
        condition = CONDITION.search(text, timeout=1.0)
        if condition is None:
            return None
        facts["condition"] = condition.group("condition")
        facts["mode"] = "static" if condition.group("elementwise") else "eager"
        before = text[:condition.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        if before and not _KERAS_LAYER.search(before) and not before.endswith(":"):
            facts["data"] = before
        for found in _EAGER_VALUES.finditer(text):
            facts[f"{found.group('which')}_value"] = found.group("value").strip()
        for found in _STATIC_VALUE.finditer(text):
            facts[f"{found.group('which')}_tensor"] = found.group("tensor")
            facts[f"{found.group('which')}_value"] = found.group("value").strip()
    node = facts["node"] or facts["x_tensor"] or ""
    fn = _CHECK_FN.search(node)
    if fn is not None and not (fn.group("fn") == "Assert" and facts["check_fn"]):
        facts["check_fn"] = fn.group("fn") if fn.group("fn") != "Assert" else None
        scope = node[:fn.start()].rstrip("/")
        facts["scope"] = scope.rsplit("/", 1)[-1] if scope else None
    return facts


def _kind(facts: dict[str, Any]) -> str:
    data = facts["data"] or ""
    if _RANDOM_CROP.search(data) and len(facts["values"]) >= 2:
        image, crop = (_numbers(v) for v in facts["values"][:2])
        if image and crop and len(image) == len(crop):
            facts["image_shape"] = tuple(image)
            facts["crop_size"] = tuple(crop)
            facts["short_axes"] = [i for i, (a, b) in enumerate(zip(image, crop, strict=True)) if a < b]
            return "random-crop"
    if _PROBABILITY.search(data):
        facts["from_argmax"] = "argmax" in (facts["x_tensor"] or "").lower()
        return "probability"
    if "batch" in data.lower() or facts["batch_sizes"]:
        return "batch"
    return "generic"


def _numbers(text: str) -> list[int]:
    return [int(t) for t in text.split() if t.isdigit()]


def _batch_sizes(incident: Incident) -> list[int]:
    """First axes of the call arguments Keras printed, when they differ."""
    sizes: list[int] = []
    for ev in incident.evidence:
        shapes = ev.detail("shapes") or ([ev.shape] if ev.shape else [])
        sizes.extend(s[0] for s in shapes if s and s[0] is not None)
    return sizes if len(set(sizes)) > 1 else []


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    frame = incident.user_frame
    file, line = (frame.file, frame.line) if frame else (None, None)
    kind = facts["kind"]
    if kind == "random-crop":
        crop = facts["crop_size"]
        h, w = crop[0], crop[1] if len(crop) > 1 else crop[0]
        snippet = (
            f"shape = tf.shape(image)  # some images are {show(facts['image_shape'])}\n"
            f"image = tf.image.resize(image, [tf.maximum(shape[0], {h}), tf.maximum(shape[1], {w})])\n"
            f"image = tf.image.random_crop(image, size={list(crop)})")
        fix = Fix("Make every image at least as large as the crop", Applicability.DISPLAY_ONLY,
                  snippet, None, None)
        crop_edits = _crop_edits(incident, h, w)
        if crop_edits and incident.source == "live":
            # Unsafe: the images too small for the crop are stretched, which changes the data.
            fix = Fix(fix.title, Applicability.UNSAFE, snippet, crop_edits[0].file,
                      crop_edits[0].line, tuple(crop_edits))
        return [fix]
    if kind == "probability":
        snippet = (
            "probabilities = tf.nn.softmax(logits)[:, 1]  # P(positive class), in [0, 1]\n"
            "auc = tf.metrics.auc(labels, probabilities)  # not tf.argmax(...) class ids")
        return [Fix("Pass probabilities in [0, 1], not class ids", Applicability.DISPLAY_ONLY,
                    snippet, file, line)]
    if kind == "batch":
        rewritten = _same_length_call(incident)
        if rewritten is not None:
            call_frame, snippet = rewritten
            edits = _same_length_edits(call_frame)
            fix = Fix("Give every input the same number of samples",
                      Applicability.DISPLAY_ONLY, snippet, call_frame.file, call_frame.line)
            if edits and incident.source == "live":
                # Unsafe: the extra samples of the longer input are dropped; which samples
                # belong together is the program's knowledge, not the message's.
                fix = Fix(fix.title, Applicability.UNSAFE, snippet, call_frame.file,
                          call_frame.line, tuple(edits))
            return [fix]
        snippet = ("n = min(len(a), len(b))  # the inputs disagree on the batch size\n"
                   "model([a[:n], b[:n]])")
        return [Fix("Give every input the same number of samples", Applicability.DISPLAY_ONLY,
                    snippet, file, line)]
    check = facts["check_code"] or (f"tf.debugging.{facts['check_fn']}(...)"
                                    if facts["check_fn"] else "the check")
    values = ", ".join(f"{w} = {facts[f'{w}_value']}" for w in ("x", "y") if facts[f"{w}_value"])
    snippet = (f"# {check} failed{': ' + values if values else ''}\n"
               "# fix the values where they are produced so that the condition"
               f" `{facts['condition'] or 'of the check'}` holds;\n"
               "# tf.print(...) just before the check shows the offending batch")
    if facts["check_file"]:
        file, line = facts["check_file"], facts["check_line"]
    return [Fix("Make the data satisfy the check", Applicability.DISPLAY_ONLY, snippet, file,
                line)]


def _same_length_call(incident: Incident) -> tuple[Frame, str] | None:
    """The user's call that passed a list of inputs, rewritten to cut them to one length."""
    for error in incident.chain:
        for frame in error.frames:
            if not frame.is_user or not frame.code:
                continue
            site = data_call(frame.code)
            if site is None or not site.args:
                continue
            try:
                node = ast.parse(site.args[0], mode="eval").body
            except SyntaxError:
                continue
            if not isinstance(node, (ast.List, ast.Tuple)) or len(node.elts) < 2:
                continue
            sizes = " vs ".join(str(n) for n in dict.fromkeys(_batch_sizes(incident)))
            cut = "[" + ", ".join(_cut(e) for e in node.elts) + "]"
            code = frame.code.strip().replace(site.args[0], cut, 1)
            lengths = ", ".join(f"len({_wrapped_name(e) or ast.unparse(e)})" for e in node.elts)
            head = f"n = min({lengths})" + (f"  # {sizes} samples" if sizes else "")
            return frame, f"{head}\n{code}"
    return None


def _same_length_edits(frame: Frame) -> list[Edit]:
    """``m([a, b])`` -> ``n = min(len(a), len(b))`` before the statement and
    ``m([a[:n], b[:n]])``: the edits of the snippet, when ``n`` is free in the file."""
    site = data_call(frame.code) if frame.code else None
    if site is None or not site.args or not frame.file or not frame.line:
        return []
    source = read_source(frame.file)
    try:
        node = ast.parse(site.args[0], mode="eval").body
        tree = ast.parse(source) if source is not None else None
    except SyntaxError:
        return []
    if tree is None or not isinstance(node, (ast.List, ast.Tuple)) or len(node.elts) < 2:
        return []
    if any(isinstance(n, ast.Name) and n.id == "n" for n in ast.walk(tree)):
        return []
    # `tf.constant(xa)` is measured and cut through the array it wraps: `len(xa)`,
    # `tf.constant(xa[:n])`, not the wrapped call written twice.
    measured = [_wrapped_name(e) or ast.unparse(e) for e in node.elts]
    lengths = ", ".join(f"len({p})" for p in measured)
    cut = ", ".join(_cut(e) for e in node.elts)
    cut = (f"[{cut}]" if isinstance(node, ast.List) else f"({cut})").replace("{", "{{") \
        .replace("}", "}}")
    return [edit(frame.file, frame.line, "insert_statement", statement=f"n = min({lengths})"),
            edit(frame.file, frame.line + 1, "wrap_argument", template=cut,
                 method=site.method.split(".")[-1], position=0)]


def _wrapped_name(node: ast.expr) -> str | None:
    """``xa`` for ``tf.constant(xa)`` / ``np.asarray(xa)``: a call of one plain name."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords \
            and isinstance(node.args[0], ast.Name):
        return node.args[0].id
    return None


def _cut(node: ast.expr) -> str:
    name = _wrapped_name(node)
    if name is None or not isinstance(node, ast.Call):
        return f"{ast.unparse(node)}[:n]"
    return f"{ast.unparse(node.func)}({name}[:n])"


def _crop_edits(incident: Incident, h: object, w: object) -> list[Edit]:
    """Before the program's one ``tf.image.random_crop(image, ...)``: bring ``image`` to at
    least the crop's height and width (the snippet's two lines)."""
    frame = incident.user_frame
    if frame is None or not frame.file or not isinstance(h, int) or not isinstance(w, int):
        return []
    lines = find_call_lines(frame.file, "random_crop")
    source = read_source(frame.file)
    if len(lines) != 1 or source is None:
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    if any(isinstance(n, ast.Name) and n.id == "shape" for n in ast.walk(tree)):
        return []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno == lines[0]
             and isinstance(n.func, ast.Attribute) and n.func.attr == "random_crop"]
    if len(calls) != 1 or not calls[0].args or not isinstance(calls[0].args[0], ast.Name):
        return []
    image = calls[0].args[0].id
    return [edit(frame.file, lines[0], "insert_statement",
                 statement=f"{image} = tf.image.resize({image}, [tf.maximum(shape[0], {h}), "
                           f"tf.maximum(shape[1], {w})])"),
            edit(frame.file, lines[0], "insert_statement",
                 statement=f"shape = tf.shape({image})")]
