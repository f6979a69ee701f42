import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"
# Reproduces https://github.com/keras-team/keras/issues/10936 (DDPG critic):
# the layers are built on the Input tensors `states1` / `actions1`, but the Model is
# created with two other Input objects, so its output cannot be computed from them.
import numpy as np
from tensorflow.keras import layers, models

state_size, action_size = 8, 4

states = layers.Input(shape=(state_size,))
actions = layers.Input(shape=(action_size,))

states1 = layers.Input(shape=(state_size,), name="states")
actions1 = layers.Input(shape=(action_size,), name="actions")

# State pathway
state_layer1 = layers.Dense(units=64, activation="relu")(states1)
# Action pathway
action_layer1 = layers.Dense(units=64, activation="relu")(actions1)

net = layers.Add()([state_layer1, action_layer1])
net = layers.Activation("relu")(net)
Q_values = layers.Dense(units=1, name="q_values")(net)

model = models.Model(inputs=[states, actions], outputs=Q_values)
model.compile(optimizer="adam", loss="mse")
model.fit([np.zeros((4, state_size)), np.zeros((4, action_size))], np.zeros((4, 1)), epochs=1, verbose=0)
print("built and trained")
