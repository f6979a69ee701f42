import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces the model in a comment (2017-09-04) of
# https://github.com/keras-team/keras/issues/7403: a character-level LSTM with
# return_sequences=False stacked under a word-level LSTM.
from tensorflow.keras.layers import LSTM, Dense
from tensorflow.keras.models import Sequential

chars = sorted(set("abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?'-"))
data_dim = len(chars)
timesteps = 40  # the maximum length (characters) of a word
out_vec_size = 62
num_hidden_neurons_char_layer = timesteps
num_hidden_neurons_word_layer = out_vec_size

model = Sequential()
model.add(LSTM(num_hidden_neurons_char_layer, return_sequences=False,
               batch_input_shape=(None, timesteps, data_dim)))
model.add(LSTM(num_hidden_neurons_word_layer))
model.add(Dense(out_vec_size, activation='tanh'))
model.summary()
