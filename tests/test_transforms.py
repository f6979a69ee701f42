"""The source transforms, LibCST-codemod style: before/after strings, no-ops that must come
back byte for byte, and refusals with their reason."""

from __future__ import annotations

import pytest

from tferrfix.fixes.transforms import Refused, apply

MODEL = '''import keras

model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    keras.layers.Dense(10, activation="softmax"),  # output layer
])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
print(model.predict(x_test[0]))  # one image
'''


@pytest.mark.parametrize(("transform", "line", "args", "before", "after"), [
    ("wrap_argument", 8, {"template": "np.expand_dims({}, axis=0)", "method": "predict",
                          "position": 0},
     "print(model.predict(x_test[0]))", "print(model.predict(np.expand_dims(x_test[0], axis=0)))"),
    ("wrap_argument", 8, {"template": "{}[..., np.newaxis]", "method": "predict",
                          "keyword": "x", "position": 0},
     "print(model.predict(x_test[0]))", "print(model.predict(x_test[0][..., np.newaxis]))"),
    ("replace_string", 7, {"old": "sparse_categorical_crossentropy",
                           "new": "categorical_crossentropy"},
     'loss="sparse_categorical_crossentropy"', 'loss="categorical_crossentropy"'),
    ("set_keyword", 5, {"call": "Dense", "keyword": "units", "value": "3", "position": 0},
     'keras.layers.Dense(10, activation="softmax"),', 'keras.layers.Dense(3, activation="softmax"),'),
    ("set_keyword", 5, {"call": "Dense", "keyword": "activation", "value": '"sigmoid"'},
     'Dense(10, activation="softmax")', 'Dense(10, activation="sigmoid")'),
    ("insert_before_call", 5, {"element": "keras.layers.Flatten()", "before": "Dense"},
     '    keras.Input(shape=(28, 28)),\n    keras.layers.Dense(',
     '    keras.Input(shape=(28, 28)),\n    keras.layers.Flatten(),\n    keras.layers.Dense('),
])
def test_before_after(transform: str, line: int, args: dict, before: str, after: str) -> None:
    assert before in MODEL
    result = apply(MODEL, transform, line, args)
    assert result == MODEL.replace(before, after, 1)


def test_set_keyword_adds_a_missing_keyword() -> None:
    source = "x = keras.layers.Conv2D(8, 3)\n"
    assert apply(source, "set_keyword", 1, {"call": "Conv2D", "keyword": "padding",
                                             "value": '"same"'}) == \
        'x = keras.layers.Conv2D(8, 3, padding="same")\n'


def test_add_import_is_a_noop_when_present_and_adds_otherwise() -> None:
    source = "import numpy as np\nimport keras\n# comment stays\nx = 1\n"
    assert apply(source, "add_import", 0, {"module": "numpy", "alias": "np"}) == source
    assert apply("import keras\nx = 1\n", "add_import", 0, {"module": "numpy", "alias": "np"}) \
        == "import keras\nimport numpy as np\nx = 1\n"


@pytest.mark.parametrize(("transform", "line", "args", "reason"), [
    ("replace_string", 8, {"old": "mse", "new": "mae"}, "matched nothing"),
    ("wrap_argument", 8, {"template": "f({})", "method": "fit", "position": 0}, "matched nothing"),
    ("wrap_argument", 8, {"template": "f({})", "method": "", "position": 0}, "needs the name"),
    ("set_keyword", 1, {"call": "Dense", "keyword": "units", "value": "3"}, "matched nothing"),
    ("no_such_transform", 1, {}, "unknown transform"),
])
def test_refusals_leave_the_code_unchanged(transform: str, line: int, args: dict,
                                           reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        apply(MODEL, transform, line, args)


def test_two_places_on_one_line_are_refused() -> None:
    source = 'compile(loss="mse", metrics="mse")\n'
    with pytest.raises(Refused, match="2 places"):
        apply(source, "replace_string", 1, {"old": "mse", "new": "mae"})


def test_unparsable_source_is_refused() -> None:
    with pytest.raises(Refused, match="does not parse"):
        apply("def (:\n", "replace_string", 1, {"old": "a", "new": "b"})


def test_rename_keyword_keeps_the_value_and_refuses_a_clash() -> None:
    source = "opt = keras.optimizers.Adam(lr=lr, clipnorm=1.)  # old name\n"
    assert apply(source, "rename_keyword", 1, {"call": "Adam", "old": "lr",
                                                "new": "learning_rate"}) == \
        "opt = keras.optimizers.Adam(learning_rate=lr, clipnorm=1.)  # old name\n"
    with pytest.raises(Refused, match="matched nothing"):
        apply("Adam(lr=1, learning_rate=2)\n", "rename_keyword", 1,
              {"call": "Adam", "old": "lr", "new": "learning_rate"})
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "rename_keyword", 1, {"call": "SGD", "old": "lr", "new": "learning_rate"})


