"""An index looked up in an Embedding or gather is outside the table.

## What it means
`Embedding(input_dim, ...)` holds a table of `input_dim` rows and looks up one row per input
id (a `Gather`/`ResourceGather`/`embedding_lookup` op); `tf.gather` does the same on any
tensor. Valid ids are 0 .. input_dim-1. An id in the data is at or past the end of the table
(or negative), so there is no row to return. The message gives the position of the first bad
id in the input, the id, and the table size.

## Why it happens
`input_dim` set to the vocabulary size while ids run from 1 to that size (index 0 reserved for
padding), so the largest id is one past the end; a tokenizer or vocabulary different from the
one the table was built for (a pretrained checkpoint with fewer rows); sequences longer than a
position-embedding table (BERT's 512 positions); a -1 "not found" marker left in the ids.

## Example
```python
n_books = int(book_id.max())                                # ids are 1..n_books
book_vec = keras.layers.Embedding(n_books, 8)(book_input)   # rows 0..n_books-1
```
TensorFlow op (Keras 3 / tf-keras 2.x, graph mode):
    indices[0,0] = 10000 is not in [0, 10000)
TensorFlow op, eager `ResourceGather`:
    indices[0,529] = 529 is not in [0, 512) [Op:ResourceGather]
TF1, a negative id:
    indices[0,0] = -1 is not in [0, 400001)

## Fix
```python
book_vec = keras.layers.Embedding(int(book_id.max()) + 1, 8)(book_input)
```
For a position table: truncate inputs to the model's maximum length
(`tokenizer(..., truncation=True, max_length=512)`).

## Fix safety
A larger `input_dim` only adds rows, so it is safe for a new model; a pretrained table cannot
grow without retraining, so there the ids must be mapped into the table instead. Negative ids
are a data bug: map unknown tokens to a real out-of-vocabulary index.

## References
- https://github.com/TannerGilbert/Tutorials/issues/1
- https://github.com/tensorflow/tensorflow/issues/37254
- https://github.com/keras-team/keras/issues/11819
- https://github.com/tensorflow/tensorflow/issues/38619
- https://github.com/tensorflow/tensorflow/issues/59709
- https://github.com/ScalaConsultants/Aspect-Based-Sentiment-Analysis/issues/51
- https://github.com/sedflix/DeepCoherence/issues/4
- https://github.com/percent4/WSD_With_Text_Extraction/issues/3
- https://github.com/rstudio/keras3/issues/396
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Any

from tferrfix import lazy_regex
from tferrfix.diagnosis import Diagnosis
from tferrfix.fixes import Applicability, Fix
from tferrfix.fixes.materialize import edit
from tferrfix.incident import Incident
from tferrfix.patterns.targets import _fix, _read
from tferrfix.patterns.targets._fix import fix

code = "TFE0304"
name = "index-out-of-range"
family = "index-out-of-range"
exceptions = ("InvalidArgumentError",)
messages = (_read.INDEX_RANGE, _read.GATHER_ND_RANGE)
examples = (
    "indices[0,0] = 10000 is not in [0, 10000)",
    "indices[0,529] = 529 is not in [0, 512) [Op:ResourceGather]",
    "indices[0,0] = -1 is not in [0, 400001)",
    "indices[63,55] = 6319 is not in [0, 32)",
)


def match(incident: Incident) -> Diagnosis | None:
    return _read.diagnose(__name__, incident, family, _read.read_index(incident))


def fixes(incident: Incident, diagnosis: Diagnosis) -> list[Fix]:
    facts = diagnosis.facts
    kind, size, needed = facts["kind"], facts["size"], facts.get("needed")
    layer = facts.get("layer")
    where = f"  # layer `{layer}`" if layer else ""
    if kind == "negative":
        snippet = ("ids = np.where(ids < 0, oov_index, ids)  # -1 = 'not found': map it to a "
                   "real row (e.g. the padding/OOV index)")
        return [fix(incident, "Map negative ids to a valid row", snippet)]
    if kind == "position":
        snippet = (f"x = x[:, :{size}]  # the position table has {size} rows\n"
                   f"# with a Hugging Face tokenizer: tokenizer(texts, truncation=True, "
                   f"max_length={size})")
        return [fix(incident, f"Truncate the sequences to {size} positions", snippet)]
    snippet = (f"input_dim = int(ids.max()) + 1  # at least {needed}; was {size}\n"
               f"keras.layers.Embedding(input_dim, output_dim){where}")
    out = fix(incident, "Make the Embedding table one row larger than the largest id", snippet)
    if kind == "off-by-one":
        out = _grow_table(incident, out, size)
    return [out]


_AUTO_NAME = lazy_regex.compile(r"embedding(?:_(?P<n>\d+))?")


def _grow_table(incident: Incident, out: Fix, size: int) -> Fix:
    """``out`` with the edit ``Embedding(input_dim + 1, ...)`` on the one Embedding of the
    program's model whose table has ``size`` rows (the largest id equals the table size)."""
    path, reason = _fix.live_file(incident)
    if path is None:
        return out if out.reason else out.lowered(reason or "")
    tables = [layer for layer in _fix.model_layers(_fix.live_model(incident))
              if layer.get("class") == "Embedding"]
    hits = [layer for layer in tables if layer.get("input_dim") == size]
    if len(hits) != 1:
        return out.lowered(f"the program's model does not have exactly one Embedding of "
                           f"{size} rows")
    call = _source_call(path, hits[0], tables, size)
    if call is None:
        return out.lowered(f"the Embedding `{hits[0].get('name')}` was not found exactly once "
                           "in the source")
    return replace(out, applicability=Applicability.UNSAFE, file=path, line=call.lineno,
                   edits=(edit(path, call.lineno, "wrap_argument", template="{} + 1",
                               method="Embedding", keyword="input_dim", position=0),))


def _source_call(path: str, layer: dict[str, Any], tables: list[dict[str, Any]],
                 size: int) -> ast.Call | None:
    """The ``Embedding(...)`` call of the source that built ``layer``: by its ``name=``, by a
    literal table size, or by creation order when Keras numbered the names itself."""
    found = _fix.calls(path, "Embedding")
    named = [c for c in found if _fix.literal(_fix.argument(c, "name", 99)) == layer.get("name")]
    if len(named) == 1:
        return named[0]
    sized = [c for c in found if _fix.literal(_fix.argument(c, "input_dim")) == size]
    if len(sized) == 1:
        return sized[0]
    if len(found) == 1:
        return found[0]
    numbers = []
    for table in tables:
        auto = _AUTO_NAME.fullmatch(str(table.get("name")))
        if auto is None:
            return None
        numbers.append(int(auto["n"] or 0))
    if len(found) != len(tables) or len(set(numbers)) != len(numbers):
        return None
    order = sorted(numbers).index(numbers[tables.index(layer)])
    return found[order]
