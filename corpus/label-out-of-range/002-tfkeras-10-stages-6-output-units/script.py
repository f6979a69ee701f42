import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/williamfzc/work_with_stagesepx/issues/5
# The stage classifier is built with a fixed number of output units (MODEL_DENSE = 6),
# but the training video was cut into 10 stages, so the sparse labels run 0..9.
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

MODEL_DENSE = 6
data_size = (200, 200)
num_stages = 10
x = np.random.rand(64, *data_size, 1).astype("float32")
y = np.random.randint(0, num_stages, 64)

model = keras.Sequential([
    keras.Input(shape=(*data_size, 1)),
    layers.Conv2D(8, (3, 3), strides=4, activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Flatten(),
    layers.Dense(32, activation="relu"),
    layers.Dense(MODEL_DENSE, activation="softmax"),
])
model.compile(loss="sparse_categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
model.fit(x, y, epochs=1, batch_size=32)