def test_drop_keyword_middle_last_and_multiline() -> None:
    assert apply('f(a, save_format="tf", b=1)\n', "drop_keyword", 1,
                 {"call": "f", "keyword": "save_format"}) == "f(a, b=1)\n"
    assert apply('save_model(m, d, save_format="tf")\n', "drop_keyword", 1,
                 {"call": "save_model", "keyword": "save_format"}) == "save_model(m, d)\n"
    assert apply('f(\n    a,\n    w=[1,\n       2],\n    b=1,\n)\n', "drop_keyword", 3,
                 {"call": "f", "keyword": "w"}) == "f(\n    a,\n    b=1,\n)\n"
    with pytest.raises(Refused, match="matched nothing"):
        apply("f(a)\n", "drop_keyword", 1, {"call": "f", "keyword": "w"})


def test_replace_call_replaces_only_the_call() -> None:
    source = 'tf.keras.models.save_model(model, d, save_format="tf")  # keep\nx = 1\n'
    assert apply(source, "replace_call", 1, {"call": "save_model",
                                              "new": "model.export(d)"}) == \
        "model.export(d)  # keep\nx = 1\n"
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "replace_call", 2, {"call": "save_model", "new": "model.export(d)"})


def test_rename_name_renames_the_called_class_and_keeps_the_rest() -> None:
    source = ("loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)  # note\n"
              "model.compile(loss=loss)\n")
    assert apply(source, "rename_name", 1, {"old": "SparseCategoricalCrossentropy",
                                             "new": "CategoricalCrossentropy"}) == \
        source.replace("SparseCategoricalCrossentropy", "CategoricalCrossentropy")
    plain = "model.compile(loss=categorical_crossentropy)\n"
    assert apply(plain, "rename_name", 1, {"old": "categorical_crossentropy",
                                            "new": "sparse_categorical_crossentropy"}) == \
        "model.compile(loss=sparse_categorical_crossentropy)\n"


@pytest.mark.parametrize(("source", "reason"), [
    ("model.compile(loss=x)\n", "matched nothing"),  # only a keyword named so
    ("f(Dense(1), Dense(2))\n", "matched 2 places"),
])
def test_rename_name_refusals(source: str, reason: str) -> None:
    old = "loss" if "loss" in source else "Dense"
    with pytest.raises(Refused, match=reason):
        apply(source, "rename_name", 1, {"old": old, "new": "X"})


def test_wrap_element_wraps_one_element_of_a_tuple_argument() -> None:
    source = "model.fit(x, y, validation_data=(x_val, y_val),  # keep\n          epochs=1)\n"
    assert apply(source, "wrap_element", 2, {"template": "np.expand_dims({}, axis=-1)",
                                              "method": "fit", "keyword": "validation_data",
                                              "index": 0}) == source.replace(
        "(x_val, y_val)", "(np.expand_dims(x_val, axis=-1), y_val)")


@pytest.mark.parametrize(("source", "args"), [
    ("model.fit(x, y, validation_data=val)\n", {"keyword": "validation_data"}),  # no literal
    ("model.fit(x, y)\n", {"keyword": "validation_data"}),
    ("model.fit(x, y, validation_data=(a,))\n", {"keyword": "validation_data", "index": 1}),
    ("other(x, validation_data=(a, b))\n", {"keyword": "validation_data"}),
])
def test_wrap_element_refusals(source: str, args: dict) -> None:
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "wrap_element", 1, {"template": "f({})", "method": "fit", "index": 0,
                                          **args})


def test_insert_statement_before_keeps_indentation_and_comments() -> None:
    source = ("def build():\n    # the first layer\n    model.add(Dense(3,\n"
              "                    input_shape=(2, 2)))  # note\n    return model\n")
    assert apply(source, "insert_statement_before", 4, {"statement": "model.add(Flatten())"}) \
        == source.replace("    model.add(Dense", "    model.add(Flatten())\n    model.add(Dense")
    top = "import numpy as np\n\nx = load()\n"
    assert apply(top, "insert_statement_before", 3, {"statement": "y = 1"}) == \
        "import numpy as np\n\ny = 1\nx = load()\n"


def test_insert_statement_before_refuses_a_line_without_a_statement() -> None:
    source = "if x:\n    pass\n"
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "insert_statement_before", 1, {"statement": "y = 1"})
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "insert_statement_before", 9, {"statement": "y = 1"})


