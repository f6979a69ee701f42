# Reproduces https://github.com/qubvel/segmentation_models/issues/499:
# a fully-convolutional model with input shape (None, None, 3) is given the
# array returned by cv2.imread (one image, shape (H, W, 3)) to predict.
# model.predict() batches the first axis, so Keras sees batches of 32 rows.
import numpy as np
import tensorflow as tf

inputs = tf.keras.Input(shape=(None, None, 3))
x = tf.keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu", name="stem_conv")(inputs)
x = tf.keras.layers.Conv2D(1, 1, activation="sigmoid")(x)
outputs = tf.keras.layers.UpSampling2D(2)(x)
model = tf.keras.Model(inputs, outputs)

X = np.random.randint(0, 256, size=(480, 834, 3)).astype("uint8")  # stands in for cv2.imread(...)
mask = model.predict(X)
print(mask.shape)
