"""The controlled taxonomy of manufacturing processes (capabilities) suppliers declare.

Shipped as package data ``supply/data/processes.csv`` so that agencies extend it without code:
each process has English and Spanish names and the HS chapters/headings its products usually fall
in, which is how matching work links a capability to traded products.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from comexlab.package_data import csv_table


@dataclass(frozen=True, slots=True)
class Process:
    """One manufacturing process of the taxonomy."""

    code: str
    name_en: str
    name_es: str
    hs_chapters: tuple[str, ...]
    hs_headings: tuple[str, ...]

    def name(self, lang: str = "es") -> str:
        """Name in the reader's language."""
        return self.name_es if lang == "es" else self.name_en


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


@lru_cache(maxsize=1)
def processes() -> dict[str, Process]:
    """All processes by code, in file order."""
    out: dict[str, Process] = {}
    for row in csv_table("comexlab.supply", "processes"):
        out[row["code"]] = Process(row["code"], row["name_en"], row["name_es"],
                                   _split(row["hs_chapters"]), _split(row["hs_headings"]))
    return out


def processes_for_hs(code: str) -> list[Process]:
    """Processes whose usual products include HS ``code`` (chapter, heading or longer)."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return [p for p in processes().values()
            if digits[:4] in p.hs_headings or digits[:2] in p.hs_chapters]
