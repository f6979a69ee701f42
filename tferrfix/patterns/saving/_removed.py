"""Keyword arguments that older Keras (1.x, 2.x, tf.keras) accepted and Keras 3 rejects, with
what replaces each. Knowledge of the Keras API, not of any one report: the table is what lets
a plain Python "unexpected keyword argument" be read as a Keras 3 migration problem only when
the keyword really was removed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Removed:
    name: str
    action: str  # rename | input | initializer | drop | schedule | dataset | export
    replacement: str | None  # the new keyword, for "rename"
    why: str  # one sentence, what became of it in Keras 3


_TABLE = (
    Removed("lr", "rename", "learning_rate",
            "Keras 3 optimizers only take `learning_rate`; `lr` was a deprecated alias in Keras 2."),
    Removed("decay", "schedule", None,
            "Keras 3 optimizers dropped `decay`; a decaying rate is a learning-rate schedule now."),
    Removed("batch_input_shape", "input", None,
            "Keras 3 layers no longer take an input shape with a batch size; a fixed batch size "
            "(for a stateful RNN) is given by `keras.Input(batch_shape=...)`."),
    Removed("weights", "initializer", None,
            "Keras 3 layers no longer take initial values with `weights=`; initializers or "
            "`set_weights` after the layer is built do that."),
    Removed("time_major", "drop", None,
            "Keras 3 RNN layers are always batch-major (batch, time, features); `time_major` is gone."),
    Removed("mask_value", "rename", "mask_token",
            "`IntegerLookup` calls it `mask_token`; the old name `mask_value` is not accepted."),
    Removed("oov_value", "rename", "oov_token",
            "`IntegerLookup` calls it `oov_token`; the old name `oov_value` is not accepted."),
    Removed("input_length", "drop", None,
            "Keras 3's `Embedding` has no `input_length`; the sequence length comes from the data "
            "or from `keras.Input(shape=(length,))`."),
    Removed("nb_epoch", "rename", "epochs", "`fit` takes `epochs` (Keras 1 called it `nb_epoch`)."),
    Removed("workers", "dataset", None,
            "Keras 3's `fit`/`predict` no longer take `workers`; a `keras.utils.PyDataset` "
            "takes `workers=` and `use_multiprocessing=` itself."),
    Removed("use_multiprocessing", "dataset", None,
            "Keras 3's `fit`/`predict` no longer take `use_multiprocessing`; a "
            "`keras.utils.PyDataset` takes it in its constructor."),
    Removed("max_queue_size", "dataset", None,
            "Keras 3's `fit`/`predict` no longer take `max_queue_size`; a "
            "`keras.utils.PyDataset` takes it in its constructor."),
    Removed("sample_weight_mode", "drop", None,
            "Keras 3's `compile` has no `sample_weight_mode`; sample weights follow the shape "
            "of the `sample_weight` passed to `fit`."),
    Removed("experimental_run_tf_function", "drop", None,
            "`compile(experimental_run_tf_function=...)` was a TF 2.0/2.1 switch that is gone."),
    Removed("dim_ordering", "rename", "data_format", "Keras 1's `dim_ordering` is `data_format`."),
    Removed("border_mode", "rename", "padding", "Keras 1's `border_mode` is `padding`."),
    Removed("subsample", "rename", "strides", "Keras 1's `subsample` is `strides`."),
    Removed("nb_filter", "rename", "filters", "Keras 1's `nb_filter` is `filters`."),
    Removed("init", "rename", "kernel_initializer", "Keras 1's `init` is `kernel_initializer`."),
    Removed("W_regularizer", "rename", "kernel_regularizer",
            "Keras 1's `W_regularizer` is `kernel_regularizer`."),
    Removed("b_regularizer", "rename", "bias_regularizer",
            "Keras 1's `b_regularizer` is `bias_regularizer`."),
    Removed("signatures", "export", None,
            "Keras 3's `save` writes `.keras`/`.h5` files, which have no TF signatures; "
            "`model.export` writes a SavedModel."),
    Removed("options", "export", None,
            "Keras 3's `save` takes no `tf.saved_model.SaveOptions`; `model.export` writes a "
            "SavedModel."),
    Removed("save_traces", "export", None,
            "Keras 3's `save` does not trace functions; `model.export` writes a SavedModel."),
)

REMOVED: dict[str, Removed] = {r.name: r for r in _TABLE}
