"""SymbolNet's self-adaptive sparsity regulariser: moved to :mod:`keras_symbolic.regularizers`
(it serves any model made of the package's layers); its public names are re-exported here."""
from keras_symbolic.regularizers.adaptive_sparsity import (  # noqa: F401
    DEFAULT_TARGETS,
    PRUNING_TYPES,
    AdaptiveSparsity,
    normalize_targets,
)

__all__ = ["PRUNING_TYPES", "DEFAULT_TARGETS", "normalize_targets", "AdaptiveSparsity"]
