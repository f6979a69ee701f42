import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces the report at https://e-com-net.com/article/1282004287597068288.htm
# (course exercise "TensorFlow笔记"): a subclassed CNN trained on Fashion-MNIST, whose
# images load as (N, 28, 28) without a channel axis; the same model worked on
# CIFAR-10 (N, 32, 32, 3).
import numpy as np
import tensorflow as tf
from tensorflow.keras import Model
from tensorflow.keras.layers import (Activation, BatchNormalization, Conv2D, Dense,
                                     Dropout, Flatten, MaxPool2D)

# stands in for tf.keras.datasets.fashion_mnist.load_data(): uint8 images (N, 28, 28)
x_train = np.random.randint(0, 256, size=(256, 28, 28)).astype("uint8")
y_train = np.random.randint(0, 10, size=256).astype("uint8")
x_test = np.random.randint(0, 256, size=(64, 28, 28)).astype("uint8")
y_test = np.random.randint(0, 10, size=64).astype("uint8")
x_train, x_test = x_train / 255.0, x_test / 255.0
x_train = x_train.reshape(x_train.shape[0], 28, 28, 1)  # add the channel axis
x_test = x_test.reshape(x_test.shape[0], 28, 28, 1)


class Baseline(Model):
    def __init__(self):
        super(Baseline, self).__init__()
        self.c1 = Conv2D(filters=6, kernel_size=(5, 5), padding='same')
        self.b1 = BatchNormalization()
        self.a1 = Activation('relu')
        self.p1 = MaxPool2D(pool_size=(2, 2), strides=2, padding='same')
        self.d1 = Dropout(0.2)
        self.flatten = Flatten()
        self.f1 = Dense(128, activation='relu')
        self.d2 = Dropout(0.2)
        self.f2 = Dense(10, activation='softmax')

    def call(self, x):
        x = self.c1(x)
        x = self.b1(x)
        x = self.a1(x)
        x = self.p1(x)
        x = self.d1(x)
        x = self.flatten(x)
        x = self.f1(x)
        x = self.d2(x)
        y = self.f2(x)
        return y


model = Baseline()
model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False),
              metrics=['sparse_categorical_accuracy'])
model.fit(x_train, y_train, batch_size=32, epochs=1, validation_data=(x_test, y_test),
          validation_freq=1)
