import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/AstarLight/Keras-image-classifer-framework/issues/7:
# trainX, trainY = (4575, 32, 32, 3) (4575, 62); testX, testY = (2520, 32, 32, 3) (2520, 62),
# and "Found 2520 input samples and 4575 target samples": the validation images were
# paired with the training labels.
import numpy as np
import tensorflow as tf

CLASS_NUM = 62
trainX = np.random.rand(4575, 32, 32, 3).astype("float32")
trainY = np.eye(CLASS_NUM, dtype="float32")[np.random.randint(0, CLASS_NUM, 4575)]
testX = np.random.rand(2520, 32, 32, 3).astype("float32")
testY = np.eye(CLASS_NUM, dtype="float32")[np.random.randint(0, CLASS_NUM, 2520)]

model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(8, 3, activation="relu", input_shape=(32, 32, 3)),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(CLASS_NUM, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
H = model.fit(trainX, trainY, batch_size=256, epochs=1, validation_data=(testX, trainY), verbose=0)
