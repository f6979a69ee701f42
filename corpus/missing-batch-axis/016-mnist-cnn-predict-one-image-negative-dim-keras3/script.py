# Reproduces the single-image prediction described in a comment of
# https://github.com/keras-team/keras/issues/10053 ("If we want to predict for single
# instance of image ... model.predict(X_train.reshape(1,28,28,...))"): an MNIST CNN
# built for (28, 28, 1) images is given ONE image of shape (28, 28, 1).
import numpy as np
import tensorflow as tf

x_train = np.random.rand(128, 28, 28, 1).astype("float32")
y_train = np.random.randint(0, 10, size=128)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Conv2D(32, (3, 3), activation="relu"),
    tf.keras.layers.MaxPooling2D((2, 2)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1, verbose=0)

print(model.predict(x_train[0]))  # one image of shape (28, 28, 1)
