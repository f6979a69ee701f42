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

def custom_loss(x_true):
    def loss(y_true, y_pred):
        return K.mean(K.square(y_pred - y_true) + K.square(y_true - x_true), axis=-1)
    return loss

model_custom = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model_custom.compile(optimizer="adam", loss=custom_loss(tf.constant(training_data)))
model_custom.fit(training_data, training_label, epochs=1, batch_size=10, verbose=0)
