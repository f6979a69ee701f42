# Reproduces keras-team/keras#12975: two feature tensors, one of shape (1024,) and one of
# shape (1024, 2), are joined with a Concatenate layer to get (1024, 3). Their ranks differ,
# so the layer refuses them.
import numpy as np
import tensorflow as tf
import keras

a = tf.constant(np.random.rand(1024).astype("float32"))        # (1024,)
b = tf.constant(np.random.rand(1024, 2).astype("float32"))     # (1024, 2)

a = tf.reshape(a, [-1, 1])                                     # (1024, 1)
merged = keras.layers.Concatenate(axis=1)([a, b])
print(merged.shape)
