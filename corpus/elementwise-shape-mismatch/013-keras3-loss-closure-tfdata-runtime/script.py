# Reproduces keras-team/keras#11582: a custom loss built by a closure over the whole training
# input (x_true, 1000 samples) is combined element-wise with the per-batch y_true/y_pred, so
# with batches of 10 the shapes are (10, 1) vs (1000, 1). Here the data comes as a batched
# tf.data.Dataset, so the batch size is unknown when the step is traced and the clash
# surfaces at run time.
import numpy as np
import tensorflow as tf
import keras
from keras import layers, ops

training_data = np.random.rand(1000, 1).astype("float32")
training_label = (training_data ** 2).astype("float32")

def custom_loss(x_true):
    def loss(y_true, y_pred):
        return ops.mean(ops.square(y_pred - y_true) + ops.square(y_true - x_true), axis=-1)
    return loss

model_custom = keras.Sequential([keras.Input((1,)), layers.Dense(16, activation="relu"), layers.Dense(1)])
model_custom.compile(optimizer="adam", loss=custom_loss(ops.convert_to_tensor(training_data)))
dataset = tf.data.Dataset.from_tensor_slices((training_data, training_label)).batch(10)
model_custom.fit(dataset, epochs=1, verbose=0)
