# Reproduces https://github.com/tensorlayer/SRGAN/issues/150 ("Matrix size-incompatible:
# In[0]: [4,2048], In[1]: [512,1] [Op:MatMul]"): the discriminator's last dense layer is
# created TensorLayer-style with a fixed in_channels (512, right for 16x16 patches), but the
# training loop feeds 32x32 patches, whose flattened features have 2048 values.
import numpy as np
import tensorflow as tf


class Dense(tf.keras.layers.Layer):
    """TensorLayer-style dense layer: the weight shape comes from in_channels, not from the input."""

    def __init__(self, n_units, in_channels, **kwargs):
        super().__init__(**kwargs)
        self.W = self.add_weight(shape=(in_channels, n_units), initializer="glorot_uniform", name="W")
        self.b = self.add_weight(shape=(n_units,), initializer="zeros", name="b")

    def call(self, inputs):
        return tf.matmul(inputs, self.W) + self.b


class Discriminator(tf.keras.Model):
    def __init__(self, in_channels):
        super().__init__()
        self.conv = tf.keras.layers.Conv2D(32, 4, strides=4, padding="same", activation="relu")
        self.flat = tf.keras.layers.Flatten()
        self.out = Dense(n_units=1, in_channels=in_channels)

    def call(self, x):
        return self.out(self.flat(self.conv(x)))


D = Discriminator(in_channels=4 * 4 * 32)                           # sized for 16x16 patches
fake_patchs = tf.constant(np.random.rand(4, 32, 32, 3), tf.float32)  # batch of 4 generated 32x32 patches
logits_fake = D(fake_patchs)
print(logits_fake.shape)
