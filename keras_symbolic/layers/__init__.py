"""Keras layers of keras-symbolic."""
from keras_symbolic.layers.lies import LIESLayer, NodeBridge  # noqa: F401
from keras_symbolic.layers.masked import MaskedDense  # noqa: F401
from keras_symbolic.layers.symbolic import SymbolicLayer  # noqa: F401
from keras_symbolic.layers.threshold import Clip, InputMask, ThresholdMask  # noqa: F401
