"""The family taxonomy of DESIGN §5 and the stable pattern codes.

Families are the user-facing categories. Codes are stable: a renamed or split pattern keeps
its old code reachable through ``REDIRECTS``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str
    group: str
    code: str
    condition: str


_GROUPS = {
    "inputs": "Data vs model input",
    "layers": "Inside the model",
    "targets": "Targets and losses",
    "data": "Types and data pipelines",
    "saving": "Saving, loading, serving, versions",
    "runtime": "Training, assertions, runtime",
}

_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("missing-batch-axis", "inputs", "TFE0101",
     "one sample (or an unbatched tf.data dataset) is given where a batch is expected"),
    ("missing-channel-axis", "inputs", "TFE0102",
     "image-like data lacks the channel axis a Conv/pooling layer needs, e.g. (N, 28, 28) "
     "for Conv2D"),
    ("missing-feature-axis", "inputs", "TFE0103",
     "a 1-D array of N scalar samples is given where (N, features) is expected"),
    ("extra-axis", "inputs", "TFE0104",
     "the data has one axis too many, e.g. (N, 1, T, F) for an LSTM that wants (N, T, F)"),
    ("input-rank-mismatch", "inputs", "TFE0105",
     "the data's rank disagrees with the layer's input spec in another way"),
    ("input-size-mismatch", "inputs", "TFE0106",
     "rank is right, but the size of an axis differs from what the model was built for"),
    ("input-count-mismatch", "inputs", "TFE0107",
     "the model expects N inputs and gets M"),
    ("sample-count-mismatch", "inputs", "TFE0108",
     "inputs and targets (or several inputs) have different numbers of samples"),
    ("missing-flatten", "layers", "TFE0201",
     "a Dense layer gets a >2-D tensor, so its output keeps extra axes that no longer fit"),
    ("dense-input-size-mismatch", "layers", "TFE0202",
     "the features reaching a Dense/MatMul differ in size from what its kernel was built for"),
    ("conv-output-negative", "layers", "TFE0203",
     "a conv/pooling stack shrinks a spatial or time axis to zero or below"),
    ("reshape-size-mismatch", "layers", "TFE0204",
     "a reshape target holds a different number of elements than its input"),
    ("concat-shape-mismatch", "layers", "TFE0205",
     "tensors being concatenated/stacked differ on an axis other than the join axis, or in rank"),
    ("merge-too-few-inputs", "layers", "TFE0206",
     "a merge op gets fewer tensors than it needs, often an empty list or a single tensor"),
    ("elementwise-shape-mismatch", "layers", "TFE0207",
     "an element-wise op gets shapes that cannot broadcast"),
    ("squeeze-dim-mismatch", "layers", "TFE0208",
     "a squeeze of an axis whose size is not 1"),
    ("functional-graph-disconnected", "layers", "TFE0209",
     "a functional model's outputs cannot be computed from the inputs it was given"),
    ("keras-tensor-in-tf-op", "layers", "TFE0210",
     "a symbolic KerasTensor is passed to a raw TensorFlow function while building a model"),
    ("output-units-vs-classes", "targets", "TFE0301",
     "the last layer's width does not match the targets"),
    ("label-encoding-vs-loss", "targets", "TFE0302",
     "one-hot targets with a sparse loss, or integer class ids with a categorical loss"),
    ("label-out-of-range", "targets", "TFE0303",
     "a class id is < 0 or >= the number of output units"),
    ("index-out-of-range", "targets", "TFE0304",
     "a gather/embedding index >= the table size"),
    ("logits-labels-mismatch", "targets", "TFE0305",
     "tf.nn.*_with_logits gets logits and labels of different shapes or first dimensions"),
    ("object-array", "data", "TFE0401",
     "a NumPy object array (ragged lists, mixed types, strings) cannot become a tensor"),
    ("dtype-mismatch", "data", "TFE0402",
     "an op gets tensors of different dtypes"),
    ("dtype-conversion", "data", "TFE0403",
     "a value cannot be converted to the requested dtype"),
    ("dataset-element-mismatch", "data", "TFE0404",
     "tf.data elements have inconsistent shapes"),
    ("savedmodel-signature-mismatch", "saving", "TFE0501",
     "a loaded SavedModel / concrete function is called with inputs that match no traced "
     "signature"),
    ("keras3-saving-format", "saving", "TFE0502",
     "Keras 3 saving/loading rules: file extension, removed save_format, SavedModel directories"),
    ("keras3-removed-argument", "saving", "TFE0503",
     "a keyword older Keras accepted is rejected by Keras 3"),
    ("keras3-deserialization", "saving", "TFE0504",
     "a model saved by another Keras version, or with unregistered custom objects, cannot be "
     "rebuilt"),
    ("no-gradients", "runtime", "TFE0601",
     "no gradient reaches any trainable variable"),
    ("user-shape-assertion", "runtime", "TFE0602",
     "an assert in user code or a custom layer about shapes/dtypes fails"),
    ("tf-assertion-failed", "runtime", "TFE0603",
     "a tf.debugging.assert_* / tf.Assert check fails at run time"),
    ("resource-exhausted", "runtime", "TFE0604",
     "out of memory on the device"),
    ("environment", "runtime", "TFE0605",
     "TensorFlow cannot load its runtime or a GPU library"),
)

FAMILIES: dict[str, Family] = {
    name: Family(name, group, code, condition) for name, group, code, condition in _TABLE
}
GROUPS = dict(_GROUPS)

# Old code -> current code, for codes that were renamed or merged.
REDIRECTS: dict[str, str] = {}
