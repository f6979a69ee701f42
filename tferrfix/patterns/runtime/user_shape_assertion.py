"""An assert in your code (or a custom layer) about the shape of the data failed.

## What it means
The error is not raised by TensorFlow or Keras: an `assert` statement in your own code, a
custom layer's `build()`/`call()`, or a helper library checks a size, a rank, a number of
inputs or a divisibility, and the value that reached it does not satisfy the check. The
assertion states what the code needs; the question is which upstream size breaks it.

## Why it happens
* Sizes halved by pooling or strided layers: an image of height 216 becomes 108, 54, 27, and
  the next block asserts an even height (`assert height % 2 == 0`).
* Data of another rank than the helper expects (`assert len(x.shape) == 4` for images without
  the batch or channel axis).
* A batch that is not the size the code assumes (a square grid of samples needs a square
  batch size; a fixed batch size in the model).
* A custom layer rebuilt with inputs of another structure (`assert len(input_shape) == 5` while
  loading a model saved by a different version of the layer).

## Example
```python
def downsampling_block(x, filters):
    _, height, width, _ = x.shape
    assert height % 2 == 0          # 216 -> 108 -> 54 -> 27: fails at the fourth block
    ...
```
Plain Python (any version; the assert has no message):
    AssertionError
tf-keras 2.x (assert in a custom layer's call, graph mode):
    Exception encountered when calling layer "downsampling_block_3" (type DownsamplingBlock).

    in user code:

        File "/work/main/corpus/user-shape-assertion/006-unet-block-layer-assert-in-call-tf-keras/script.py", line 23, in call  *
            assert height % 2 == 0, f"feature map height {height} is not divisible by 2"

        AssertionError: feature map height 27 is not divisible by 2
Keras 3 (3.x):
    Exception encountered when calling DownsamplingBlock.call().

    Could not automatically infer the output shape / dtype of 'downsampling_block_3' (of type DownsamplingBlock). Either the `DownsamplingBlock.call()` method is incorrect, or you need to implement the `DownsamplingBlock.compute_output_spec() / compute_output_shape()` method. Error encountered:

    feature map height 27 is not divisible by 2

## Fix
```python
# make the input satisfy the check: here a height divisible by 2**depth (16 for 4 blocks)
images = tf.image.resize_with_crop_or_pad(images, 224, 256)   # 216 -> 224
```
When the assert has no message, first make it say which value broke it:
`assert height % 2 == 0, f"height={height}"`.

## Fix safety
The assertion guards an assumption of the code that follows; never delete it to silence the
error. Padding or resizing the data changes what the model sees (safe for padding with the
same value the model is trained with, not for arbitrary crops). Adding a message to the assert
changes nothing in a run that passes.

## References
- https://github.com/chuckyee/cardiac-segmentation/issues/4
- https://github.com/YerevaNN/R-NET-in-Keras/issues/25
- https://github.com/carpedm20/DCGAN-tensorflow/issues/193
- https://github.com/Trusted-AI/adversarial-robustness-toolbox/issues/241
"""

from __future__ import annotations

import ast
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.incident import Frame, Incident, RaisedError
from tferrfix.patterns.runtime._common import is_library_frame, quote_free
from tferrfix.tracebacks.user_code import user_code_frames

code = "TFE0602"
name = "user-shape-assertion"
family = "user-shape-assertion"
exceptions = ("AssertionError",)

