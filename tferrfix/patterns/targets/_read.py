"""Shared by the target/loss patterns: read a "targets do not fit the model's output or the
loss" message, in every wording Keras and TensorFlow have used, into one ``Reading``.

The same message often belongs to different families depending on how the two shapes relate
and on who called the loss:

* a compiled Keras loss (frames or graph nodes named ``categorical_crossentropy``,
  ``sparse_categorical_crossentropy``, ``binary_crossentropy``, Keras 3's ``compile_loss/``,
  tf.keras 1.x's ``loss/<output>_loss/``): the targets and the model's last layer disagree,
  so the family is output-units-vs-classes or label-encoding-vs-loss;
* the user's own ``tf.nn.*_with_logits`` call: logits-labels-mismatch;
* nothing known (a message pasted alone): the shapes decide, with a lower confidence.

A relation that belongs to another group (a model output with extra axes: missing-flatten)
gives no reading at all, so that the other pattern is not out-ranked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes.snippets import data_call
from tferrfix.incident import Evidence, Incident
from tferrfix.shapes import Shape, fits, parse_shape, same

_S = r"(?:\([^()]*\)|\[[^\[\]]*\])"  # a printed shape: (None, 10), [32,10], (784,)
_T = r"`?"  # optional backticks around names, as Keras 3 prints them

# -- Keras 3 (keras/src/backend/tensorflow/nn.py) --------------------------------------
K3_SAME_SHAPE = lazy_regex.compile(
    rf"Arguments {_T}target{_T} and {_T}output{_T} must have the same shape\.? Received: "
    rf"target\.shape=(?P<target>{_S}),? output\.shape=(?P<output>{_S})"
)
K3_SAME_RANK = lazy_regex.compile(
    rf"Arguments {_T}target{_T} and {_T}output{_T} must have the same rank \(ndim\)\.? Received: "
    rf"target\.shape=(?P<target>{_S}),? output\.shape=(?P<output>{_S})"
)
K3_SPARSE_RANK = lazy_regex.compile(
    rf"Argument {_T}output{_T} must have rank \(ndim\) {_T}target\.ndim - 1{_T}\.? Received: "
    rf"target\.shape=(?P<target>{_S}),? output\.shape=(?P<output>{_S})"
)
# -- tf-keras 2.x ----------------------------------------------------------------------
# categorical_crossentropy: target.shape.assert_is_compatible_with(output.shape)
SHAPES_INCOMPATIBLE = lazy_regex.compile(
    rf"Shapes (?P<target>{_S}) and (?P<output>{_S}) are incompatible"
)
# binary_crossentropy -> tf.nn.sigmoid_cross_entropy_with_logits
SIGMOID_SAME_SHAPE = lazy_regex.compile(
    rf"{_T}logits{_T} and {_T}labels{_T} must have the same shape,?(?: received)? "
    rf"\((?P<logits>{_S}) vs (?P<labels>{_S})\)"
)
# -- tf.keras 1.x-2.1 and Keras 2.x: targets checked before training -------------------
TARGET_ARRAY = lazy_regex.compile(
    rf"A target array with shape (?P<target>{_S}) was passed for an output of shape "
    rf"(?P<output>{_S}) while using as loss {_T}(?P<loss>\w+){_T}"
)
PASSING_TARGET = lazy_regex.compile(
    rf"You are passing a target array of shape (?P<target>{_S}) while using as loss "
    rf"{_T}(?P<loss>\w+){_T}"
)
CHECK_TARGET = lazy_regex.compile(
    r"Error when checking (?:model )?target ?: expected (?P<layer>[\w./-]+) to have shape "
    rf"(?P<expected>{_S}) but got array with shape (?P<found>{_S})"
)
# -- Keras 2.x graphs: the compiled loss combines targets and outputs element-wise -------
# "Incompatible shapes: [32,29] vs. [32,30] [[{{node loss_3/dense_6_loss/mul}} = Mul[...]
# (_arg_dense_6_target_0_1, loss_3/dense_6_loss/Log)]]": the operand named `..._target...`
# is the targets.
LOSS_ELEMENTWISE = lazy_regex.compile(
    r"Incompatible shapes: (?P<a>\[[\d,\s]*\]) vs\. (?P<b>\[[\d,\s]*\])"
    r".{0,400}?\{\{node (?P<node>[^{}\s]*_loss/[^{}\s]*)\}\}[^(\n]{0,600}"
    r"\((?P<x>[^,()\s]+), (?P<y>[^,()\s]+)\)", flags=regex.S)
# -- TF1 graphs: feeding the labels placeholder ----------------------------------------
FEED = lazy_regex.compile(
    rf"Cannot feed value of shape (?P<found>{_S}) for Tensor '?(?P<tensor>[^',\s]+)'?, which "
    rf"has shape '?(?P<expected>{_S})'?"
)
# -- TF1 losses: sparse losses squeeze the labels' last axis ---------------------------
SPARSE_SQUEEZE = lazy_regex.compile(
    r"Can ?not squeeze dim\[(?P<axis>\d+)\], expected a dimension of 1, got (?P<got>\d+) for "
    rf"'(?P<node>[^']*)'(?: \(op: '\w+'\))?(?: with input shapes: (?P<input>{_S}))?"
)
# -- tf.nn.*_cross_entropy_with_logits -------------------------------------------------
XENT_FIRST_DIM = lazy_regex.compile(
    rf"logits and labels must have the same first dimension, got logits shape (?P<logits>{_S}) "
    rf"and labels shape (?P<labels>{_S})"
)
XENT_EXCEPT_LAST = lazy_regex.compile(
    rf"{_T}labels\.shape{_T} must equal {_T}logits\.shape{_T} except for the last dimension\.? "
    rf"Received: labels\.shape=(?P<labels>{_S}) and logits\.shape=(?P<logits>{_S})"
)
XENT_RANK = lazy_regex.compile(
    r"Rank mismatch: Rank of labels \(received (?P<labels_rank>\d+)\) should equal rank of "
    r"logits minus 1 \(received (?P<logits_rank>\d+)\)"
)
# TF 2.x static check of the ranks
XENT_RANK2 = lazy_regex.compile(
    rf"{_T}labels\.shape\.rank{_T} must equal {_T}logits\.shape\.rank - 1{_T}\.? Received: "
    rf"labels\.shape=(?P<labels>{_S}) of rank (?P<labels_rank>\d+) and "
    rf"logits\.shape=(?P<logits>{_S}) of rank (?P<logits_rank>\d+)"
)
XENT_SIZE = lazy_regex.compile(
    rf"logits and labels must be (?P<how>broadcastable|same size): logits_size=(?P<logits>{_S}) "
    rf"labels_size=(?P<labels>{_S})"
)
XENT_DIM = lazy_regex.compile(
    r"Dimension (?P<dim>\d+) in both shapes must be equal, but are (?P<a>\d+) and (?P<b>\d+)\.? "
    r"for '(?P<node>[^']*)' \(op: '(?P<op>\w+)'\) with input shapes: "
    rf"(?P<logits>{_S}), (?P<labels>{_S})"
)
# tf.nn.sparse_softmax_cross_entropy_with_logits with unknown static shapes (TF 1.x):
# an assert_equal of labels.shape against logits.shape[:-1].
XENT_ASSERT = lazy_regex.compile(
    r"Condition x == y did not hold element-wise:\]? \[x \((?P<x>[^()\s]+)\) = \] "
    r"\[(?P<xv>[-\d ]*)\] \[y \((?P<y>[^()\s]+)\) = \] \[(?P<yv>[-\d ]*)\]"
)
# -- out-of-range ids ------------------------------------------------------------------
LABEL_RANGE = lazy_regex.compile(
    r"Received a label value of (?P<value>-?\d+) which is outside the valid range of "
    r"\[0, (?P<n>\d+)\)\.?(?:[ \t]+Label values:(?P<values>[-\d \t]*))?"
)
INDEX_RANGE = lazy_regex.compile(
    r"indices(?P<pos>\[[-\d,\s]*\])? = (?P<value>-?\d+) is not in \[0, (?P<size>\d+)\)"
)
GATHER_ND_RANGE = lazy_regex.compile(
    r"indices(?P<pos>\[[-\d,\s]*\])? = \[(?P<value>[-\d, ]+)\] does not index into param shape "
    r"(?P<params>\[[\d,\s]*\])"
)

# Keras loss functions, as they appear in frames ("in categorical_crossentropy") and in graph
# node names ("sparse_categorical_crossentropy/SparseSoftmaxCrossEntropyWithLogits").
_LOSS_NAME = lazy_regex.compile(
    r"(?<![A-Za-z])(?P<loss>(?:sparse_)?categorical_(?:focal_)?crossentropy|binary_(?:focal_)?"
    r"crossentropy|mean_squared_error|mean_absolute_error|kl_divergence|poisson|hinge)(?![A-Za-z])"
)
_FRAME_IN = lazy_regex.compile(r', line \d+, in (?P<func>\w+)')
# Graph node of a compiled Keras loss whose name we do not know: Keras 3's "compile_loss/",
# tf.keras 1.x's "loss/<output>_loss/" ("loss_3/..." after several compiles).
_KERAS_LOSS_NODE = lazy_regex.compile(r"(?:^|[\s{'/])(?:compile_loss|loss(?:_\d+)?/\w+_loss)/")
_LOSS_FRAME_FUNCS = ("compute_loss", "compiled_loss", "_compute_loss")
_TF_XENT_CODE = lazy_regex.compile(r"_with_logits\s*\(|sequence_loss\s*\(|\blosses\.\w*cross_entropy\s*\(")


@dataclass(frozen=True)
class Context:
    """Who computed the loss."""

    keras_loss: str | None  # "categorical_crossentropy", ... or "keras" when unnamed
    user_tf_call: bool  # the user's own line calls tf.nn.*_with_logits / sequence_loss

    @property
    def keras(self) -> bool:
        return self.keras_loss is not None

    @property
    def sparse(self) -> bool:
        return bool(self.keras_loss and self.keras_loss.startswith("sparse"))

    @property
    def categorical(self) -> bool:
        return bool(self.keras_loss and self.keras_loss.startswith("categorical"))


def context(incident: Incident) -> Context:
    loss: str | None = None
    for error in incident.chain:
        for frame in error.frames:
            found = _LOSS_NAME.fullmatch(frame.function)
            if found:
                loss = found.group("loss")
            elif frame.function in _LOSS_FRAME_FUNCS and loss is None:
                loss = "keras"
    for text in incident.messages:
        for found in _FRAME_IN.finditer(text, timeout=1.0):
            name = _LOSS_NAME.fullmatch(found.group("func"))
            if name:
                loss = name.group("loss")
            elif found.group("func") in _LOSS_FRAME_FUNCS and loss is None:
                loss = "keras"
        for line in text.split("\n"):
            if "node" in line.lower() or "op '" in line:
                name = _LOSS_NAME.search(line)
                if name and ("/" in line[name.end():name.end() + 1]):
                    loss = name.group("loss")
                elif loss is None and _KERAS_LOSS_NODE.search(line):
                    loss = "keras"
    user = incident.user_frame
    user_call = bool(user and user.code and _TF_XENT_CODE.search(user.code))
    if not user_call:
        for error in incident.chain:
            if any(f.is_user and f.code and _TF_XENT_CODE.search(f.code) for f in error.frames):
                user_call = True
    if user_call and loss == "keras":
        loss = None  # a user's tf.nn call inside a custom loss: the user's call decides
    return Context(loss, user_call)


@dataclass
class Reading:
    """What a target/loss message says, and which family it belongs to."""

    family: str
    confidence: float
    wording: str
    facts: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)


# Facts every reading carries, so that templates can test them (StrictUndefined).
_BASE: dict[str, Any] = {
    "kind": None, "target": None, "output": None, "classes": None, "units": None,
    "loss": None, "keras": False, "user_tf_call": False, "layer": None, "tensor": None,
    "logits": None, "labels": None, "relation": None, "alternative": False,
    "factor": None, "batch": None, "steps": None, "message_loss": None,
}


def _reading(family: str, confidence: float, wording: str, ctx: Context,
             **facts: Any) -> Reading:
    out = dict(_BASE)
    out["loss"] = ctx.keras_loss if ctx.keras_loss != "keras" else None
    out["keras"] = ctx.keras
    out["user_tf_call"] = ctx.user_tf_call
    out.update(facts)
    evidence = []
    for key, subject in (("target", "targets"), ("output", "model output"),
                         ("labels", "labels"), ("logits", "logits")):
        if out.get(key) is not None:
            evidence.append(Evidence(subject, "tensor", shape=tuple(out[key]), origin="text"))
    return Reading(family, round(confidence, 2), wording, out, evidence)


def _last(shape: Shape | None) -> int | None:
    return shape[-1] if shape else None


def _prod(dims: Sequence[int | None]) -> int | None:
    if any(d is None for d in dims):
        return None
    return math.prod(d for d in dims if d is not None)


def _width_clash(target: Shape, output: Shape) -> bool:
    """Same rank, same leading axes, different last axis."""
    return (len(target) == len(output) and len(target) >= 1 and same(target[:-1], output[:-1])
            and not fits(target[-1], output[-1]))


# -- the readings ----------------------------------------------------------------------
def read(incident: Incident) -> Reading | None:
    """The reading of the first target/loss message of the incident that has one, or None."""
    ctx: Context | None = None
    for text in incident.messages:
        for rx, reader in _READERS:
            found = rx.search(text, timeout=1.0)
            if found:
                if ctx is None:
                    ctx = context(incident)
                reading = reader(found, ctx)
                if reading is not None:
                    return reading
    return None


def diagnose(module_name: str, incident: Incident, family: str,
             reading: Reading | None = None) -> Diagnosis | None:
    """The diagnosis of ``module_name`` when the incident's reading belongs to ``family``."""
    reading = reading if reading is not None else read(incident)
    if reading is None or reading.family != family:
        return None
    facts = {**reading.facts, "wording": reading.wording,
             "targets_arg": targets_argument(incident)}
    return Diagnosis.of(module_name, confidence=reading.confidence, facts=facts,
                        evidence=reading.evidence)


