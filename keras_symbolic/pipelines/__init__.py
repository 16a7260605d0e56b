"""End-to-end recipes (LIES, SymbolNet), configured by small dataclasses."""
