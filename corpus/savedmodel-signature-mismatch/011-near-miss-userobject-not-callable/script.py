import os
import tempfile

import numpy as np
import tensorflow as tf
import keras

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), epochs=1, verbose=0)

save_model_dir = os.path.join(tempfile.mkdtemp(), "save")
tf.saved_model.save(model, save_model_dir)

model_load = tf.saved_model.load(save_model_dir)
print(model_load(tf.ones((2, 3))))
