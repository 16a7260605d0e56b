"""Training regularisers for any model made of the package's layers: SymbolNet's adaptive sparsity."""
from keras_symbolic.regularizers.adaptive_sparsity import (  # noqa: F401
    DEFAULT_TARGETS,
    PRUNING_TYPES,
    AdaptiveSparsity,
    AdaptiveSparsityModel,
    normalize_targets,
)
from keras_symbolic.regularizers.pruning_state import prunable_layers, pruning_groups, pruning_variables  # noqa: F401
