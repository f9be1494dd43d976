"""Pure report computations: windows, comparisons, state allocation (no I/O here)."""
