# Reproduces https://github.com/gsethi2409/tf-pose-estimation/issues/2 :
# TF1-era training code (tf-pose-estimation train.py) run under TensorFlow 2,
# where tf.placeholder no longer exists in the top-level namespace.
import tensorflow as tf

batchsize, input_height, input_width = 8, 368, 432
input_node = tf.placeholder(tf.float32, shape=(batchsize, input_height, input_width, 3), name='image')
print(input_node)
