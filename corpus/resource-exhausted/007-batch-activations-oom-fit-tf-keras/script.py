# Same failure mode as https://github.com/hotosm/fAIr/issues/59 (tf.keras model.fit
# dies with "ResourceExhaustedError: Graph execution error: OOM when allocating
# tensor" on a convolution's activations): the batch is too large for the memory
# the device has, so the first conv layer's output (512, 48, 48, 64) cannot be
# allocated during training.
#
# To emulate a small device deterministically, TensorFlow's CPU allocator is
# switched to its BFC allocator with a 200 MiB limit (documented TF env vars).
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ["TF_CPU_ALLOCATOR_USE_BFC"] = "true"
os.environ["TF_CPU_BFC_MEM_LIMIT_IN_MB"] = "200"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"   # oneDNN kernels segfault instead of raising on OOM

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

x_train = np.random.rand(512, 48, 48, 1).astype("float32")
y_train = tf.keras.utils.to_categorical(np.random.randint(0, 7, 512), 7)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(48, 48, 1)),
    layers.Conv2D(64, 5, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Conv2D(128, 5, padding="same", activation="relu"),
    layers.MaxPooling2D(2),
    layers.Flatten(),
    layers.Dense(256, activation="relu"),
    layers.Dense(7, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x_train, y_train, batch_size=512, epochs=1, verbose=0)
print("trained")
