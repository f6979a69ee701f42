# Reproduces https://github.com/keras-team/keras/issues/10563 (visual-qa trainMLP.py):
# the MLP is built for question+image features (300 + 4096 = 4396 values per sample),
# but only the 4096 VGG image features are passed to fit().
import numpy as np
import tensorflow as tf

word_vec_dim, img_dim, nb_classes = 300, 4096, 1000
n = 64
X_q_batch = np.random.rand(n, word_vec_dim).astype("float32")   # summed question word vectors
X_i_batch = np.random.rand(n, img_dim).astype("float32")        # VGG fc7 image features
Y_batch = np.eye(nb_classes, dtype="float32")[np.random.randint(0, nb_classes, n)]

model = tf.keras.Sequential([
    tf.keras.Input(shape=(img_dim + word_vec_dim,)),
    tf.keras.layers.Dense(1024, activation="tanh"),
    tf.keras.layers.Dropout(0.5),
    tf.keras.layers.Dense(nb_classes, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="rmsprop")

X_batch = np.hstack((X_q_batch, X_i_batch))   # (n, 4396): question + image features
model.fit(X_batch, Y_batch, epochs=1, verbose=0)
