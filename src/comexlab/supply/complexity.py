"""Economic complexity of places × products: RCA, M, proximity, density, ECI, PCI, COI, COG.

Pure numpy on one year's value matrix (places in rows, products in columns), following the
Growth Lab's conventions so that results equal the Atlas and its Stata/Python ``ecomplexity``
packages (discrete presence, RCA threshold 1, symmetric proximity):

* ``RCA[c,p] = (X[c,p] / X[c,·]) / (X[·,p] / X[·,·])`` (Balassa 1965); ``M = RCA >= 1``.
* diversity ``k_c = Σ_p M``; ubiquity ``k_p = Σ_c M``.
* ECI is the eigenvector of the second-largest eigenvalue of ``M̃_cc = (M/k_c)(M/k_p)ᵀ``; PCI the
  same for ``M̃_pp``; the sign is chosen so that ECI correlates **positively with diversity**
  (the Atlas convention). ECI is standardised (mean 0, s.d. 1) and PCI is put on the ECI
  scale (same shift and divisor), as the Stata package does, so state and product values compare.
  The s.d. is the sample s.d. over the place × product rows (Stata works on the long data).
* proximity ``φ[p,q] = Σ_c M_cp M_cq / max(k_p, k_q)`` (diagonal 0; Hidalgo et al. 2007).
* density ``ω[c,p] = Σ_q M_cq φ[q,p] / Σ_q φ[q,p]``: how much of what is near ``p`` place ``c``
  already does — the feasibility of ``p`` in ``c``.
* COI ``= Σ_p ω[c,p] (1 − M[c,p]) kp_p``, then standardised like ECI; COG ``[c,p] = (1 − M[c,p])
  Σ_q (1 − M[c,q]) φ[q,p] kp_q / Σ_q' φ[q,q']`` divided by the ECI s.d. (``kp`` = the signed,
  unstandardised PCI eigenvector — exactly the Stata package's choices).

WHY our own code and not the ``ecomplexity`` package: its last release (0.5.3, 2024) prints to
stdout, works on whole data frames and pins nothing we control; the formulas are twenty lines,
and the Growth Lab's own Stata output (``harvard_ecomplexity``) is the test that they agree.
Places or products with zero total value are dropped before the computation (they have no
RCA); withheld cells (INEGI code 000) must be removed by the caller — they are not a product.
Degenerate inputs: when every place is alike (s.d. 0) ECI, PCI, COI and COG are 0 — there is
no ranking to give — and a product close to nothing (proximity row 0) passes no COG weight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
Vector = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Complexity:
    """Every complexity measure of one year; rows follow ``places``, columns ``products``."""

    places: tuple[str, ...]
    products: tuple[str, ...]
    value: Matrix
    rca: Matrix
    m: Matrix
    diversity: Vector
    ubiquity: Vector
    proximity: Matrix
    density: Matrix
    eci: Vector
    pci: Vector
    coi: Vector
    cog: Matrix

    def place_index(self, place: str) -> int:
        """Row of ``place`` (ValueError naming it when it has no data this year)."""
        try:
            return self.places.index(place)
        except ValueError:
            raise ValueError(f"no complexity data for place {place!r}") from None

    def records(self) -> list[dict[str, object]]:
        """One dict per place × product with every measure (for tables and tests)."""
        out: list[dict[str, object]] = []
        for i, place in enumerate(self.places):
            for j, product in enumerate(self.products):
                out.append({
                    "place": place, "product": product, "value": float(self.value[i, j]),
                    "rca": float(self.rca[i, j]), "m": int(self.m[i, j]),
                    "density": float(self.density[i, j]), "eci": float(self.eci[i]),
                    "pci": float(self.pci[j]), "diversity": int(self.diversity[i]),
                    "ubiquity": int(self.ubiquity[j]), "coi": float(self.coi[i]),
                    "cog": float(self.cog[i, j]),
                })
        return out


def value_matrix(values: Mapping[tuple[str, str], float]
                 ) -> tuple[tuple[str, ...], tuple[str, ...], Matrix]:
    """(places, products, matrix) from {(place, product): value}; absent pairs are 0.

    Negative values are refused: exports cannot be negative and a negative would flip RCA.
    """
    bad = [(key, v) for key, v in values.items() if not np.isfinite(v) or v < 0]
    if bad:
        raise ValueError(f"values must be finite and >= 0; first bad: {bad[0]!r}")
    places = tuple(sorted({c for c, _ in values}))
    products = tuple(sorted({p for _, p in values}))
    row = {c: i for i, c in enumerate(places)}
    col = {p: j for j, p in enumerate(products)}
    mat = np.zeros((len(places), len(products)))
    for (c, p), v in values.items():
        mat[row[c], col[p]] += v
    return places, products, mat


def rca(value: Matrix) -> Matrix:
    """Balassa's revealed comparative advantage of every place in every product."""
    share_in_place = value / value.sum(axis=1, keepdims=True)
    share_in_world = value.sum(axis=0, keepdims=True) / value.sum()
    return np.asarray(share_in_place / share_in_world, dtype=np.float64)


