# Reproduces shenweichen/DeepCTR#118: the FM part concatenates the embeddings of the sparse
# (categorical) feature columns, but the model was given only dense columns for that part,
# so sparse_embedding_list is empty when it reaches the Concatenate layer.
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"

import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

sparse_feature_list = ["C1", "C2"]
dense_feature_list = ["I1", "I2"]
dnn_feature_columns = dense_feature_list          # as in the report: only dense columns

inputs = {name: layers.Input(shape=(1,), name=name) for name in sparse_feature_list + dense_feature_list}
sparse_embedding_list = [layers.Embedding(10, 4, name="emb_" + f)(inputs[f])
                         for f in dnn_feature_columns if f in sparse_feature_list]
fm_input = layers.Concatenate(axis=1)(sparse_embedding_list)
square_of_sum = tf.keras.layers.Lambda(lambda x: tf.square(tf.reduce_sum(x, axis=1)))(fm_input)
output = layers.Dense(1, activation="sigmoid")(square_of_sum)
model = tf.keras.Model(list(inputs.values()), output)
print(model.output_shape)
