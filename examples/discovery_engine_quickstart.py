"""The discovery engine on a formula outside every catalogue: the open-ended search, the operator set,
the time budget and the Pareto front.

    python examples/discovery_engine_quickstart.py          # QUICK=1 for a shorter budget

The target is ``sin(x - y) + sin(x)`` (a sine of a difference is in no term library of the engine) with
1 % noise. The engine returns its answer, the rule that chose it and the whole front; ``predict`` takes
any row of it. A second fit restricts the operators to ``+ - *`` and shows what the same table gives
when no sine may appear.
"""
import os

import numpy as np

from keras_symbolic import SymbolicRegressor

quick = os.environ.get("QUICK") == "1"
rng = np.random.default_rng(0)
X = rng.uniform(-3, 3, size=(1500 if quick else 4000, 2))
y = np.sin(X[:, 0] - X[:, 1]) + np.sin(X[:, 0])
y = y + 0.01 * np.sqrt(np.mean(y**2)) * rng.standard_normal(len(y))

engine = SymbolicRegressor(decomposition=not quick, lies=False, time_budget=12 if quick else 60, seed=0)
engine.fit(X, y, feature_names=["x", "y"])
print("formula    :", engine.sympy())
print("chosen by  :", engine.choice_rule_)
front = engine.equations_[engine.equations_["pareto"]].sort_values("complexity")
print(front[["solver", "complexity", "r2", "expression"]].to_string(index=False))
simplest = front.index[0]
print("simplest front formula on 3 rows:", engine.predict(X[:3], index=simplest))

polynomial = SymbolicRegressor(decomposition=False, lies=False, operators="+,-,*", time_budget=4 if quick else 10, seed=0)
polynomial.fit(X, y, feature_names=["x", "y"])
print("formula with + - * only:", polynomial.sympy())
