"""Networks built from the layers."""
from keras_symbolic.models.adaptive_sparsity import DEFAULT_TARGETS, AdaptiveSparsity  # noqa: F401
from keras_symbolic.models.lies import LIESEnsemble, LIESNetwork, build_lies_ensemble, build_lies_network  # noqa: F401
from keras_symbolic.models.regularized import SparseRegularizedModel  # noqa: F401
from keras_symbolic.models.symbolnet import SymbolNet  # noqa: F401
from keras_symbolic.models.symbolnet_builder import build_symbolnet  # noqa: F401
