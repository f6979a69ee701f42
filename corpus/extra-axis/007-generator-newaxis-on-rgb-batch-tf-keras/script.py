import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/tensorflow/tensorflow/issues/50142:
# a training generator builds RGB batches of shape (4, 256, 256, 3) and then adds
# X[:, :, :, np.newaxis] (meant for single-channel masks) to them as well, so the
# model, built for (None, 256, 256, 3), receives (4, 256, 256, 1, 3).
import numpy as np
import tensorflow as tf

IMG_HEIGHT, IMG_WIDTH, IMG_CHANNELS = 256, 256, 3


def Generator(batch_size=4):
    while True:
        X = np.random.randint(0, 256, (batch_size, IMG_HEIGHT, IMG_WIDTH, IMG_CHANNELS)).astype("float32")
        y = np.random.randint(0, 2, (batch_size, IMG_HEIGHT, IMG_WIDTH)).astype("float32")
        X = X[:, :, :, np.newaxis] / 255   # normalization
        y = y[:, :, :, np.newaxis]
        yield X, y


inputs = tf.keras.layers.Input((IMG_HEIGHT, IMG_WIDTH, IMG_CHANNELS))
c1 = tf.keras.layers.Conv2D(16, (3, 3), activation='relu', kernel_initializer='he_normal', padding='same')(inputs)
p1 = tf.keras.layers.MaxPooling2D((2, 2))(c1)
u1 = tf.keras.layers.Conv2DTranspose(16, (2, 2), strides=(2, 2), padding='same')(p1)
outputs = tf.keras.layers.Conv2D(1, (1, 1), activation='sigmoid')(u1)
model = tf.keras.Model(inputs=[inputs], outputs=[outputs])
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

model.fit(Generator(), steps_per_epoch=2, epochs=1)
