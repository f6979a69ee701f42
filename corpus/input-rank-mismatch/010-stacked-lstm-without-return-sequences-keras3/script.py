# Reproduces the model in a comment (2017-09-04) of
# https://github.com/keras-team/keras/issues/7403: a character-level LSTM with
# return_sequences=False stacked under a word-level LSTM. (Keras 3 no longer accepts
# batch_input_shape=, so the input shape is declared with an Input layer.)
from tensorflow.keras.layers import LSTM, Dense, Input
from tensorflow.keras.models import Sequential

chars = sorted(set("abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?'-"))
data_dim = len(chars)
timesteps = 40  # the maximum length (characters) of a word
out_vec_size = 62
num_hidden_neurons_char_layer = timesteps
num_hidden_neurons_word_layer = out_vec_size

model = Sequential()
model.add(Input(shape=(timesteps, data_dim)))
model.add(LSTM(num_hidden_neurons_char_layer, return_sequences=False))
model.add(LSTM(num_hidden_neurons_word_layer))
model.add(Dense(out_vec_size, activation='tanh'))
model.summary()
