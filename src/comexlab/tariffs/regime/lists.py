"""Named product lists of the regime timeline that the scenario catalog does not already hold.

Each is a :class:`~comexlab.tariffs.product_lists.ProductList` (file of
``budgetlab_tariff_resources`` + code column + row filters), resolved to HTS prefixes at the I/O
edge (:func:`comexlab.sources.scenario_inputs.read_product_list`). ``regime:`` lists are
defined in the timeline file itself.
"""

from __future__ import annotations

from comexlab.tariffs.product_lists import PRODUCT_LISTS, ProductList

_BL = "budgetlab_tariff_resources/"
_ANNEX = _BL + "s232_annex_products.csv"
_DERIV = _BL + "s232_derivative_products.csv"

REGIME_LISTS: dict[str, ProductList] = {p.name: p for p in (
    ProductList("budgetlab:fentanyl_potash_mx", _BL + "fentanyl_carveout_products.csv", "hts8",
                (("category", ("potash_mx",)),),
                "Potash of Mexico at the reduced IEEPA rate (9903.01.05, U.S. note 2(c))"),
    ProductList("budgetlab:s232_aluminum_deriv_2025", _DERIV, "hts_prefix",
                (("derivative_type", ("aluminum",)), ("effective_date", ("",))),
                "Aluminium derivatives of U.S. note 19 (9903.85.04/.07/.08) before the "
                "August 2025 inclusions"),
    ProductList("budgetlab:s232_aluminum_deriv_incl", _DERIV, "hts_prefix",
                (("derivative_type", ("aluminum",)), ("effective_date", ("2025-08-18",))),
                "Aluminium derivatives added by the inclusions process (18 Aug 2025)"),
    ProductList("budgetlab:s232_steel_deriv_incl", _DERIV, "hts_prefix",
                (("derivative_type", ("steel",)), ("effective_date", ("2025-08-18",))),
                "Steel derivatives added by the inclusions process (9903.81.91, 18 Aug 2025)"),
    *(ProductList(f"budgetlab:s232_annex_{tier}", _ANNEX, "hts_prefix",
                  (("annex", (tier,)),), f"Section 232 metals annex {tier} (all metals, from "
                  "6 Apr 2026)") for tier in ("1a", "1b", "2", "3")),
    ProductList("budgetlab:s232_semi", _BL + "s232_semi_products.csv", "hts10",
                description="Section 232 semiconductor lines (9903.79.01, U.S. note 39)"),
    ProductList("budgetlab:s201_solar", _BL + "s201_solar_products.csv", "hts10",
                description="Section 201 solar cells and modules (9903.45.21/.25)"),
)}

CATALOG: dict[str, ProductList] = {**PRODUCT_LISTS, **REGIME_LISTS}
"""Every list a timeline may name (scenario lists + regime lists)."""
