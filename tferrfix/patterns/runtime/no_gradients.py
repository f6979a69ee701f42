"""No gradient reaches any of the variables the optimizer was asked to train.

## What it means
An optimizer step computes the gradient of the loss with respect to each trainable variable and
applies it. Here *every* gradient came back as `None`: as far as TensorFlow's automatic
differentiation can see, the loss does not depend on any of the variables at all. The optimizer
refuses to take a step that would change nothing.

## Why it happens
* The forward pass ran outside the `tf.GradientTape`: `predictions = model(x)` before
  `with tf.GradientTape() as tape:`, so the tape only saw arithmetic on constants.
* `optimizer.minimize(lambda: loss, ...)` with a `loss` tensor computed earlier: `minimize()`
  records the loss function on its own tape, and a lambda that returns a finished tensor runs
  no operation there.
* The path from the variables to the loss is cut: `.numpy()`, NumPy functions, `tf.argmax`,
  `tf.round`, casts to integers, or `tf.stop_gradient` between the model output and the loss;
  a custom loss that ignores `y_pred`.
* `var_list` names variables the loss does not use (TF1 `minimize(loss, var_list=...)` with
  the wrong collection, a model whose output does not come from its trainable layers).

## Example
```python
predictions = model(x)                       # forward pass outside the tape
with tf.GradientTape() as tape:
    loss = loss_fn(y, predictions)
grads = tape.gradient(loss, model.trainable_weights)        # all None
optimizer.apply_gradients(zip(grads, model.trainable_weights))
```
Keras 3 (3.x):
    No gradients provided for any variable.
tf-keras 2.11+ (optimizer with the variables' values):
    No gradients provided for any variable: (['encoder_0/kernel:0', 'encoder_0/bias:0', 'encoder_1/kernel:0', 'encoder_1/bias:0', 'encoder_2/kernel:0', 'encoder_2/bias:0', 'decoder_2/kernel:0', 'decoder_2/bias:0', 'decoder_1/kernel:0', 'decoder_1/bias:0', 'decoder_0/kernel:0', 'decoder_0/bias:0'],). Provided `grads_and_vars` is ((None, <tf.Variable 'encoder_0/kernel:0' shape=(20, 16) dtype=float32, numpy=
tf-keras 2.x (optimizer_v2):
    No gradients provided for any variable: (['encoder_0/kernel:0', 'encoder_0/bias:0', 'encoder_1/kernel:0', 'encoder_1/bias:0', 'encoder_2/kernel:0', 'encoder_2/bias:0', 'encoder_3/kernel:0', 'encoder_3/bias:0', 'decoder_3/kernel:0', 'decoder_3/bias:0', 'decoder_2/kernel:0', 'decoder_2/bias:0', 'decoder_1/kernel:0', 'decoder_1/bias:0', 'decoder_0/kernel:0', 'decoder_0/bias:0'],)
TensorFlow 2.2-2.3 (tensorflow.python.keras):
    No gradients provided for any variable: ['conv1/kernel:0', 'conv1/bias:0', 'batch_normalization/gamma:0', ...]
TensorFlow 1.x (`tf.train` optimizers):
    No gradients provided for any variable, check your graph for ops that do not support gradients, between variables ["<tf.Variable 'loss/loss_gradnorm/Variable:0' shape=() dtype=float32_ref>", "<tf.Variable 'loss/loss_gradnorm/Variable_1:0' shape=() dtype=float32_ref>"] and loss Tensor("loss/loss_gradnorm/Add_3:0", shape=(), dtype=float32)
TensorFlow 0.x:
    No gradients provided for any variable: ((None, <tensorflow.python.ops.variables.Variable object at 0x7f30317a5f10>), (None, <tensorflow.python.ops.variables.Variable object at 0x7f303146fa10>), ...)

## Fix
```python
with tf.GradientTape() as tape:
    predictions = model(x, training=True)    # the forward pass runs inside the tape
    loss = loss_fn(y, predictions)
grads = tape.gradient(loss, model.trainable_weights)
optimizer.apply_gradients(zip(grads, model.trainable_weights))

# optimizer.minimize: pass a function that computes the loss, not a finished tensor
optimizer.minimize(lambda: loss_fn(y, model(x, training=True)), var_list=model.trainable_variables)
```

## Fix safety
Moving the forward pass inside the tape (or into the loss function) computes exactly the same
loss; it only lets TensorFlow see how it was computed. When the path is cut by a
non-differentiable op (argmax, rounding, integer casts, NumPy), the loss itself has to change,
and that changes what the model learns: replace the op by a differentiable one (softmax
probabilities instead of argmax class ids).

## References
- https://github.com/google-deepmind/open_spiel/issues/1208
- https://github.com/whyisyoung/CADE/issues/3
- https://github.com/vpetren/gradnorm_tf/issues/16
- https://github.com/wotchin/SmooFaceEngine/issues/20
- https://github.com/tensorflow/tensorflow/issues/54341
- https://github.com/tensorflow/tensorflow/issues/1841
"""

