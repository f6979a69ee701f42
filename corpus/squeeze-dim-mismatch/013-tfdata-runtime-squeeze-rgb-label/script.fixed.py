# Reproduces dmolony3/DRN#3: the input pipeline does label = tf.squeeze(label, 3) on the
# batched segmentation labels, expecting single-channel label images, but the user's label
# images were saved as 3-channel (RGB) PNGs, so axis 3 has size 3.
import numpy as np
import tensorflow as tf

def examples():
    for _ in range(4):
        image = np.random.randint(0, 255, size=(64, 64, 3), dtype=np.uint8)
        label = np.repeat(np.random.randint(0, 2, size=(64, 64, 1), dtype=np.uint8), 3, axis=2)  # RGB mask
        yield image, label

ds = tf.data.Dataset.from_generator(examples, output_signature=(
    tf.TensorSpec(shape=(None, None, 3), dtype=tf.uint8),
    tf.TensorSpec(shape=(None, None, None), dtype=tf.uint8)))   # decoded with unknown channels
# the class id is the same in all three channels of the RGB mask: keep one channel
ds = ds.batch(2).map(lambda image, label: (image, label[..., 0]))

for image, label in ds:
    print(image.shape, label.shape)
