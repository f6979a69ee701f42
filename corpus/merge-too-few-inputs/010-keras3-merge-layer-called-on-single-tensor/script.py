# Reproduces keras-team/autokeras#1: a custom merge layer (a subclass of the Add merge layer)
# is called on a single tensor, b = WeightedAdd()(a), instead of on a list of tensors.
import numpy as np
import keras
from keras import layers


class WeightedAdd(layers.Add):
    """Element-wise sum of its inputs (the report's custom merge layer)."""


a = keras.Input(shape=(4,))
b = WeightedAdd()(a)
model = keras.Model(a, b)
print(model.predict(np.ones((2, 4), "float32"), verbose=0))
