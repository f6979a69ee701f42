# Reproduces https://github.com/YunYang1994/TensorFlow2.0-Examples/issues/49 (RPN train.py):
# the box targets and predictions reach compute_loss as float64 tensors (built from
# NumPy float64 arrays), and the smooth-L1 line multiplies them by a float32 mask.
import numpy as np
import tensorflow as tf


def compute_loss(target_bboxes, target_masks, pred_bboxes):
    target_bboxes = tf.cast(target_bboxes, tf.float32)
    pred_bboxes = tf.cast(pred_bboxes, tf.float32)
    boxes_loss = tf.abs(target_bboxes - pred_bboxes)
    boxes_loss = 0.5 * tf.pow(boxes_loss, 2) * tf.cast(boxes_loss<1, tf.float32) + (boxes_loss - 0.5) * tf.cast(boxes_loss >=1, tf.float32)
    boxes_loss = tf.reduce_sum(boxes_loss, axis=-1)
    return tf.reduce_sum(boxes_loss * target_masks) / tf.reduce_sum(target_masks)


rng = np.random.default_rng(0)
# NumPy float64 arrays converted without a dtype stay float64.
target_bboxes = tf.convert_to_tensor(rng.normal(size=(1, 45, 60, 9, 4)))
pred_bboxes = tf.convert_to_tensor(rng.normal(size=(1, 45, 60, 9, 4)))
target_masks = tf.convert_to_tensor(rng.integers(0, 2, size=(1, 45, 60, 9)).astype(np.float32))

boxes_loss = compute_loss(target_bboxes, target_masks, pred_bboxes)
print("boxes_loss", float(boxes_loss))
