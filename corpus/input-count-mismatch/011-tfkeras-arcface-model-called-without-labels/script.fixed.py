import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/peteryuX/arcface-tf2/issues/7: the training model takes
# two inputs (images and labels, the labels feed the ArcFace margin head), but the
# custom training loop calls it with the images only.
import numpy as np
import tensorflow as tf

num_classes, embd_shape = 10, 16


class ArcHead(tf.keras.layers.Layer):
    """Simplified ArcFace head: cosine logits with an additive angular margin on the true class."""

    def __init__(self, num_classes, margin=0.5, logist_scale=64.0, **kwargs):
        super().__init__(**kwargs)
        self.num_classes, self.margin, self.logist_scale = num_classes, margin, logist_scale

    def build(self, input_shape):
        self.w = self.add_weight(name="weights", shape=(int(input_shape[0][-1]), self.num_classes))

    def call(self, inputs):
        embds, labels = inputs
        cos_t = tf.matmul(tf.nn.l2_normalize(embds, axis=1), tf.nn.l2_normalize(self.w, axis=0))
        cos_mt = tf.cos(tf.acos(tf.clip_by_value(cos_t, -0.999, 0.999)) + self.margin)
        mask = tf.one_hot(tf.cast(labels, tf.int32), depth=self.num_classes)
        return tf.where(mask == 1, cos_mt, cos_t) * self.logist_scale


inputs = tf.keras.Input((112, 112, 3), name="input_image")
labels = tf.keras.Input([], name="label")
x = tf.keras.layers.Conv2D(8, 3, strides=4, activation="relu")(inputs)
x = tf.keras.layers.GlobalAveragePooling2D()(x)
embds = tf.keras.layers.Dense(embd_shape)(x)
logist = ArcHead(num_classes=num_classes)((embds, labels))
model = tf.keras.Model((inputs, labels), logist, name="arcface_model")

optimizer = tf.keras.optimizers.Adam(1e-3)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
dataset = tf.data.Dataset.from_tensor_slices(
    (np.random.rand(8, 112, 112, 3).astype("float32"), np.random.randint(0, num_classes, 8).astype("float32"))
).batch(4)

for inputs, labels in dataset:
    with tf.GradientTape() as tape:
        logist = model((inputs, labels), training=True)
        loss = loss_fn(labels, logist)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
print("trained")
