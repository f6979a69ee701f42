import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/AarohiSingla/VGG-16/issues/1 :
# the one-hot labels were read from a text source and are still strings
# ("0"/"1" in an object array), so categorical_crossentropy's cast of y_true to
# float fails inside the training step.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
train_x = rng.random((16, 32, 32, 3)).astype(np.float32)
classes = rng.integers(0, 2, size=16)
train_y = np.array([["1", "0"] if c == 0 else ["0", "1"] for c in classes], dtype=object)

model = tf.keras.Sequential([
    tf.keras.Input((32, 32, 3)),
    tf.keras.layers.Conv2D(4, 3, activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(2, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
train_y = train_y.astype(np.float32)
model.fit(train_x, train_y, epochs=1, batch_size=8, verbose=0)
print("trained")
