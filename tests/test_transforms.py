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
