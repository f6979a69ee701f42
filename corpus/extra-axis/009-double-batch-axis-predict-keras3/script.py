# Reproduces https://github.com/keras-team/keras/issues/12596: a (224, 224, 3) image
# gets a batch axis, then np.expand_dims adds another one, so the Conv2D classifier
# receives (1, 1, 224, 224, 3).
import numpy as np
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.Input(shape=(224, 224, 3)),
    tf.keras.layers.Conv2D(8, (3, 3), strides=4, activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(2, activation="softmax"),
])

r = np.random.rand(224, 224, 3).astype("float32")  # stands in for the resized, scaled photo
k = np.expand_dims(r, axis=0)                       # (1, 224, 224, 3)
ry = np.expand_dims(k, axis=1)                      # (1, 1, 224, 224, 3)
(notSanta, santa) = model.predict(ry)[0]
print(notSanta, santa)