# The `assert` line quoted in a graph-mode "in user code:" block (tf-keras 2.x).
ASSERT_LINE = lazy_regex.compile(r"^[ \t]*(?P<statement>assert\b[^\n]*)", flags=regex.M)
# Keras 3 wraps an error raised in a layer's call().
KERAS3_CALL = lazy_regex.compile(
    r"Exception encountered when calling (?P<layer_type>[\w.]+?)\.call\(\)\.\s+"
    r"(?:Could not automatically infer the output shape / dtype of '(?P<layer>[^'\n]+)'"
    r"[^\n]*?Error encountered:\s+)?(?P<detail>[^\n]+)"
)
# A bare `AssertionError` (an assert without a message); the assert line is in the frames.
BARE = lazy_regex.compile(r"\A\s*\Z")
messages = (ASSERT_LINE, KERAS3_CALL, BARE)
examples = (
    'Exception encountered when calling layer "downsampling_block_3" (type DownsamplingBlock).'
    "\n\nin user code:\n\n"
    '    File "/work/main/corpus/user-shape-assertion/006-unet-block-layer-assert-in-call-tf-'
    'keras/script.py", line 23, in call  *\n'
    '        assert height % 2 == 0, f"feature map height {height} is not divisible by 2"\n\n'
    "    AssertionError: feature map height 27 is not divisible by 2\n\n\n"
    'Call arguments received by layer "downsampling_block_3" (type DownsamplingBlock):\n'
    "  • x=tf.Tensor(shape=(None, 27, 32, 32), dtype=float32)",
    "Exception encountered when calling DownsamplingBlock.call().\n\n"
    "Could not automatically infer the output shape / dtype of 'downsampling_block_3' (of type "
    "DownsamplingBlock). Either the `DownsamplingBlock.call()` method is incorrect, or you need "
    "to implement the `DownsamplingBlock.compute_output_spec() / compute_output_shape()` "
    "method. Error encountered:\n\nfeature map height 27 is not divisible by 2\n\n"
    "Arguments received by DownsamplingBlock.call():\n"
    "  • args=('<KerasTensor shape=(None, 27, 32, 32), dtype=float32, sparse=False, "
    "ragged=False, name=keras_tensor_11>',)\n"
    "  • kwargs=<class 'inspect._empty'>",
)

# Keras 2's functional graph asserts it can compute every output: that is a disconnected
# graph (functional-graph-disconnected), not a check written by the user.
_KERAS_INTERNAL = lazy_regex.compile(r"Could not compute output ")
_INNER_MESSAGE = lazy_regex.compile(r"^[ \t]*AssertionError: (?P<detail>[^\n]+)", flags=regex.M)
_TF_KERAS_LAYER = lazy_regex.compile(
    r"Exception encountered when calling layer [\"']?(?P<layer>[^\"'\s]+)[\"']?"
    r"(?: \(type (?P<layer_type>\w+)\))?"
)
# What the asserted condition is about, read from its source.
_SHAPE_WORDS = lazy_regex.compile(
    r"shape|ndim|rank|\blen\(|size|\bdims?\b|height|width|depth|channel|batch|\bnum|_num\b"
    r"|\bn_|count|length|steps|axis|axes|dtype|isinstance|%|\b[hwc]\b|image|sample|input",
    flags=regex.I,
)
_NUMBER = lazy_regex.compile(r"(?<![\w.])-?\d+(?![\w.])")


def match(incident: Incident) -> Diagnosis | None:
    errors = [e for e in reversed(incident.chain) if e.type == "AssertionError"]
    if not errors or any(_KERAS_INTERNAL.search(e.message) for e in errors):
        return None
    error = errors[0]
    statement, frame = _assert_statement(incident, error)
    keras3 = KERAS3_CALL.search(error.message, timeout=1.0)
    tf_keras = _TF_KERAS_LAYER.search(error.message, timeout=1.0)
    if statement is None and keras3 is None:
        # A message without the assert line: an AssertionError raised by a library
        # (`raise AssertionError(...)`) is no check of the user's; say nothing.
        return None
    detail = _detail(error, keras3)
    condition, assert_message = _split(statement) if statement else (None, None)
    kind = _kind(condition)
    in_layer = bool(keras3 or tf_keras) or (frame is not None and frame.function in
                                            ("call", "build", "compute_output_shape"))
    if condition is not None and kind == "other" and not in_layer \
            and not _SHAPE_WORDS.search(condition):
        return None  # an assert about something else than shapes (a path, a flag...)
    layer = (keras3.group("layer") if keras3 else None) or (tf_keras.group("layer") if tf_keras
                                                            else None)
    layer_type = (keras3.group("layer_type") if keras3 else None) or (
        tf_keras.group("layer_type") if tf_keras else None)
    shapes = _shapes(incident)
    facts: dict[str, Any] = {
        "statement": statement,
        "condition": condition,
        "assert_message": assert_message,
        "detail": detail,
        "numbers": _NUMBER.findall(detail or ""),
        "kind": kind,
        "names": _operands(condition) if condition else [],
        "modulus": _modulus(condition),
        "subject": _subject(condition),
        "expected_value": _expected_value(condition),
        "layer": layer,
        "layer_type": layer_type,
        "in_layer": in_layer,
        "function": frame.function if frame else None,
        "where_file": frame.file if frame else None,
        "where_line": frame.line if frame else None,
        "shapes": shapes,
    }
    if statement is None:
        confidence = 0.7  # a Keras 3 layer's assertion, its source not in the text
    elif kind != "other" or in_layer:
        confidence = 0.85
    else:
        confidence = 0.6
    evidence = [ev for ev in incident.evidence if ev.shape is not None or ev.detail("shapes")]
    return Diagnosis.of(__name__, confidence=confidence, facts=facts, evidence=evidence[:2])


