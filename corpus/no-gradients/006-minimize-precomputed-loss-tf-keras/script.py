# Reproduces https://github.com/whyisyoung/CADE/issues/3 (contrastive autoencoder,
# TF 2.x + tf.keras): the loss tensor is computed eagerly first and then handed to
# optimizer.minimize() wrapped in `lambda: loss`, so minimize()'s tape records
# nothing and every gradient is None.
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"

import numpy as np
import tensorflow as tf

dims = [20, 16, 8, 4]
inputs = tf.keras.Input(shape=(dims[0],))
h = inputs
for i, d in enumerate(dims[1:]):
    h = tf.keras.layers.Dense(d, activation="relu", name=f"encoder_{i}")(h)
for i, d in reversed(list(enumerate(dims[:-1]))):
    h = tf.keras.layers.Dense(d, activation=None if i == 0 else "relu", name=f"decoder_{i}")(h)
autoencoder = tf.keras.Model(inputs, h)

x_batch = np.random.rand(32, dims[0]).astype("float32")
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-4)

recon = autoencoder(x_batch)
loss = tf.reduce_mean(tf.square(recon - x_batch))
train_op = optimizer.minimize(loss=lambda: loss, var_list=autoencoder.trainable_variables)
print("loss", float(loss))
