import numpy as np
import tensorflow as tf
from tensorflow import keras

# Spatial-transformer style localisation head: start from the identity transform.
inputs = keras.Input(shape=(31, 200, 1))
x = keras.layers.Conv2D(8, 3, strides=4, activation="relu")(inputs)
x = keras.layers.Flatten()(x)
x = keras.layers.Dense(64, activation="relu")(x)
stn_params = keras.layers.Dense(
    6,
    kernel_initializer="zeros",
    bias_initializer=keras.initializers.Constant(np.float32([[1, 0, 0], [0, 1, 0]]).flatten()),
)(x)
model = keras.Model(inputs, stn_params)
print(model.predict(np.random.rand(2, 31, 200, 1).astype("float32"), verbose=0))
