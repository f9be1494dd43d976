"""Named product lists a scenario or the regime timeline may select products by.

A :class:`ProductList` names a ``budgetlab_tariff_resources`` file, its code column and row
filters; the I/O edge (:func:`comexlab.sources.scenario_inputs.read_product_list`) resolves it
to HTS prefixes. A leaf module (it imports nothing of comexlab) so that the scenario parser,
the regime lists and the sources can all use it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProductList:
    """A named product list resolved at the I/O edge from a ``budgetlab_tariff_resources`` file."""

    name: str
    file: str
    code_column: str | None          # None: plain text file, one code a line
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (column, accepted values)
    description: str = ""


_ANNEX = "budgetlab_tariff_resources/s232_annex_products.csv"
PRODUCT_LISTS: dict[str, ProductList] = {p.name: p for p in (
    ProductList("budgetlab:s232_auto_parts", "budgetlab_tariff_resources/s232_auto_parts.txt",
                None, description="Section 232 automobile parts (HTS10)"),
    ProductList("budgetlab:s232_mhd_parts", "budgetlab_tariff_resources/s232_mhd_parts.txt",
                None, description="Section 232 medium/heavy-duty vehicle parts (HTS10)"),
    ProductList("budgetlab:s232_steel", _ANNEX, "hts_prefix", (("metal_type", ("steel",)),),
                "Section 232 steel, all annexes (1a, 1b, 2, 3)"),
    ProductList("budgetlab:s232_aluminum", _ANNEX, "hts_prefix",
                (("metal_type", ("aluminum",)),), "Section 232 aluminium, all annexes"),
    ProductList("budgetlab:s232_steel_1a", _ANNEX, "hts_prefix",
                (("metal_type", ("steel",)), ("annex", ("1a",))),
                "Section 232 steel, annex 1a (the metal articles themselves)"),
    ProductList("budgetlab:s232_aluminum_1a", _ANNEX, "hts_prefix",
                (("metal_type", ("aluminum",)), ("annex", ("1a",))),
                "Section 232 aluminium, annex 1a (the metal articles themselves)"),
    ProductList("budgetlab:s232_copper", "budgetlab_tariff_resources/s232_copper_products.csv",
                "hts10", description="Section 232 copper products"),
    ProductList("budgetlab:s232_derivatives",
                "budgetlab_tariff_resources/s232_derivative_products.csv", "hts_prefix",
                description="Section 232 steel/aluminium derivative products"),
    ProductList("budgetlab:ieepa_exempt", "budgetlab_tariff_resources/ieepa_exempt_products.csv",
                "hts10", description="IEEPA-exempt products (HTS10)"),
    ProductList("budgetlab:fentanyl_carveout",
                "budgetlab_tariff_resources/fentanyl_carveout_products.csv", "hts8",
                description="IEEPA fentanyl tariff carve-outs (HTS8)"),
)}
