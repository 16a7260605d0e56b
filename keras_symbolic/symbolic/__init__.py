"""Pure SymPy/NumPy/SciPy side of keras-symbolic: no Keras import here."""
