import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/molson194/LSTM-Stock-Prediction/issues/1:
# 60-day windows of 2 price features are collected one by one, each still wrapped
# in its own leading axis of size 1, so the training array is (N, 1, 60, 2) while
# the LSTM expects (N, 60, 2).
import numpy as np
import tensorflow as tf

scaled = np.random.rand(300, 2).astype("float32")  # stands in for the scaled price table
x_train, y_train = [], []
for i in range(60, len(scaled)):
    x_train.append(scaled[i - 60:i].reshape(1, 60, 2))
    y_train.append(scaled[i, 0])
x_train, y_train = np.array(x_train), np.array(y_train)

model = tf.keras.Sequential([
    tf.keras.layers.LSTM(50, return_sequences=True, input_shape=(60, 2)),
    tf.keras.layers.LSTM(50),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mean_squared_error")
model.fit(x_train, y_train, batch_size=32, epochs=1)
