"""Special tariff treatment programs: the codes printed in parentheses in the special column.

The table itself is package data (``tariffs/data/programs.csv``, from HTS General Note 3(c)(i)
and the general note of each program) so analysts can read and correct it without touching code;
this module only gives it a type and reads it (through :mod:`comexlab.package_data`). It is
the one list of program codes: the scenario parser's :data:`KNOWN_PROGRAMS` and the warehouse's
``hts_program`` table are both built from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from comexlab.package_data import csv_table


@dataclass(frozen=True, slots=True)
class Program:
    """One program code, e.g. ``S`` = USMCA (Mexico, Canada) or ``MX`` = NAFTA (Mexico)."""

    program: str
    name_en: str
    name_es: str
    agreement: str
    countries: tuple[str, ...]   # ISO3; empty = many beneficiaries (GSP, AGOA, CBERA, …)
    in_force: str | None
    general_note: str | None

    def name(self, lang: str = "es") -> str:
        """Name in the reader's language."""
        return self.name_es if lang == "es" else self.name_en


def programs_from_rows(rows: list[dict[str, str]]) -> dict[str, Program]:
    """Build the program table from CSV rows; a duplicated code is a data bug, so it raises."""
    table: dict[str, Program] = {}
    for row in rows:
        code = row["program"].strip()
        if code in table:
            raise ValueError(f"program code {code!r} listed twice in the program table")
        table[code] = Program(
            program=code,
            name_en=row["name_en"].strip(),
            name_es=row["name_es"].strip(),
            agreement=row["agreement"].strip(),
            countries=tuple(row["countries"].split()),
            in_force=row.get("in_force", "").strip() or None,
            general_note=row.get("general_note", "").strip() or None,
        )
    return table


def shipped_programs() -> dict[str, Program]:
    """The program table shipped as package data (``tariffs/data/programs.csv``)."""
    return programs_from_rows(list(csv_table("comexlab.tariffs", "programs")))


KNOWN_PROGRAMS: frozenset[str] = frozenset(shipped_programs())
"""Special-column program codes of the HTS general notes, as listed in ``programs.csv``: what a
scenario may name before any HTS edition is loaded (afterwards the loaded ``hts_program``
table, built from the same file, is passed in)."""
