import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/tensorflow/tensorflow/issues/31600:
# a Dense model built with input_shape=(7,) is asked to predict ONE sample given
# as a 1-D array of shape (7,) instead of a batch of shape (1, 7).
import numpy as np
import tensorflow as tf

trainarray = np.array([0, 0, 0, 0, 0, 0, 0])
model = tf.keras.models.Sequential([
    tf.keras.layers.Dense(7, input_shape=trainarray.shape),
    tf.keras.layers.Dense(12),
    tf.keras.layers.Dense(1),
])
print(model.predict(np.array([[0, 0, 0, 0, 0, 0, 0]])))  # shape (1, 7)
