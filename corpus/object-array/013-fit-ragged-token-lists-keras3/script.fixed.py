# Reproduces https://github.com/keras-team/keras/issues/13940 under Keras 3:
# sentences were turned into lists of word ids of different lengths and wrapped in
# np.array(), which gives a NumPy object array of Python lists; Keras 3 refuses the
# object dtype before training ("Invalid dtype: object").
import keras
import numpy as np

rng = np.random.default_rng(1)
vocab_size = 40
token_ids = [rng.integers(1, vocab_size, size=rng.integers(2, 15)).tolist() for _ in range(24)]
sequences = np.array(token_ids, dtype=object)   # ragged: one Python list per sentence
labels = rng.integers(0, 2, size=(24, 1)).astype("float32")

model = keras.Sequential([
    keras.layers.Embedding(vocab_size, 4, mask_zero=True),
    keras.layers.LSTM(8),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
sequences = keras.utils.pad_sequences(sequences, padding="post")
model.fit(sequences, labels, epochs=1, batch_size=8, verbose=0)
print("trained")
