# Reproduces https://github.com/chuckyee/cardiac-segmentation/issues/4 with the
# U-Net downsampling block written as a tf.keras Layer subclass: the block asserts
# in call() that the feature map height is even, but the 216-px-high images shrink
# 216 -> 108 -> 54 -> 27 before the fourth block.
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class DownsamplingBlock(layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(filters, 3, padding="same", activation="relu")
        self.conv2 = layers.Conv2D(filters, 3, padding="same", activation="relu")
        self.pool = layers.MaxPooling2D(pool_size=(2, 2))

    def call(self, x):
        _, height, width, _ = x.shape
        assert height % 2 == 0, f"feature map height {height} is not divisible by 2"
        assert width % 2 == 0, f"feature map width {width} is not divisible by 2"
        skip = self.conv2(self.conv1(x))
        return self.pool(skip), skip


def unet(height, width, channels, classes, features=8, depth=4):
    x = inputs = keras.Input(shape=(height, width, channels))
    skips = []
    for i in range(depth):
        x, skip = DownsamplingBlock(features)(x)
        skips.append(skip)
        features *= 2
    x = layers.Conv2D(features, 3, padding="same", activation="relu")(x)
    for i in reversed(range(depth)):
        features //= 2
        x = layers.Conv2DTranspose(features, 2, strides=2)(x)
        x = layers.Concatenate()([x, skips[i]])
        x = layers.Conv2D(features, 3, padding="same", activation="relu")(x)
    outputs = layers.Conv2D(classes, 1, activation="softmax")(x)
    return keras.Model(inputs, outputs)


images = np.random.rand(2, 216, 256, 1).astype("float32")      # (N, 216, 256, 1) cardiac MRI slices
masks = keras.utils.to_categorical(np.random.randint(0, 2, (2, 216, 256)), 2)

_, height, width, channels = images.shape
model = unet(height, width, channels, classes=2)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(images, masks, batch_size=2, epochs=1, verbose=0)
print("trained")