def targets_argument(incident: Incident) -> str | None:
    """The expression the user passed as targets on the failing line (``y_train`` in
    ``model.fit(x_train, y_train)``), when it is a plain name or attribute."""
    frame = incident.user_frame
    if frame is None or not frame.code:
        return None
    code = frame.code.strip()
    missing = code.count("(") - code.count(")")
    if missing > 0:
        code = code.rstrip(",") + ")" * missing
    site = data_call(code)
    if site is None or site.method not in _TARGET_METHODS:
        return None
    arg = site.args[1] if len(site.args) > 1 else dict(site.keywords).get("y")
    return arg if arg and _PLAIN.fullmatch(arg) else None


_TARGET_METHODS = ("fit", "evaluate", "train_on_batch", "test_on_batch", "fit_generator")
_PLAIN = lazy_regex.compile(r"[A-Za-z_][\w.]{0,60}")


def _target_vs_output(target: Shape | None, output: Shape | None, ctx: Context, wording: str,
                      *, keras_message: bool) -> Reading | None:
    """A compiled loss compared the targets with the model's output, axis by axis."""
    if target is None or output is None or not _width_clash(target, output):
        return None  # rank or leading axes differ: another family (missing-flatten, ...)
    sure = ctx.keras or keras_message
    if not sure and len(target) < 2:
        return None  # "Shapes (10,) and (20,)" alone: a variable assignment as often as a loss
    units, classes = output[-1], target[-1]
    known_other_loss = ctx.keras_loss not in (None, "keras") and not ctx.categorical
    if classes == 1 and units not in (None, 1) and not known_other_loss:
        # one integer id per sample where a categorical loss wants a one-hot row
        return _reading("label-encoding-vs-loss", 0.88 if sure else 0.65, wording, ctx,
                        kind="int-with-categorical", target=target, output=output,
                        classes=None, units=units)
    return _reading("output-units-vs-classes", 0.9 if sure else 0.62, wording, ctx,
                    target=target, output=output, classes=classes, units=units)


