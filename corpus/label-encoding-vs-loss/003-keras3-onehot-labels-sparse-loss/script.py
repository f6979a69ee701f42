# Reproduces https://github.com/tensorflow/privacy/issues/38
# MNIST labels were one-hot encoded (to_categorical) but the loss is the *sparse*
# categorical cross-entropy, which wants one integer class id per sample.
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

batch_size = 250
train_data = np.random.rand(500, 28, 28, 1).astype("float32")
train_labels = np.random.randint(0, 10, 500)
train_labels = keras.utils.to_categorical(train_labels, num_classes=10)

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(16, 8, strides=2, padding="same", activation="relu"),
    layers.MaxPool2D(2, 1),
    layers.Flatten(),
    layers.Dense(32, activation="relu"),
    layers.Dense(10),
])
loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
model.fit(train_data, train_labels, epochs=1, batch_size=batch_size)
