# Reproduces fchollet/deep-learning-with-python-notebooks#33: listing 5.5 ("Building our
# network") fails because Keras is configured for channels_first (keras.json
# "image_data_format": "channels_first") while input_shape=(150, 150, 3) is channels_last.
import numpy as np
import keras
from keras import layers, models

keras.config.set_image_data_format("channels_last")  # match the (150, 150, 3) images

model = models.Sequential()
model.add(keras.Input(shape=(150, 150, 3)))
model.add(layers.Conv2D(32, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Flatten())
model.add(layers.Dense(512, activation="relu"))
model.add(layers.Dense(1, activation="sigmoid"))
model.summary()

model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
x = np.random.rand(8, 150, 150, 3).astype("float32")
y = np.random.randint(0, 2, size=(8, 1)).astype("float32")
model.fit(x, y, epochs=1, batch_size=4, verbose=0)
