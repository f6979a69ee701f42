import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"

import tempfile

import numpy as np
import tensorflow as tf

# A small image model saved in the TF SavedModel format (tf-keras, TF 2.x).
inputs = tf.keras.Input(shape=(224, 224, 3))
x = tf.keras.layers.Conv2D(4, 3, strides=4, activation="relu")(inputs)
x = tf.keras.layers.GlobalAveragePooling2D()(x)
outputs = tf.keras.layers.Dense(2, activation="softmax")(x)
model = tf.keras.Model(inputs, outputs)
export_dir = os.path.join(tempfile.mkdtemp(), "saved_model")
model.save(export_dir)

detect_fn = tf.saved_model.load(export_dir)

# An image as it comes from disk: uint8, its own height and width.
image_np = np.random.randint(0, 256, size=(492, 423, 3), dtype=np.uint8)
input_tensor = tf.image.resize(tf.convert_to_tensor(image_np), (224, 224)) / 255.0
input_tensor = input_tensor[tf.newaxis, ...]
detections = detect_fn(input_tensor)
print(detections.shape)
