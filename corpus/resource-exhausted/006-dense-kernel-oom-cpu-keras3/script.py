# Reproduces https://github.com/isseu/emotion-recognition-neural-networks/issues/48 :
# a 48x48 facial-expression CNN flattens a (12, 12, 128) feature map into 18432
# features and feeds a Dense(3072) layer; its (18432, 3072) float32 kernel alone
# needs 216 MiB, more than the CPU machine has free.
#
# To emulate that small machine deterministically, TensorFlow's own CPU allocator
# is switched to its BFC allocator with a 200 MiB limit (documented TF env vars).
import os
os.environ["TF_CPU_ALLOCATOR_USE_BFC"] = "true"
os.environ["TF_CPU_BFC_MEM_LIMIT_IN_MB"] = "200"

import numpy as np
import tensorflow as tf
import keras
from keras import layers

x_train = np.random.rand(16, 48, 48, 1).astype("float32")
y_train = keras.utils.to_categorical(np.random.randint(0, 7, 16), 7)

model = keras.Sequential([
    keras.Input(shape=(48, 48, 1)),
    layers.Conv2D(64, 5, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(128, 5, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),                       # 12 * 12 * 128 = 18432 features
    layers.Dense(3072, activation="relu"),
    layers.Dense(7, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x_train, y_train, batch_size=8, epochs=1, verbose=0)
print("trained")