from __future__ import annotations

import ast
import warnings

import regex

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.materialize import edit, read_source
from tferrfix.fixes.snippets import call_sites
from tferrfix.incident import Incident

code = "TFE0601"
name = "no-gradients"
family = "no-gradients"
exceptions = ("ValueError",)
messages = (
    # Every wording since TF 0.x starts the same way; what follows tells the version.
    lazy_regex.compile(
        r"No gradients provided for any variable(?P<tail>\.|:|, check your graph)"
    ),
)
examples = (
    "No gradients provided for any variable.",
    "No gradients provided for any variable: (['encoder_0/kernel:0', 'encoder_0/bias:0', "
    "'encoder_1/kernel:0', 'encoder_1/bias:0', 'encoder_2/kernel:0', 'encoder_2/bias:0', "
    "'encoder_3/kernel:0', 'encoder_3/bias:0', 'decoder_3/kernel:0', 'decoder_3/bias:0', "
    "'decoder_2/kernel:0', 'decoder_2/bias:0', 'decoder_1/kernel:0', 'decoder_1/bias:0', "
    "'decoder_0/kernel:0', 'decoder_0/bias:0'],)",
    "No gradients provided for any variable, check your graph for ops that do not support "
    "gradients, between variables [\"<tf.Variable 'loss/loss_gradnorm/Variable:0' shape=() "
    "dtype=float32_ref>\", \"<tf.Variable 'loss/loss_gradnorm/Variable_1:0' shape=() "
    "dtype=float32_ref>\"] and loss Tensor(\"loss/loss_gradnorm/Add_3:0\", shape=(), "
    "dtype=float32)",
    "No gradients provided for any variable: ((None, <tensorflow.python.ops.variables.Variable "
    "object at 0x7f30317a5f10>), (None, <tensorflow.python.ops.variables.Variable object at "
    "0x7f303146fa10>), (None, <tensorflow.python.ops.variables.Variable object at "
    "0x7f3031522390>), (None, <tensorflow.python.ops.variables.Variable object at "
    "0x7f30314e1dd0>), (None, <tensorflow.python.ops.variables.Variable object at "
    "0x7f30314a5fd0>), (None, <tensorflow.python.ops.variables.Variable object at "
    "0x7f303146ae90>))",
)

# A variable name as the messages quote it: 'dense/kernel:0'.
_VARIABLE = lazy_regex.compile(r"'(?P<name>[^'\s<>]+:\d+)'")
_UNNAMED = lazy_regex.compile(r"\(None, <[\w.]*Variable object at ")
_LOSS = lazy_regex.compile(r"and loss Tensor\(\"(?P<loss>[^\"]+)\"")
# tf-keras 2.11+ appends every (gradient, variable) pair with the full values: ignore that part.
_PAIRS = "Provided `grads_and_vars`"
_LAMBDA_NAME = lazy_regex.compile(r"^lambda\s*:\s*(?P<name>[A-Za-z_][\w.]*)\s*$")
_ZIP = lazy_regex.compile(r"^zip\(\s*(?P<grads>[^,()]+?)\s*,\s*(?P<vars>[^()]+?)\s*\)$")
_FIT = lazy_regex.compile(r"\.(?:fit|train_on_batch|fit_generator)\(")
_TRAIN_STEP = ("train_step", "train_function", "step_function", "run_step")


