# Reproduces keras-team/keras-io#610: the keras.io captcha-OCR model with square 200x200
# images. The Reshape before the RNN keeps the example's hard-coded height of 50, so it asks
# for (50, 768) = 38400 values per sample while the conv stack yields (50, 50, 64) = 160000.
import numpy as np
import keras
from keras import layers

img_width, img_height = 200, 200

input_img = layers.Input(shape=(img_width, img_height, 1), name="image", dtype="float32")
x = layers.Conv2D(32, (3, 3), activation="relu", kernel_initializer="he_normal",
                  padding="same", name="Conv1")(input_img)
x = layers.MaxPooling2D((2, 2), name="pool1")(x)
x = layers.Conv2D(64, (3, 3), activation="relu", kernel_initializer="he_normal",
                  padding="same", name="Conv2")(x)
x = layers.MaxPooling2D((2, 2), name="pool2")(x)
new_shape = ((img_width // 4), (50 // 4) * 64)
x = layers.Reshape(target_shape=new_shape, name="reshape")(x)
x = layers.Dense(64, activation="relu", name="dense1")(x)
x = layers.Bidirectional(layers.LSTM(32, return_sequences=True))(x)
output = layers.Dense(20, activation="softmax", name="dense2")(x)
model = keras.Model(input_img, output, name="ocr_model_v1")
model.summary()
