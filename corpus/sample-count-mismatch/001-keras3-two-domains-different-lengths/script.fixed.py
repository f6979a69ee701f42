# Reproduces https://github.com/MaterialsInformaticsDemo/DAN/issues/1: a two-input
# domain-adaptation model is fit on [source_x, target_x] with source_y, but the source and
# target domains have different numbers of rows (39600 vs 36900 in the report; /100 here).
import numpy as np
import tensorflow as tf

n_features = 8
source_x = np.random.rand(396, n_features).astype("float32")
target_x = np.random.rand(369, n_features).astype("float32")
source_y = np.random.rand(396, 1).astype("float32")

src_in = tf.keras.Input(shape=(n_features,), name="source")
tgt_in = tf.keras.Input(shape=(n_features,), name="target")
shared = tf.keras.layers.Dense(16, activation="relu")
merged = tf.keras.layers.Concatenate()([shared(src_in), shared(tgt_in)])
out = tf.keras.layers.Dense(1)(merged)
model = tf.keras.Model([src_in, tgt_in], out)
model.compile(optimizer="adam", loss="mse")

# resample the target domain so both inputs have one row per source sample
target_x = target_x[np.random.choice(len(target_x), len(source_x))]
history = model.fit([source_x, target_x], source_y, batch_size=32, epochs=1, verbose=0)