def match(incident: Incident) -> Diagnosis | None:
    found = None
    text = ""
    for text in incident.messages:
        found = messages[0].search(text, timeout=1.0)
        if found:
            break
    if found is None:
        return None
    head = text.split(_PAIRS, 1)[0]
    tail = found.group("tail")
    found_vars = list(_VARIABLE.finditer(head))
    variables = list(dict.fromkeys(m.group("name") for m in found_vars))
    # A list cut off by the report ("... 'conv2d_4/b") holds more than we can count.
    cut = bool(found_vars) and not regex.search(r"[\])]", head[found_vars[-1].end():])
    unnamed = len(_UNNAMED.findall(head))
    loss = _LOSS.search(head)
    if tail == ".":
        wording = "keras3"
    elif tail.startswith(","):
        wording = "tf1"
    elif unnamed:
        wording = "tf0"
    else:
        wording = "tf-keras"
    facts = {
        "wording": wording,
        "variables": variables,
        "n_variables": len(variables) or unnamed or None,
        "list_cut": cut,
        "loss": loss.group("loss") if loss else None,
        **_cause(incident),
    }
    return Diagnosis.of(__name__, confidence=0.9, facts=facts)


def _cause(incident: Incident) -> dict[str, object]:
    """What the user's failing line shows about how the gradients were asked for."""
    out: dict[str, object] = {"cause": "unknown", "loss_name": None, "var_list": None,
                              "grads_name": None, "optimizer": None}
    frame = incident.user_frame
    code = frame.code if frame and frame.code else ""
    for site in call_sites(code):
        if site.method == "minimize":
            loss_arg = site.args[0] if site.args else dict(site.keywords).get("loss")
            var_list = site.args[1] if len(site.args) > 1 else dict(site.keywords).get("var_list")
            out.update(optimizer=site.receiver, var_list=var_list)
            lam = _LAMBDA_NAME.match(loss_arg or "")
            if lam:
                out.update(cause="precomputed-loss", loss_name=lam.group("name"),
                           loss_arg=loss_arg)
            else:
                out.update(cause="minimize", loss_name=loss_arg)
            return out
        if site.method == "apply_gradients":
            out.update(cause="tape", optimizer=site.receiver)
            pairs = _ZIP.match(site.args[0]) if site.args else None
            if pairs:
                out.update(grads_name=pairs.group("grads"), var_list=pairs.group("vars"))
            return out
    if _FIT.search(code) or any(f.function in _TRAIN_STEP for e in incident.chain
                                for f in e.frames):
        out["cause"] = "fit"
    return out


def _model_of(var_list: str | None) -> str:
    """``model.trainable_weights`` -> ``model``."""
    if var_list and "." in var_list and "(" not in var_list:
        return var_list.rsplit(".", 1)[0]
    return "model"


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    frame = incident.user_frame
    file, line = (frame.file, frame.line) if frame else (None, None)
    cause = facts["cause"]
    if cause == "precomputed-loss" and frame is not None:
        name = str(facts["loss_name"])
        new_line = frame.code.strip().replace(str(facts["loss_arg"]), "compute_loss", 1)
        snippet = (
            "def compute_loss():  # called by minimize() inside its own GradientTape\n"
            f"    return ...  # the code that computed `{name}`: the model call and the loss\n"
            f"{new_line}"
        )
        fix = Fix("Compute the loss inside the function given to minimize()",
                  Applicability.DISPLAY_ONLY, snippet, file, line)
        recompute = _inlined_loss(file, line, name, _model_of(
            str(facts["var_list"]) if facts["var_list"] else None))
        if recompute and incident.source == "live" and file and line:
            # Unsafe: minimize() now recomputes the forward pass and the loss itself (the
            # program's own `loss` value is left as it was).
            keyword = "loss" if "loss=" in frame.code else None
            fix = Fix(fix.title, Applicability.UNSAFE, snippet, file, line, (edit(
                file, line, "set_keyword", call="minimize", keyword=keyword or "loss",
                value=f"lambda: {recompute}", position=None if keyword else 0),))
        return [fix]
    if cause == "tape" and frame is not None:
        variables = str(facts["var_list"] or "model.trainable_variables")
        grads = str(facts["grads_name"] or "grads")
        model = _model_of(variables)
        snippet = (
            "with tf.GradientTape() as tape:\n"
            f"    predictions = {model}(x, training=True)  # the forward pass inside the tape\n"
            "    loss = loss_fn(y, predictions)\n"
            f"{grads} = tape.gradient(loss, {variables})\n"
            f"{frame.code.strip()}"
        )
        fix = Fix("Run the forward pass inside the GradientTape", Applicability.DISPLAY_ONLY,
                  snippet, file, line)
        moves = _tape_edits(file, model)
        if moves and incident.source == "live":
            # Unsafe: the same forward pass, but it now runs where the tape records it (and
            # after whatever ran between it and the tape).
            fix = Fix(fix.title, Applicability.UNSAFE, snippet, moves[0].file, moves[0].line,
                      tuple(moves))
        return [fix]
    if cause == "fit":
        snippet = (
            "def loss(y_true, y_pred):  # TensorFlow ops on y_pred only: no .numpy(), NumPy,\n"
            "    return tf.reduce_mean(tf.square(y_true - y_pred))  # argmax, round or int casts\n"
            "model.compile(optimizer=\"adam\", loss=loss)"
        )
        return [Fix("Keep the loss differentiable with respect to the model's output",
                    Applicability.DISPLAY_ONLY, snippet, file, line)]
    loss = facts.get("loss_name") or "loss"
    variables = facts.get("var_list") or "var_list"
    if facts["wording"] in ("tf1", "tf0"):
        snippet = (
            f"grads = tf.gradients({loss}, {variables})\n"
            f"print([v.name for g, v in zip(grads, {variables}) if g is None])"
            "  # variables the loss does not reach"
        )
    else:
        snippet = (
            "with tf.GradientTape() as tape:\n"
            "    predictions = model(x, training=True)  # the forward pass inside the tape\n"
            "    loss = loss_fn(y, predictions)\n"
            "grads = tape.gradient(loss, model.trainable_variables)\n"
            "print([v.name for g, v in zip(grads, model.trainable_variables) if g is None])"
        )
    return [Fix("Find where the path from the variables to the loss is cut",
                Applicability.DISPLAY_ONLY, snippet, file, line)]


