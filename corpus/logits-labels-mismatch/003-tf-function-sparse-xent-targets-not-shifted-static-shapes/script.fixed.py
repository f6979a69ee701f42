# Reproduces https://github.com/variational-attention/tf-var-attention/issues/2
# ("logits shape [1900,38510] and labels shape [2000]": batch 100, target length 20).
# With teacher forcing the decoder reads targets[:, :-1] and so emits length-1 steps,
# but the loss is given the unshifted targets; after flattening, the logits have
# batch*(T-1) rows and the labels batch*T entries. (Vocabulary shrunk to 1000 here.)
import numpy as np
import tensorflow as tf
from tensorflow import keras

vocab_size, batch_size, max_len = 1000, 100, 20
sentences = [np.random.randint(1, vocab_size, max_len) for _ in range(batch_size)]
dataset = tf.data.Dataset.from_generator(
    lambda: iter(sentences), output_signature=tf.TensorSpec([None], tf.int32)
).padded_batch(batch_size)

embedding = keras.layers.Embedding(vocab_size, 32)
decoder_rnn = keras.layers.GRU(64, return_sequences=True)
projection = keras.layers.Dense(vocab_size)
optimizer = keras.optimizers.Adam()


@tf.function
def train_step(targets):
    decoder_inputs = targets[:, :-1]
    with tf.GradientTape() as tape:
        logits = projection(decoder_rnn(embedding(decoder_inputs)))
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(targets[:, 1:], [-1]),
            logits=tf.reshape(logits, [-1, vocab_size])))
    variables = embedding.trainable_variables + decoder_rnn.trainable_variables + projection.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return loss


for batch in dataset:
    print("loss", float(train_step(batch)))
