import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/jasmcaus/opencv-course/issues/20 ("x sizes: 80, 80, 80, ..."):
# the training images are collected in a Python list of 80x80 grayscale arrays and the list
# is passed to fit() as is, so Keras reads every image as a separate model input.
import numpy as np
import tensorflow as tf

IMG_SIZE, n_classes = 80, 10
featureSet, labels = [], []
for i in range(12):                                   # one entry per image file
    featureSet.append(np.random.rand(IMG_SIZE, IMG_SIZE).astype("float32"))
    labels.append(np.random.randint(0, n_classes))
labels = np.array(labels)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(IMG_SIZE, IMG_SIZE)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(n_classes, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(featureSet, labels, batch_size=4, epochs=1, verbose=0)
