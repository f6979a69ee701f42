"""Building blocks for patterns' ``fixes()``: edits derived from the user's failing line.

A fix that changes the user's data on the way into Keras is an edit of the data argument of
the failing call (``model.fit(x, ...)``, ``model.predict(x)``, ``model(x)``): the argument is
wrapped, so the rest of the program is untouched. The fix carries edits only for live
incidents, where the file is the one that ran; from a pasted traceback it is display-only.
"""

from __future__ import annotations

from tferrfix.fixes import Applicability, Edit, Fix
from tferrfix.fixes.snippets import data_call, rewrite_argument
from tferrfix.incident import Incident

_NUMPY = Edit("", 0, "add_import", (("alias", "np"), ("module", "numpy")))


_KEYWORDS = {0: "x", 1: "y"}


def wrap_data_argument(incident: Incident, template: str, *, title: str,
                       applicability: Applicability, fallback: str,
                       note: str = "", position: int = 0) -> Fix:
    """A fix wrapping the data argument of the failing call in ``template`` (``{}`` is the
    argument's code): ``position`` 0 is the inputs (``x``), 1 the targets (``y``).
    ``fallback`` is the snippet when the line holds no such call."""
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
    if "np." in template:
        # last: edits are located by line, and a new import line would shift the others
        edits.append(Edit(file, 0, _NUMPY.transform, _NUMPY.args))
    return Fix(title, applicability, snippet, file, line, tuple(edits))
