"""The services layer: one function per user question; typed request → typed result.

CLI and web call these and only shape output.
"""
