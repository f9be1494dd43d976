"""Size class of a firm by its number of employees, with Mexico's official thresholds.

Source: Secretaría de Economía, *Acuerdo por el que se establece la estratificación de las micro,
pequeñas y medianas empresas*, Diario Oficial de la Federación, 30 June 2009. The Acuerdo ranks
firms by employees and annual sales (combined score = employees × 10 % + sales × 90 %); agency
spreadsheets record employees only, so we apply the employee bands alone and say so in the
methods note (docs/methods/registry.md):

============  ========  ==========  ===========
sector        micro     small       medium
============  ========  ==========  ===========
industry      0–10      11–50       51–250
commerce      0–10      11–30       31–100
services      0–10      11–50       51–100
============  ========  ==========  ===========

Above the medium band a firm is large.
"""

from __future__ import annotations

from enum import StrEnum


class Activity(StrEnum):
    """Economic activity as the DOF stratification groups it."""

    industry = "industry"
    commerce = "commerce"
    services = "services"


class SizeClass(StrEnum):
    """Official size classes."""

    micro = "micro"
    small = "small"
    medium = "medium"
    large = "large"


# Upper bounds (inclusive) of micro, small and medium, by activity (DOF 30/06/2009).
SIZE_BOUNDS: dict[Activity, tuple[int, int, int]] = {
    Activity.industry: (10, 50, 250),
    Activity.commerce: (10, 30, 100),
    Activity.services: (10, 50, 100),
}


def size_class(employees: int, activity: Activity = Activity.industry) -> SizeClass:
    """Size class of a firm with ``employees`` workers in ``activity``."""
    if employees < 0:
        raise ValueError(f"employees cannot be negative, got {employees}")
    micro, small, medium = SIZE_BOUNDS[Activity(activity)]
    if employees <= micro:
        return SizeClass.micro
    if employees <= small:
        return SizeClass.small
    if employees <= medium:
        return SizeClass.medium
    return SizeClass.large
