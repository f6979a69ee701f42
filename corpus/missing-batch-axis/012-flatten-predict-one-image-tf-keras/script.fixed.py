import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/lmoroney/dlaicourse/issues/34:
# print(model.predict(x_test[5])) on an MNIST classifier whose first layer is
# Flatten(input_shape=(28, 28)); x_test[5] is one image of shape (28, 28).
import numpy as np
import tensorflow as tf

x_train = np.random.rand(256, 28, 28).astype("float32")
y_train = np.random.randint(0, 10, size=256)
x_test = np.random.rand(16, 28, 28).astype("float32")

model = tf.keras.models.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1, verbose=0)

print(model.predict(x_test[5:6]))  # a batch holding one image: shape (1, 28, 28)
