import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/Cooper111/3Dircadb_Use_Unet/issues/4 :
# a U-Net segmentation model is trained with a custom Dice loss while the label
# masks are int64; inside the loss `y_true_f * y_pred_f` multiplies an int64 tensor
# by the float32 predictions.
import numpy as np
import tensorflow as tf
from tensorflow.keras import backend as K

smooth = 1.0


def dice_coef(y_true, y_pred):
    y_true_f = K.flatten(y_true)
    y_pred_f = K.flatten(y_pred)
    intersection = K.sum(y_true_f * y_pred_f)
    return (2.0 * intersection + smooth) / (K.sum(y_true_f) + K.sum(y_pred_f) + smooth)


def dice_coef_loss(y_true, y_pred):
    return -dice_coef(y_true, y_pred)


rng = np.random.default_rng(0)
imgs_train = rng.random((8, 32, 32, 1)).astype(np.float32)
imgs_mask_train = rng.integers(0, 2, size=(8, 32, 32, 1))   # int64 masks

inputs = tf.keras.Input((32, 32, 1))
x = tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
outputs = tf.keras.layers.Conv2D(1, 1, activation="sigmoid")(x)
model = tf.keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss=dice_coef_loss, metrics=[dice_coef])
model.fit(imgs_train, imgs_mask_train, batch_size=4, epochs=1, verbose=0)
print("trained")
