"""Typer verb groups, one module per package area; each is a few lines over service functions."""
