"""Networks built from the layers."""
from keras_symbolic.models.lies import LIESNetwork, build_lies_network  # noqa: F401
from keras_symbolic.models.regularized import SparseRegularizedModel  # noqa: F401
