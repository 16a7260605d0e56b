"""SymbolNet's adaptive sparsity on your own model of the package's layers.

A plain Sequential of ``InputMask`` and ``SymbolicLayer`` layers gets the self-adaptive sparsity
regulariser with ``AdaptiveSparsity(targets).attach(model)``: the loss becomes
``L_err + sum_T L_err D(s_T) L_thr_T`` and each sparsity ``s_T`` is logged as a metric;
``SparsityGuard`` keeps every type from overshooting its target.

    python examples/adaptive_sparsity_keras_api.py     # QUICK=1 for a smoke test
"""
import os
import tempfile

import keras
import numpy as np

from keras_symbolic.callbacks import SparsityGuard
from keras_symbolic.layers import InputMask, SymbolicLayer
from keras_symbolic.regularizers import AdaptiveSparsity

quick = bool(os.environ.get("QUICK"))
rng = np.random.default_rng(0)
X = rng.uniform(-2, 2, (1_000 if quick else 10_000, 3)).astype("float32")  # x2 is a distractor
y = (np.sin(X[:, 0]) + X[:, 0] * X[:, 1]).astype("float32")[:, None]

keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input((3,)),
    InputMask(),
    SymbolicLayer(num_unary=6, num_binary=2, unary_operators=("identity", "sin", "cos")),
    SymbolicLayer(num_unary=1, num_binary=0, unary_operators=("identity",)),  # output unit
])
model = AdaptiveSparsity({"weight": 0.8, "unary": 0.5, "binary": 0.5}).attach(model)
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
history = model.fit(X, y, batch_size=128, epochs=3 if quick else 60, verbose=0, callbacks=[SparsityGuard()])

print("final metrics:", {k: round(v[-1], 4) for k, v in history.history.items()})
print("sparsity per type:", model.sparsities())
model.save(os.path.join(tempfile.gettempdir(), "adaptive_sparsity_example.keras"))  # keras.saving.load_model reloads it
