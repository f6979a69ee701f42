# Reproduces https://github.com/XuexiongLuoMQ/ComGA/issues/5 (TF1 GCN code migrated to
# TF2 / Keras 3): a graph-convolution step is written with raw tf.matmul on the
# symbolic Keras Input while the functional model is being built.
import numpy as np
import tensorflow as tf

num_nodes, num_features, hidden = 16, 32, 8

features = tf.keras.Input(shape=(num_features,), name="features")
weights = tf.Variable(tf.keras.initializers.GlorotUniform(seed=0)((num_features, hidden)), name="weights")
hidden1 = tf.nn.relu(tf.matmul(features, weights))
model = tf.keras.Model(features, hidden1)

print(model(np.random.rand(num_nodes, num_features).astype(np.float32)).shape)