def _loss_elementwise(m: regex.Match[str], ctx: Context) -> Reading | None:
    a, b = parse_shape(m["a"]), parse_shape(m["b"])
    x_target, y_target = "target" in m["x"], "target" in m["y"]
    if x_target == y_target:
        return None  # which operand holds the targets is not said
    target, output = (a, b) if x_target else (b, a)
    return _target_vs_output(target, output, ctx, "keras2-loss-graph", keras_message=True)


def _k3_same_shape(m: regex.Match[str], ctx: Context) -> Reading | None:
    return _target_vs_output(parse_shape(m["target"]), parse_shape(m["output"]), ctx,
                             "keras3-same-shape", keras_message=True)


def _shapes_incompatible(m: regex.Match[str], ctx: Context) -> Reading | None:
    return _target_vs_output(parse_shape(m["target"]), parse_shape(m["output"]), ctx,
                             "tf-keras-shapes", keras_message=False)


def _k3_same_rank(m: regex.Match[str], ctx: Context) -> Reading | None:
    target, output = parse_shape(m["target"]), parse_shape(m["output"])
    if target is None or output is None:
        return None
    if len(target) == len(output) - 1 and same(target, output[:-1]) and output[-1] != 1:
        return _reading("label-encoding-vs-loss", 0.9, "keras3-rank", ctx,
                        kind="int-with-categorical", target=target, output=output,
                        units=output[-1])
    return None  # the output has extra axes (missing-flatten) or the targets do


