"""Building blocks for patterns' ``fixes()``: edits derived from the user's failing line.

A fix that changes the user's data on the way into Keras is an edit of the data argument of
the failing call (``model.fit(x, ...)``, ``model.predict(x)``, ``model(x)``): the argument is
wrapped, so the rest of the program is untouched. The fix carries edits only for live
incidents, where the file is the one that ran; from a pasted traceback it is display-only.
"""

from __future__ import annotations

import ast

from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.materialize import read_source
from tferrfix.fixes.snippets import data_call, rewrite_argument
from tferrfix.incident import Incident

_NUMPY = Edit("", 0, "add_import", (("alias", "np"), ("module", "numpy")))


_KEYWORDS = {0: "x", 1: "y"}


def wrap_data_argument(incident: Incident, template: str, *, title: str,
                       applicability: Applicability, fallback: str,
                       note: str = "", position: int = 0,
                       imports: tuple[Edit, ...] = ()) -> Fix:
    """A fix wrapping the data argument of the failing call in ``template`` (``{}`` is the
    argument's code): ``position`` 0 is the inputs (``x``), 1 the targets (``y``).
    ``fallback`` is the snippet when the line holds no such call; ``imports`` are
    ``add_import`` edits the template needs besides NumPy."""
    frame = incident.user_frame
    keyword = _KEYWORDS.get(position, "x")
    site = data_call(frame.code) if frame and frame.code else None
    new_line = rewrite_argument(frame.code, template.format, position, keyword) \
        if frame and frame.code else None
    snippet = (new_line + note) if new_line else fallback
    file, line = (frame.file, frame.line) if frame else (None, None)
    if site is None or new_line is None or file is None or line is None:
        return Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line)
    if incident.source != "live":
        return Fix(title, Applicability.DISPLAY_ONLY, snippet, file, line,
                   reason="explained from text: run the program under tferrfix to apply it")
    args: dict[str, object] = {"template": template, "method": site.method}
    if len(site.args) > position:
        args["position"] = position
    else:
        args["keyword"] = keyword
    edits = [Edit(file, line, "wrap_argument", tuple(sorted(args.items())))]
    # last: edits are located by line, and a new import line would shift the others
    if "np." in template:
        edits.append(Edit(file, 0, _NUMPY.transform, _NUMPY.args))
    edits.extend(Edit(file, 0, item.transform, item.args) for item in imports)
    return Fix(title, applicability, snippet, file, line, tuple(edits))


def keras_namespace(path: str | None) -> tuple[str, tuple[Edit, ...]]:
    """How the user's module reaches Keras: ``keras`` when it imports it (``import keras``,
    ``from tensorflow import keras``), ``tf.keras`` when it imports TensorFlow as ``tf``
    (whichever Keras the program selected), else ``keras`` with the import to add."""
    source = read_source(path) if path else None
    try:
        tree = ast.parse(source) if source else None
    except SyntaxError:
        tree = None
    bound: dict[str, str] = {}
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.partition(".")[0]] = \
                    alias.name if alias.asname else alias.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module in ("tensorflow", "keras"):
            for alias in node.names:
                if alias.name == "keras":
                    bound[alias.asname or alias.name] = f"{node.module}.keras"
    for local, module in bound.items():
        if module in ("keras", "tensorflow.keras"):
            return local, ()
    for local, module in bound.items():
        if module == "tensorflow":
            return f"{local}.keras", ()
    return "keras", (Edit("", 0, "add_import", (("module", "keras"),)),)
