"""SMART partial-equilibrium effects of a tariff change (Jammes & Olarreaga 2005; WITS SMART).

For one importer, one product and one exporter ``j`` whose tariff moves from ``t0`` to ``t1``:

* **Trade creation** (own-price response of import demand):
  ``TC = M_j · ε · Δt / ((1 + t0) · (1 + ε/β))`` with ``ε`` the import demand elasticity as a
  positive magnitude (WITS writes it negative with a minus in the denominator; same number) and
  ``β`` the export supply elasticity. WITS' default ``β = 99`` stands for "infinite" (the
  exporter's price does not move): we treat ``β ≥ 99`` as ``β = ∞``, so
  ``TC = −M_j·ε·Δt/(1 + t0)``; the minus sign makes a tariff rise cut imports.
* **Trade diversion** (switch between suppliers with substitution elasticity ``σ``, WITS 1.5),
  in the capped CES form of Jammes & Olarreaga (2005, eq. 6):
  ``TD = M_j·M_K·σ·x / (M_K + M_j + M_j·σ·x)`` where ``x`` is the change in j's price relative to
  the rest ``K``: ``x = Δt_K/(1+t0_K) − Δt_j/(1+t0_j)``. The denominator keeps ``TD`` within
  ``(−M_j, M_K)``: j can never lose more than it sells nor gain more than its rivals sold, which is
  why it is called capped; we clip to those bounds too. (The uncapped linear form divides by
  ``M_K + M_j`` only.)
* **Tariff revenue** before ``t0·M_j`` and after ``t1·(M_j + TC + TD)``.
* **Welfare** (importer's consumer surplus net of revenue, linear demand): the trapezoid
  ``ΔW = ½·(t0 + t1)·TC``, negative when a tariff rise destroys trade; with ``t0 = 0`` it is WITS'
  ``½·Δt·TC``.

Worked example (unit-tested): M_MX = 100, M_rest = 300, t 0 → 2.5 %, ε = 1.47, σ = 1.5:
creation −3.675 (infinite supply), diversion −2.839 (capped).

Import demand elasticities come from Hauk (2012), with the fallback chain HS10 → HS6 → NAICS6 →
default in :func:`lookup_elasticity`; which level was used is returned for the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import pandas as pd

from comexlab.tariffs.formulas import FloatLike

SIGMA_DEFAULT = 1.5
"""WITS SMART default elasticity of substitution between supplying countries."""
SUPPLY_ELASTICITY_DEFAULT = 99.0
"""WITS SMART default export supply elasticity; 99 (or more) is read as infinite."""
INFINITE_SUPPLY = 99.0


def trade_creation(m: FloatLike, t0: FloatLike, t1: FloatLike, eps: FloatLike,
                   supply_elasticity: float = SUPPLY_ELASTICITY_DEFAULT) -> FloatLike:
    """Change in imports from the exporter due to its own tariff change (USD)."""
    damp = 1.0 if supply_elasticity >= INFINITE_SUPPLY else 1.0 + eps / supply_elasticity
    return -m * eps * (t1 - t0) / ((1.0 + t0) * damp)


def relative_price_change(t0_j: FloatLike, t1_j: FloatLike,
                          t0_rest: FloatLike | float = 0.0,
                          t1_rest: FloatLike | float = 0.0) -> FloatLike:
    """Linearised change of the rest's price relative to j's (positive: j got cheaper)."""
    return (t1_rest - t0_rest) / (1.0 + t0_rest) - (t1_j - t0_j) / (1.0 + t0_j)


def trade_diversion(m_j: FloatLike, m_rest: FloatLike, x: FloatLike,
                    sigma: float = SIGMA_DEFAULT, *, capped: bool = True) -> FloatLike:
    """Imports diverted towards j (negative: away from j) for relative price change ``x``."""
    num = m_j * m_rest * sigma * x
    if not capped:
        return num / (m_rest + m_j)
    with np.errstate(divide="ignore", invalid="ignore"):
        td = num / (m_rest + m_j + m_j * sigma * x)
    return np.clip(td, -m_j, m_rest)


def welfare(t0: FloatLike, t1: FloatLike, creation: FloatLike) -> FloatLike:
    """Importer's welfare change (USD): trapezoid ``½(t0 + t1)·TC``."""
    return 0.5 * (t0 + t1) * creation


class ElasticityLevel(StrEnum):
    """Where a line's import demand elasticity came from (fallback chain, most precise first)."""

    hts10 = "hts10"
    hs6 = "hs6"
    naics6 = "naics6"
    default = "default"


@dataclass(frozen=True, slots=True)
class ElasticityTables:
    """Import demand elasticities (positive magnitudes) keyed by code at each level.

    Built at the I/O edge from Hauk (2012): only estimates with the right sign are kept, so a
    wrong-signed HS10 estimate falls through to HS6 rather than being used.
    """

    hts10: dict[str, float] = field(default_factory=dict)
    hs6: dict[str, float] = field(default_factory=dict)
    naics6: dict[str, float] = field(default_factory=dict)
    default: float = 1.5


def lookup_elasticity(hts10: pd.Series, naics6: pd.Series | None,
                      tables: ElasticityTables) -> tuple[npt.NDArray[np.float64],
                                                         npt.NDArray[np.object_]]:
    """Elasticity per line and the level it came from: HS10 → HS6 → NAICS6 → default."""
    codes = hts10.astype(str)
    n = len(codes)
    eps = np.full(n, np.nan)
    level = np.full(n, ElasticityLevel.default.value, dtype=object)
    candidates: list[tuple[ElasticityLevel, pd.Series, dict[str, float]]] = [
        (ElasticityLevel.hts10, codes, tables.hts10),
        (ElasticityLevel.hs6, codes.str[:6], tables.hs6),
    ]
    if naics6 is not None:
        candidates.append((ElasticityLevel.naics6, naics6.astype(str), tables.naics6))
    for lvl, keys, table in candidates:
        found = keys.map(table).to_numpy(dtype=float, na_value=np.nan)
        take = np.isnan(eps) & np.isfinite(found)
        eps[take] = found[take]
        level[take] = lvl.value
    eps[np.isnan(eps)] = tables.default
    return eps, level


@dataclass(frozen=True, slots=True)
class SmartParams:
    """SMART settings (WITS defaults)."""

    sigma: float = SIGMA_DEFAULT
    supply_elasticity: float = SUPPLY_ELASTICITY_DEFAULT
    capped: bool = True


def smart_effects(m: npt.NDArray[np.float64], t0: npt.NDArray[np.float64],
                  t1: npt.NDArray[np.float64], eps: npt.NDArray[np.float64],
                  m_rest: npt.NDArray[np.float64] | None,
                  params: SmartParams | None = None) -> pd.DataFrame:
    """Creation, diversion (NaN where no rest-of-world imports are known), revenue, welfare."""
    params = params or SmartParams()
    creation = trade_creation(m, t0, t1, eps, params.supply_elasticity)
    if m_rest is None:
        diversion = np.full(len(m), np.nan)
    else:
        x = relative_price_change(t0, t1)
        diversion = trade_diversion(m, m_rest, x, params.sigma, capped=params.capped)
    new_imports = m + creation + np.nan_to_num(diversion)
    return pd.DataFrame({
        "trade_creation": creation,
        "trade_diversion": diversion,
        "revenue_before": t0 * m,
        "revenue_after": t1 * new_imports,
        "welfare": welfare(t0, t1, creation),
    })
