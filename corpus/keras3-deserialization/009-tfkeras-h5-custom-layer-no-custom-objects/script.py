import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"

import tempfile

import numpy as np
import tensorflow as tf
from tensorflow.keras import backend as K
from tensorflow.keras.layers import Dense, Layer
from tensorflow.keras.models import Sequential, load_model


class MyLayer(Layer):

    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        super(MyLayer, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(name='kernel',
                                      shape=(input_shape[1], self.output_dim),
                                      initializer='uniform',
                                      trainable=True)
        super(MyLayer, self).build(input_shape)

    def call(self, x):
        return K.dot(x, self.kernel)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_dim)

    def get_config(self):
        config = super(MyLayer, self).get_config()
        config["output_dim"] = self.output_dim
        return config


model = Sequential()
model.add(Dense(32, input_shape=(784,)))
model.add(MyLayer(100))
model_path = os.path.join(tempfile.mkdtemp(), "mode_test.h5")
model.save(model_path)

model = load_model(model_path)
print(model.predict(np.random.rand(2, 784).astype("float32"), verbose=0).shape)
