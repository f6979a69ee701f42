# Reproduces https://stackoverflow.com/questions/44151760/received-a-label-value-of-1-which-is-outside-the-valid-range-of-0-1-python
# A binary classifier (labels 0/1) ends in Dense(1, activation="softmax") and uses
# sparse_categorical_crossentropy: one output unit means only class id 0 is valid.
# (Flatten added before the Dense head so the model builds under current Keras.)
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

n_dim = 16
training_data = np.random.rand(64, n_dim, 1, 1).astype("float32")
training_labels = np.random.randint(0, 2, 64)
test_data = np.random.rand(16, n_dim, 1, 1).astype("float32")
test_labels = np.random.randint(0, 2, 16)

model = keras.Sequential()
model.add(keras.Input(shape=(n_dim, 1, 1)))
model.add(layers.Conv2D(64, (1, 1), padding="valid", kernel_initializer="glorot_uniform", activation="relu"))
model.add(layers.MaxPooling2D(pool_size=(1, 1)))
model.add(layers.Conv2D(32, (1, 1), padding="valid", kernel_initializer="glorot_uniform", activation="relu"))
model.add(layers.MaxPooling2D(pool_size=(1, 1)))
model.add(layers.Flatten())
model.add(layers.Dense(128, activation="relu"))
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(2, activation="softmax"))
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(training_data, training_labels, validation_data=(test_data, test_labels),
          epochs=1, batch_size=8, verbose=2)
