import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, optimizers

x = np.random.rand(64, 20, 1).astype("float32")
y = x.sum(axis=1)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(20, 1)),
    layers.LSTM(8),
    layers.Dense(1),
])


def get_opt(lr=0.002):
    return optimizers.Adam(learning_rate=lr, clipnorm=1.)


model.compile(optimizer=get_opt(), loss="mse")
model.fit(x, y, epochs=1, verbose=0)
