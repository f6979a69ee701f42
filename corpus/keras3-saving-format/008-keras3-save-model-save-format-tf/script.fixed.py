import os
import tempfile

import tensorflow as tf

model = tf.keras.Sequential([tf.keras.layers.Input((4,)), tf.keras.layers.Dense(2)])
export_dir = os.path.join(tempfile.mkdtemp(), "some", "savedmodel")
model.export(export_dir)
