# Reproduces DreamtaleCore/RaindropRmv#3: the input pipeline reshapes every decoded image to
# the fixed training size, but the user's own images have another height, so the Reshape
# node fails when the iterator reaches them (66360 values vs 68880 requested).
import numpy as np
import tensorflow as tf

H, W = 82, 280  # size the pipeline assumes

def images():
    # two user images: one of the expected size, one 79 rows high
    yield np.random.randint(0, 255, size=(82, 280, 3), dtype=np.uint8)
    yield np.random.randint(0, 255, size=(79, 280, 3), dtype=np.uint8)

ds = tf.data.Dataset.from_generator(
    images, output_signature=tf.TensorSpec(shape=(None, None, 3), dtype=tf.uint8))
ds = ds.map(lambda img: tf.image.resize(tf.cast(img, tf.float32) / 255.0, [H, W])).batch(2)

for batch in ds:
    print(batch.shape)
