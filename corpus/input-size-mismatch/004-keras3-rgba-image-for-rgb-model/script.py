# Reproduces https://github.com/krasserm/super-resolution/issues/74: a super-resolution
# model for RGB images (None, None, None, 3) is given a PNG loaded with 4 channels (RGBA).
import numpy as np
import tensorflow as tf

inputs = tf.keras.Input(shape=(None, None, 3))
x = tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
x = tf.keras.layers.Conv2D(3 * 4, 3, padding="same")(x)
outputs = tf.keras.layers.Lambda(lambda t: tf.nn.depth_to_space(t, 2))(x)
model = tf.keras.Model(inputs, outputs)

lr = np.random.randint(0, 256, (499, 552, 4)).astype("uint8")   # RGBA image as loaded
lr_batch = tf.cast(tf.expand_dims(lr, axis=0), tf.float32)
sr_batch = model(lr_batch)
print(sr_batch.shape)
