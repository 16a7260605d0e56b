"""LIES in five lines: recover the Coulomb-like law F = mu * Nn (AI Feynman I.12.1) from data.

    python examples/lies_quickstart.py            # full schedule (about a minute on 2 CPU cores)
    QUICK=1 python examples/lies_quickstart.py    # 10 % of the epochs, for a smoke test
"""
import os

from keras_symbolic.datasets import get_feynman_equation
from keras_symbolic.estimators import LIESRegressor
from keras_symbolic.pipelines.evaluate import feynman_sampler

equation = get_feynman_equation("I.12.1")
quick = bool(os.environ.get("QUICK"))
X, y = equation.sample(2_000 if quick else 10_000, seed=0)  # columns: mu, Nn (uniform in [1, 5])

model = LIESRegressor(
    sampler=feynman_sampler(equation),  # oversampling draws fresh points where the fit is worst
    epochs_scale=0.1 if quick else 1.0,
    restarts=1 if quick else 3,  # weak-phase initialisations; the sparsest good one continues
    seed=0,
    verbose=1,
)
model.fit(X, y, feature_names=equation.variables)

print("formula:", model.sympy())
print("LaTeX  :", model.latex())
print("R^2    :", model.score(*equation.sample(2_000, seed=1)))
print(model.equations_[["stage", "complexity", "r2", "expression"]].to_string())
