"""Re-export of :mod:`comexlab.registry.auth_models`, kept for branches in flight.

The models moved to the registry, whose migrations own their tables; new code imports them
from the registry module.
"""

from comexlab.registry.auth_models import Role, User, WebSession

__all__ = ["Role", "User", "WebSession"]
