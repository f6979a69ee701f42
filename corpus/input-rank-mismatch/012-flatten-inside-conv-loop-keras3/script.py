# Reproduces https://github.com/keras-team/keras/issues/12622: in create_cnn() the
# "flatten the volume, then FC" block is indented inside the loop over the conv
# filters, so the second Conv2D receives the 2-D output of the Dense block.
from tensorflow.keras.layers import (Activation, BatchNormalization, Conv2D, Dense,
                                     Dropout, Flatten, Input, MaxPooling2D)
from tensorflow.keras.models import Model


def create_cnn(width, height, depth, filters=(16, 32, 64), regress=False):
    inputShape = (height, width, depth)
    chanDim = -1
    inputs = Input(shape=inputShape)

    for (i, f) in enumerate(filters):
        if i == 0:
            x = inputs

        # CONV => RELU => BN => POOL
        x = Conv2D(f, (3, 3), padding="same")(x)
        x = Activation("relu")(x)
        x = BatchNormalization(axis=chanDim)(x)
        x = MaxPooling2D(pool_size=(2, 2))(x)
        # flatten the volume, then FC => RELU => BN => DROPOUT
        x = Flatten()(x)
        x = Dense(16)(x)
        x = Activation("relu")(x)
        x = BatchNormalization(axis=chanDim)(x)
        x = Dropout(0.5)(x)

        x = Dense(4)(x)
        x = Activation("relu")(x)

        if regress:
            x = Dense(1, activation="linear")(x)

    model = Model(inputs, x)
    return model


model = create_cnn(64, 64, 3, regress=True)
model.summary()
