# Reproduces onnx/onnx-tensorflow#164: a VGG-style convolutional network (valid 3x3
# convolutions, 2x2 poolings) that accepts any image size gets an image far smaller than its
# 224x224 design size; after the poolings the map is 1x1 and the next 3x3 conv cannot fit.
import numpy as np
import tensorflow as tf
import keras
from keras import layers

inputs = keras.Input(shape=(None, None, 3))
x = inputs
for filters in (64, 128, 256, 512):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(512, 3, activation="relu")(x)          # valid padding
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)

image = np.random.rand(1, 16, 16, 3).astype("float32")   # the user's small image
image = tf.image.resize(image, (224, 224))               # feed the size the network was designed for
print(model(image).shape)
