import os
import tempfile

import numpy as np
import tensorflow as tf
import keras

model = keras.Sequential([keras.Input(shape=(5,), dtype="float64"), keras.layers.Dense(10, dtype="float64")])
model.compile(optimizer="adam", loss="mse")
train_data = np.random.rand(32, 5).astype("float64")
train_labels = np.random.rand(32, 10).astype("float64")
model.fit(train_data, train_labels, epochs=1, verbose=0)

export_dir = os.path.join(tempfile.mkdtemp(), "my_model_dtype")
model.export(export_dir)
loaded_model = tf.saved_model.load(export_dir)

# Inference data prepared as float32, the model was exported for float64.
input_data = np.random.rand(2, 5).astype("float32")
predictions = loaded_model.signatures["serving_default"](tf.constant(input_data))
print(predictions)
