"""The services layer: one function per user question.

Typed request → typed result; CLI and web call these and only shape output.
"""
