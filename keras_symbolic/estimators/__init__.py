"""scikit-learn style estimators."""
from keras_symbolic.estimators.lies import LIESRegressor  # noqa: F401
from keras_symbolic.estimators.symbolnet import SymbolNetClassifier, SymbolNetRegressor  # noqa: F401
from keras_symbolic.estimators.symbolic import SymbolicRegressor  # noqa: F401
