# Reproduces https://github.com/charlesmalafosse/sports-betting-customloss/issues/1 :
# the training features come out of a pandas DataFrame with mixed column types, so
# `train_x` is a NumPy array of dtype=object holding Python floats, and model.fit()
# cannot turn it into a tensor.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
n, n_features = 64, 8
# What DataFrame.values gives for a frame with an object column: an object array of floats.
train_x = np.empty((n, n_features), dtype=object)
train_x[:] = rng.random((n, n_features)).tolist()
train_y = rng.integers(0, 2, size=(n, 1)).astype(np.float32)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(n_features,)),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
history = model.fit(train_x, train_y, epochs=1, batch_size=16, verbose=0)
print("trained")