def test_insert_statement_goes_before_the_statement_in_its_block() -> None:
    source = "import keras\nmodel.add(LSTM(4,\n          stateful=True))  # c\nfor i in y:\n    f(i)\n"
    assert apply(source, "insert_statement", 3,
                 {"statement": "model.add(keras.Input(batch_shape=(1, 2)))"}) == \
        source.replace("model.add(LSTM", "model.add(keras.Input(batch_shape=(1, 2)))\n"
                       "model.add(LSTM", 1)
    assert apply(source, "insert_statement", 5, {"statement": "g(i)"}) == \
        source.replace("    f(i)", "    g(i)\n    f(i)")
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "insert_statement", 4, {"statement": "g(i)"})
    with pytest.raises(Refused, match="one simple statement"):
        apply(source, "insert_statement", 5, {"statement": "if a:\n    b\n"})


def test_add_decorator_on_the_named_class_only() -> None:
    source = "import keras\n\n\n# a layer\nclass Emb(keras.layers.Layer):\n    pass\n"
    done = apply(source, "add_decorator", 5, {"name": "Emb",
                                              "decorator": "keras.saving.register_keras_serializable()"})
    assert done == source.replace("class Emb", "@keras.saving.register_keras_serializable()\n"
                                  "class Emb", 1)
    with pytest.raises(Refused, match="matched nothing"):
        apply(done, "add_decorator", 6, {"name": "Emb",
                                         "decorator": "keras.saving.register_keras_serializable()"})
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "add_decorator", 5, {"name": "Other", "decorator": "d"})


def test_replace_number_replaces_the_one_literal_and_keeps_the_rest() -> None:
    source = "new_shape = ((w // 4), (50 // 4) * 64)  # note\nx = 50\n"
    assert apply(source, "replace_number", 1, {"old": 50, "new": "h"}) == \
        "new_shape = ((w // 4), (h // 4) * 64)  # note\nx = 50\n"
    assert apply("y = f(0x10)\n", "replace_number", 1, {"old": 16, "new": "n"}) == \
        "y = f(n)\n"


@pytest.mark.parametrize(("source", "old", "reason"), [
    ("new_shape = ((w // 4), (50 // 4) * 64)\n", 4, "matched 2 places"),
    ("new_shape = (w, 50.0)\n", 50, "matched nothing"),
    ("x = 1\ny = 50\n", 50, "matched nothing"),  # on another line
])
def test_replace_number_refusals(source: str, old: int, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        apply(source, "replace_number", 1, {"old": old, "new": "h"})


def test_replace_expression_replaces_the_one_expression_written_so() -> None:
    source = "flat = tf.reshape(pool1, [-1, 7 * 7 * 64])  # flatten\nw = 7 * 7\n"
    assert apply(source, "replace_expression", 1, {"old": "7 * 7 * 64", "new": "6272"}) == \
        "flat = tf.reshape(pool1, [-1, 6272])  # flatten\nw = 7 * 7\n"


@pytest.mark.parametrize(("source", "reason"), [
    ("x = f(7 * 7 * 64, 7 * 7 * 64)\n", "matched 2 places"),
    ("x = f(7 * 7 * 32)\n", "matched nothing"),
])
def test_replace_expression_refusals(source: str, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        apply(source, "replace_expression", 1, {"old": "7 * 7 * 64", "new": "6272"})


def test_wrap_name_wraps_the_one_reference_and_keeps_the_rest() -> None:
    source = "merged = keras.layers.Concatenate()([a, b])  # join\nprint(a)\n"
    assert apply(source, "wrap_name", 1, {"name": "a", "template": "{}[..., None]"}) == \
        "merged = keras.layers.Concatenate()([a[..., None], b])  # join\nprint(a)\n"
    # an attribute or a keyword spelled like the name is not a reference to it
    assert apply("f(a=x.a, b=a)\n", "wrap_name", 1, {"name": "a", "template": "g({})"}) == \
        "f(a=x.a, b=g(a))\n"


@pytest.mark.parametrize(("source", "reason"), [
    ("c = f([a, a])\n", "matched 2 places"),
    ("c = f(x.a, a=1)\n", "matched nothing"),
    ("c = 1\nd = a\n", "matched nothing"),  # on another line
])
def test_wrap_name_refusals(source: str, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        apply(source, "wrap_name", 1, {"name": "a", "template": "{}[..., None]"})


def test_move_into_block_moves_the_statement_into_the_with() -> None:
    source = ("x = f()\n# forward pass\ny = model(x)\n\nwith tf.GradientTape() as tape:\n"
              "    loss = g(y)\ngrads = tape.gradient(loss, w)\n")
    assert apply(source, "move_into_block", 3, {"target": 5}) == (
        "x = f()\n\nwith tf.GradientTape() as tape:\n    # forward pass\n    y = model(x)\n"
        "    loss = g(y)\ngrads = tape.gradient(loss, w)\n")
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "move_into_block", 7, {"target": 5})  # the with comes before it
    with pytest.raises(Refused, match="matched nothing"):
        apply(source, "move_into_block", 3, {"target": 4})  # no with starts there
