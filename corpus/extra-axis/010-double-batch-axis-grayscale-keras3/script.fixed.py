# Grayscale variant of https://github.com/keras-team/keras/issues/12596: an image that
# already has its batch axis, (1, 28, 28, 1), gets a second one from np.expand_dims,
# so the MNIST CNN receives (1, 1, 28, 28, 1).
import numpy as np
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
    tf.keras.layers.MaxPooling2D((2, 2)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation="softmax"),
])

img = np.random.rand(28, 28).astype("float32")   # stands in for a loaded digit
k = img.reshape(1, 28, 28, 1)                     # already a batch of one
ry = np.expand_dims(k, axis=1)                    # (1, 1, 28, 28, 1)
print(model.predict(k).argmax())  # one batch axis only
