# Reproduces https://github.com/IIC2613-Inteligencia-Artificial-2022-1/Syllabus/issues/99:
# a Sequential model of two Dense layers gets input_shape=(130, 13, 1) (MFCC "images") and
# one-hot labels (N, 10); without Flatten the output is (None, 130, 13, 10).
import numpy as np
import tensorflow as tf

x_train = np.random.rand(256, 130, 13, 1).astype("float32")
y_train = tf.keras.utils.to_categorical(np.random.randint(0, 10, 256), 10)

model_1 = tf.keras.Sequential()
model_1.add(tf.keras.layers.Dense(64, activation="relu", input_shape=(130, 13, 1)))
model_1.add(tf.keras.layers.Dense(10, activation="softmax"))
model_1.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model_1.fit(x_train, y_train, epochs=1, batch_size=128, verbose=0)
