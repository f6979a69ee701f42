import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/MiteshPuthran/Speech-Emotion-Analyzer/issues/52
# A Conv1D speech-emotion model ends in Dense(10, softmax) (the repository's 10 classes),
# but the user's one-hot labels have only 4 emotion classes.
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

num_classes = 4
x_traincnn = np.random.rand(64, 216, 1).astype("float32")
x_testcnn = np.random.rand(16, 216, 1).astype("float32")
y_train = keras.utils.to_categorical(np.random.randint(0, num_classes, 64), num_classes)
y_test = keras.utils.to_categorical(np.random.randint(0, num_classes, 16), num_classes)

model = keras.Sequential([
    keras.Input(shape=(216, 1)),
    layers.Conv1D(32, 5, padding="same", activation="relu"),
    layers.MaxPooling1D(pool_size=8),
    layers.Conv1D(32, 5, padding="same", activation="relu"),
    layers.Flatten(),
    layers.Dense(num_classes, activation="softmax"),
])
model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
cnnhistory = model.fit(x_traincnn, y_train, batch_size=16, epochs=1,
                       validation_data=(x_testcnn, y_test))