def _tape_edits(file: str | None, model: str) -> list[Edit]:
    """Move the forward pass into the tape: the one ``... = model(...)`` statement before the
    program's ``with tf.GradientTape() as tape:`` block (in the same block) whose results the
    tape's body reads."""
    source = read_source(file) if file else None
    if source is None or file is None or not model.isidentifier():
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[tuple[int, int]] = []
    for block in ast.walk(tree):
        body = getattr(block, "body", None)
        if not isinstance(body, list):
            continue
        for j, tape in enumerate(body):
            if not isinstance(tape, ast.With) or not any(
                    isinstance(item.context_expr, ast.Call) and
                    _called(item.context_expr) == "GradientTape" for item in tape.items):
                continue
            read = {n.id for n in ast.walk(ast.Module(body=tape.body, type_ignores=[]))
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            for statement in body[:j]:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call) \
                        and _called(statement.value) == model and \
                        isinstance(statement.value.func, ast.Name):
                    bound = {n.id for t in statement.targets for n in ast.walk(t)
                             if isinstance(n, ast.Name)}
                    if bound & read:
                        found.append((statement.lineno, tape.lineno))
    if len(found) != 1:
        return []
    line, target = found[0]
    return [edit(file, line, "move_into_block", target=target)]


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else \
        func.id if isinstance(func, ast.Name) else ""


def _inlined_loss(file: str | None, line: int | None, name: str, model: str) -> str | None:
    """The expression that computed ``name`` before ``line``, with the names it reads that
    were bound by a call of ``model`` replaced by that call: what a ``lambda`` given to
    ``minimize()`` must recompute under its tape. None unless it then calls the model."""
    source = read_source(file) if file else None
    if source is None or line is None or not name.isidentifier():
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except SyntaxError:
        return None
    bound: dict[str, ast.expr] = {}
    assigns = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Assign)),
                     key=lambda n: n.lineno)
    for statement in assigns:
        if statement.lineno < line and len(statement.targets) == 1 and \
                isinstance(statement.targets[0], ast.Name):
            bound[statement.targets[0].id] = statement.value  # the last one before wins
    value = bound.get(name)
    if value is None:
        return None

    def calls_model(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and
                   n.func.id == model for n in ast.walk(node))

    class Inline(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            other = bound.get(node.id)
            if isinstance(node.ctx, ast.Load) and other is not None and node.id != name and \
                    isinstance(other, ast.Call) and calls_model(other):
                return other
            return node

    inlined = Inline().visit(ast.parse(ast.unparse(value), mode="eval")).body
    return ast.unparse(inlined) if calls_model(inlined) else None