def _k3_sparse_rank(m: regex.Match[str], ctx: Context) -> Reading | None:
    target, output = parse_shape(m["target"]), parse_shape(m["output"])
    if target is None or output is None or len(target) != len(output):
        return None  # output rank > target rank + 1: the model kept extra axes
    if target[-1] == 1:
        return None
    if fits(target[-1], output[-1]) and same(target[:-1], output[:-1]):
        return _reading("label-encoding-vs-loss", 0.9, "keras3-sparse-rank", ctx,
                        kind="onehot-with-sparse", target=target, output=output,
                        classes=output[-1], units=output[-1])
    if same(target[:-1], output[:-1]):
        return _reading("label-encoding-vs-loss", 0.6, "keras3-sparse-rank", ctx,
                        kind="onehot-with-sparse", target=target, output=output,
                        classes=target[-1], units=output[-1])
    return None


def _sigmoid_same_shape(m: regex.Match[str], ctx: Context) -> Reading | None:
    logits, labels = parse_shape(m["logits"]), parse_shape(m["labels"])
    if logits is None or labels is None:
        return None
    if ctx.user_tf_call and not ctx.keras:
        return _xent_mismatch(logits, labels, ctx, "sigmoid-same-shape", 0.85)
    if _width_clash(labels, logits):
        conf = 0.9 if ctx.keras else 0.6
        return _reading("output-units-vs-classes", conf, "sigmoid-same-shape", ctx,
                        target=labels, output=logits, classes=labels[-1], units=logits[-1])
    if ctx.keras:
        return None
    return _xent_mismatch(logits, labels, ctx, "sigmoid-same-shape", 0.7)


