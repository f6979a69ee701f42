import os
import tempfile

import numpy as np
import tensorflow as tf

X = np.random.rand(20, 8).astype("float32")
y = np.random.randint(0, 2, size=(20,))

model = tf.keras.models.Sequential([
    tf.keras.Input(shape=(8,)),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
model.fit(X, y, epochs=1, batch_size=8, verbose=0)

os.chdir(tempfile.mkdtemp())
model.save("tfmodel")
