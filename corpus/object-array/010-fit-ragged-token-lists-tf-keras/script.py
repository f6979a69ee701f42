import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/keras-team/keras/issues/13940 :
# sentences were turned into lists of word ids of different lengths and wrapped in
# np.array(), which gives a NumPy object array of Python lists; fit() cannot make a
# tensor of it ("Unsupported object type list").
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
vocab_size = 50
sentences = [rng.integers(1, vocab_size, size=rng.integers(3, 12)).tolist() for _ in range(32)]
X = np.array(sentences, dtype=object)          # ragged: one Python list per sentence
Y = rng.integers(0, 2, size=(32,)).astype(np.float32)

model = tf.keras.Sequential([
    tf.keras.layers.Embedding(vocab_size, 8),
    tf.keras.layers.GlobalAveragePooling1D(),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
print("trained")
