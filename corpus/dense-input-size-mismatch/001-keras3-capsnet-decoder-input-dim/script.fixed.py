# Reproduces https://github.com/XifengGuo/CapsNet-Keras/issues/30: the decoder's first
# Dense is declared with input_dim=16*n_class, but after changing dim_capsule to 17 the
# masked capsule vector reaching it has dim_capsule*n_class = 170 features.
# (The capsule layers are replaced by a small Dense + Reshape stand-in with the same output shape.)
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers, models

n_class, dim_capsule = 10, 17
input_shape = (28, 28, 1)

x = layers.Input(shape=input_shape)
h = layers.Conv2D(32, 9, activation="relu")(x)
h = layers.Flatten()(h)
digitcaps = layers.Reshape((n_class, dim_capsule))(layers.Dense(n_class * dim_capsule)(h))
masked = layers.Flatten()(digitcaps)                 # (None, n_class * dim_capsule) = (None, 170)

decoder = models.Sequential(name="decoder")
decoder.add(layers.Dense(512, activation="relu", input_dim=dim_capsule * n_class))
decoder.add(layers.Dense(1024, activation="relu"))
decoder.add(layers.Dense(int(np.prod(input_shape)), activation="sigmoid"))
decoder.add(layers.Reshape(target_shape=input_shape, name="out_recon"))

train_model = models.Model(x, decoder(masked))
train_model.compile(optimizer="adam", loss="mse")
x_train = np.random.rand(32, 28, 28, 1).astype("float32")
train_model.fit(x_train, x_train, batch_size=16, epochs=1, verbose=0)