def _target_array(m: regex.Match[str], ctx: Context) -> Reading | None:
    target, output = parse_shape(m["target"]), parse_shape(m["output"])
    ctx = Context(m["loss"], ctx.user_tf_call)
    return _target_vs_output(target, output, ctx, "target-array", keras_message=True)


def _passing_target(m: regex.Match[str], ctx: Context) -> Reading | None:
    target = parse_shape(m["target"])
    if target is None or not m["loss"].startswith("categorical") or _last(target) != 1:
        return None
    ctx = Context(m["loss"], ctx.user_tf_call)
    return _reading("label-encoding-vs-loss", 0.92, "passing-target", ctx,
                    kind="int-with-categorical", target=target)


# A one-hot width this large is a vocabulary: sparse losses are the usual choice there, and a
# one-unit output is not a design anyone starts from for it.
_VOCABULARY = 100


def _check_target(m: regex.Match[str], ctx: Context) -> Reading | None:
    expected, found = parse_shape(m["expected"]), parse_shape(m["found"])
    if expected is None or found is None or len(expected) != len(found) or not expected:
        return None
    if expected[0] is None:
        # Keras 1.x / 2.0 print the whole shape, the batch axis included
        expected, found = expected[1:], found[1:]
    layer = m["layer"]
    if not expected or not same(expected[:-1], found[:-1]) or fits(expected[-1], found[-1]):
        return None
    width, got = expected[-1], found[-1]
    target, output = found, expected
    if got == 1 and width not in (None, 1):
        return _reading("label-encoding-vs-loss", 0.85, "check-target", ctx,
                        kind="int-with-categorical", target=target, output=output,
                        units=width, layer=layer)
    if width == 1 and got is not None:
        # Keras checks targets against (..., 1) both for a one-unit output and for a sparse
        # loss (it replaces the last axis by 1); the text cannot tell them apart.
        if len(expected) >= 2 or got >= _VOCABULARY or ctx.sparse:
            return _reading("label-encoding-vs-loss", 0.7, "check-target", ctx,
                            kind="onehot-with-sparse", target=target, output=output,
                            classes=got, layer=layer, alternative=True)
        return _reading("output-units-vs-classes", 0.7, "check-target", ctx,
                        target=target, output=output, classes=got, units=1, layer=layer,
                        alternative=True)
    return _reading("output-units-vs-classes", 0.85, "check-target", ctx,
                    target=target, output=output, classes=got, units=width, layer=layer)


_LABEL_NAME = lazy_regex.compile(
    r"(?i)^(?:y(?:_\w*|s|\d*)|labels?(?:_\w*|\d*)|targets?(?:_\w*|\d*)|\w+_(?:labels?|targets?)"
    r"|gt(?:_\w*)?|ground_?truth\w*)$"
)
_AUTO_PLACEHOLDER = lazy_regex.compile(r"^Placeholder_[1-9]\d*$")


