"""scikit-learn style estimators."""
from keras_symbolic.pipelines.quiet_import import import_keras_quietly

import_keras_quietly()  # before any estimator module: TensorFlow's start-up lines stay off the console

from keras_symbolic.estimators.lies import LIESRegressor  # noqa: E402,F401
from keras_symbolic.estimators.symbolnet import SymbolNetClassifier, SymbolNetRegressor  # noqa: E402,F401
from keras_symbolic.estimators.symbolic import SymbolicRegressor  # noqa: E402,F401
