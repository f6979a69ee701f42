import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/rohanpillai20/Image-Classification-by-Keras-and-Tensorflow/issues/2
# A binary-classifier template (Dense(1) + sigmoid, binary_crossentropy) is trained on a
# 6-class image folder whose labels are one-hot (class_mode="categorical").
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

classes_num = 6
img_width, img_height = 150, 150
x_train = np.random.rand(32, img_width, img_height, 3).astype("float32")
y_train = keras.utils.to_categorical(np.random.randint(0, classes_num, 32), classes_num)

model = keras.Sequential([
    keras.Input(shape=(img_width, img_height, 3)),
    layers.Conv2D(8, (3, 3), strides=4, activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Flatten(),
    layers.Dense(64, activation="relu"),
    layers.Dense(1),
    layers.Activation("sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=16, epochs=1)
