# Reproduces https://github.com/karolzak/keras-unet/issues/46 (comment of 2022-02-15):
# a sequence model built for windows of shape (9, 4) is called on ONE window of
# shape (9, 4) instead of a batch of shape (1, 9, 4).
import numpy as np
import tensorflow as tf

seq_len, n_features = 9, 4
x_train = np.random.rand(64, seq_len, n_features).astype("float32")
y_train = np.random.rand(64, 1).astype("float32")

model = tf.keras.Sequential([
    tf.keras.Input(shape=(seq_len, n_features)),
    tf.keras.layers.LSTM(8),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, epochs=1, verbose=0)

window = x_train[0][np.newaxis]  # shape (1, 9, 4): a batch of one sample
print(model.predict(window))