def _assert_statement(incident: Incident, error: RaisedError) -> tuple[str | None, Frame | None]:
    """The failing `assert` statement and its frame: from a graph-mode "in user code" block,
    the user's frame, or the innermost frame when it is a helper library's (not TF/Keras)."""
    inner = user_code_frames(error.message)
    if inner:
        last = inner[-1]  # the frame that raised; a library's own assert is not the user's
        if last.code.startswith("assert") and not is_library_frame(last):
            return last.code, last
        return None, None
    candidates = [incident.user_frame] if incident.user_frame is not None else []
    if error.frames:
        candidates.append(error.frames[-1])
    for candidate in candidates:
        code = candidate.code.strip()
        if regex.match(r"assert\b", code) and not is_library_frame(candidate):
            return code, candidate
    found = ASSERT_LINE.search(error.message, timeout=1.0)
    if found:
        return found.group("statement").strip(), None
    return None, None


def _detail(error: RaisedError, keras3: regex.Match[str] | None) -> str | None:
    """The assert's own message, as Python printed it."""
    if keras3 is not None:
        return keras3.group("detail").strip()
    inner = _INNER_MESSAGE.search(error.message, timeout=1.0)
    if inner:
        return inner.group("detail").strip()
    text = error.message.strip()
    return text if text and "\n" not in text and not _TF_KERAS_LAYER.search(text) else None


def _split(statement: str) -> tuple[str | None, str | None]:
    """``assert cond, "msg"`` -> (``cond``, ``"msg"``) as source text."""
    try:
        node = ast.parse(statement.strip()).body[0]
    except (SyntaxError, IndexError):
        body = statement.strip()[len("assert"):].strip()
        return body or None, None
    if not isinstance(node, ast.Assert):
        return None, None
    condition = ast.unparse(node.test)
    message = ast.unparse(node.msg) if node.msg is not None else None
    return condition, message


def _kind(condition: str | None) -> str:
    if not condition:
        return "other"
    if regex.search(r"%\s*\d+\s*==\s*0|%\s*\w+\s*==\s*0", condition):
        return "divisible"
    if regex.search(r"\blen\([^()]*\.shape\)|\.ndim\b|\brank\b|\.get_shape\(\)\.ndims", condition):
        return "rank"
    if regex.search(r"isinstance|\blen\(", condition):
        return "structure"
    if regex.search(r"shape|\bdims?\b|height|width|channel|batch|size|num|count|\*", condition,
                    flags=regex.I):
        return "size"
    if regex.search(r"dtype", condition):
        return "dtype"
    return "other"


def _modulus(condition: str | None) -> int | None:
    found = regex.search(r"%\s*(?P<n>\d+)\s*==\s*0", condition or "")
    return int(found.group("n")) if found else None


def _subject(condition: str | None) -> str | None:
    """The array a shape check is about: ``len(x.shape) == 4`` -> ``x``."""
    found = regex.search(r"(?P<name>[A-Za-z_][\w.]*?)\.(?:shape|ndim|get_shape\(\))", condition or "")
    return found.group("name") if found else None


