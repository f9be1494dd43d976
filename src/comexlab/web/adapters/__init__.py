"""Thin adapters from the services' own results to the web's view models (no analysis here)."""