def _feed(m: regex.Match[str], ctx: Context) -> Reading | None:
    found, expected = parse_shape(m["found"]), parse_shape(m["expected"])
    tensor = m["tensor"]
    base = tensor.split(":")[0].rsplit("/", 1)[-1]
    if found is None or expected is None:
        return None
    named = bool(_LABEL_NAME.match(base))
    auto = bool(_AUTO_PLACEHOLDER.match(base))
    if not (named or auto):
        return None  # an input placeholder: the input patterns read it
    # A placeholder named like labels is read by the label encoding before the input shape.
    conf = 0.92 if named else 0.65
    if len(found) == 1 and len(expected) == 2 and (_last(expected) or 0) > 1:
        return _reading("label-encoding-vs-loss", conf, "feed", ctx, kind="int-into-onehot",
                        target=found, output=expected, units=expected[-1], tensor=tensor)
    if len(found) == 2 and len(expected) == 1 and (_last(found) or 0) > 1:
        return _reading("label-encoding-vs-loss", conf, "feed", ctx, kind="onehot-into-int",
                        target=found, output=expected, classes=found[-1], tensor=tensor)
    if named and _width_clash(found, expected):
        return _reading("output-units-vs-classes", conf, "feed", ctx, target=found,
                        output=expected, classes=found[-1], units=expected[-1], tensor=tensor)
    return None


def _sparse_squeeze(m: regex.Match[str], ctx: Context) -> Reading | None:
    node = m["node"]
    if "sparse" not in node.lower() or int(m["got"]) <= 1:
        return None
    shape = parse_shape(m["input"]) if m["input"] else None
    return _reading("label-encoding-vs-loss", 0.92, "sparse-squeeze", ctx,
                    kind="onehot-with-sparse", target=shape, classes=int(m["got"]))