def _expected_value(condition: str | None) -> int | None:
    """The number a condition compares with: ``len(x.shape) == 4`` -> 4."""
    found = regex.search(r"(?:==|>=|<=)\s*(?P<n>\d+)\s*$|^\s*(?P<n>\d+)\s*(?:==|>=|<=)",
                         condition or "")
    return int(found.group("n")) if found else None


def _operands(condition: str) -> list[str]:
    """The values a condition compares, as source: ``height % 2 == 0`` -> ``["height"]``."""
    try:
        tree = ast.parse(condition, mode="eval").body
    except SyntaxError:
        return []
    out: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.BoolOp):
            for value in node.values:
                visit(value)
        elif isinstance(node, ast.UnaryOp):
            visit(node.operand)
        elif isinstance(node, ast.Compare):
            for operand in (node.left, *node.comparators):
                visit(operand)
        elif isinstance(node, ast.BinOp):
            visit(node.left)
            visit(node.right)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "isinstance" and node.args:
            visit(node.args[0])
        elif isinstance(node, ast.Constant):
            return
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "len" and len(node.args) == 1:
            visit(node.args[0])  # len(x.shape): show x.shape itself, it says more
        else:
            text = ast.unparse(node)
            if text not in out and len(text) <= 60:
                out.append(text)

    visit(tree)
    return out[:4]


def _shapes(incident: Incident) -> list[tuple[str, tuple[int | None, ...]]]:
    """Shapes of the call arguments Keras printed, as (argument, shape)."""
    out: list[tuple[str, tuple[int | None, ...]]] = []
    for ev in incident.evidence:
        if ev.shape is not None:
            out.append((ev.subject, ev.shape))
        for shape in ev.detail("shapes") or ():
            if shape is not None:
                out.append((ev.subject, tuple(shape)))
    return out[:3]


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    file, line = facts["where_file"], facts["where_line"]
    out: list[Fix] = []
    statement = facts["statement"]
    names = facts["names"]
    if statement and facts["assert_message"] is None and names:
        quote = quote_free(statement)
        if quote is not None:
            shown = ", ".join(f"{n}={{{n}!r}}" for n in names)
            snippet = f"{statement.strip()}, f{quote}{shown}{quote}"
            out.append(Fix("Make the assertion say which value broke it",
                           Applicability.DISPLAY_ONLY, snippet, file, line))
    out.append(Fix(_TITLES[facts["kind"]], Applicability.DISPLAY_ONLY, _data_snippet(facts),
                   file, line))
    return out


_TITLES = {
    "divisible": "Give the input a size that stays divisible at every stage",
    "rank": "Give the data the number of axes the check expects",
    "structure": "Pass the inputs in the structure the check expects",
    "size": "Make the sizes agree before they reach the check",
    "dtype": "Cast the data to the dtype the check expects",
    "other": "Change the data (not the assertion) so that the check holds",
}


def _data_snippet(facts: dict[str, Any]) -> str:
    kind = facts["kind"]
    names = facts["names"]
    subject = names[0] if names else "x"
    if kind == "divisible":
        m = facts["modulus"] or 2
        return (
            f"# {subject} must be a multiple of {m} here; after k stages that divide by {m}, the\n"
            f"# input size must be a multiple of {m}**k: pad (or resize) the inputs up to it\n"
            "images = tf.image.resize_with_crop_or_pad(images, target_height, target_width)")
    if kind == "rank":
        array = facts["subject"] or subject
        want = facts["expected_value"]
        axes = f"{want} axes" if want is not None else "the rank the check wants"
        return (f"print({array}.shape)  # the check wants {axes}\n"
                f"{array} = np.expand_dims({array}, axis=-1)  # add the missing axis"
                " (channel: -1, batch: 0)")
    if kind == "structure":
        return (f"print(type({subject}), len({subject}))  # what reached the check\n"
                "# rebuild/load the model with the same version of the layer that saved it,\n"
                "# or pass the list of inputs the layer was written for")
    if kind == "dtype":
        return "x = tf.cast(x, tf.float32)  # the dtype the check expects"
    condition = facts["condition"] or "the asserted condition"
    return f"# find which value makes `{condition}` false and fix it where it is produced"
