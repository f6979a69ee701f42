# Reproduces fchollet/deep-learning-with-python-notebooks#33: listing 5.5 ("Building our
# network") fails because Keras is configured for channels_first (keras.json
# "image_data_format": "channels_first") while input_shape=(150, 150, 3) is channels_last.
import keras
from keras import layers, models

keras.config.set_image_data_format("channels_first")  # what the user's keras.json said

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
