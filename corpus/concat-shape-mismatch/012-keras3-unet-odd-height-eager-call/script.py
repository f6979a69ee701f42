# Reproduces qubvel/segmentation_models#273: a U-Net built for any image size
# (Input(shape=(None, None, 3))) is run on a 135x240 image. 135 is not divisible by the
# down-sampling factor, so after MaxPooling2D + UpSampling2D the decoder map is 134 rows high
# and the skip connection concatenation fails at run time (here: eager call, not predict).
import numpy as np
import keras
from keras import layers

inputs = keras.Input(shape=(None, None, 3))
c1 = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
p1 = layers.MaxPooling2D(2)(c1)
c2 = layers.Conv2D(32, 3, padding="same", activation="relu")(p1)
u1 = layers.UpSampling2D(2)(c2)
m1 = layers.Concatenate(name="decoder_stage1_concat")([u1, c1])
c3 = layers.Conv2D(16, 3, padding="same", activation="relu")(m1)
outputs = layers.Conv2D(4, 1, activation="softmax")(c3)
model = keras.Model(inputs, outputs)

image = np.random.rand(1, 135, 240, 3).astype("float32")
mask = model(image)
print(mask.shape)
