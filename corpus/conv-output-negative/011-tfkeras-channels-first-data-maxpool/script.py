# Reproduces AstarLight/Satellite-Segmentation#81: a U-Net whose Input is declared
# channels-first, (1, 128, 128), is built with default (channels_last) Conv2D/MaxPooling2D
# layers, so the first pooling layer sees a height of 1.
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"

import tensorflow as tf
from tensorflow.keras.layers import Input, Conv2D, MaxPooling2D, UpSampling2D, concatenate
from tensorflow.keras.models import Model

n_ch, patch_height, patch_width = 1, 128, 128

inputs = Input((n_ch, patch_height, patch_width))
conv1 = Conv2D(32, (3, 3), activation="relu", padding="same")(inputs)
conv1 = Conv2D(32, (3, 3), activation="relu", padding="same")(conv1)
pool1 = MaxPooling2D((2, 2))(conv1)
conv2 = Conv2D(64, (3, 3), activation="relu", padding="same")(pool1)
up1 = UpSampling2D(size=(2, 2))(conv2)
merge1 = concatenate([conv1, up1], axis=3)
conv3 = Conv2D(32, (3, 3), activation="relu", padding="same")(merge1)
outputs = Conv2D(1, (1, 1), activation="sigmoid")(conv3)
model = Model(inputs=inputs, outputs=outputs)
model.summary()
