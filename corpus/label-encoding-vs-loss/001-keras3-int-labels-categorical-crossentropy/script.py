# Reproduces https://github.com/nachi-hebbar/Transfer-Learning-ResNet-Keras/issues/1
# image_dataset_from_directory() yields integer class ids (label_mode="int" is the default),
# but the model is compiled with categorical_crossentropy, which wants one-hot targets.
# (A tiny conv base stands in for the pretrained ResNet50, to avoid a weights download.)
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

img_height, img_width, batch_size = 180, 180, 32
images = np.random.rand(64, img_height, img_width, 3).astype("float32")
labels = np.random.randint(0, 5, 64).astype("int32")  # what label_mode="int" produces
train_ds = tf.data.Dataset.from_tensor_slices((images[:48], labels[:48])).batch(batch_size)
val_ds = tf.data.Dataset.from_tensor_slices((images[48:], labels[48:])).batch(batch_size)

resnet_model = keras.Sequential([
    keras.Input(shape=(img_height, img_width, 3)),
    layers.Conv2D(8, 3, strides=4, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Flatten(),
    layers.Dense(512, activation="relu"),
    layers.Dense(5, activation="softmax"),
])
resnet_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                     loss="categorical_crossentropy", metrics=["accuracy"])
epochs = 1
history = resnet_model.fit(train_ds, validation_data=val_ds, epochs=epochs)
