import os
import tempfile

import numpy as np
import tensorflow as tf
import keras

# Model with two inputs
input_a = keras.Input(shape=(10,))
input_b = keras.Input(shape=(5,))
x = keras.layers.concatenate([input_a, input_b])
output = keras.layers.Dense(1)(x)
model = keras.Model(inputs=[input_a, input_b], outputs=output)
model.compile(optimizer="adam", loss="mse")
model.fit([np.random.rand(32, 10), np.random.rand(32, 5)], np.random.rand(32, 1), epochs=1, verbose=0)

export_dir = os.path.join(tempfile.mkdtemp(), "my_model_multi_input")
tf.saved_model.save(model, export_dir)
loaded_model = tf.saved_model.load(export_dir)

correct_a = np.random.rand(2, 10).astype("float32")
correct_b = np.random.rand(2, 5).astype("float32")
predictions = loaded_model.signatures["serving_default"](a=tf.constant(correct_a), b=tf.constant(correct_b))
print(predictions)