# -- tf.nn cross-entropy ---------------------------------------------------------------
def _xent_mismatch(logits: Shape, labels: Shape, ctx: Context, wording: str,
                   confidence: float, **extra: Any) -> Reading:
    """Logits and labels of a tf.nn cross-entropy disagree on their rows."""
    rows_l = _prod(logits[:-1]) if len(logits) >= 2 else None
    rows_y = _prod(labels[:-1]) if len(labels) >= 2 and len(labels) == len(logits) else \
        _prod(labels)
    facts: dict[str, Any] = {"logits": logits, "labels": labels, "relation": "rows"}
    if rows_l and rows_y and rows_l != rows_y:
        big, small = max(rows_l, rows_y), min(rows_l, rows_y)
        if big % small == 0:
            facts.update(relation="logits-more" if rows_l > rows_y else "labels-more",
                         factor=big // small)
        else:
            g = math.gcd(rows_l, rows_y)
            a, b = rows_l // g, rows_y // g
            if g > 1 and abs(a - b) == 1 and min(a, b) >= 2:
                facts.update(relation="sequence-shift", batch=g, steps=(a, b))
    elif rows_l == rows_y and logits[-1:] != labels[-1:]:
        facts.update(relation="width")
    facts.update(extra)
    return _reading("logits-labels-mismatch", confidence, wording, ctx, **facts)


def _sparse_rows(logits: Shape | None, labels: Shape | None, ctx: Context,
                 wording: str) -> Reading | None:
    """Sparse softmax cross-entropy: labels must be logits.shape[:-1]."""
    if logits is None or labels is None or len(logits) < 1:
        return None
    classes = logits[-1]
    n_labels = _prod(labels)
    n_rows = _prod(logits[:-1])
    if (len(labels) == len(logits) and classes not in (None, 1)
            and fits(labels[-1], classes) and same(labels[:-1], logits[:-1])):
        # one-hot rows given where one id per row is expected
        return _reading("label-encoding-vs-loss", 0.9 if ctx.keras else 0.8, wording, ctx,
                        kind="onehot-with-sparse", labels=labels, logits=logits,
                        classes=classes)
    if n_labels and n_rows and classes and classes > 1 and n_labels == n_rows * classes:
        # the loss flattened one-hot labels into rows * classes entries
        return _reading("label-encoding-vs-loss", 0.92 if ctx.keras else 0.8, wording, ctx,
                        kind="onehot-with-sparse", labels=labels, logits=logits,
                        classes=classes, relation="flattened-onehot")
    if ctx.keras and not ctx.user_tf_call:
        if n_labels and n_rows and n_rows > n_labels and n_rows % n_labels == 0:
            return None  # the model's output kept extra axes: missing-flatten
        if n_labels and n_rows and n_labels > n_rows and n_labels % n_rows == 0:
            return _reading("label-encoding-vs-loss", 0.6, wording, ctx,
                            kind="onehot-with-sparse", labels=labels, logits=logits,
                            classes=classes, relation="labels-more",
                            factor=n_labels // n_rows)
        return _xent_mismatch(logits, labels, ctx, wording, 0.5)
    confidence = 0.85
    if n_labels and n_rows and n_rows > n_labels and n_rows % n_labels == 0 \
            and not ctx.user_tf_call:
        confidence = 0.6  # could be a model output with extra axes flattened by a loss
    return _xent_mismatch(logits, labels, ctx, wording, confidence)


def _xent_first_dim(m: regex.Match[str], ctx: Context) -> Reading | None:
    return _sparse_rows(parse_shape(m["logits"]), parse_shape(m["labels"]), ctx,
                        "xent-first-dimension")


def _xent_except_last(m: regex.Match[str], ctx: Context) -> Reading | None:
    return _sparse_rows(parse_shape(m["logits"]), parse_shape(m["labels"]), ctx,
                        "xent-except-last")


def _xent_rank(m: regex.Match[str], ctx: Context) -> Reading | None:
    labels_rank, logits_rank = int(m["labels_rank"]), int(m["logits_rank"])
    groups = m.groupdict()
    labels, logits = parse_shape(groups.get("labels")), parse_shape(groups.get("logits"))
    if labels_rank == logits_rank and logits_rank >= 2 and (
            labels is None or logits is None or fits(labels[-1], logits[-1])):
        # labels with the class axis: one-hot rows given to a sparse loss
        return _reading("label-encoding-vs-loss", 0.9 if ctx.keras else 0.8, "xent-rank", ctx,
                        kind="onehot-with-sparse", labels=labels, logits=logits,
                        classes=_last(logits) if logits else None)
    relation = "swapped" if labels_rank == logits_rank + 1 else "rank"
    return _reading("logits-labels-mismatch", 0.85, "xent-rank", ctx, relation=relation,
                    labels=labels, logits=logits, labels_rank=labels_rank,
                    logits_rank=logits_rank)


def _xent_size(m: regex.Match[str], ctx: Context) -> Reading | None:
    logits, labels = parse_shape(m["logits"]), parse_shape(m["labels"])
    if logits is None or labels is None or len(logits) != len(labels) or not logits:
        return None
    if _width_clash(labels, logits):
        # same rows, a different number of classes: the logits' width is the model's
        if ctx.user_tf_call and not ctx.keras:
            return _xent_mismatch(logits, labels, ctx, "xent-size", 0.8)
        return _reading("output-units-vs-classes", 0.9 if ctx.keras else 0.7, "xent-size", ctx,
                        target=labels, output=logits, classes=labels[-1], units=logits[-1])
    rows_l, rows_y = logits[0], labels[0]
    if (ctx.keras and not ctx.user_tf_call and rows_l and rows_y and rows_l > rows_y
            and rows_l % rows_y == 0):
        return None  # a Keras model output with extra axes: missing-flatten
    return _xent_mismatch(logits, labels, ctx, "xent-size", 0.85)


def _xent_dim(m: regex.Match[str], ctx: Context) -> Reading | None:
    if "CrossEntropyWithLogits" not in m["op"]:
        return None
    logits, labels = parse_shape(m["logits"]), parse_shape(m["labels"])
    if logits is None or labels is None:
        return None
    return _xent_mismatch(logits, labels, ctx, "xent-dimension", 0.85)


def _ints(text: str) -> tuple[int, ...] | None:
    try:
        return tuple(int(t) for t in text.split())
    except ValueError:
        return None


def _xent_assert(m: regex.Match[str], ctx: Context) -> Reading | None:
    if "CrossEntropyWithLogits" not in m["x"] + m["y"]:
        return None
    labels, logits_rows = _ints(m["xv"]), _ints(m["yv"])
    if labels is None or logits_rows is None:
        return None
    if len(labels) == len(logits_rows) + 1 and labels[:-1] == logits_rows:
        if labels[-1] == 1:
            return _reading("logits-labels-mismatch", 0.92, "xent-assert", ctx,
                            labels=labels, logits=(*logits_rows, None),
                            relation="labels-extra-axis")
        return _reading("label-encoding-vs-loss", 0.8, "xent-assert", ctx,
                        kind="onehot-with-sparse", labels=labels,
                        logits=(*logits_rows, labels[-1]), classes=labels[-1])
    return _xent_mismatch((*logits_rows, None), labels, ctx, "xent-assert", 0.85)


# -- ids out of range ------------------------------------------------------------------
def _label_range(m: regex.Match[str], ctx: Context) -> Reading | None:
    value, n = int(m["value"]), int(m["n"])
    values = _ints(m["values"] or "") or ()
    shown = (*values, value)
    low, high = min(shown), max(shown)
    if value < 0 or low < 0:
        kind = "negative"
    elif n == 1:
        kind = "one-unit"
    elif low >= 1 and high == n:
        kind = "one-based"
    else:
        kind = "too-few-units"
    return _reading("label-out-of-range", 0.92, "label-range", ctx, kind=kind, value=value,
                    n_classes=n, values=values, low=low, high=high,
                    needed=(high + 1) if high >= n else None)


_NODE = lazy_regex.compile(
    r"(?:\bnode |Node: '?|Caused by op '|\[Op:)(?P<node>[\w./-]+)"
)


def _gather_node(incident: Incident) -> tuple[str | None, str | None]:
    """The node that failed (``model/embedding_1/embedding_lookup``) and the layer it sits in,
    when the message names one."""
    for text in incident.messages:
        found = _NODE.search(text, timeout=1.0)
        if found:
            node = found.group("node").strip("'")
            parts = node.split("/")
            layer = None
            for part in reversed(parts[:-1]):
                if "embedding" in part.lower() and part.lower() not in ("embedding_lookup",):
                    layer = part
                    break
            if layer is None and len(parts) >= 2:
                layer = parts[-2]
            return node, layer
    return None, None


def _index_range(m: regex.Match[str], ctx: Context, incident: Incident | None = None
                 ) -> Reading | None:
    value, size = int(m["value"]), int(m["size"])
    pos = tuple(int(p) for p in regex.findall(r"-?\d+", m["pos"] or ""))
    node, layer = _gather_node(incident) if incident is not None else (None, None)
    text = (node or "").lower()
    embedding = "embedding" in text
    if value < 0:
        kind = "negative"
    elif pos and pos[-1] == value and value >= size and size >= 16:
        # the id equals its own position in the sequence: a position-embedding table
        kind = "position"
    elif value == size:
        kind = "off-by-one"
    else:
        kind = "too-small"
    return _reading("index-out-of-range", 0.9, "index-range", ctx, kind=kind, value=value,
                    size=size, position=pos, node=node, layer=layer, embedding=embedding,
                    needed=value + 1 if value >= size else None)


def _gather_nd_range(m: regex.Match[str], ctx: Context, incident: Incident | None = None
                     ) -> Reading | None:
    index = tuple(int(t) for t in regex.findall(r"-?\d+", m["value"]))
    params = parse_shape(m["params"]) or ()
    pos = tuple(int(p) for p in regex.findall(r"-?\d+", m["pos"] or ""))
    node, layer = _gather_node(incident) if incident is not None else (None, None)
    bad = next((i for i, (v, d) in enumerate(zip(index, params, strict=False))
                if d is not None and (v < 0 or v >= d)), 0)
    value = index[bad] if index else 0
    limit = params[bad] if len(params) > bad else None
    size = limit if limit is not None else 0
    return _reading("index-out-of-range", 0.8, "gather-nd", ctx,
                    kind="negative" if value < 0 else "too-small", value=value, size=size,
                    position=pos, node=node, layer=layer, embedding=False,
                    needed=value + 1 if value >= size else None)


_READERS: tuple[tuple[regex.Pattern[str], Any], ...] = (
    (K3_SAME_SHAPE, _k3_same_shape),
    (K3_SAME_RANK, _k3_same_rank),
    (K3_SPARSE_RANK, _k3_sparse_rank),
    (PASSING_TARGET, _passing_target),
    (TARGET_ARRAY, _target_array),
    (CHECK_TARGET, _check_target),
    (SIGMOID_SAME_SHAPE, _sigmoid_same_shape),
    (XENT_FIRST_DIM, _xent_first_dim),
    (XENT_EXCEPT_LAST, _xent_except_last),
    (XENT_RANK, _xent_rank),
    (XENT_RANK2, _xent_rank),
    (XENT_SIZE, _xent_size),
    (XENT_DIM, _xent_dim),
    (XENT_ASSERT, _xent_assert),
    (SPARSE_SQUEEZE, _sparse_squeeze),
    (SHAPES_INCOMPATIBLE, _shapes_incompatible),
    (LOSS_ELEMENTWISE, _loss_elementwise),
    (FEED, _feed),
    (LABEL_RANGE, _label_range),
)


def read_index(incident: Incident) -> Reading | None:
    """An out-of-range gather index (Embedding, tf.gather, gather_nd)."""
    for text in incident.messages:
        for rx, reader in ((INDEX_RANGE, _index_range), (GATHER_ND_RANGE, _gather_nd_range)):
            found = rx.search(text, timeout=1.0)
            if found:
                return reader(found, context(incident), incident)
    return None
