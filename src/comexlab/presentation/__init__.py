"""Result presentation shared by the CLI and the web: which figures, their labels, units, notes.

One module per result. Both edges (``commands/`` and ``web/``) import these and only shape the
output (a terminal table, an xlsx sheet, a page); neither imports the other.
"""
