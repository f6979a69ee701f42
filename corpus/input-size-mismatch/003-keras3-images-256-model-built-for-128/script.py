# Reproduces https://github.com/keras-team/keras/issues/19367: every Conv2D is given
# input_shape=(128, 128, 3) but the image generator yields 256x256 images, so the
# Flatten output is 4x larger than the Dense after it was built for.
import numpy as np
import tensorflow as tf
from keras.layers import Dense, Conv2D, MaxPool2D, Flatten
from keras.models import Sequential

x_train = np.random.rand(16, 256, 256, 3).astype("float32")   # images as loaded (256x256)
y_train = np.random.randint(0, 2, (16, 1)).astype("float32")

model = Sequential()
model.add(Conv2D(32, (3, 3), padding="same", activation="relu", input_shape=(128, 128, 3)))
model.add(MaxPool2D((2, 2)))
model.add(Conv2D(64, (3, 3), padding="same", activation="relu", input_shape=(128, 128, 3)))
model.add(MaxPool2D((2, 2)))
model.add(Conv2D(64, (3, 3), padding="same", activation="relu", input_shape=(128, 128, 3)))
model.add(MaxPool2D((2, 2)))
model.add(Flatten())
model.add(Dense(16, activation="relu"))
model.add(Dense(1, activation="sigmoid"))
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

history = model.fit(x_train, y_train, batch_size=8, epochs=1, verbose=0)
