import os
import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.keras.callbacks import EarlyStopping, ModelCheckpoint

x = np.random.rand(32, 10, 4).astype("float32")
y = np.random.rand(32, 1).astype("float32")

model = tf.keras.Sequential([
    tf.keras.Input(shape=(10, 4)),
    tf.keras.layers.GRU(8),
    tf.keras.layers.Dense(1),
])
model.compile(optimizer="adam", loss="mse")

network_dir = tempfile.mkdtemp()
callbacks = [
    EarlyStopping(monitor="val_loss", patience=2),
    ModelCheckpoint(
        filepath=os.path.join(network_dir, "best_model.hdf5"),
        monitor="val_loss",
        verbose=0,
        save_best_only=True,
    ),
]
model.fit(x, y, epochs=1, validation_split=0.25, callbacks=callbacks, verbose=0)
