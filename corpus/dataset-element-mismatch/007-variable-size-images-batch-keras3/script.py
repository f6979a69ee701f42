# Reproduces https://github.com/isikdogan/deep_learning_tutorials/issues/2 :
# the training images on disk have different sizes (e.g. 220x195 and 339x460), they
# are decoded one by one and batched without resizing, so tf.data cannot stack them.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
sizes = [(220, 195), (339, 460), (256, 256), (300, 200), (220, 195), (128, 160), (240, 320), (200, 200)]

images = [rng.random((h, w, 3)).astype(np.float32) for h, w in sizes]   # decoded JPEGs
labels = rng.integers(0, 2, size=len(sizes))

dataset = tf.data.Dataset.from_tensors((images[0], labels[0]))
for image, label in zip(images[1:], labels[1:]):
    dataset = dataset.concatenate(tf.data.Dataset.from_tensors((image, label)))
dataset = dataset.batch(4)

model = tf.keras.Sequential([
    tf.keras.Input((None, None, 3)),
    tf.keras.layers.Conv2D(8, 3, activation="relu"),
    tf.keras.layers.GlobalAveragePooling2D(),
    tf.keras.layers.Dense(2, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(dataset, epochs=1, verbose=0)
print("trained")
