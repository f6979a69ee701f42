# Reproduces https://github.com/TannerGilbert/Tutorials/issues/1
# Book/user ids start at 1 and go up to n_books / n_users, but the Embedding layers are
# built with input_dim=n_books / n_users, so the largest id is one past the table.
# (The maintainer's fix: input_dim must be the maximum integer index + 1.)
import numpy as np
from tensorflow import keras
from tensorflow.keras.layers import Input, Embedding, Flatten, Dot
from tensorflow.keras.models import Model

n_users, n_books = 53424, 10000
num_ratings = 256
user_id = np.random.randint(1, n_users + 1, num_ratings)
book_id = np.random.randint(1, n_books + 1, num_ratings)
book_id[4] = n_books
rating = np.random.randint(1, 6, num_ratings).astype("float32")

book_input = Input(shape=[1], name="Book-Input")
book_embedding = Embedding(n_books + 1, 5, name="Book-Embedding")(book_input)
book_vec = Flatten(name="Flatten-Books")(book_embedding)
user_input = Input(shape=[1], name="User-Input")
user_embedding = Embedding(n_users + 1, 5, name="User-Embedding")(user_input)
user_vec = Flatten(name="Flatten-Users")(user_embedding)
prod = Dot(name="Dot-Product", axes=1)([book_vec, user_vec])
model = Model([user_input, book_input], prod)
model.compile("adam", "mean_squared_error")

history = model.fit([user_id, book_id], rating, epochs=1, verbose=1)
