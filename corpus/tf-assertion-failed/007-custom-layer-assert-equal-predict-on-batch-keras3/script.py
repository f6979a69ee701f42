# Reproduces https://github.com/tensorflow/tensorflow/issues/39643 (TF 2.2):
# a custom layer guards its two inputs with tf.debugging.assert_equal on the
# batch size, and the two-input model is then fed 10 and 15 samples.
import numpy as np
import tensorflow as tf
from keras.layers import Layer, Input
from keras import Model


class CustomLayer(Layer):
    def call(self, inputs):
        assert_same_batch_size = tf.debugging.assert_equal(
            tf.shape(inputs[0])[0], tf.shape(inputs[1])[0],
            message="inputs do not have equal batch_size")
        with tf.control_dependencies([assert_same_batch_size]):
            return tf.identity(inputs[0])


a = Input(shape=(1,))
b = Input(shape=(1,))
out = CustomLayer()([a, b])
m = Model([a, b], out)

xa = np.ones((10, 1), dtype="float32")
xb = np.ones((15, 1), dtype="float32")
m.predict_on_batch([xa, xb])
print("ok")
