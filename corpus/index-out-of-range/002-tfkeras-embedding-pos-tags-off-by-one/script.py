import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/tensorflow/tensorflow/issues/37254
# A text CNN with a second, POS-tag input: the tag vocabulary has 10 entries, numbered 1..10
# by the tokenizer (0 is padding), but its Embedding is built with input_dim=len(pos_vocab).
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

vocab_size, max_len = 5000, 30
pos_vocab = ["NN", "VB", "JJ", "RB", "DT", "IN", "PRP", "CC", "CD", "UH"]
X_train = np.random.randint(1, vocab_size, (128, max_len))
X_train_pos = np.random.randint(1, len(pos_vocab) + 1, (128, max_len))
Y_train = keras.utils.to_categorical(np.random.randint(0, 6, 128), 6)

main_input = keras.Input(shape=(max_len,), name="main_input")
pos_input = keras.Input(shape=(max_len,), name="pos_input")
x = layers.Embedding(vocab_size, 64)(main_input)
p = layers.Embedding(len(pos_vocab), 16)(pos_input)
h = layers.Concatenate()([x, p])
h = layers.Conv1D(64, 3, activation="relu")(h)
h = layers.GlobalMaxPooling1D()(h)
main_output = layers.Dense(6, activation="softmax", name="main_output")(h)
model_cnn = keras.Model(inputs=[main_input, pos_input], outputs=main_output)
model_cnn.compile(optimizer="adam", loss="categorical_crossentropy",
                  metrics=["categorical_accuracy"])

model_cnn.fit({"main_input": X_train, "pos_input": X_train_pos}, {"main_output": Y_train},
              epochs=1, batch_size=40)
