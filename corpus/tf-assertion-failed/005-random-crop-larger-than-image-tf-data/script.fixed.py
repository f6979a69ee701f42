# Reproduces https://github.com/HasnainRaz/Skin-Segmentation-TensorFlow/issues/7 :
# a tf.data pipeline random-crops every image to a fixed size, but some images
# are portrait (640 x 427) and smaller than the (408, 544) crop in width, so the
# assertion inside tf.image.random_crop fails while the model is training.
import numpy as np
import tensorflow as tf
import keras

CROP = [408, 544, 3]

images = np.random.rand(4, 640, 427, 3).astype("float32")   # portrait photos, HWC
labels = np.random.randint(0, 2, size=(4, 1)).astype("float32")


def augment(image, label):
    # Fixed: bring every image to a size at least as large as the crop first.
    image = tf.image.resize(image, (480, 640))
    image = tf.image.random_crop(image, size=CROP)
    return image, label


ds = tf.data.Dataset.from_tensor_slices((images, labels)).map(augment).batch(2)

model = keras.Sequential([
    keras.Input(shape=CROP),
    keras.layers.Conv2D(4, 3, strides=4, activation="relu"),
    keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(ds, epochs=1, verbose=0)
print("trained")
