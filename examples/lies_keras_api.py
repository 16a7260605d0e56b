"""The Keras building blocks on their own: a LIES network trained with your own ``model.fit``.

The ADMM callback drives the sparsity terms the model adds in ``compute_loss``; afterwards the
weights are pruned with the paper's gradient rule and turned into a SymPy formula.

    python examples/lies_keras_api.py
"""
import keras
import numpy as np

from keras_symbolic.callbacks import ADMMCallback
from keras_symbolic.losses import exp_abs_loss
from keras_symbolic.models import build_lies_network
from keras_symbolic.symbolic.lies_extract import network_expression
from keras_symbolic.symbolic.pruning import prune_weights
from keras_symbolic.symbolic.transform import SpaceTransform

rng = np.random.default_rng(0)
X = rng.uniform(1, 5, (5000, 2))
y = X[:, 0] / X[:, 1] ** 2

transform = SpaceTransform.fit(X, y, ["q", "r"], scale_inputs=False)  # log space
Z, Y = transform.transform_X(X), transform.transform_y(y)

model = build_lies_network(2, seed=0)  # 3 LIES layers with dense residual connections
model.compile(optimizer=keras.optimizers.RMSprop(1e-2, rho=0.99, epsilon=1e-8), loss=exp_abs_loss)
model.fit(Z, Y, batch_size=128, epochs=15, verbose=2,
          callbacks=[ADMMCallback(rho=0.9, lam=5e-4, l1_alpha=0.01)])

pruned, report = prune_weights(model.to_numpy_weights(), Z[:1000].astype(float), threshold=0.01)
print(f"pruning kept {report.nonzero_after} of {report.nonzero_before} weights")
formula = transform.output_expression(network_expression(pruned, transform.input_expressions()))
print("formula:", formula)
