"""Export potential of one exporter's product in every market, after Decreux & Spies (2016).

ITC's Export Potential Assessment writes the potential export value of exporter *i* of product
*k* to market *j* as a product of three kinds of factor — the exporter's supply, the market's
demand (with the exporter's access to it), and the ease of trade between the two:

    raw_ijk      = supply_ik × demand_jk × access_ijk × ease_ij
    supply_ik    = X_ik / W_k × g_i          (share of world exports of k; projected growth g_i)
    demand_jk    = M_jk × h_j                (market's imports of k; projected growth h_j)
    access_ijk   = tariff_ijk × distance_ijk
    tariff_ijk   = ((1 + τ_ijk) / (1 + τ̄_jk)) ^ (−σ)   (tariff faced vs suppliers' average)
    distance_ijk = (d_ij / d̄_jk) ^ (−δ)                (distance vs suppliers' average, d̄
                                                         weighted by the market's imports of k)
    ease_ij      = (X_ij + κ·E_ij) / ((1 + κ)·E_ij),  E_ij = X_i·M_j / W  (all products)
    potential_ijk = raw_ijk × scale_ik,  scale_ik = X_ik·g_i / Σ_j raw_ijk
    unrealised_ijk = max(potential_ijk − X_ijk, 0)

The scale makes the potentials of an exporter add up to its (projected) supply, as in ITC's
method: the model says *where* the supply would go, not that it can double. Ease compares the
pair's trade across every product of the data with what the two countries' sizes predict,
shrunk towards 1 by κ so a market the exporter has never sold to keeps a chance (κ = 1: a
pair without trade gets ease ½). Full derivation and references: docs/methods/export-potential.md.

Components the data lacks are :class:`Assumptions` with neutral defaults (no GDP growth, no
tariff difference); every result lists, in :attr:`Potential.assumptions`, which were used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from comexlab.i18n import Msg
from comexlab.markets.geo import great_circle_km

#: Mean distance elasticity of trade in Disdier & Head's (2008) meta-analysis of 1,467
#: gravity estimates (0.9): a market twice as far as its average supplier gets 2^-0.9 = 0.54.
DISTANCE_ELASTICITY = 0.9
#: Trade elasticity applied to tariff differences (σ); only used when tariffs are given.
TARIFF_ELASTICITY = 4.0
EASE_PRIOR = 1.0

COLUMNS = ("rank", "market", "demand_usd", "supply_share", "tariff_factor", "distance_km",
           "suppliers_distance_km", "distance_factor", "access", "ease", "potential_usd",
           "actual_usd", "unrealised_usd")


@dataclass(frozen=True, slots=True)
class Assumptions:
    """What the data cannot say, with neutral defaults.

    ``tariffs``: market → (rate the exporter faces, import-weighted average rate of the
    market's suppliers), as fractions; a market missing has factor 1. ``demand_growth``:
    market → projected growth factor of its imports (e.g. from IMF WEO GDP projections ×
    an income elasticity); missing = 1. ``supply_growth``: the exporter's projected growth.
    """

    distance_elasticity: float = DISTANCE_ELASTICITY
    tariff_elasticity: float = TARIFF_ELASTICITY
    ease_prior: float = EASE_PRIOR
    supply_growth: float = 1.0
    tariffs: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    demand_growth: Mapping[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        """The parameters in one machine-readable line (a column of JSON/CSV output)."""
        return ";".join([
            f"distance_elasticity={self.distance_elasticity:g}",
            f"ease_prior={self.ease_prior:g}",
            f"tariffs={len(self.tariffs)} markets (sigma={self.tariff_elasticity:g})"
            if self.tariffs else "tariffs=neutral default",
            f"demand_growth={len(self.demand_growth)} markets" if self.demand_growth
            else "demand_growth=neutral default",
            f"supply_growth={self.supply_growth:g}" if self.supply_growth != 1.0
            else "supply_growth=neutral default"])

    def used(self) -> tuple[Msg, ...]:
        """One message per component: the value used, and whether it is the neutral default."""
        msgs = [Msg("markets.assume.distance", elasticity=self.distance_elasticity),
                Msg("markets.assume.ease", prior=self.ease_prior)]
        msgs.append(Msg("markets.assume.tariffs", markets=len(self.tariffs),
                        sigma=self.tariff_elasticity) if self.tariffs
                    else Msg("markets.assume.no_tariffs"))
        msgs.append(Msg("markets.assume.demand_growth", markets=len(self.demand_growth))
                    if self.demand_growth else Msg("markets.assume.no_demand_growth"))
        msgs.append(Msg("markets.assume.supply_growth", growth=self.supply_growth)
                    if self.supply_growth != 1.0 else Msg("markets.assume.no_supply_growth"))
        return tuple(msgs)


@dataclass(frozen=True, slots=True)
class Potential:
    """Every market of one exporter's product, best (largest potential) first."""

    exporter: str
    product: str
    supply_usd: float          # X_ik: the exporter's exports of the product (other markets)
    world_usd: float           # W_k: world exports of the product
    scale: float
    markets: pd.DataFrame      # COLUMNS
    assumptions: tuple[Msg, ...]
    parameters: str            # Assumptions.summary()
    notes: tuple[Msg, ...] = ()

    @property
    def supply_share(self) -> float:
        """X_ik / W_k."""
        return self.supply_usd / self.world_usd if self.world_usd else 0.0


def _distances(exporter: str, product: pd.DataFrame, places: Mapping[str, tuple[float, float]]
               ) -> tuple[pd.Series, pd.Series]:
    """Exporter → market km, and each market's import-weighted mean km to its suppliers."""
    def km(a: str, b: str) -> float:
        return (great_circle_km(places[a], places[b]) if a in places and b in places
                else np.nan)

    flows = product[product["exporter"] != product["importer"]]
    flows = flows.assign(km=[km(a, b) for a, b in zip(flows["exporter"], flows["importer"],
                                                     strict=True)])
    known = flows.dropna(subset=["km"])
    weighted = (known["km"] * known["value_usd"]).groupby(known["importer"]).sum()
    mean = weighted / known.groupby("importer")["value_usd"].sum()
    markets = pd.Index(flows["importer"].unique())
    own = pd.Series([km(exporter, m) for m in markets], index=markets)
    return own, mean.reindex(markets)


def _ease(exporter: str, bilateral: pd.DataFrame, markets: pd.Index, prior: float) -> pd.Series:
    """(X_ij + κ·E_ij) / ((1 + κ)·E_ij) over every product of the data."""
    trade = bilateral[bilateral["exporter"] != bilateral["importer"]]
    world = float(trade["value_usd"].sum())
    x_i = float(trade.loc[trade["exporter"] == exporter, "value_usd"].sum())
    m_j = trade.groupby("importer")["value_usd"].sum().reindex(markets, fill_value=0.0)
    x_ij = (trade[trade["exporter"] == exporter].groupby("importer")["value_usd"].sum()
            .reindex(markets, fill_value=0.0))
    expected = x_i * m_j / world if world else pd.Series(0.0, index=markets)
    return ((x_ij + prior * expected) / ((1 + prior) * expected)).where(expected > 0, 1.0)


def _tariff(markets: pd.Index, a: Assumptions) -> pd.Series:
    factors = {m: ((1 + a.tariffs[m][0]) / (1 + a.tariffs[m][1])) ** (-a.tariff_elasticity)
               for m in markets if m in a.tariffs}
    return pd.Series(factors, dtype=float).reindex(markets, fill_value=1.0)


def export_potential(exporter: str, product_code: str, product: pd.DataFrame,
                     bilateral: pd.DataFrame, places: Mapping[str, tuple[float, float]],
                     assumptions: Assumptions | None = None) -> Potential:
    """Rank every market importing ``product_code`` for ``exporter``.

    ``product``: exporter, importer, value_usd of the product (the world matrix of one year);
    ``bilateral``: the same over every product of the data (for ease); ``places``: ISO3 →
    (lat, lon). The exporter's own market is never offered (BACI's re-imports are left out).
    """
    a = assumptions or Assumptions()
    world = float(product["value_usd"].sum())
    flows = product[product["exporter"] != product["importer"]]
    imports = flows.groupby("importer")["value_usd"].sum()
    imports = imports[(imports > 0) & (imports.index != exporter)]
    markets = imports.index
    actual = (flows[flows["exporter"] == exporter].groupby("importer")["value_usd"].sum()
              .reindex(markets, fill_value=0.0))
    supply = float(actual.sum())
    own_km, mean_km = _distances(exporter, product, places)
    own_km, mean_km = own_km.reindex(markets), mean_km.reindex(markets)
    distance = ((own_km / mean_km) ** (-a.distance_elasticity)).where(
        own_km.notna() & mean_km.notna() & (own_km > 0), 1.0)
    tariff = _tariff(markets, a)
    ease = _ease(exporter, bilateral, markets, a.ease_prior)
    growth = pd.Series(dict(a.demand_growth), dtype=float).reindex(markets, fill_value=1.0)
    demand = imports * growth
    share = supply / world * a.supply_growth if world else 0.0
    raw = share * demand * tariff * distance * ease
    scale = supply * a.supply_growth / float(raw.sum()) if float(raw.sum()) > 0 else 0.0
    potential = raw * scale
    table = pd.DataFrame({
        "market": markets, "demand_usd": demand.to_numpy(), "supply_share": share,
        "tariff_factor": tariff.to_numpy(), "distance_km": own_km.to_numpy(),
        "suppliers_distance_km": mean_km.to_numpy(), "distance_factor": distance.to_numpy(),
        "access": (tariff * distance).to_numpy(), "ease": ease.to_numpy(),
        "potential_usd": potential.to_numpy(), "actual_usd": actual.to_numpy(),
        "unrealised_usd": np.maximum(potential.to_numpy() - actual.to_numpy(), 0.0),
    }).sort_values(["potential_usd", "market"], ascending=[False, True]).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return Potential(exporter, product_code, supply, world, scale, table[list(COLUMNS)],
                     a.used(), a.summary(), _notes(exporter, supply, own_km, mean_km))


def _notes(exporter: str, supply: float, own_km: pd.Series, mean_km: pd.Series
           ) -> tuple[Msg, ...]:
    notes = []
    if supply == 0:
        notes.append(Msg("markets.note.no_supply", exporter=exporter))
    unplaced = sorted(str(m) for m in own_km.index[own_km.isna() | mean_km.isna()])
    if unplaced:
        notes.append(Msg("markets.note.no_distance", markets=", ".join(unplaced)))
    return tuple(notes)
