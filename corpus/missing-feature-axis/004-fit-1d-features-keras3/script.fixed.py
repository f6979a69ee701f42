# Reproduces https://github.com/mrdbourke/tensorflow-deep-learning/issues/293
# (see also discussion #278 of that repository): the course's first regression model,
# model.fit(X, y) with X a 1-D tensor of 8 scalar samples; since TF 2.7 Keras no longer
# turns a 1-D input into shape (N, 1).
import numpy as np
import tensorflow as tf

X = np.array([-7.0, -4.0, -1.0, 2.0, 5.0, 8.0, 11.0, 14.0])
y = np.array([3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0])
X = tf.constant(X)
y = tf.constant(y)

tf.random.set_seed(42)
model = tf.keras.Sequential([
    tf.keras.layers.Dense(1)
])
model.compile(loss=tf.keras.losses.mae,
              optimizer=tf.keras.optimizers.SGD(),
              metrics=["mae"])
model.fit(tf.expand_dims(X, axis=-1), y, epochs=1)  # shape (8, 1)
