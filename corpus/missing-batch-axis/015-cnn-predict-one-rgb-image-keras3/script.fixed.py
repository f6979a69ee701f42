# Reproduces the case described at http://www.kouhan.cn/en/article/00036106:
# a Conv2D image classifier built for (32, 32, 3) images is asked to predict on
# ONE image of shape (32, 32, 3); the fix is np.expand_dims(image, axis=0).
import numpy as np
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.Input(shape=(32, 32, 3)),
    tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),
    tf.keras.layers.MaxPooling2D((2, 2)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")

image = np.random.rand(32, 32, 3).astype("float32")  # one image, no batch axis
print(model.predict(np.expand_dims(image, axis=0)))  # shape (1, 32, 32, 3)
