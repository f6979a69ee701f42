# Reproduces https://github.com/tensorflow/models/issues/6036 (ported from placeholders to eager TF2)
# The hand-written CNN flattens its feature maps with tf.reshape(..., [-1, 7 * 7 * 64]),
# but after one 2x2 pooling the maps are 14x14x32, so the reshape folds them into twice
# as many rows: the logits have 64 rows for a batch of 32 labels.
import numpy as np
import tensorflow as tf

batch_size = 32
num_classes = 48
batch_x = np.random.rand(batch_size, 784).astype("float32")
batch_y = tf.one_hot(np.random.randint(0, num_classes, batch_size), num_classes)

xavier = tf.keras.initializers.GlorotUniform()
conv1_weights = tf.Variable(xavier([3, 3, 1, 32]))
conv1_biases = tf.Variable(tf.zeros([32]))
fc_weights = tf.Variable(xavier([14 * 14 * 32, num_classes]))
fc_biases = tf.Variable(tf.zeros([num_classes]))


def model(x):
    x = tf.reshape(x, [-1, 28, 28, 1])
    conv1 = tf.nn.relu(tf.nn.conv2d(x, conv1_weights, strides=1, padding="SAME") + conv1_biases)
    pool1 = tf.nn.max_pool2d(conv1, ksize=2, strides=2, padding="SAME")
    flat = tf.reshape(pool1, [-1, 14 * 14 * 32])
    return tf.matmul(flat, fc_weights) + fc_biases


optimizer = tf.keras.optimizers.Adam(1e-4)
with tf.GradientTape() as tape:
    logits = model(batch_x)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=batch_y, logits=logits))
grads = tape.gradient(loss, [conv1_weights, conv1_biases, fc_weights, fc_biases])
optimizer.apply_gradients(zip(grads, [conv1_weights, conv1_biases, fc_weights, fc_biases]))
print("loss", float(loss))
