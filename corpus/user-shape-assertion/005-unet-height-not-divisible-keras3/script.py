# Reproduces https://github.com/chuckyee/cardiac-segmentation/issues/4 :
# the U-Net builder asserts that every feature map it downsamples has an even
# height, but the training images are 216 px high: 216 -> 108 -> 54 -> 27.
import numpy as np
import keras
from keras import layers


def downsampling_block(input_tensor, filters, padding="same"):
    _, height, width, _ = input_tensor.shape
    assert height % 2 == 0
    assert width % 2 == 0
    x = layers.Conv2D(filters, kernel_size=(3, 3), padding=padding, activation="relu")(input_tensor)
    x = layers.Conv2D(filters, kernel_size=(3, 3), padding=padding, activation="relu")(x)
    return layers.MaxPooling2D(pool_size=(2, 2))(x), x


def upsampling_block(input_tensor, skip_tensor, filters, padding="same"):
    x = layers.Conv2DTranspose(filters, kernel_size=(2, 2), strides=(2, 2))(input_tensor)
    x = layers.Concatenate()([x, skip_tensor])
    x = layers.Conv2D(filters, kernel_size=(3, 3), padding=padding, activation="relu")(x)
    return layers.Conv2D(filters, kernel_size=(3, 3), padding=padding, activation="relu")(x)


def unet(height, width, channels, classes, features=8, depth=4):
    x = inputs = keras.Input(shape=(height, width, channels))
    skips = []
    for i in range(depth):
        x, x0 = downsampling_block(x, features)
        skips.append(x0)
        features *= 2
    x = layers.Conv2D(features, kernel_size=(3, 3), padding="same", activation="relu")(x)
    for i in reversed(range(depth)):
        features //= 2
        x = upsampling_block(x, skips[i], features)
    outputs = layers.Conv2D(classes, kernel_size=(1, 1), activation="softmax")(x)
    return keras.Model(inputs, outputs)


images = np.random.rand(2, 216, 256, 1).astype("float32")      # (N, 216, 256, 1) cardiac MRI slices
masks = keras.utils.to_categorical(np.random.randint(0, 2, (2, 216, 256)), 2)

_, height, width, channels = images.shape
model = unet(height, width, channels, classes=2)
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(images, masks, batch_size=2, epochs=1, verbose=0)
print("trained")
