import os
import tempfile

import numpy as np
import tensorflow as tf
import keras

model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(10)])
model.compile(optimizer="adam", loss="mse")
model.fit(np.random.rand(32, 5).astype("float32"), np.random.rand(32, 10).astype("float32"), epochs=1, verbose=0)

export_dir = os.path.join(tempfile.mkdtemp(), "my_model")
model.export(export_dir)
loaded_model = tf.saved_model.load(export_dir)

# np.random.rand gives float64; the exported endpoint was traced for float32.
new_data = np.random.rand(2, 5)
predictions = loaded_model.serve(tf.constant(new_data))
print(predictions)
