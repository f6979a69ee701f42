# Reproduces tensorflow/models#10947 ("List argument 'values' to 'ConcatV2' Op with length 0"):
# inside a traced function, the tensors to concatenate are collected from a config-driven
# list of feature names; none of them is present, so tf.concat gets an empty list.
import tensorflow as tf

feature_names = ["image/object/mask"]  # from the user's config


@tf.function
def build_features(example):
    parts = [example[name] for name in feature_names if name in example]
    return tf.concat(parts, axis=-1)


example = {"image/encoded": tf.zeros((2, 8)), "image/object/bbox": tf.zeros((2, 4))}
print(build_features(example).shape)
