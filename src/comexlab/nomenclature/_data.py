"""The nomenclature's package data tables, and the bilingual names its entries carry."""

from __future__ import annotations

from comexlab.package_data import csv_table


def table(name: str) -> tuple[dict[str, str], ...]:
    """Rows of ``nomenclature/data/<name>.csv`` as dicts of strings, in file order."""
    return csv_table("comexlab.nomenclature", name)


class BilingualNames:
    """Mixin for entries named in English and Spanish, long and short (HS sections, SCIAN).

    The entry (a slotted dataclass) declares the four fields; this gives it ``name()``.
    """

    __slots__ = ()
    short_en: str
    short_es: str
    name_en: str
    name_es: str

    def name(self, lang: str = "es", *, short: bool = False) -> str:
        """Name in ``lang`` (Spanish unless 'en'); ``short`` for table labels."""
        if short:
            return self.short_es if lang == "es" else self.short_en
        return self.name_es if lang == "es" else self.name_en
