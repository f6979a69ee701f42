import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/tensorflow/tensorflow/issues/50741 :
# a @tf.custom_gradient function is applied directly to a symbolic Keras Input while
# building a functional model; tf.custom_gradient does not dispatch on KerasTensors.
import numpy as np
import tensorflow as tf


@tf.custom_gradient
def identity(x):
    def grad_fn(grad_y):
        return grad_y
    return (x, grad_fn)


keras_tensor = tf.keras.layers.Input(shape=(2,))
outputs = identity(keras_tensor)
model = tf.keras.Model(keras_tensor, outputs)
print(model(np.ones((1, 2), np.float32)))
