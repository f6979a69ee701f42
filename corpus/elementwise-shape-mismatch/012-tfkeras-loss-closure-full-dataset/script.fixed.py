# Reproduces keras-team/keras#11582: a custom loss built by a closure over the whole training
# input (x_true, 1000 samples) is combined element-wise with the per-batch y_true/y_pred, so
# with batch_size=10 the shapes are (10, 1) vs (1000, 1).
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
K = keras.backend

training_data = np.random.rand(1000, 1).astype("float32")
training_label = (training_data ** 2).astype("float32")

# pass x through the targets so that the loss sees the x of the current batch
def loss(y_true_and_x, y_pred):
    y_true, x_true = y_true_and_x[:, :1], y_true_and_x[:, 1:]
    return K.mean(K.square(y_pred - y_true) + K.square(y_true - x_true), axis=-1)

model_custom = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model_custom.compile(optimizer="adam", loss=loss)
model_custom.fit(training_data, np.concatenate([training_label, training_data], axis=1),
                 epochs=1, batch_size=10, verbose=0)
