# Reproduces https://github.com/bojone/lic2020_baselines/issues/9:
# nodes = model.predict([[token_ids], [segment_ids]])[0] on a two-input (token ids,
# segment ids) BERT-style model, where token_ids and segment_ids are Python lists as
# returned by the tokenizer; the nested list is converted to ONE array of shape (2, 1, 31).
import numpy as np
import tensorflow as tf

vocab_size, maxlen = 100, 31
token_in = tf.keras.Input(shape=(None,), name="Input-Token")
segment_in = tf.keras.Input(shape=(None,), name="Input-Segment")
h = tf.keras.layers.Embedding(vocab_size, 8)(token_in) + tf.keras.layers.Embedding(2, 8)(segment_in)
nodes_out = tf.keras.layers.Dense(2, activation="sigmoid")(h)
model = tf.keras.Model([token_in, segment_in], nodes_out)

token_ids = [2] + np.random.randint(5, vocab_size, maxlen - 2).tolist() + [3]   # tokenizer.encode(text)
segment_ids = [0] * maxlen
nodes = model.predict([[token_ids], [segment_ids]])[0]
print(nodes.shape)
