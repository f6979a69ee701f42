# Reproduces nijianmo/fit-rec#3 (heart_rate_aux.py, build_model): the user id is fed as one
# id per time step, Input(shape=(450,)), so Embedding returns (None, 450, 5); the code then
# squeezes axis 2, which is the embedding axis of size 5, not a length-1 axis.
import numpy as np
import keras
from keras import layers, ops

num_steps, num_users, user_dim = 450, 100, 5

user_input = layers.Input(shape=(num_steps, 1), name="user_input")  # (steps, 1) as the squeeze expects
user_embedding = layers.Embedding(num_users, user_dim)(user_input)  # (None, 450, 1, 5)
user_embedding = ops.squeeze(user_embedding, 2)  # (None, 450, 5)
x = layers.LSTM(16, return_sequences=True)(user_embedding)
output = layers.Dense(1)(x)
model = keras.Model(user_input, output)
model.summary()

model.compile("adam", "mse")
ids = np.random.randint(0, num_users, size=(4, num_steps, 1))
model.fit(ids, np.random.rand(4, num_steps, 1).astype("float32"), epochs=1, batch_size=2, verbose=0)
