# Reproduces https://github.com/ravasconcelos/spoken-digits-recognition/issues/1
# (speaker-recognition part): the targets are the speakers' names, read as strings
# into an object array, and are given to fit() with a sparse categorical loss that
# has to cast them to numbers.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
speakers = np.array(["jackson", "nicolas", "theo", "yweweler"], dtype=object)
X_train = rng.random((32, 40)).astype(np.float32)        # MFCC features per recording
y_train = speakers[rng.integers(0, 4, size=32)]          # object array of str

model = tf.keras.Sequential([
    tf.keras.Input((40,)),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(len(speakers), activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
speaker_names, y_train = np.unique(y_train.astype(str), return_inverse=True)
history = model.fit(X_train, y_train, epochs=1, batch_size=8, verbose=0)
print("trained")
