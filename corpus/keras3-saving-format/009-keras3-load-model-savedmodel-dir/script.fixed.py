import os
import tempfile

import numpy as np
import tensorflow as tf
import keras

# A SavedModel directory, as older TensorFlow/Keras versions wrote with model.save(dir).
model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(3, activation="softmax")])
saved_dir = os.path.join(tempfile.mkdtemp(), "Skin-Type-Recognition-Degraded")
tf.saved_model.save(model, saved_dir)

model = keras.layers.TFSMLayer(saved_dir, call_endpoint="serving_default")
print(model(np.random.rand(2, 6).astype("float32")))
