# Reproduces https://github.com/tensorflow/models/issues/10873 :
# the image files are decoded with tf.io.decode_png's default channels=0, so the one
# RGBA PNG among RGB PNGs keeps 4 channels; after resizing to 310x310 the elements
# are [310,310,4] and [310,310,3] and cannot go into one batch.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
# Encoded files as they would be read from disk: three RGB PNGs and one RGBA PNG.
channels = [3, 4, 3, 3]
png_bytes = [tf.io.encode_png(rng.integers(0, 256, size=(300 + 10 * i, 320, c), dtype=np.uint8)).numpy()
             for i, c in enumerate(channels)]


def load_image(png):
    image = tf.io.decode_png(png)
    image = tf.image.resize(image, (310, 310))
    return image


dataset = tf.data.Dataset.from_tensor_slices(png_bytes).map(load_image).batch(4)
for batch in dataset:
    print(batch.shape)
