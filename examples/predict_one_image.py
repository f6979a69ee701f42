"""A classic: predicting on one image of a data set, without its batch axis.

Run it with `tferrfix run examples/predict_one_image.py` (or plain python to see the crash).
"""

import keras
import numpy as np

# Small synthetic stand-in for MNIST: 64 grey-scale 28x28 images with a channel axis.
rng = np.random.default_rng(0)
x_train = rng.random((64, 28, 28, 1), dtype=np.float32)
y_train = rng.integers(0, 10, size=64)
x_test = rng.random((16, 28, 28, 1), dtype=np.float32)

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.layers.Conv2D(8, 3, activation="relu"),
    keras.layers.MaxPooling2D(),
    keras.layers.Flatten(),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=1, verbose=0)

probabilities = model.predict(x_test[0])
print("predicted class:", probabilities.argmax())
