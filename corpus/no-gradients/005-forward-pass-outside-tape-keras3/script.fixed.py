# Reproduces https://github.com/tensorflow/tensorflow/issues/54341 (TF 2.6 VAE):
# the forward pass runs *before* the GradientTape is opened, so the tape only
# records the loss arithmetic and no gradient reaches the model's variables.
import numpy as np
import tensorflow as tf
import keras
from keras import layers


class VAE(keras.Model):
    def __init__(self, latent_dim=3):
        super().__init__()
        self.flatten = layers.Flatten()
        self.hidden = layers.Dense(64, activation="relu")
        self.mu = layers.Dense(latent_dim)
        self.log_var = layers.Dense(latent_dim)
        self.decode = layers.Dense(28 * 28, activation="sigmoid")
        self.unflatten = layers.Reshape((28, 28, 1))

    def call(self, x):
        h = self.hidden(self.flatten(x))
        mu, log_var = self.mu(h), self.log_var(h)
        z = mu + tf.exp(0.5 * log_var) * tf.random.normal(tf.shape(mu))
        return self.unflatten(self.decode(z)), mu, log_var


def compute_total_loss(data, reconstruction, mu, log_var, alpha=1):
    recon_loss = tf.reduce_mean(tf.square(data - reconstruction))
    kl_loss = -0.5 * tf.reduce_mean(1 + log_var - tf.square(mu) - tf.exp(log_var))
    return recon_loss * alpha + kl_loss


X = np.random.rand(4, 28, 28, 1).astype("float32")
model = VAE()
optimizer = keras.optimizers.Adam(learning_rate=1e-3)

with tf.GradientTape() as tape:
    # Make forward propagation using defined VAE model- (inside the tape)
    X_recon, mu, log_var = model(X)
    loss = compute_total_loss(data=X, reconstruction=X_recon, mu=mu, log_var=log_var, alpha=1)

grads = tape.gradient(loss, model.trainable_weights)
optimizer.apply_gradients(zip(grads, model.trainable_weights))
print("trained one step, loss =", float(loss))
