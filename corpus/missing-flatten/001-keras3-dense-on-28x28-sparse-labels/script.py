# Reproduces https://github.com/google-parfait/tensorflow-federated/issues/303: the MNIST
# classifier is a single Dense layer with input_shape=(28, 28) instead of (784,), so the
# Dense is applied to each of the 28 rows and the output is (batch, 28, 10) per image.
import numpy as np
import tensorflow as tf

x_train = np.random.rand(64, 28, 28).astype("float32")
y_train = np.random.randint(0, 10, 64).astype("int32")

model = tf.keras.models.Sequential([
    tf.keras.layers.Dense(10, activation=tf.nn.softmax, kernel_initializer="zeros", input_shape=(28, 28)),
])
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=16, epochs=1, verbose=0)
