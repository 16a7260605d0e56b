"""keras-symbolic: discover compact formulas from data with Keras 3 networks (LIES, SymbolNet)."""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
