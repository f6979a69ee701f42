# Reproduces https://github.com/AarohiSingla/VGG-16/issues/1 under Keras 3:
# the one-hot labels were read from a text source and are still strings, here a
# NumPy unicode array ("0"/"1"); Keras 3 refuses the string dtype before training.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
train_x = rng.random((16, 32, 32, 3)).astype(np.float32)
classes = rng.integers(0, 2, size=16)
train_y = np.array([["1", "0"] if c == 0 else ["0", "1"] for c in classes])   # dtype <U1

model = tf.keras.Sequential([
    tf.keras.Input((32, 32, 3)),
    tf.keras.layers.Conv2D(4, 3, activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(2, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(train_x, train_y, epochs=1, batch_size=8, verbose=0)
print("trained")
