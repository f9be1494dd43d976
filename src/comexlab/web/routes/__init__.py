"""Routers: each module exposes ``pages`` (HTML) and ``api`` (JSON under /api/)."""