def presence(rca_values: Matrix, threshold: float = 1.0) -> Matrix:
    """M: 1 where RCA reaches the threshold (the Atlas uses 1), else 0."""
    return np.where(np.nan_to_num(rca_values) >= threshold, 1.0, 0.0)


def proximity(m: Matrix) -> Matrix:
    """Symmetric product proximity: co-occurrence over the larger ubiquity, diagonal 0."""
    ubiquity = m.sum(axis=0)
    co = m.T @ m
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = np.nan_to_num(co / np.maximum.outer(ubiquity, ubiquity))
    np.fill_diagonal(phi, 0.0)
    return np.asarray(phi, dtype=np.float64)


def density(m: Matrix, phi: Matrix) -> Matrix:
    """Share of each product's proximity mass already present in each place."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.nan_to_num((m @ phi) / phi.sum(axis=0, keepdims=True)),
                          dtype=np.float64)


def _eci_pci_raw(m: Matrix) -> tuple[Vector, Vector]:
    """Unstandardised ECI (kc) and PCI (kp), signed so that ECI correlates with diversity."""
    diversity = m.sum(axis=1)
    ubiquity = m.sum(axis=0)
    m_c = m / diversity[:, None]
    m_p = m / ubiquity[None, :]
    mpp = m_p.T @ m_c
    eigvals, eigvecs = np.linalg.eig(mpp)
    order = np.argsort(np.real(eigvals))
    kp = np.real(eigvecs[:, order[-2]])
    kc = m_c @ kp
    return kc * _sign(diversity, kc), kp * _sign(diversity, kc)


def _sign(diversity: Vector, kc: Vector) -> float:
    """+1 or −1 so that ECI correlates positively with diversity (+1 when either is flat)."""
    if np.ptp(diversity) == 0 or np.ptp(kc) == 0:
        return 1.0
    return -1.0 if np.corrcoef(diversity, kc)[0, 1] < 0 else 1.0


def complexity(places: Sequence[str], products: Sequence[str], value: Matrix,
               *, threshold: float = 1.0) -> Complexity:
    """All measures for one year of a places × products value matrix (see module doc)."""
    value = np.asarray(value, dtype=np.float64)
    keep_c = value.sum(axis=1) > 0
    keep_p = value.sum(axis=0) > 0
    value = value[keep_c][:, keep_p]
    places = tuple(c for c, k in zip(places, keep_c, strict=True) if k)
    products = tuple(p for p, k in zip(products, keep_p, strict=True) if k)
    r = rca(value)
    m = presence(r, threshold)
    diversity, ubiquity = m.sum(axis=1), m.sum(axis=0)
    if (diversity == 0).any() or (ubiquity == 0).any() or len(places) < 3:
        raise ValueError("complexity needs >= 3 places and every place/product present "
                         "somewhere (RCA >= threshold)")
    kc, kp = _eci_pci_raw(m)
    mean, sd = kc.mean(), _long_sd(kc, len(products))
    phi = proximity(m)
    dens = density(m, phi)
    coi_raw = ((dens * (1 - m)) * kp[None, :]).sum(axis=1)
    coi = _standardised(coi_raw, coi_raw.mean(), _long_sd(coi_raw, len(products)))
    mass = phi.sum(axis=1, keepdims=True)
    weight = np.divide(phi, mass, out=np.zeros_like(phi), where=mass > 0)
    cog = _standardised((1 - m) * (((1 - m) * kp[None, :]) @ weight), 0.0, sd) + 0.0
    return Complexity(places, products, value, r, m, diversity, ubiquity, phi, dens,
                      _standardised(kc, mean, sd), _standardised(kp, mean, sd), coi, cog)


def _standardised(x: npt.NDArray[np.float64], mean: float, sd: float) -> npt.NDArray[np.float64]:
    """``(x − mean) / sd``; all zeros when sd is 0 (every place alike: no ranking to give)."""
    if sd == 0 or not np.isfinite(sd):
        return np.zeros_like(x)
    return np.asarray((x - mean) / sd, dtype=np.float64)


def _long_sd(per_place: Vector, n_products: int) -> float:
    """Sample s.d. of a place measure repeated over the place × product rows.

    WHY: Stata's ``ecomplexity`` standardises ECI and COI in the long (place × product) data
    set, so its divisor is the sample s.d. over N = places × products rows, not over places.
    """
    n = per_place.size * n_products
    return float(per_place.std(ddof=0) * np.sqrt(n / (n - 1)))
