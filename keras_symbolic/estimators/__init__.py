"""scikit-learn style estimators."""
from keras_symbolic.estimators.lies import LIESRegressor  # noqa: F401
