# Reproduces broadinstitute/keras-resnet#21: in a ResNet18 basic block that down-samples
# (strides 2, more filters), the shortcut adds the block input unchanged to the residual
# branch, so the Add layer gets (56, 56, 64) and (28, 28, 128).
import numpy as np
import keras
from keras import layers

def basic_block(x, filters, strides):
    y = layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    shortcut = x
    return layers.Activation("relu")(layers.add([shortcut, y]))

inputs = keras.Input(shape=(112, 112, 1))
x = layers.Conv2D(64, 7, strides=2, padding="same")(inputs)       # 56x56x64
x = basic_block(x, 64, strides=1)
x = basic_block(x, 128, strides=2)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.summary()
