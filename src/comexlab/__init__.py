"""comexlab: the working system of a Mexican state trade-promotion agency."""

__version__ = "0.1.0"
