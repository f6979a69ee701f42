import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"  # tf.keras is tf-keras (Keras 2), which can read this file

import tempfile

import numpy as np
import tf_keras

# The model file as an older TensorFlow (Keras 2 / tf.keras) wrote it.
old = tf_keras.Sequential([
    tf_keras.layers.GRU(8, input_shape=(20, 3)),
    tf_keras.layers.Dense(1, activation="sigmoid"),
])
old.compile(optimizer="adam", loss="binary_crossentropy")
model_file = os.path.join(tempfile.mkdtemp(), "pd_voice_gru.h5")
old.save(model_file)

# Loading it with TensorFlow 2.16+ (Keras 3).
from tensorflow.keras.models import load_model

model = load_model(model_file)
print(model.predict(np.random.rand(2, 20, 3).astype("float32"), verbose=0))
