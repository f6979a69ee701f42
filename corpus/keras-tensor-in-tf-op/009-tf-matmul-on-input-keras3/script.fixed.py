# Reproduces https://github.com/XuexiongLuoMQ/ComGA/issues/5 (TF1 GCN code migrated to
# TF2 / Keras 3): a graph-convolution step is written with raw tf.matmul on the
# symbolic Keras Input while the functional model is being built.
import numpy as np
import tensorflow as tf

num_nodes, num_features, hidden = 16, 32, 8


class GraphDense(tf.keras.layers.Layer):
    def build(self, input_shape):
        self.weights_ = self.add_weight(shape=(input_shape[-1], hidden), initializer="glorot_uniform", name="weights")

    def call(self, x):
        return tf.nn.relu(tf.matmul(x, self.weights_))


features = tf.keras.Input(shape=(num_features,), name="features")
hidden1 = GraphDense()(features)
model = tf.keras.Model(features, hidden1)

print(model(np.random.rand(num_nodes, num_features).astype(np.float32)).shape)
