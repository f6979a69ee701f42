# Reproduces nijianmo/fit-rec#3 (heart_rate_aux.py, build_model): the user id is fed as one
# id per time step, Input(shape=(450,)), so Embedding returns (None, 450, 5); the Lambda then
# squeezes axis 2, which is the embedding axis of size 5, not a length-1 axis.
import numpy as np
import keras
from keras import layers, ops

num_steps, num_users, user_dim = 450, 100, 5

user_input = layers.Input(shape=(num_steps,), name="user_input")
user_embedding = layers.Embedding(num_users, user_dim)(user_input)
user_embedding = layers.Lambda(lambda y: ops.squeeze(y, 2))(user_embedding)
x = layers.LSTM(16, return_sequences=True)(user_embedding)
output = layers.Dense(1)(x)
model = keras.Model(user_input, output)
model.summary()
