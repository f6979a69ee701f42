import os
import tempfile

import tensorflow as tf

model = tf.keras.Sequential([tf.keras.layers.Input((4,)), tf.keras.layers.Dense(2)])
export_dir = os.path.join(tempfile.mkdtemp(), "some", "savedmodel")
tf.keras.models.save_model(model, export_dir, save_format="tf")
